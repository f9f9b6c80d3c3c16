import type { ItemStatus } from '@t2s/core/contracts'
import { compareResultSets, NO_STATEMENT, throwIfUnavailable, type SqlValue } from '@t2s/core/sql'
import type { Executor } from './execute.js'
import type { GoldCache, GoldResult } from './gold-cache.js'

export interface ScoreInput {
  dbPath: string
  /** sha256 of the database file: the gold cache's key. */
  dbSha: string
  goldSql: string
  /** null or blank: no prediction. */
  predSql: string | null
  /** For prediction and gold together, as the official scorer's meta_time_out. */
  timeoutMs: number
  maxRows: number
  /** The job's signal: a cancel drops its queries from the sandbox queue or kills them. */
  signal?: AbortSignal
  /** Fair-share key in the sandbox queue (the job id). */
  group?: string
}

export interface Scored {
  status: ItemStatus
  correct: boolean
  softF1: number
  error: string | null
  goldCached: boolean
}

/**
 * Scores one question the way the official BIRD scripts do, in a sandbox: the gold result
 * (cached per database digest and SQL), then the prediction within what is left of the time
 * limit, then EX (`set(pred) == set(gold)`) and Soft-F1 (Mini-Dev). Unlike the official
 * scorer, a blank, rejected or stacked prediction scores 0 even against an empty gold result.
 */
export class Scorer {
  private readonly inFlight = new Map<string, Promise<GoldResult>>()
  goldExecutions = 0

  constructor (private readonly sandbox: Executor, private readonly cache: GoldCache) {}

  async score (input: ScoreInput): Promise<Scored> {
    const { gold, cached } = await this.gold(input)
    // Sandbox failures say nothing about the query: the item is retried, not scored.
    throwIfUnavailable(gold)
    const base = { goldCached: cached, correct: false, softF1: 0 }
    if (gold.status === 'timeout') return { ...base, status: 'gold_timeout', error: 'the gold SQL exceeded the time limit' }
    if (gold.status !== 'ok') return { ...base, status: 'gold_error', error: `the gold SQL failed: ${gold.error ?? gold.status}` }
    if (gold.truncated) return { ...base, status: 'gold_error', error: `the gold result has more than ${input.maxRows} rows (or too much data) to compare` }

    if (input.predSql === null || input.predSql.trim() === '') return { ...base, status: 'no_sql', error: 'no SQL' }
    const remaining = Math.max(1, input.timeoutMs - gold.elapsedMs)
    const pred = await this.sandbox.execute(input.dbPath, input.predSql, { timeoutMs: remaining, maxRows: input.maxRows, signal: input.signal, group: input.group })
    throwIfUnavailable(pred)
    if (pred.status === 'rejected') return { ...base, status: 'rejected', error: pred.error ?? 'rejected' }
    if (pred.status === 'timeout') return { ...base, status: 'pred_timeout', error: 'the prediction exceeded the time limit (with the gold query)' }
    if (pred.status === 'error') {
      if (pred.error === NO_STATEMENT) return { ...base, status: 'no_sql', error: 'the prediction holds no statement' }
      return { ...base, status: 'pred_error', error: pred.error ?? 'error' }
    }
    return compareResults(pred.rows, gold.rows, pred.truncated, input.maxRows, cached)
  }

  private async gold (input: ScoreInput): Promise<{ gold: GoldResult, cached: boolean }> {
    const hit = this.cache.get(input.dbSha, input.goldSql, input.timeoutMs)
    if (hit !== undefined) return { gold: hit, cached: true }
    // Questions sharing a gold SQL (paraphrases) run it once even when they arrive together.
    const key = `${input.dbSha}\u0000${input.timeoutMs}\u0000${input.goldSql}`
    const running = this.inFlight.get(key)
    if (running !== undefined) return { gold: await running, cached: true }
    const run = (async () => {
      this.goldExecutions++
      const r = await this.sandbox.execute(input.dbPath, input.goldSql, { timeoutMs: input.timeoutMs, maxRows: input.maxRows, signal: input.signal, group: input.group })
      this.cache.put(input.dbSha, input.goldSql, r, input.timeoutMs)
      return { status: r.status, error: r.error ?? null, rows: r.rows, truncated: r.truncated, elapsedMs: r.elapsed_ms }
    })()
    this.inFlight.set(key, run)
    try {
      return { gold: await run, cached: false }
    } finally {
      this.inFlight.delete(key)
    }
  }
}

/** EX and Soft-F1 of two results; a capped prediction is wrong as soon as one of its rows is not gold. */
export function compareResults (pred: SqlValue[][], gold: SqlValue[][], predTruncated: boolean, maxRows: number, goldCached: boolean): Scored {
  const c = compareResultSets(pred, gold)
  if (predTruncated) {
    if (c.predOutsideGold) return { status: 'wrong_result', correct: false, softF1: c.softF1, error: null, goldCached }
    return { status: 'pred_error', correct: false, softF1: 0, error: `the prediction returns more than ${maxRows} rows (or too much data) to compare`, goldCached }
  }
  return { status: c.same ? 'correct' : 'wrong_result', correct: c.same, softF1: c.softF1, error: null, goldCached }
}
