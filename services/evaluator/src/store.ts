import type { EvaluationItem, ItemStatus, Difficulty } from '@t2s/core/contracts'
import { notFound, type StateDb } from '@t2s/core'

export interface EvaluationOptions {
  timeout_s: number
  system_prompt: 'plain' | 'reasoning'
  extraction: 'robust' | 'cookbook'
  concurrency: number
  max_tokens?: number
  temperature?: number
  samples: number
  request_timeout_s: number
  /** the model server asked (model evaluations only; absent in evaluations made before servers existed: student) */
  server?: string
  limit?: number
}

export interface EvaluationRow {
  id: string
  job_id: string
  source_id: string
  source_name: string
  model: string | null
  options: string
  questions_path: string
  databases_path: string
  questions_sha256: string
  planned: number
  manifest: string
  created_at: string
  finished_at: string | null
}

/** A scored question as committed; `error` and `sql` are what the listing shows. */
export interface ItemRow {
  idx: number
  question_id: number | null
  db_id: string
  difficulty: Difficulty | null
  status: ItemStatus
  correct: number
  soft_f1: number
  sql: string | null
  gold_sql: string
  error: string | null
  latency_ms: number
  prompt_tokens: number | null
  completion_tokens: number | null
  gold_cached: number
  answer: string | null
}

export const toItem = (r: ItemRow): EvaluationItem => ({
  index: r.idx,
  question_id: r.question_id,
  db_id: r.db_id,
  difficulty: r.difficulty,
  status: r.status,
  correct: r.correct === 1,
  soft_f1: r.soft_f1,
  sql: r.sql,
  gold_sql: r.gold_sql,
  error: r.error,
  latency_ms: r.latency_ms,
  tokens: r.prompt_tokens === null ? null : { prompt: r.prompt_tokens, completion: r.completion_tokens ?? 0 }
})

/** Scored items of one difficulty and status, summed for the report. */
export interface ItemGroup {
  difficulty: string | null
  status: ItemStatus
  n: number
  correct: number
  f1: number
  cached: number
  prompt: number
  completion: number
}

/** The evaluator's rows: evaluations, their predictions and their scored items. */
export class EvaluationStore {
  private readonly selectPrediction
  private readonly insertItemStmt
  private readonly selectTally
  private readonly selectGroups
  private readonly selectLatencies

  constructor (readonly db: StateDb) {
    this.selectPrediction = db.prepare('SELECT sql FROM eval_predictions WHERE eval_id = ? AND idx = ?')
    this.insertItemStmt = db.prepare(`INSERT INTO eval_items (eval_id, idx, question_id, db_id, difficulty, status, correct, soft_f1, sql, gold_sql, error, latency_ms, prompt_tokens, completion_tokens, gold_cached, answer)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.selectTally = db.prepare('SELECT count(*) AS scored, coalesce(sum(correct), 0) AS correct FROM eval_items WHERE eval_id = ?')
    this.selectGroups = db.prepare(`SELECT difficulty, status, count(*) AS n, sum(correct) AS correct, sum(soft_f1) AS f1, sum(gold_cached) AS cached,
      coalesce(sum(prompt_tokens), 0) AS prompt, coalesce(sum(completion_tokens), 0) AS completion
    FROM eval_items WHERE eval_id = ? GROUP BY difficulty, status`)
    this.selectLatencies = db.prepare('SELECT latency_ms FROM eval_items WHERE eval_id = ? ORDER BY latency_ms').pluck()
  }

  insert (row: EvaluationRow, predictions: Array<string | null> | null): void {
    const insertPrediction = this.db.prepare('INSERT INTO eval_predictions (eval_id, idx, sql) VALUES (?, ?, ?)')
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO evaluations (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map(() => '?').join(', ')})`).run(...Object.values(row))
      predictions?.forEach((sql, i) => insertPrediction.run(row.id, i, sql))
    })()
  }

  /** Removes an evaluation with its predictions and scored items, in one transaction. */
  delete (id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM eval_items WHERE eval_id = ?').run(id)
      this.db.prepare('DELETE FROM eval_predictions WHERE eval_id = ?').run(id)
      this.db.prepare('DELETE FROM evaluations WHERE id = ?').run(id)
    })()
  }

  get (id: string): EvaluationRow {
    const row = this.db.prepare('SELECT * FROM evaluations WHERE id = ?').get(id) as EvaluationRow | undefined
    if (row === undefined) throw notFound(`evaluation ${id} not found`)
    return row
  }

  list (limit: number): EvaluationRow[] {
    return this.db.prepare('SELECT * FROM evaluations ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as EvaluationRow[]
  }

  /** Bytes each evaluation's rows hold (items and predictions), largest first. */
  usage (): Array<{ id: string, bytes: number }> {
    return this.db.prepare(`SELECT e.id AS id,
        coalesce((SELECT sum(length(coalesce(sql, '')) + length(gold_sql) + length(coalesce(error, '')) + length(coalesce(answer, '')) + 64) FROM eval_items WHERE eval_id = e.id), 0)
        + coalesce((SELECT sum(length(coalesce(sql, '')) + 16) FROM eval_predictions WHERE eval_id = e.id), 0)
        + length(e.manifest) + length(e.options) AS bytes
      FROM evaluations e ORDER BY bytes DESC, id`).all() as Array<{ id: string, bytes: number }>
  }

  prediction (id: string, idx: number): string | null {
    const row = this.selectPrediction.get(id, idx) as { sql: string | null } | undefined
    return row?.sql ?? null
  }

  setManifest (id: string, manifest: Record<string, unknown>): void {
    this.db.prepare('UPDATE evaluations SET manifest = ? WHERE id = ?').run(JSON.stringify(manifest), id)
  }

  finish (id: string): void {
    this.db.prepare('UPDATE evaluations SET finished_at = ? WHERE id = ? AND finished_at IS NULL').run(new Date().toISOString(), id)
  }

  /** Called inside the job item's commit transaction: exactly one row per question. */
  insertItem (evalId: string, r: ItemRow): void {
    this.insertItemStmt.run(evalId, r.idx, r.question_id, r.db_id, r.difficulty, r.status, r.correct, r.soft_f1, r.sql, r.gold_sql, r.error, r.latency_ms, r.prompt_tokens, r.completion_tokens, r.gold_cached, r.answer)
  }

  /** Questions scored so far and how many of them are correct. */
  tally (id: string): { scored: number, correct: number } {
    return this.selectTally.get(id) as { scored: number, correct: number }
  }

  /** The scored items summed per difficulty and status. */
  groups (id: string): ItemGroup[] {
    return this.selectGroups.all(id) as ItemGroup[]
  }

  /** Every scored item's latency, ascending. */
  latencies (id: string): number[] {
    return this.selectLatencies.all(id) as number[]
  }

  scoredCount (id: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM eval_items WHERE eval_id = ?').get(id) as { n: number }).n
  }

  items (id: string, offset: number, limit: number, status?: ItemStatus): { rows: ItemRow[], total: number } {
    const where = status === undefined ? 'eval_id = ?' : 'eval_id = ? AND status = ?'
    const args = status === undefined ? [id] : [id, status]
    const rows = this.db.prepare(`SELECT * FROM eval_items WHERE ${where} ORDER BY idx LIMIT ? OFFSET ?`).all(...args, limit, offset) as ItemRow[]
    const total = (this.db.prepare(`SELECT count(*) AS n FROM eval_items WHERE ${where}`).get(...args) as { n: number }).n
    return { rows, total }
  }

  /** Each scored question's index, difficulty, EX and Soft-F1, in file order (for comparisons). */
  scores (id: string): Array<{ idx: number, difficulty: string | null, correct: number, soft_f1: number }> {
    return this.db.prepare('SELECT idx, difficulty, correct, soft_f1 FROM eval_items WHERE eval_id = ? ORDER BY idx').all(id) as Array<{ idx: number, difficulty: string | null, correct: number, soft_f1: number }>
  }

  /** Questions scored in both evaluations whose correctness differs, in file order. */
  flips (a: string, b: string, direction: 'right_to_wrong' | 'wrong_to_right' | undefined, offset: number, limit: number): { rows: Array<{ a: ItemRow, b: ItemRow }>, total: number } {
    const where = `x.eval_id = ? AND y.eval_id = ? AND ${direction === undefined ? 'x.correct <> y.correct' : direction === 'right_to_wrong' ? 'x.correct = 1 AND y.correct = 0' : 'x.correct = 0 AND y.correct = 1'}`
    const from = 'FROM eval_items x JOIN eval_items y ON y.idx = x.idx'
    const pairs = this.db.prepare(`SELECT x.idx AS idx ${from} WHERE ${where} ORDER BY x.idx LIMIT ? OFFSET ?`).pluck().all(a, b, limit, offset) as number[]
    const total = (this.db.prepare(`SELECT count(*) AS n ${from} WHERE ${where}`).get(a, b) as { n: number }).n
    const item = this.db.prepare('SELECT * FROM eval_items WHERE eval_id = ? AND idx = ?')
    return { rows: pairs.map((idx) => ({ a: item.get(a, idx) as ItemRow, b: item.get(b, idx) as ItemRow })), total }
  }

  /** The SQL of each position, from the predictions file or from the model's answers. */
  predictionSql (id: string, fromItems: boolean, offset: number, limit: number): Array<{ idx: number, sql: string | null }> {
    const table = fromItems ? 'eval_items' : 'eval_predictions'
    return this.db.prepare(`SELECT idx, sql FROM ${table} WHERE eval_id = ? ORDER BY idx LIMIT ? OFFSET ?`).all(id, limit, offset) as Array<{ idx: number, sql: string | null }>
  }
}
