// Shapes of the API answers the console reads (the OpenAPI document at /docs/json is the reference).

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
export const TERMINAL: readonly string[] = ['succeeded', 'failed', 'cancelled']

export interface Job {
  id: string
  kind: string
  service: string
  status: JobStatus
  progress: { done: number, total: number | null, unit: string }
  resource: { type: string, id: string } | null
  result: Record<string, unknown> | null
  error: string | null
  params: Record<string, unknown>
  attempts: number
  created_at: string
  updated_at: string
  started_at: string | null
  finished_at: string | null
}

export interface Source {
  id: string
  name: string
  questions: string
  databases: string
  question_count: number
  database_count: number
  db_ids: string[]
  difficulty_counts: Record<'simple' | 'moderate' | 'challenging' | 'unknown', number>
  created_at: string
}

export interface Question {
  index: number
  question_id: number | null
  db_id: string
  question: string
  evidence: string
  sql: string
  difficulty: 'simple' | 'moderate' | 'challenging' | null
}

export interface SplitStats {
  examples: number
  tokens_mean: number
  tokens_p50: number
  tokens_p95: number
  tokens_max: number
  over_4096: number
  histogram?: { bin_width: number, counts: number[] }
}

export interface Dataset {
  id: string
  kind: 'sft' | 'cot'
  status: JobStatus
  job_id: string
  source: { id: string, name: string }
  params: Record<string, unknown>
  prompt: { preset: string, version: string, options: Record<string, unknown> }
  counts: { questions: number, kept: number, dropped: number, train: number, test: number } | null
  dropped: { index: number, question_id: number | null, db_id: string, reason: string, detail?: string }[]
  token_stats: { train: SplitStats, test: SplitStats, budget?: number, over_budget?: number } | null
  stats: Record<string, unknown>
  files: Record<string, { lines: number, bytes: number, sha256: string }>
  manifest: Record<string, unknown>
  error: string | null
  created_at: string
  finished_at: string | null
}

export interface LossPoint { step: number, epoch: number | null, loss: number | null, lr: number | null, grad_norm: number | null, tokens_per_s: number | null, gpu_mem_gb: number | null, time: string }

export interface TrainingSummary {
  id: string
  job_id: string
  status: JobStatus
  adapter_name: string
  dataset: string
  base_model: string
  method: string
  step: number
  total_steps: number | null
  last_loss: number | null
  created_at: string
  finished_at: string | null
}

export interface TrainingJob {
  id: string
  job_id: string
  status: JobStatus
  adapter_name: string
  dataset: string
  base_model: string
  method: string
  hyperparameters: Record<string, unknown>
  config: Record<string, unknown>
  progress: { step: number, total_steps: number | null, epoch: number | null }
  loss: LossPoint[]
  loss_points: number
  throughput: { tokens_per_s_mean: number | null, tokens_per_s_last: number | null, gpu_mem_gb_peak: number | null, world_size: number | null } | null
  run: { attempts: number, resumed_from_step: number | null, checkpoint_step: number | null, stopped: string | null, info: Record<string, unknown> }
  artifacts: { kind: string | null, path: string | null, files: Record<string, { bytes: number, sha256: string }>, loaded: Record<string, string> | null, note: string | null }
  manifest: Record<string, unknown> | null
  error: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
}

export type Buckets = Record<'simple' | 'moderate' | 'challenging' | 'total', number>

export interface Evaluation {
  id: string
  job_id: string
  status: JobStatus
  source: { id: string, name: string }
  model: string | null
  options: Record<string, unknown>
  ex: Buckets
  soft_f1: Buckets
  counts: Record<'simple' | 'moderate' | 'challenging' | 'unknown' | 'total' | 'planned', number>
  statuses: Record<string, number>
  gold_cache_hits: number
  timing: Record<string, unknown>
  manifest: Record<string, unknown>
  error: string | null
}

export interface EvaluationItem {
  index: number
  question_id: number | null
  db_id: string
  difficulty: 'simple' | 'moderate' | 'challenging' | null
  status: string
  correct: boolean
  soft_f1: number
  sql: string | null
  gold_sql: string
  error: string | null
  latency_ms: number
  tokens: { prompt: number, completion: number } | null
}

export const DIFFICULTIES = ['simple', 'moderate', 'challenging'] as const
export const ITEM_STATUSES = ['correct', 'wrong_result', 'pred_error', 'pred_timeout', 'rejected', 'no_sql', 'gold_error', 'gold_timeout', 'llm_error'] as const
