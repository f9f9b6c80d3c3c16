import type { NatsConnection } from '@nats-io/transport-node'
import { Type } from 'typebox'
import {
  RewardRequestSchema, REWARD_VERBS, CreateEvaluationBodySchema, EVALUATION_VERBS, EvaluationListQuerySchema, GenerateSqlBodySchema,
  ItemsQuerySchema, CreateModelServerBodySchema, MODEL_SERVER_VERBS, ServerNameSchema, UpdateModelServerBodySchema, USAGE_VERBS,
  CompareQuerySchema, COMPARE_VERBS, FlipsQuerySchema
} from '@t2s/core/contracts'
import { type JobStore, JobWorker, type ConsumerTuning } from '@t2s/core/jobs'
import type { Logger, StateDb } from '@t2s/core'
import type { ModelServerRegistry } from '@t2s/core/models'
import { sweepOrphanJobs } from '@t2s/core/lifecycle'
import { serveEndpoints } from '@t2s/core/nats'
import { PromptBuilder } from '@t2s/core/prompts'
import { SqlSandbox } from '@t2s/core/sql'
import { Comparisons } from './compare.js'
import { Contexts } from './context.js'
import { GoldCache } from './gold-cache.js'
import { evaluationKind } from './job.js'
import { Scorer } from './score.js'
import { EvaluationService } from './service.js'
import { EvaluationStore } from './store.js'
import { RewardService } from './rewards.js'
import { resolveSource } from './source.js'

export interface EvaluatorAppDeps {
  nc: NatsConnection
  jobs: JobStore
  db: StateDb
  log: Logger
  /** The model servers: the environment's teacher and student, and the registered ones. */
  servers: ModelServerRegistry
  /** Child processes of the SQL sandbox (default: one per core). */
  sandboxSize?: number
  /** Processes the sandbox adds while queries run long (default 4). */
  sandboxOverflow?: number
  /** Niceness of the sandbox processes (the sandbox's default, 10, unless given). */
  sandboxNiceness?: number
  /** Rows kept of one result; more makes it incomparable (default 100 000). */
  maxRows?: number
  /** Questions in flight in this process, all evaluations together. */
  itemConcurrency?: number
  tuning?: Partial<ConsumerTuning>
}

const ById = Type.Object({ id: Type.String({ minLength: 1 }) })
const ItemsQuery = Type.Object({ id: Type.String({ minLength: 1 }), ...ItemsQuerySchema.properties })
const ByName = Type.Object({ name: ServerNameSchema })
const PatchServer = Type.Object({ name: ServerNameSchema, patch: UpdateModelServerBodySchema })
const PredictionsQuery = Type.Object({ id: Type.String({ minLength: 1 }), offset: Type.Integer({ minimum: 0, default: 0 }) })

/** Builds the evaluator: its NATS verbs, the evaluation job kind and the SQL sandbox. */
export async function buildEvaluatorApp (deps: EvaluatorAppDeps) {
  const sandbox = new SqlSandbox({ size: deps.sandboxSize, overflow: deps.sandboxOverflow ?? 4, niceness: deps.sandboxNiceness, log: deps.log })
  await sandbox.ready()
  const store = new EvaluationStore(deps.db)
  // One builder, so one schema cache, for the evaluation job and the generate verb.
  const prompts = new PromptBuilder({ preset: 'cookbook' })
  const scorer = new Scorer(sandbox, new GoldCache(deps.db))
  const maxRows = deps.maxRows ?? 100_000
  const kind = evaluationKind({ store, contexts: new Contexts(store), scorer, sandbox, prompts, servers: deps.servers, maxRows, log: deps.log })
  const worker = new JobWorker({
    nc: deps.nc,
    store: deps.jobs,
    service: 'evaluator',
    db: deps.db,
    log: deps.log,
    kinds: [kind],
    tuning: deps.tuning,
    itemConcurrency: deps.itemConcurrency ?? 256
  })
  const evaluations = new EvaluationService({ ...deps, store, sandbox, prompts })
  const comparisons = new Comparisons(store, deps.jobs)
  // Leaves room for the reply's own fields and NATS headers.
  const budget = () => Math.max(64 * 1024, (deps.nc.info?.max_payload ?? 1024 * 1024) - 32 * 1024)
  const rewards = new RewardService({ resolve: async (source) => await resolveSource(deps.nc, source), scorer, maxRows })
  const service = await serveEndpoints(deps.nc, { name: 'evaluator', version: '0.1.0', description: 'BIRD execution accuracy of prediction files and served models', log: deps.log }, {
    [EVALUATION_VERBS.create]: { input: CreateEvaluationBodySchema, handler: async (b) => await evaluations.create(b) },
    [EVALUATION_VERBS.get]: { input: ById, handler: async ({ id }: { id: string }) => await evaluations.get(id) },
    [EVALUATION_VERBS.list]: { input: EvaluationListQuerySchema, handler: async ({ limit }: { limit: number }) => await evaluations.list(limit) },
    [EVALUATION_VERBS.items]: { input: ItemsQuery, handler: (q) => evaluations.items(q) },
    [EVALUATION_VERBS.predictions]: { input: PredictionsQuery, handler: (q) => evaluations.predictions(q) },
    [EVALUATION_VERBS.generate]: { input: GenerateSqlBodySchema, handler: async (b) => await evaluations.generate(b) },
    [EVALUATION_VERBS.models]: { handler: async () => await evaluations.models() },
    [COMPARE_VERBS.compare]: { input: CompareQuerySchema, handler: async (q) => await comparisons.compare(q) },
    [COMPARE_VERBS.flips]: { input: FlipsQuerySchema, handler: (q) => comparisons.flips(q, budget()) },
    [REWARD_VERBS.score]: { input: RewardRequestSchema, handler: async (b) => await rewards.score(b) },
    [USAGE_VERBS.evaluations]: { handler: () => ({ items: store.usage() }) },
    [EVALUATION_VERBS.delete]: { input: ById, handler: async ({ id }: { id: string }) => { await evaluations.delete(id); return null } },
    [MODEL_SERVER_VERBS.create]: { input: CreateModelServerBodySchema, handler: async (b) => await deps.servers.create(b) },
    [MODEL_SERVER_VERBS.list]: { handler: async () => { const items = await deps.servers.list(); return { items, total: items.length } } },
    [MODEL_SERVER_VERBS.get]: { input: ByName, handler: async ({ name }: { name: string }) => await deps.servers.get(name) },
    [MODEL_SERVER_VERBS.update]: { input: PatchServer, handler: async ({ name, patch }) => await deps.servers.update(name, patch) },
    [MODEL_SERVER_VERBS.delete]: { input: ByName, handler: async ({ name }: { name: string }) => { await evaluations.refuseIfServerBusy(name); await deps.servers.delete(name); return null } }
  })
  // Job records of evaluations whose delete was cut short by a crash.
  await sweepOrphanJobs(deps.jobs, 'evaluation', (id) => { try { store.get(id); return true } catch { return false } })
  await worker.start()
  return {
    service,
    scorer,
    stop: async () => {
      await service.stop()
      await worker.stop()
      await sandbox.close()
      deps.db.close()
    }
  }
}
