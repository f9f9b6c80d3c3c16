import { datasetRecordsTable } from '@t2s/core/datasets'
import { openStateDb, type StateDb } from '@t2s/core'

/** The reasoning service's own tables; core adds its job tables first. */
const MIGRATIONS = [
  datasetRecordsTable('cot_datasets') + `
  -- Every teacher answer ever paid for, written as soon as it arrives (before the item's
  -- ack): a redelivered item, a re-run or a new job over the same prompts reads it here.
  CREATE TABLE teacher_cache (
    model TEXT NOT NULL,
    prompt_sha256 TEXT NOT NULL,
    temperature REAL NOT NULL,
    attempt INTEGER NOT NULL,
    answer TEXT NOT NULL,
    finish_reason TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (model, prompt_sha256, temperature, attempt)
  );
  -- One row per teacher call a job made (answered or failed for good), for its counters.
  CREATE TABLE teacher_calls (
    job_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    latency_ms INTEGER NOT NULL,
    error_kind TEXT,
    at TEXT NOT NULL
  );
  CREATE INDEX teacher_calls_job ON teacher_calls (job_id);
  -- The verdict on each question, committed with the item (core's job_items) in one transaction.
  CREATE TABLE cot_items (
    job_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    idx INTEGER NOT NULL,
    question_id INTEGER,
    db_id TEXT NOT NULL,
    kept INTEGER NOT NULL,
    reason TEXT,
    detail TEXT,
    answer TEXT,
    attempts INTEGER NOT NULL,
    cache_hits INTEGER NOT NULL,
    PRIMARY KEY (job_id, item_key)
  );`
]

export const openReasoningDb = (file: string): StateDb => openStateDb(file, MIGRATIONS)
