import { performance } from 'node:perf_hooks'
import { type ItemStatus, EvaluationJobParamsSchema, JOB_KINDS, type EvaluationJobParams } from '@t2s/core/contracts'
import { JobFailure, ServiceError, type Logger } from '@t2s/core'
import type { FanOutJobKind, JobContext } from '@t2s/core/jobs'
import { LlmError } from '@t2s/core/llm'
import type { ModelServerRegistry } from '@t2s/core/models'
import type { PromptBuilder } from '@t2s/core/prompts'
import type { Contexts, EvalContext } from './context.js'
import { fileSha256 } from '@t2s/core/util'
import type { Executor } from './execute.js'
import { ask } from './generate.js'
import type { Scorer } from './score.js'
import type { EvaluationStore } from './store.js'
import { majorityVote } from './vote.js'

export const EVALUATION_KIND = JOB_KINDS.evaluation
const SCORER_VERSION = 'bird-ex-1'

/** What an item's run produces; the question's own fields are added at commit. */
export interface ItemResult {
  status: ItemStatus
  correct: boolean
  soft_f1: number
  sql: string | null
  error: string | null
  latency_ms: number
  prompt_tokens: number | null
  completion_tokens: number | null
  gold_cached: boolean
  answer: string | null
}

export interface EvaluationJobDeps {
  store: EvaluationStore
  contexts: Contexts
  scorer: Scorer
  sandbox: Executor
  /** The recipe's evaluation prompt (cookbook preset), shared with the generate verb. */
  prompts: PromptBuilder
  /** Where model evaluations ask: the server named in the evaluation's options (default student). */
  servers: ModelServerRegistry
  maxRows: number
  log: Logger
}

const MAX_ANSWER_CHARS = 100_000
const METRIC_EVERY_MS = 1000

type Ctx = JobContext<EvaluationJobParams>
const evalIdOf = (ctx: Ctx): string => ctx.params.evaluation_id

/**
 * One question per fan-out item (key = its position): any replica may score any question,
 * and each result is committed with its item before the ack, so a crash loses or repeats
 * nothing; a redelivered question whose row exists is skipped by the job runtime.
 */
export function evaluationKind (deps: EvaluationJobDeps): FanOutJobKind<number, ItemResult, typeof EvaluationJobParamsSchema> {
  const lastMetric = new Map<string, number>()

  async function plan (ctx: Ctx) {
    const evalId = evalIdOf(ctx)
    let ec: EvalContext
    try {
      ec = deps.contexts.get(evalId)
    } catch (err) {
      if (err instanceof ServiceError) throw new JobFailure(err.message)
      throw err
    }
    const serverName = ec.options.server ?? 'student'
    if (ec.row.model !== null) {
      try {
        await deps.servers.resolve(serverName)
      } catch (err) {
        if (err instanceof ServiceError) throw new JobFailure(err.message)
        throw err
      }
    }
    const databases: Record<string, string> = {}
    for (const dbId of [...new Set(ec.questions.map((q) => q.db_id))].sort()) {
      try {
        databases[dbId] = await fileSha256(ec.dbPath(dbId))
      } catch {
        throw new JobFailure(`database ${dbId} of the source cannot be read`)
      }
    }
    for (const [dbId, sha] of Object.entries(databases)) ec.dbSha.set(dbId, sha)
    deps.store.setManifest(evalId, {
      scorer: SCORER_VERSION,
      source: { id: ec.row.source_id, name: ec.row.source_name, questions_sha256: ec.row.questions_sha256 },
      databases,
      max_rows: deps.maxRows,
      ...(ec.row.model === null
        ? { predictions: 'file' }
        : { server: serverName, model: ec.row.model, prompt: { preset: deps.prompts.spec.preset, version: deps.prompts.version, system_prompt: ec.options.system_prompt }, extraction: ec.options.extraction })
    })
    return ec.questions.map((_q, i) => ({ key: String(i), data: i }))
  }

  async function generate (ctx: Ctx, ec: EvalContext, idx: number): Promise<Pick<ItemResult, 'sql' | 'answer' | 'prompt_tokens' | 'completion_tokens'> | { failed: string }> {
    const q = ec.questions[idx]
    const o = ec.options
    const dbPath = ec.dbPath(q.db_id)
    let answered
    try {
      const server = await deps.servers.resolve(o.server ?? 'student')
      answered = await ask(server.client, deps.prompts.eval({ dbPath, evidence: q.evidence, question: q.question }, o.system_prompt), {
        model: ec.row.model!,
        systemPrompt: o.system_prompt,
        extraction: o.extraction,
        temperature: o.temperature ?? (o.samples > 1 ? 0.8 : 0),
        maxTokens: o.max_tokens,
        samples: o.samples,
        timeoutMs: o.request_timeout_s * 1000,
        signal: ctx.signal,
        party: ctx.job.id
      })
    } catch (err) {
      if (ctx.signal.aborted) throw err
      if (err instanceof ServiceError) return { failed: err.message }
      if (!(err instanceof LlmError)) throw err
      return { failed: err.message }
    }
    let chosen = 0
    if (answered.candidates.length > 1) {
      const ballots = await Promise.all(answered.candidates.map(async (c) => {
        if (c.sql === null || c.sql.trim() === '') return { executable: false, rows: [] }
        const r = await deps.sandbox.execute(dbPath, c.sql, { timeoutMs: o.timeout_s * 1000, maxRows: deps.maxRows, signal: ctx.signal, group: ctx.job.id })
        return { executable: r.status === 'ok' && !r.truncated, rows: r.rows }
      }))
      chosen = Math.max(0, majorityVote(ballots))
    }
    const c = answered.candidates[chosen]
    return {
      sql: c.sql,
      answer: c.answer.length > MAX_ANSWER_CHARS ? c.answer.slice(0, MAX_ANSWER_CHARS) : c.answer,
      prompt_tokens: answered.tokens?.prompt ?? null,
      completion_tokens: answered.tokens?.completion ?? null
    }
  }

  async function runItem (ctx: Ctx, item: { key: string, data: number }): Promise<ItemResult> {
    const started = performance.now()
    const evalId = evalIdOf(ctx)
    const ec = deps.contexts.get(evalId)
    const idx = item.data
    const q = ec.questions[idx]
    let got: Pick<ItemResult, 'sql' | 'answer' | 'prompt_tokens' | 'completion_tokens'>
    if (ec.row.model === null) {
      got = { sql: deps.store.prediction(evalId, idx), answer: null, prompt_tokens: null, completion_tokens: null }
    } else {
      const g = await generate(ctx, ec, idx)
      if ('failed' in g) {
        return { status: 'llm_error', correct: false, soft_f1: 0, sql: null, error: g.failed, latency_ms: elapsed(started), prompt_tokens: null, completion_tokens: null, gold_cached: false, answer: null }
      }
      got = g
    }
    if (ctx.signal.aborted) throw new Error('aborted')
    const dbPath = ec.dbPath(q.db_id)
    const scored = await deps.scorer.score({
      dbPath,
      dbSha: ec.dbSha.get(q.db_id) ?? await fileSha256(dbPath),
      goldSql: q.sql,
      predSql: got.sql,
      timeoutMs: ec.options.timeout_s * 1000,
      maxRows: deps.maxRows,
      signal: ctx.signal,
      group: ctx.job.id
    })
    void metric(ctx, evalId)
    return {
      status: scored.status,
      correct: scored.correct,
      soft_f1: scored.softF1,
      error: scored.error,
      gold_cached: scored.goldCached,
      latency_ms: elapsed(started),
      ...got
    }
  }

  // A running EX on the job's event stream, at most once a second per process.
  async function metric (ctx: Ctx, evalId: string): Promise<void> {
    const now = Date.now()
    if (now - (lastMetric.get(evalId) ?? 0) < METRIC_EVERY_MS) return
    lastMetric.set(evalId, now)
    const row = deps.store.tally(evalId)
    await ctx.event('metric', { scored: row.scored, correct: row.correct, ex: row.scored === 0 ? 0 : 100 * row.correct / row.scored }).catch(() => {})
  }

  return {
    kind: EVALUATION_KIND,
    unit: 'questions',
    params: EvaluationJobParamsSchema,
    concurrency: (p) => p.concurrency,
    plan,
    runItem,
    isOk: (r) => r.status !== 'llm_error',
    commitItem: (_db, _job, item, r, p) => {
      const evalId = p.evaluation_id
      const q = deps.contexts.get(evalId).questions[item.data]
      deps.store.insertItem(evalId, {
        idx: item.data,
        question_id: q.question_id,
        db_id: q.db_id,
        difficulty: q.difficulty,
        status: r.status,
        correct: r.correct ? 1 : 0,
        soft_f1: r.soft_f1,
        sql: r.sql,
        gold_sql: q.sql,
        error: r.error,
        latency_ms: r.latency_ms,
        prompt_tokens: r.prompt_tokens,
        completion_tokens: r.completion_tokens,
        gold_cached: r.gold_cached ? 1 : 0,
        answer: r.answer
      })
    },
    failedItem: (_item, error) => ({
      status: 'pred_error',
      correct: false,
      soft_f1: 0,
      sql: null,
      error: `not scored: ${error}`,
      latency_ms: 0,
      prompt_tokens: null,
      completion_tokens: null,
      gold_cached: false,
      answer: null
    }),
    finish: async (ctx, counts) => {
      const evalId = evalIdOf(ctx)
      deps.store.finish(evalId)
      deps.contexts.forget(evalId)
      lastMetric.delete(evalId)
      const row = deps.store.tally(evalId)
      const ex = row.scored === 0 ? 0 : 100 * row.correct / row.scored
      await ctx.event('log', { message: `evaluation ${evalId}: EX ${ex.toFixed(2)} over ${row.scored} questions` }).catch(() => {})
      return { evaluation_id: evalId, scored: row.scored, correct: row.correct, ex_total: ex, items: counts.total }
    }
  }
}

const elapsed = (start: number) => Math.round((performance.now() - start) * 1000) / 1000
