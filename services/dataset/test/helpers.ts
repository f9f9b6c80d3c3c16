// Test helpers of the dataset service: throwaway BIRD-layout sources with real SQLite files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'

export interface TinySource {
  /** The allowed root the paths below are relative to. */
  root: string
  questions: string
  databases: string
}

/** `databases/<db_id>/<db_id>.sqlite` with one table `t(x)` holding `rows` rows. */
export function makeDatabase (databasesDir: string, dbId: string, rows = 3): string {
  mkdirSync(join(databasesDir, dbId), { recursive: true })
  const file = join(databasesDir, dbId, `${dbId}.sqlite`)
  const db = new Database(file)
  db.exec('CREATE TABLE t (x INTEGER)')
  const insert = db.prepare('INSERT INTO t VALUES (?)')
  for (let i = 1; i <= rows; i++) insert.run(i)
  db.close()
  return file
}

/**
 * A BIRD-layout split under a fresh root: `dev.json` with `questions` (BIRD fields) and a
 * database for every db_id in `dbIds` (those the questions name, unless given).
 */
export function makeSource (questions: Array<Record<string, unknown>>, dbIds?: string[]): TinySource {
  const root = mkdtempSync(join(tmpdir(), 't2s-dataset-src-'))
  writeFileSync(join(root, 'dev.json'), JSON.stringify(questions))
  for (const id of dbIds ?? [...new Set(questions.map((q) => String(q.db_id)))]) makeDatabase(join(root, 'dev_databases'), id)
  return { root, questions: 'dev.json', databases: 'dev_databases' }
}

/** `n` questions over the given databases in turn, difficulties simple, moderate, challenging, none. */
export function questionsOver (dbIds: string[], n: number): Array<Record<string, unknown>> {
  const difficulties = ['simple', 'moderate', 'challenging', undefined]
  return Array.from({ length: n }, (_, i) => ({
    question_id: 100 + i,
    db_id: dbIds[i % dbIds.length],
    question: `How many rows, question ${i}?`,
    evidence: i % 2 === 0 ? '' : `hint ${i}`,
    SQL: `SELECT count(*) FROM t WHERE x > ${i % 3}`,
    ...(difficulties[i % 4] === undefined ? {} : { difficulty: difficulties[i % 4] })
  }))
}
