import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'

export type StateDb = Database.Database

/**
 * Opens a service's own state database (WAL, foreign keys on) and applies its
 * migrations in order. Each migration runs once, recorded in `schema_migrations`.
 * Core's job tables come first so every service has them.
 */
export function openStateDb (file: string, migrations: string[] = []): StateDb {
  mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)')
  const all = [['core.jobs.1', JOB_TABLES], ...migrations.map((sql, i) => [`service.${i + 1}`, sql])]
  const done = new Set(db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[])
  for (const [name, sql] of all) {
    if (done.has(name)) continue
    db.transaction(() => {
      db.exec(sql)
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(name, new Date().toISOString())
    })()
  }
  return db
}

/** Drops the job runtime's bookkeeping of one job (its plan and item rows); call inside the record's delete transaction. */
export function deleteJobRows (db: StateDb, jobId: string): void {
  db.prepare('DELETE FROM job_items WHERE job_id = ?').run(jobId)
  db.prepare('DELETE FROM job_plans WHERE job_id = ?').run(jobId)
}

const JOB_TABLES = `
CREATE TABLE job_plans (
  job_id TEXT PRIMARY KEY,
  total INTEGER NOT NULL,
  published INTEGER NOT NULL DEFAULT 0,
  planned_at TEXT NOT NULL
);
-- One row per finished item, written before the item's message is acked: the unique
-- key makes a redelivered item a no-op, and counting rows is how much work is done.
CREATE TABLE job_items (
  job_id TEXT NOT NULL,
  item_key TEXT NOT NULL,
  ok INTEGER NOT NULL,
  result TEXT NOT NULL,
  deliveries INTEGER NOT NULL,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (job_id, item_key)
);
`
