import { performance } from 'node:perf_hooks'
import type { RewardItem, RewardRequest, RewardResponse, RewardWeights, Question, ResolvedSource } from '@t2s/core/contracts'
import { badRequest } from '@t2s/core'
import { extractSql } from '@t2s/core/llm'
import { databaseFile, loadRegisteredQuestions } from '@t2s/core/sources'
import { fileSha256 } from '@t2s/core/util'
import type { Scored, Scorer } from './score.js'

export interface RewardServiceDeps {
  /** A registered source by id or name (the dataset service's; a test server may pass its own file). */
  resolve: (source: string) => Promise<ResolvedSource>
  scorer: Scorer
  maxRows: number
}

const KEEP_SOURCES = 8

/**
 * Scores a batch of answers for a trainer: each SQL is extracted and scored by exactly the
 * code an evaluation uses (extractSql, the Scorer with its sandbox and gold cache), so a
 * reward and an evaluation never disagree about the same SQL.
 */
export class RewardService {
  // Questions by question_id per source file digest: a trainer asks about the same source every step.
  private readonly byId = new Map<string, Map<number, Question>>()

  constructor (private readonly deps: RewardServiceDeps) {}

  async score (body: RewardRequest): Promise<RewardResponse> {
    const started = performance.now()
    for (const [i, item] of body.items.entries()) {
      if ((item.completion === undefined) === (item.sql === undefined)) throw badRequest(`items[${i}] must have exactly one of completion or sql`)
    }
    for (const [k, w] of Object.entries(body.reward)) {
      if (!Number.isFinite(w)) throw badRequest(`reward.${k} must be a finite number`)
    }
    const src = await this.deps.resolve(body.source)
    const questions = this.questions(src.questions_path, src.questions_sha256)
    const asked = body.items.map((item, i) => {
      const q = questions.get(item.question_id)
      if (q === undefined) throw badRequest(`items[${i}].question_id ${item.question_id} is not a question of source "${src.name}"`)
      return q
    })
    const timeoutMs = body.timeout_s * 1000
    const scored = await Promise.all(body.items.map(async (item, i): Promise<{ out: RewardItem, goldCached: boolean }> => {
      const q = asked[i]
      const found = item.sql !== undefined ? { sql: item.sql, how: 'sql' } : extractSql(item.completion!, body.extraction)
      const dbPath = databaseFile(src.databases_path, q.db_id)
      let dbSha: string
      try {
        dbSha = await fileSha256(dbPath)
      } catch {
        throw badRequest(`database ${q.db_id} of source "${src.name}" cannot be read`)
      }
      const s = await this.deps.scorer.score({ dbPath, dbSha, goldSql: q.sql, predSql: found.sql, timeoutMs, maxRows: this.deps.maxRows })
      const formatOk = found.how === 'fence'
      const out: RewardItem = {
        question_id: item.question_id,
        sql: found.sql,
        extraction: found.how,
        status: s.status,
        ex: s.correct ? 1 : 0,
        soft_f1: s.softF1,
        format_ok: formatOk,
        reward: rewardOf(s, formatOk, body.reward),
        error: s.error
      }
      return { out, goldCached: s.goldCached }
    }))
    const items = scored.map((s) => s.out)
    const rewarded = items.filter((it) => it.reward !== null)
    return {
      items,
      reward: body.reward,
      mean_reward: rewarded.length === 0 ? null : rewarded.reduce((a, it) => a + it.reward!, 0) / rewarded.length,
      ex: items.reduce((a, it) => a + it.ex, 0) / items.length,
      gold_cache_hits: scored.filter((s) => s.goldCached).length,
      elapsed_ms: Math.round((performance.now() - started) * 1000) / 1000
    }
  }

  private questions (path: string, sha256: string): Map<number, Question> {
    const hit = this.byId.get(sha256)
    if (hit !== undefined) return hit
    const byId = new Map<number, Question>()
    for (const q of loadRegisteredQuestions(path, sha256)) byId.set(q.question_id ?? q.index, q)
    this.byId.set(sha256, byId)
    if (this.byId.size > KEEP_SOURCES) this.byId.delete(this.byId.keys().next().value as string)
    return byId
  }
}

/**
 * Arctic-Text2SQL-R1's outcome reward (correct / runs / anything else) plus the optional
 * format term. A failing gold SQL gives no reward at all: it says nothing about the answer.
 */
export function rewardOf (scored: Scored, formatOk: boolean, w: RewardWeights): number | null {
  if (scored.status === 'gold_error' || scored.status === 'gold_timeout') return null
  const outcome = scored.correct ? w.correct : scored.status === 'wrong_result' ? w.executable : w.error
  return outcome + (formatOk ? w.format : 0)
}
