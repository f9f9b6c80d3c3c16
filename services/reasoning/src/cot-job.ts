// The CoT dataset job: one item per question. An item asks the teacher (or its cache) to
// explain the gold SQL, judges the answer, and commits the verdict; `finish` writes the
// kept answers as the recipe's CoT JSONL, split like the SFT datasets.
import { join } from 'node:path'
import type { NatsConnection } from '@nats-io/transport-node'
import { CotJobParamsSchema, JOB_KINDS, type CotJobParams, type Question, type ResolvedSource, SOURCE_VERBS } from '@t2s/core/contracts'
import { artifactDir, writeJsonlAtomic, seededSplit, tokenStats, type DatasetRecords } from '@t2s/core/datasets'
import { JobFailure, ServiceError, type StateDb, codeVersion } from '@t2s/core'
import type { FanOutJobKind, Item, JobContext } from '@t2s/core/jobs'
import { LlmError } from '@t2s/core/llm'
import { callService } from '@t2s/core/nats'
import { PromptBuilder, SchemaRenderer, toRecipeJsonl } from '@t2s/core/prompts'
import { checkDatabaseFiles, databaseFile, loadRegisteredQuestions } from '@t2s/core/sources'
import { type SqlSandbox, throwIfUnavailable } from '@t2s/core/sql'
import type { ModelServerRegistry } from '@t2s/core/models'
import type { Teacher } from './teacher.js'
import { cotStatsReader, type CotStats } from './cot-stats.js'
import { goldVerdict, judge, type DropReason, type Verdict } from './verdict.js'

export const COT_JOB_KIND = JOB_KINDS.cotDataset

/** Temperature of the re-asks of a rejected item (attempts > 1), a fixed part of the API (the `attempts` field of a CoT dataset says so). */
export const RETRY_TEMPERATURE = 0.7

export type CotItemData = Pick<Question, 'index' | 'question_id' | 'db_id' | 'question' | 'evidence' | 'sql'>

export interface CotItemResult {
  kept: boolean
  reason: DropReason | null
  detail?: string
  /** the teacher's last answer, verbatim (the kept one when kept) */
  answer: string | null
  /** teacher answers judged (cached or not) */
  attempts: number
  cache_hits: number
}

export interface CotJobDeps {
  nc: NatsConnection
  db: StateDb
  datasets: DatasetRecords
  /** The teacher's answers (cached), asked of the server each dataset names. */
  teacher: Teacher
  /** Resolves that server: a job whose server cannot be asked fails at once with the reason. */
  servers: ModelServerRegistry
  sandbox: SqlSandbox
  dataDir: string
  /** per query, gold and answer alike (the official scorer's 30 s by default) */
  sqlTimeoutMs: number
  /** result rows compared at most; a larger result cannot be judged */
  maxRows: number
  renderer?: SchemaRenderer
}

interface JobEnv { src: ResolvedSource, builder: PromptBuilder }
type Ctx = JobContext<CotJobParams>

export function cotDatasetJob (deps: CotJobDeps): FanOutJobKind<CotItemData, CotItemResult, typeof CotJobParamsSchema> {
  const renderer = deps.renderer ?? new SchemaRenderer()
  // Per job and process: the source's files and a prompt builder (its schema cache is shared).
  const envs = new Map<string, Promise<JobEnv>>()
  const jobEnv = ({ job, params: p }: Ctx): Promise<JobEnv> => {
    let env = envs.get(job.id)
    if (!env) {
      env = resolveSource(deps.nc, p.source_id).then((src) => ({
        src,
        builder: new PromptBuilder({ preset: 'cookbook', cot_layout: p.layout }, { renderer })
      }))
      env.catch(() => envs.delete(job.id))
      envs.set(job.id, env)
    }
    return env
  }
  const readStats = cotStatsReader(deps.db)
  const insertItem = deps.db.prepare(`INSERT OR IGNORE INTO cot_items (job_id, item_key, idx, question_id, db_id, kept, reason, detail, answer, attempts, cache_hits)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)

  return {
    kind: COT_JOB_KIND,
    unit: 'questions',
    params: CotJobParamsSchema,
    concurrency: (p) => p.concurrency,

    plan: async (ctx) => {
      const p = ctx.params
      try {
        await deps.servers.resolve(p.teacher.server ?? 'teacher')
      } catch (err) {
        if (err instanceof ServiceError) throw new JobFailure(err.message)
        throw err
      }
      const { src } = await jobEnv(ctx)
      const questions = loadQuestions(src, p)
      checkDatabaseFiles(src.databases_path, questions)
      return questions.map((q) => ({
        key: String(q.index),
        data: { index: q.index, question_id: q.question_id, db_id: q.db_id, question: q.question, evidence: q.evidence, sql: q.sql }
      }))
    },

    runItem: async (ctx, item) => await runItem(ctx, item, deps, await jobEnv(ctx)),

    isOk: (r) => r.kept,

    commitItem: (_db, job, item, r) => {
      insertItem.run(job.id, item.key, item.data.index, item.data.question_id, item.data.db_id, r.kept ? 1 : 0, r.reason, r.detail ?? null, r.answer, r.attempts, r.cache_hits)
    },

    failedItem: () => ({ kept: false, reason: 'error', detail: 'the item failed on every delivery; see the reasoning service log', answer: null, attempts: 0, cache_hits: 0 }),

    finish: async (ctx) => {
      try {
        return await finish(ctx, deps, await jobEnv(ctx), readStats)
      } finally {
        envs.delete(ctx.job.id)
      }
    }
  }
}

async function resolveSource (nc: NatsConnection, id: string): Promise<ResolvedSource> {
  try {
    return await callService<ResolvedSource>(nc, 'dataset', SOURCE_VERBS.resolve, { id })
  } catch (err) {
    // A source removed since the job was queued cannot come back by retrying.
    if (err instanceof ServiceError && err.codeName === 'NOT_FOUND') throw new JobFailure(err.message)
    throw err
  }
}

function loadQuestions (src: ResolvedSource, p: CotJobParams): Question[] {
  try {
    const questions = loadRegisteredQuestions(src.questions_path, src.questions_sha256)
    return p.limit ? questions.slice(0, p.limit) : questions
  } catch (err) {
    if (err instanceof ServiceError) throw new JobFailure(err.message)
    throw err
  }
}

async function runItem (ctx: Ctx, item: Item<CotItemData>, deps: CotJobDeps, env: JobEnv): Promise<CotItemResult> {
  const p = ctx.params
  const q = item.data
  const dbPath = databaseFile(env.src.databases_path, q.db_id)
  const run = async (sql: string) => throwIfUnavailable(await deps.sandbox.execute(dbPath, sql, { timeoutMs: deps.sqlTimeoutMs, maxRows: deps.maxRows, signal: ctx.signal, group: ctx.job.id }))
  const aborted = () => { if (ctx.signal.aborted) throw new Error(`item ${item.key} aborted (${String(ctx.signal.reason)})`) }
  let cacheHits = 0
  const drop = (v: Verdict & { ok: false }, answer: string | null, attempts: number): CotItemResult =>
    ({ kept: false, reason: v.reason, detail: v.detail, answer, attempts, cache_hits: cacheHits })

  // The gold runs first: when it fails, no answer could be checked, so none is paid for.
  let goldRows
  if (p.validation === 'execution') {
    const gold = await run(q.sql)
    aborted()
    const v = goldVerdict(gold)
    if (!v.ok) return drop(v, null, 0)
    goldRows = gold.rows
  }

  const messages = [{ role: 'user' as const, content: env.builder.teacher({ dbPath, question: q.question, evidence: q.evidence, goldSql: q.sql }) }]
  let last: Verdict & { ok: false } = { ok: false, reason: 'no_sql', detail: 'no answer' }
  let answer: string | null = null
  for (let attempt = 1; attempt <= p.attempts; attempt++) {
    aborted()
    try {
      const a = await deps.teacher.ask({
        server: p.teacher.server ?? 'teacher',
        model: p.teacher.model,
        messages,
        temperature: attempt === 1 ? p.teacher.temperature : RETRY_TEMPERATURE,
        maxTokens: p.teacher.max_tokens,
        attempt
      }, { jobId: ctx.job.id, itemKey: item.key, signal: ctx.signal })
      if (a.cached) cacheHits++
      answer = a.text
    } catch (err) {
      if (err instanceof LlmError && err.kind !== 'aborted') return drop({ ok: false, reason: 'llm_error', detail: err.message }, answer, attempt)
      // The server was removed or unset since the job started.
      if (err instanceof ServiceError) return drop({ ok: false, reason: 'llm_error', detail: err.message }, answer, attempt)
      throw err
    }
    const v = await judge(answer, p.validation, { sql: q.sql, rows: goldRows }, run)
    aborted()
    if (v.ok) return { kept: true, reason: null, answer, attempts: attempt, cache_hits: cacheHits }
    last = v
  }
  return drop(last, answer, p.attempts)
}

interface ItemRow { idx: number, question_id: number | null, db_id: string, kept: number, reason: string | null, detail: string | null, answer: string | null }

async function finish (ctx: Ctx, deps: CotJobDeps, env: JobEnv, readStats: (jobId: string) => CotStats): Promise<Record<string, unknown>> {
  const p = ctx.params
  const questions = new Map(loadQuestions(env.src, p).map((q) => [q.index, q]))
  const rows = deps.db.prepare('SELECT idx, question_id, db_id, kept, reason, detail, answer FROM cot_items WHERE job_id = ? ORDER BY idx').all(ctx.job.id) as ItemRow[]
  const dropped = rows.filter((r) => !r.kept).map((r) => ({
    index: r.idx,
    question_id: r.question_id,
    db_id: r.db_id,
    reason: r.reason ?? 'error',
    ...(r.detail ? { detail: r.detail } : {})
  }))
  const examples = rows.filter((r) => r.kept).map((r) => {
    const q = questions.get(r.idx)
    if (!q) throw new JobFailure(`question ${r.idx} is no longer in the source`)
    const messages = env.builder.cot({ dbPath: databaseFile(env.src.databases_path, q.db_id), question: q.question, evidence: q.evidence, answer: r.answer ?? '' })
    return { line: toRecipeJsonl(messages), tokens: env.builder.check(String(q.index), messages).tokens }
  })
  let split
  try {
    split = seededSplit(examples, p.test_size, p.seed)
  } catch (err) {
    const reasons = Object.entries(countBy(dropped.map((d) => d.reason))).map(([r, n]) => `${r} ${n}`).join(', ')
    if (err instanceof ServiceError) throw new JobFailure(`${examples.length} of ${rows.length} answers were kept (dropped: ${reasons || 'none'}), too few for a train and a test split with test_size ${p.test_size}`)
    throw err
  }
  const dir = artifactDir(deps.dataDir, 'datasets', p.dataset_id)
  const files = {
    train: writeJsonlAtomic(join(dir, 'train.jsonl'), split.train.map((e) => e.line)),
    test: writeJsonlAtomic(join(dir, 'test.jsonl'), split.test.map((e) => e.line))
  }
  const counts = { questions: rows.length, kept: examples.length, dropped: dropped.length, train: split.train.length, test: split.test.length }
  deps.datasets.complete(p.dataset_id, {
    counts,
    dropped,
    token_stats: { train: tokenStats(split.train.map((e) => e.tokens)), test: tokenStats(split.test.map((e) => e.tokens)) },
    // Final: every item and teacher call is committed before finish runs.
    stats: { ...readStats(ctx.job.id) },
    files,
    manifest: {
      source: { id: env.src.id, name: env.src.name, questions_sha256: env.src.questions_sha256 },
      prompt_version: env.builder.version,
      teacher: p.teacher,
      options: { validation: p.validation, attempts: p.attempts, retry_temperature: RETRY_TEMPERATURE, test_size: p.test_size, seed: p.seed, limit: p.limit ?? null, layout: p.layout },
      code_version: codeVersion(),
      format: 'recipe CoT JSONL: {"messages":[system,user,assistant]} (train_text2sql_cot_dataset.json layout), assistant = the teacher\'s answer verbatim'
    }
  })
  return { dataset_id: p.dataset_id, ...counts }
}

function countBy (values: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const v of values) out[v] = (out[v] ?? 0) + 1
  return out
}
