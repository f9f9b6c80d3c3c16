import { join } from 'node:path'
import { JOB_KINDS, SftJobParamsSchema, type Question } from '@t2s/core/contracts'
import { artifactDir, writeJsonlAtomic, seededSplit, tokenStats, type DatasetRecords } from '@t2s/core/datasets'
import { JobFailure, codeVersion } from '@t2s/core'
import type { JobContext, SingleJobKind } from '@t2s/core/jobs'
import { PromptBuilder, toRecipeJsonl } from '@t2s/core/prompts'
import { checkDatabaseFiles, databaseFile, loadRegisteredQuestions } from '@t2s/core/sources'
import type { SqlSandbox } from '@t2s/core/sql'
import { fileSha256, textSha256 } from '@t2s/core/util'
import type { SourceRegistry } from '../sources/registry.js'
import type { GoldChecks, GoldVerdict } from './gold-checks.js'

/** The job kind that builds an SFT dataset's files. */
export const SFT_JOB_KIND = JOB_KINDS.sftDataset

export interface SftJobDeps {
  sources: SourceRegistry
  datasets: DatasetRecords
  sandbox: SqlSandbox
  dataDir: string
  /** Per-gold deadline, as the official scorer's 30 s. */
  goldTimeoutMs: number
  goldChecks: GoldChecks
}

interface Dropped { index: number, question_id: number | null, db_id: string, reason: string, detail?: string }

/**
 * Builds an SFT dataset: optional gold screening in the sandbox, the recipe's messages
 * (byte for byte by default), a seeded split, and atomically written JSONL files.
 */
export function sftDatasetJob (deps: SftJobDeps): SingleJobKind<typeof SftJobParamsSchema> {
  return {
    kind: SFT_JOB_KIND,
    unit: 'questions',
    params: SftJobParamsSchema,
    run: async (ctx) => {
      const p = ctx.params
      const src = deps.sources.resolve(p.source_id)
      let questions = loadRegisteredQuestions(src.questions_path, src.questions_sha256)
      if (p.limit) questions = questions.slice(0, p.limit)
      checkDatabaseFiles(src.databases_path, questions)
      await ctx.progress(0, questions.length)

      const screen = p.gold_check === 'drop' ? await screenGolds(ctx, deps, src.databases_path, questions) : null
      const dropped = screen?.dropped ?? []
      const droppedIdx = new Set(dropped.map((d) => d.index))
      const kept = questions.filter((q) => !droppedIdx.has(q.index))
      if (ctx.signal.aborted) throw new Error('cancelled')

      const builder = new PromptBuilder({ preset: 'cookbook', options: p.prompt.options })
      const examples = kept.map((q) => {
        const messages = builder.sft({ dbPath: databaseFile(src.databases_path, q.db_id), question: q.question, evidence: q.evidence, sql: q.sql })
        return { line: toRecipeJsonl(messages), tokens: builder.check(String(q.index), messages).tokens }
      })
      const split = seededSplit(examples, p.test_size, p.seed)
      const dir = artifactDir(deps.dataDir, 'datasets', p.dataset_id)
      const files = {
        train: writeJsonlAtomic(join(dir, 'train.jsonl'), split.train.map((e) => e.line)),
        test: writeJsonlAtomic(join(dir, 'test.jsonl'), split.test.map((e) => e.line))
      }
      const budget = builder.budget?.report()
      deps.datasets.complete(p.dataset_id, {
        counts: { questions: questions.length, kept: kept.length, dropped: dropped.length, train: split.train.length, test: split.test.length },
        dropped,
        token_stats: {
          train: tokenStats(split.train.map((e) => e.tokens)),
          test: tokenStats(split.test.map((e) => e.tokens)),
          ...(budget ? { budget: budget.limit, over_budget: budget.overCount } : {})
        },
        stats: {
          ...(screen ? { gold_check: screen.stats } : {}),
          // Over-budget examples are reported by question index, worst first, never cut.
          ...(budget ? { over_budget_examples: budget.over.slice(0, 100) } : {})
        },
        files,
        manifest: {
          source: { id: src.id, name: src.name, questions_sha256: src.questions_sha256 },
          prompt_version: builder.version,
          options: { test_size: p.test_size, seed: p.seed, gold_check: p.gold_check, limit: p.limit ?? null, prompt: p.prompt },
          code_version: codeVersion(),
          format: 'recipe JSONL: {"messages":[system,user,assistant]} (train_text2sql_sft_dataset.json layout)'
        }
      })
      await ctx.progress(questions.length, questions.length)
      return { dataset_id: p.dataset_id, train: split.train.length, test: split.test.length, dropped: dropped.length }
    }
  }
}

/** How the gold screen got its verdicts: run in the sandbox, or known from an earlier build. */
export interface GoldScreenStats { executed: number, cached: number }

/**
 * Runs every gold SQL in the sandbox, unless its verdict on this very database file is
 * known; the ones that fail, are refused or time out are dropped.
 */
async function screenGolds (ctx: JobContext, deps: SftJobDeps, databasesPath: string, questions: Question[]): Promise<{ dropped: Dropped[], stats: GoldScreenStats }> {
  const dbIds = [...new Set(questions.map((q) => q.db_id))]
  // BIRD's database files reach gigabytes: say what the wait before the first query is.
  await ctx.event('log', { message: `gold screen: reading the digests of ${dbIds.length} database files` })
  const dbSha = new Map<string, string>()
  for (const dbId of dbIds) {
    try {
      dbSha.set(dbId, await fileSha256(databaseFile(databasesPath, dbId)))
    } catch {
      throw new JobFailure(`database file ${dbId}/${dbId}.sqlite of the source cannot be read`)
    }
  }
  const dropped: Dropped[] = []
  const stats: GoldScreenStats = { executed: 0, cached: 0 }
  let done = 0
  let next = 0
  let lastReport = Date.now()
  const worker = async () => {
    while (next < questions.length && !ctx.signal.aborted) {
      const q = questions[next++]
      const sha = dbSha.get(q.db_id)!
      const sqlSha = textSha256(q.sql)
      let verdict: GoldVerdict | undefined = deps.goldChecks.get(sha, sqlSha)
      if (verdict === undefined) {
        const r = await deps.sandbox.execute(databaseFile(databasesPath, q.db_id), q.sql, { timeoutMs: deps.goldTimeoutMs, maxRows: 100_000, signal: ctx.signal, group: ctx.job.id })
        deps.goldChecks.put(sha, sqlSha, r)
        verdict = { status: r.status, error: r.error ?? null }
        stats.executed++
      } else {
        stats.cached++
      }
      if (verdict.status !== 'ok') {
        dropped.push({ index: q.index, question_id: q.question_id, db_id: q.db_id, reason: `gold_${verdict.status === 'rejected' ? 'rejected' : verdict.status}`, detail: verdict.error ?? undefined })
      }
      done++
      if (Date.now() - lastReport > 500) {
        lastReport = Date.now()
        await ctx.progress(done, questions.length)
      }
    }
  }
  await Promise.all(Array.from({ length: deps.sandbox.stats().size * 2 }, worker))
  await ctx.event('log', { message: `gold screen: ${stats.executed} gold queries run, ${stats.cached} verdicts known from earlier builds, ${dropped.length} dropped` })
  return { dropped: dropped.sort((a, b) => a.index - b.index), stats }
}
