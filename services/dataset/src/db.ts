import { datasetRecordsTable } from '@t2s/core/datasets'
import { openStateDb, type StateDb } from '@t2s/core'

/** The dataset service's own tables; core adds its job tables first. */
const MIGRATIONS = [
  `CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    questions TEXT NOT NULL,
    databases TEXT NOT NULL,
    questions_path TEXT NOT NULL,
    databases_path TEXT NOT NULL,
    questions_sha256 TEXT NOT NULL,
    question_count INTEGER NOT NULL,
    db_ids TEXT NOT NULL,
    difficulty_counts TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE source_questions (
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    question_id INTEGER,
    db_id TEXT NOT NULL,
    question TEXT NOT NULL,
    evidence TEXT NOT NULL,
    sql TEXT NOT NULL,
    difficulty TEXT,
    PRIMARY KEY (source_id, idx)
  );`,
  datasetRecordsTable('datasets'),
  `CREATE TABLE gold_checks (
    db_sha256 TEXT NOT NULL,
    sql_sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (db_sha256, sql_sha256)
  );`
]

export const openDatasetDb = (file: string): StateDb => openStateDb(file, MIGRATIONS)
