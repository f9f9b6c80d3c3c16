/** Plain-text output: the official scorer's table layout and small aligned tables. */

const LEVELS = ['simple', 'moderate', 'challenging', 'total'] as const
type Buckets = Record<typeof LEVELS[number], number>

const col = (s: string, w = 20) => s.padEnd(w)

/** The table the official BIRD scorer prints (print_data), EX then Soft-F1. */
export function scorerTable (counts: Buckets, ex: Buckets, softF1: Buckets): string {
  const rows = [
    [col(''), ...LEVELS.map((l) => col(l))].join(' '),
    [col('count'), ...LEVELS.map((l) => col(String(counts[l])))].join(' ')
  ]
  for (const [metric, scores] of [['EX', ex], ['Soft-F1', softF1]] as const) {
    rows.push(`======================================    ${metric}    =====================================`)
    rows.push([col(metric), ...LEVELS.map((l) => col(scores[l].toFixed(2)))].join(' '))
  }
  return rows.map((r) => r.trimEnd()).join('\n')
}

/** Left-aligned columns separated by two spaces. */
export function table (header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

/** "43.37 [41.02, 45.74]" for a percent estimate with its interval; "-" for an empty bucket. */
export function withInterval (e: { value: number | null, low: number | null, high: number | null }, signed = false): string {
  if (e.value === null || e.low === null || e.high === null) return '-'
  const f = (x: number) => (signed && x > 0 ? '+' : '') + x.toFixed(2)
  return `${f(e.value)} [${f(e.low)}, ${f(e.high)}]`
}

/** A p-value as people read it: 4 significant digits, or "< 1e-12". */
export function pValue (p: number): string {
  if (p < 1e-12) return '< 1e-12'
  return p >= 0.001 ? p.toFixed(4) : p.toExponential(2)
}

export { LEVELS }
