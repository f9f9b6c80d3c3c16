import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sha256 } from '../../services/core/test/sql/helpers.js'
import type { Stack } from './stack.js'

/**
 * Registers a source of one SQLite database in the stack's DATA_DIR: `fill` makes its tables
 * (<name>/db/<dbId>/<dbId>.sqlite), `questions` are its BIRD items (<name>/questions.json).
 * Returns the database's path and its sha256 as written, for tests that check that nothing
 * the suite does changes the file.
 */
export async function addOneDbSource (stack: Stack, name: string, dbId: string, fill: (db: Database.Database) => void, questions: object[]): Promise<{ dbPath: string, sha256: string }> {
  const dir = join(stack.dataDir, name)
  mkdirSync(join(dir, 'db', dbId), { recursive: true })
  const dbPath = join(dir, 'db', dbId, `${dbId}.sqlite`)
  const db = new Database(dbPath)
  fill(db)
  db.close()
  const written = sha256(dbPath)
  writeFileSync(join(dir, 'questions.json'), JSON.stringify(questions))
  await stack.registerSource(name, `${name}/questions.json`, `${name}/db`)
  return { dbPath, sha256: written }
}
