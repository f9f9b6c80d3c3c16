import { GRPO_METRICS, type LossPoint } from '@t2s/core/contracts'
import { notFound, type StateDb } from '@t2s/core'

export interface TrainingRow {
  id: string
  job_id: string
  adapter_name: string
  dataset: string
  /** The dataset's train split, relative to DATA_DIR. */
  train_file: string
  base_model: string
  method: string
  hyperparameters: string
  config: string
  step: number
  total_steps: number | null
  epoch: number | null
  attempts: number
  resumed_from_step: number | null
  checkpoint_step: number | null
  stopped: string | null
  run_info: string
  artifacts: string | null
  manifest: string | null
  created_at: string
  updated_at: string
}

export type NewTraining = Pick<TrainingRow, 'id' | 'job_id' | 'adapter_name' | 'dataset' | 'train_file' | 'base_model' | 'method' | 'hyperparameters' | 'config'>

export interface Throughput { tokens_per_s_mean: number | null, tokens_per_s_last: number | null, gpu_mem_gb_peak: number | null }

const now = () => new Date().toISOString()

/** Training records and their loss series in the service's SQLite. */
export class TrainingRepo {
  constructor (private readonly db: StateDb) {}

  insert (r: NewTraining): void {
    const t = now()
    this.db.prepare(`INSERT INTO training_jobs (id, job_id, adapter_name, dataset, train_file, base_model, method, hyperparameters, config, created_at, updated_at)
      VALUES (@id, @job_id, @adapter_name, @dataset, @train_file, @base_model, @method, @hyperparameters, @config, @t, @t)`).run({ ...r, t })
  }

  delete (id: string): void {
    this.db.prepare('DELETE FROM training_jobs WHERE id = ?').run(id)
  }

  get (id: string): TrainingRow | undefined {
    return this.db.prepare('SELECT * FROM training_jobs WHERE id = ?').get(id) as TrainingRow | undefined
  }

  require (id: string): TrainingRow {
    const row = this.get(id)
    if (!row) throw notFound(`training job ${id} not found`)
    return row
  }

  byAdapter (name: string): TrainingRow[] {
    return this.db.prepare('SELECT * FROM training_jobs WHERE adapter_name = ?').all(name) as TrainingRow[]
  }

  list (offset: number, limit: number): { rows: TrainingRow[], total: number } {
    const rows = this.db.prepare('SELECT * FROM training_jobs ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?').all(limit, offset) as TrainingRow[]
    const total = (this.db.prepare('SELECT count(*) AS n FROM training_jobs').get() as { n: number }).n
    return { rows, total }
  }

  startAttempt (id: string): void {
    this.db.prepare('UPDATE training_jobs SET attempts = attempts + 1, stopped = NULL, updated_at = ? WHERE id = ?').run(now(), id)
  }

  /** The trainer's `start` event: steps after its resume point are trained again, so their old rows go. */
  started (id: string, totalSteps: number, startStep: number, info: Record<string, unknown>): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM training_metrics WHERE training_id = ? AND step > ?').run(id, startStep)
      this.db.prepare('UPDATE training_jobs SET total_steps = ?, step = ?, resumed_from_step = ?, run_info = ?, updated_at = ? WHERE id = ?')
        .run(totalSteps, startStep, startStep > 0 ? startStep : null, JSON.stringify(info), now(), id)
    })()
  }

  addPoint (id: string, p: Omit<LossPoint, 'time'>): void {
    const t = now()
    const rl = GRPO_METRICS.map((k) => p[k] ?? null)
    this.db.transaction(() => {
      this.db.prepare(`INSERT OR REPLACE INTO training_metrics (training_id, step, epoch, loss, lr, grad_norm, tokens_per_s, gpu_mem_gb, time, ${GRPO_METRICS.join(', ')})
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ${GRPO_METRICS.map(() => '?').join(', ')})`).run(id, p.step, p.epoch, p.loss, p.lr, p.grad_norm, p.tokens_per_s, p.gpu_mem_gb, t, ...rl)
      this.db.prepare('UPDATE training_jobs SET step = ?, epoch = ?, updated_at = ? WHERE id = ?').run(p.step, p.epoch, t, id)
    })()
  }

  checkpoint (id: string, step: number): void {
    this.db.prepare('UPDATE training_jobs SET checkpoint_step = ?, updated_at = ? WHERE id = ?').run(step, now(), id)
  }

  stopped (id: string, how: string): void {
    this.db.prepare('UPDATE training_jobs SET stopped = ?, updated_at = ? WHERE id = ?').run(how, now(), id)
  }

  published (id: string, artifacts: unknown, manifest: unknown): void {
    this.db.prepare('UPDATE training_jobs SET artifacts = ?, manifest = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(artifacts), manifest === null ? null : JSON.stringify(manifest), now(), id)
  }

  /** The logged steps; GRPO's fields only on GRPO steps (an SFT point keeps its SFT shape). */
  points (id: string): LossPoint[] {
    const rows = this.db.prepare(`SELECT step, epoch, loss, lr, grad_norm, tokens_per_s, gpu_mem_gb, time, ${GRPO_METRICS.join(', ')} FROM training_metrics WHERE training_id = ? ORDER BY step`).all(id) as Array<Record<string, unknown>>
    return rows.map((r) => {
      const rl = GRPO_METRICS.some((k) => r[k] !== null)
      if (!rl) for (const k of GRPO_METRICS) delete r[k]
      return r as LossPoint
    })
  }

  /** The highest logged step (0 when none). */
  lastStep (id: string): number {
    const row = this.db.prepare('SELECT max(step) AS step FROM training_metrics WHERE training_id = ?').get(id) as { step: number | null }
    return row.step ?? 0
  }

  lastLoss (id: string): number | null {
    const row = this.db.prepare('SELECT loss FROM training_metrics WHERE training_id = ? ORDER BY step DESC LIMIT 1').get(id) as { loss: number | null } | undefined
    return row?.loss ?? null
  }

  throughput (id: string): Throughput | null {
    const row = this.db.prepare(`SELECT avg(tokens_per_s) AS mean, max(gpu_mem_gb) AS peak,
      (SELECT tokens_per_s FROM training_metrics WHERE training_id = @id ORDER BY step DESC LIMIT 1) AS last, count(*) AS n
      FROM training_metrics WHERE training_id = @id`).get({ id }) as { mean: number | null, peak: number | null, last: number | null, n: number }
    if (row.n === 0) return null
    return { tokens_per_s_mean: row.mean === null ? null : Math.round(row.mean * 10) / 10, tokens_per_s_last: row.last, gpu_mem_gb_peak: row.peak }
  }
}
