import { openStateDb, type StateDb } from '@t2s/core'

/** The evaluator's own tables; core adds its job tables first. */
const MIGRATIONS = [
  `CREATE TABLE evaluations (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL UNIQUE,
    source_id TEXT NOT NULL,
    source_name TEXT NOT NULL,
    model TEXT,
    options TEXT NOT NULL,
    questions_path TEXT NOT NULL,
    databases_path TEXT NOT NULL,
    questions_sha256 TEXT NOT NULL,
    planned INTEGER NOT NULL,
    manifest TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    finished_at TEXT
  );
  -- A predictions file, one row per evaluated question (NULL: a blank prediction).
  CREATE TABLE eval_predictions (
    eval_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    sql TEXT,
    PRIMARY KEY (eval_id, idx)
  ) WITHOUT ROWID;
  -- One row per scored question, written with the job item's commit (exactly once).
  CREATE TABLE eval_items (
    eval_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    question_id INTEGER,
    db_id TEXT NOT NULL,
    difficulty TEXT,
    status TEXT NOT NULL,
    correct INTEGER NOT NULL,
    soft_f1 REAL NOT NULL,
    sql TEXT,
    gold_sql TEXT NOT NULL,
    error TEXT,
    latency_ms REAL NOT NULL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    gold_cached INTEGER NOT NULL,
    answer TEXT,
    PRIMARY KEY (eval_id, idx)
  );
  CREATE INDEX eval_items_status ON eval_items (eval_id, status, idx);
  -- Gold results by (database file digest, gold SQL digest): a second evaluation of the
  -- same source runs no gold query. rows: v8-serialized, so bigints and blobs survive.
  CREATE TABLE gold_cache (
    db_sha256 TEXT NOT NULL,
    sql_sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    rows BLOB,
    truncated INTEGER NOT NULL,
    elapsed_ms REAL NOT NULL,
    limit_ms REAL NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (db_sha256, sql_sha256)
  ) WITHOUT ROWID;`
]

export const openEvaluatorDb = (file: string): StateDb => openStateDb(file, MIGRATIONS)
