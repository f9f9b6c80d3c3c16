// Test helpers: where the shared benchmark data is, and throwaway SQLite databases.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { sharedDataDir } from '../../../../test/helpers/shared-data.js'

export const sharedData = sharedDataDir()
export const birdSample = join(sharedData, 'bird-sample')
export const birdOfficial = join(sharedData, 'bird-official-nodb')
// The repository's statement of the recipe's formats; the prompt tests check the builder against it.
export const recipeFormats = fileURLToPath(new URL('../../../../docs/recipe-formats.md', import.meta.url))
export const recipeSchemaPy = fileURLToPath(new URL('./recipe_schema.py', import.meta.url))

// node:test skip reasons (false = run).
export const noBirdSample = existsSync(birdSample) ? false : `shared data not found at ${birdSample} (set T2S_SHARED_DATA)`
export const noBirdOfficial = existsSync(birdOfficial) ? false : `shared data not found at ${birdOfficial} (set T2S_SHARED_DATA)`
export const noPython = spawnSync('python3', ['-c', 'import sqlite3, json'], { stdio: 'ignore' }).status === 0
  ? false
  : 'python3 with sqlite3 is not available'

export type BirdItem = { db_id: string, question: string, evidence: string, SQL: string }

export function birdSampleDbs (): string[] {
  const out: string[] = []
  for (const split of ['dev_databases', 'train_databases']) {
    for (const db of readdirSync(join(birdSample, split)).sort()) out.push(join(birdSample, split, db, `${db}.sqlite`))
  }
  return out
}

// Every dev and train question of bird-sample with its database path.
export function birdSampleItems (): (BirdItem & { dbPath: string })[] {
  const read = (file: string, dbs: string): (BirdItem & { dbPath: string })[] =>
    (JSON.parse(readFileSync(join(birdSample, file), 'utf8')) as BirdItem[])
      .map((it) => ({ ...it, dbPath: join(birdSample, dbs, it.db_id, `${it.db_id}.sqlite`) }))
  return [...read('dev.json', 'dev_databases'), ...read('train.json', 'train_databases')]
}

export function tempDir (t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 't2s-prompts-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export function makeDb (path: string, sql: string): void {
  const db = new Database(path)
  db.exec(sql)
  db.close()
}

type TablesJson = { db_id: string, table_names_original: string[], column_names_original: [number, string][], column_types: string[] }

// Real BIRD dev schemas (dev_tables.json) as empty SQLite files, since the real BIRD databases
// are not in shared data: enough to match the real description CSVs against real columns.
export function birdOfficialDbs (dir: string): { dbId: string, dbPath: string, descriptionDir: string }[] {
  const schemas = JSON.parse(readFileSync(join(birdOfficial, 'dev_tables.json'), 'utf8')) as TablesJson[]
  return schemas.map((s) => {
    const q = (n: string): string => '"' + n.replaceAll('"', '""') + '"'
    const ddl = s.table_names_original.map((t, ti) => {
      const cols = s.column_names_original.flatMap(([i, c], ci) => i === ti ? [`${q(c)} ${s.column_types[ci]}`] : [])
      return `CREATE TABLE ${q(t)} (${cols.join(', ')});`
    }).join('\n')
    const dbPath = join(dir, `${s.db_id}.sqlite`)
    makeDb(dbPath, ddl)
    return { dbId: s.db_id, dbPath, descriptionDir: join(birdOfficial, 'dev_databases', s.db_id, 'database_description') }
  })
}
