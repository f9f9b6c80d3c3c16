import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { Chart, type ChartConfiguration } from './chart.js'
import { post } from './api.js'
import { errorText, type Async } from './hooks.js'
import { tokenizeSql } from './sql.js'

export function ErrorBox ({ error }: { error: string | null }) {
  if (!error) return null
  return <pre class='error' role='alert'>{error}</pre>
}

export function Loading ({ what }: { what: string }) {
  return <p class='muted' aria-busy='true'>Loading {what}…</p>
}

/** A list page's heading, an optional intro, then the list's error or its loading line. */
export function ListHeader ({ title, what, list, children }: { title: string, what: string, list: Async<unknown>, children?: ComponentChildren }) {
  return (
    <>
      <h1>{title}</h1>
      {children}
      <ErrorBox error={list.error} />
      {!list.data && !list.error && <Loading what={what} />}
    </>
  )
}

/** A labelled filter: "all" (the empty value), any `extra` choices, then one option per value. */
export function FilterSelect ({ label, name, value, values, extra = [], onChange }: { label: string, name: string, value: string, values: readonly string[], extra?: Array<[string, string]>, onChange: (value: string) => void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)} aria-label={`${name} filter`}>
        <option value=''>all</option>
        {extra.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
        {values.map((v) => <option key={v} value={v}>{v}</option>)}
      </select>
    </label>
  )
}

export function StatusBadge ({ status }: { status: string }) {
  return <span class={`badge st-${status}`}>{status}</span>
}

export const PAGE_SIZE = 50

/** Pagination of a list held in memory: the page shows `PAGE_SIZE` rows, never the whole list. */
export function Pager ({ page, total, size = PAGE_SIZE, onPage }: { page: number, total: number, size?: number, onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / size))
  if (total <= size) return <p class='muted pager'>{total} {total === 1 ? 'row' : 'rows'}</p>
  return (
    <nav class='pager' aria-label='pages'>
      <button disabled={page <= 0} onClick={() => onPage(page - 1)} aria-label='previous page'>‹ Prev</button>
      <span>page {page + 1} of {pages} · rows {page * size + 1}–{Math.min(total, (page + 1) * size)} of {total}</span>
      <button disabled={page >= pages - 1} onClick={() => onPage(page + 1)} aria-label='next page'>Next ›</button>
    </nav>
  )
}

export const slicePage = <T,>(rows: readonly T[], page: number, size = PAGE_SIZE): T[] => rows.slice(page * size, (page + 1) * size)

/** SQL with keywords, strings, numbers and comments marked (spans, never innerHTML). */
export function SqlView ({ sql, label }: { sql: string | null, label?: string }) {
  if (sql === null || sql === '') return <pre class='sql muted'>(no SQL)</pre>
  return <pre class='sql' aria-label={label}>{tokenizeSql(sql).map((t, i) => t.kind === 'text' ? t.text : <span key={i} class={`tok-${t.kind}`}>{t.text}</span>)}</pre>
}

export function KeyValues ({ rows }: { rows: [string, ComponentChildren][] }) {
  return <dl class='kv'>{rows.map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}>{v}</dd>])}</dl>
}

export function Json ({ value }: { value: unknown }) {
  return <pre class='json'>{JSON.stringify(value, null, 2)}</pre>
}

/** A Chart.js canvas; the chart is updated in place when `config` changes (no re-creation flicker while a run streams). */
export function ChartView ({ config, label, height = 260 }: { config: ChartConfiguration, label: string, height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const chart = useRef<Chart | null>(null)
  useEffect(() => {
    if (!canvas.current) return
    chart.current = new Chart(canvas.current, config)
    return () => { chart.current?.destroy(); chart.current = null }
  }, [config.type])
  useEffect(() => {
    const c = chart.current
    if (!c) return
    c.data = config.data
    if (config.options) c.options = config.options
    c.update('none')
  }, [config])
  return <div class='chart' style={{ height: `${height}px` }}><canvas ref={canvas} role='img' aria-label={label} /></div>
}

interface SqlResult { status: string, columns: string[], rows: unknown[][], truncated: boolean, error?: string, elapsed_ms: number }

const cell = (v: unknown): string => v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v)

/** Runs `sql` in the sandbox on demand (POST /v1/sql/execute) and shows the first rows. */
export function ResultPreview ({ source, dbId, sql, label }: { source: string, dbId: string, sql: string | null, label: string }) {
  const [state, setState] = useState<{ result?: SqlResult, error?: string, running?: boolean }>({})
  useEffect(() => setState({}), [source, dbId, sql])
  if (!sql) return null
  const run = () => {
    setState({ running: true })
    post<SqlResult>('/v1/sql/execute', { source, db_id: dbId, sql, max_rows: 20 }).then(
      (result) => setState({ result }), (err: unknown) => setState({ error: errorText(err) }))
  }
  const r = state.result
  return (
    <div class='preview'>
      <button onClick={run} disabled={state.running}>{state.running ? 'Running…' : `Run ${label}`}</button>
      <ErrorBox error={state.error ?? null} />
      {r && r.status !== 'ok' && <pre class='error'>{r.status}: {r.error}</pre>}
      {r && r.status === 'ok' && (
        <div class='scroll'>
          <table class='grid small' aria-label={`${label} result`}>
            <thead><tr>{r.columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
            <tbody>{r.rows.map((row, i) => <tr key={i}>{row.map((v, j) => <td key={j}>{cell(v)}</td>)}</tr>)}</tbody>
          </table>
          <p class='muted'>{r.rows.length} row{r.rows.length === 1 ? '' : 's'}{r.truncated ? ' (first 20)' : ''} · {r.elapsed_ms.toFixed(0)} ms</p>
        </div>
      )}
    </div>
  )
}

export const fmtTime = (iso: string | null | undefined): string => iso ? new Date(iso).toLocaleString() : '–'
export const fmtBytes = (n: number): string => n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024 ** 3).toFixed(2)} GiB`
