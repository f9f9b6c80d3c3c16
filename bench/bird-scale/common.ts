/** Paths and helpers shared by the BIRD-scale benches (generate.ts makes the databases). */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
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
