import type { Comparison, CompareQuery, Flip, FlipsQuery, Difficulty, ItemChunk } from '@t2s/core/contracts'
import { badRequest } from '@t2s/core'
import type { JobStore } from '@t2s/core/jobs'
import { compareRuns, type ScoredQuestion } from '@t2s/core/stats'
import { clipText, fitToPayload } from './chunk.js'
import type { EvaluationRow, EvaluationStore, ItemRow } from './store.js'

const MIN_RUNS = 2
const MAX_RUNS = 8

export const COMPARE_METHOD = {
  confidence: 0.95,
  ex_interval: 'Wilson score interval',
  soft_f1_interval: 'percentile bootstrap over questions',
  difference_interval: 'paired percentile bootstrap over questions (the same draws for every evaluation)',
  test: 'exact McNemar test (two-sided binomial on the discordant pairs)'
}

/**
 * Compares evaluations of the same questions from their committed items, so running,
 * failed and cancelled ones can be compared too: over the questions every one has scored.
 */
export class Comparisons {
  constructor (private readonly store: EvaluationStore, private readonly jobs: JobStore) {}

  async compare (q: CompareQuery): Promise<Comparison> {
    const ids = q.ids.split(',').map((s) => s.trim()).filter((s) => s !== '')
    if (ids.length < MIN_RUNS || ids.length > MAX_RUNS) throw badRequest(`ids must name ${MIN_RUNS} to ${MAX_RUNS} evaluations, comma-separated; got ${ids.length}`)
    const twice = ids.find((id, i) => ids.indexOf(id) !== i)
    if (twice !== undefined) throw badRequest(`ids names ${twice} twice`)
    const rows = ids.map((id) => this.store.get(id))
    sameQuestions(rows)

    const scores = ids.map((id) => this.store.scores(id))
    const scoredEverywhere = intersect(scores.map((s) => s.map((x) => x.idx)))
    const runs: ScoredQuestion[][] = scores.map((s) => s
      .filter((x) => scoredEverywhere.has(x.idx))
      .map((x) => ({ difficulty: x.difficulty, correct: x.correct === 1, soft_f1: x.soft_f1 })))
    const stats = compareRuns(runs, { resamples: q.resamples, seed: q.seed })

    const evaluations = await Promise.all(rows.map(async (row, r) => {
      const status = (await this.jobs.get(row.job_id))?.status ?? 'failed'
      const scored = scores[r].length
      return { id: row.id, status, model: row.model, scored, planned: row.planned, partial: status !== 'succeeded' || scored < row.planned, buckets: stats.runs[r] }
    }))
    return {
      ids,
      source: { id: rows[0].source_id, name: rows[0].source_name },
      questions: rows[0].planned,
      compared: scoredEverywhere.size,
      partial: evaluations.some((e) => e.partial),
      method: { ...COMPARE_METHOD, resamples: q.resamples, seed: q.seed },
      evaluations,
      pairs: stats.pairs.map((p) => ({ a: ids[p.a], b: ids[p.b], buckets: p.buckets }))
    }
  }

  /** One page of the questions that flipped between a and b, cut to fit one NATS message. */
  flips (q: FlipsQuery, budget: number): ItemChunk<Flip> {
    sameQuestions([this.store.get(q.a), this.store.get(q.b)])
    const { rows, total } = this.store.flips(q.a, q.b, q.direction, q.offset, q.limit)
    const flips = rows.map(({ a, b }): Flip => ({
      index: a.idx,
      question_id: a.question_id,
      db_id: a.db_id,
      difficulty: a.difficulty as Difficulty | null,
      direction: a.correct === 1 ? 'right_to_wrong' : 'wrong_to_right',
      gold_sql: a.gold_sql,
      a: side(a),
      b: side(b)
    }))
    const { items, cut } = fitToPayload(flips, budget, (f, max) => ({
      ...f,
      gold_sql: clipText(f.gold_sql, max / 5)!,
      a: { ...f.a, sql: clipText(f.a.sql, max / 5), error: clipText(f.a.error, max / 10) },
      b: { ...f.b, sql: clipText(f.b.sql, max / 5), error: clipText(f.b.error, max / 10) }
    }))
    return { items, total, next_offset: cut ? q.offset + items.length : null }
  }
}

const side = (r: ItemRow): Flip['a'] => ({ status: r.status, sql: r.sql, soft_f1: r.soft_f1, error: r.error })

/** Refuses evaluations of different questions, naming the first that differs. */
function sameQuestions (rows: EvaluationRow[]): void {
  const [first, ...rest] = rows
  for (const row of rest) {
    if (row.questions_sha256 !== first.questions_sha256) {
      throw badRequest(`${row.id} evaluates the questions of source "${row.source_name}", ${first.id} those of source "${first.source_name}" (another questions file): only evaluations of the same questions can be compared`)
    }
    if (row.planned !== first.planned) {
      throw badRequest(`${row.id} evaluates ${row.planned} questions, ${first.id} ${first.planned} (another limit): only evaluations of the same questions can be compared`)
    }
  }
}

function intersect (lists: number[][]): Set<number> {
  let common = new Set(lists[0])
  for (const l of lists.slice(1)) {
    const s = new Set(l)
    common = new Set([...common].filter((x) => s.has(x)))
  }
  return common
}
