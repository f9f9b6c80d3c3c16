import { GRPO_METRICS } from '@t2s/core/contracts'
import { openStateDb, type StateDb } from '@t2s/core'

/** The trainer service's own tables; core adds its job tables first. */
const MIGRATIONS = [
  `CREATE TABLE training_jobs (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL UNIQUE,
    adapter_name TEXT NOT NULL,
    dataset TEXT NOT NULL,
    train_file TEXT NOT NULL,
    base_model TEXT NOT NULL,
    method TEXT NOT NULL,
    hyperparameters TEXT NOT NULL,
    config TEXT NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    total_steps INTEGER,
    epoch REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    resumed_from_step INTEGER,
    checkpoint_step INTEGER,
    stopped TEXT,
    run_info TEXT NOT NULL DEFAULT '{}',
    artifacts TEXT,
    manifest TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX training_jobs_adapter ON training_jobs (adapter_name);
  -- The loss series: one row per logged step. A resumed trainer re-logs the steps after
  -- its checkpoint, and those replace the rows of the run that was interrupted.
  CREATE TABLE training_metrics (
    training_id TEXT NOT NULL REFERENCES training_jobs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    epoch REAL,
    loss REAL,
    lr REAL,
    grad_norm REAL,
    tokens_per_s REAL,
    gpu_mem_gb REAL,
    time TEXT NOT NULL,
    PRIMARY KEY (training_id, step)
  );`,
  // GRPO steps also log their rewards and rollout statistics (null for SFT steps).
  GRPO_METRICS.map((k) => `ALTER TABLE training_metrics ADD COLUMN ${k} REAL;`).join('\n')
]

export const openTrainerDb = (file: string): StateDb => openStateDb(file, MIGRATIONS)
