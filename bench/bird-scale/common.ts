/** Paths and helpers shared by the BIRD-scale benches (generate.ts makes the databases). */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { sharedDataDir } from '../../test/helpers/shared-data.js'

export const BIRD_DIR = join(sharedDataDir(), 'bird-official-nodb')
export const OUT = resolve(process.env.T2S_BIRD_SCALE_DIR ?? 'bench/out/bird-scale')
export const DB_ROOT = join(OUT, 'dev_databases')

export interface DevQuestion { question_id: number, db_id: string, question: string, evidence: string, SQL: string, difficulty: string }

export function devQuestions (): DevQuestion[] {
  return JSON.parse(readFileSync(join(BIRD_DIR, 'dev.json'), 'utf8')) as DevQuestion[]
}

export const dbPath = (dbId: string, root = DB_ROOT): string => join(root, dbId, `${dbId}.sqlite`)

/** Exits with a message unless generate.ts has written the databases. */
export function requireDatabases (): void {
  if (!existsSync(join(OUT, 'manifest.json'))) {
    console.error(`no generated databases under ${OUT}: run npx tsx bench/bird-scale/generate.ts first`)
    process.exit(1)
  }
}

/** sha256 of every generated database file, to show that nothing wrote to them. */
export function digests (root = DB_ROOT): Record<string, string> {
  const ids = [...new Set(devQuestions().map((q) => q.db_id))].sort()
  return Object.fromEntries(ids.map((id) => [id, createHash('sha256').update(readFileSync(dbPath(id, root))).digest('hex')]))
}

export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))]
}

export function sameDigests (a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Resident memory (bytes) of `roots` and all their descendants, from /proc (Linux). */
export function treeRss (roots: number[]): number {
  const parent = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch { /* gone */ }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; p = parent.get(p), hops++) if (roots.includes(p)) return true
    return false
  }
  let sum = 0
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (m !== null) sum += Number(m[1]) * 1024
    } catch { /* gone */ }
  }
  return sum
}

/** Samples treeRss every `everyMs` until stopped; stop() gives the peak. */
export function rssPeak (roots: () => number[], everyMs = 200): { stop: () => number } {
  let peak = 0
  const timer = setInterval(() => { peak = Math.max(peak, treeRss(roots())) }, everyMs)
  return { stop: () => { clearInterval(timer); return Math.max(peak, treeRss(roots())) } }
}
