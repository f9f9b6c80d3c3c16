import { existsSync, rmSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { NatsConnection } from '@nats-io/transport-node'
import { Type } from 'typebox'
import {
  IdParamsSchema, PageQuerySchema, TERMINAL_STATUSES, type Accepted, type JobRecord, DATASET_VERBS, datasetServiceFor, type DatasetFile,
  type TrainingJobParams, CreateTrainingJobBodySchema, TRAINING_VERBS, type CreateTrainingJobBody, type TrainingJob, type TrainingMethod
} from '@t2s/core/contracts'
import { artifactDir } from '@t2s/core/datasets'
import { badRequest, conflict, notFound, ServiceError, type Logger, resolveInsideRoots, type StateDb } from '@t2s/core'
import { type JobStore, newId, JobWorker } from '@t2s/core/jobs'
import { callService, serveEndpoints } from '@t2s/core/nats'
import { Semaphore } from '@t2s/core/util'
import type { CommandOptions } from './command.js'
import { trainingJobKind, TRAINING_KIND, type StudentServer } from './job.js'
import { renderLossSvg, spread } from './loss-chart.js'
import { TrainingRepo, type TrainingRow } from './repo.js'
import { writeGrpoPrompts } from './grpo-prompts.js'
import { checkBatch, checkGrpo, grpoTrainerConfig, runDir, trainerConfig } from './trainer-config.js'
import { deleteTraining, sweepTrainingRuns } from './delete.js'

export interface TrainerAppDeps {
  nc: NatsConnection
  jobs: JobStore
  db: StateDb
  log: Logger
  dataDir: string
  /** Folders a local base_model may live in: DATA_DIR first, then T2S_SOURCE_ROOTS. */
  roots: string[]
  command: CommandOptions
  defaultBaseModel: string
  stopGraceMs: number
  maxAttempts: number
  ackWaitS: number
  student: StudentServer | null
  /** Where GRPO runs score their rollouts: the gateway's POST /v1/rewards, and its bearer key. */
  reward: { url: string, apiKey: string }
}

const ById = Type.Object({ id: IdParamsSchema.properties.id })
/** Keeps a record within a NATS message (1 MiB by default) however long the run. */
const MAX_LOSS_POINTS = 1000

/** Builds the trainer service: training-job endpoints and the worker that runs one training at a time. */
export async function buildTrainerApp (deps: TrainerAppDeps) {
  const repo = new TrainingRepo(deps.db)
  const worker = new JobWorker({
    nc: deps.nc,
    store: deps.jobs,
    service: 'trainer',
    db: deps.db,
    log: deps.log,
    kinds: [trainingJobKind({ repo, dataDir: deps.dataDir, command: deps.command, stopGraceMs: deps.stopGraceMs, maxAttempts: deps.maxAttempts, student: deps.student, rewardApiKey: deps.reward.apiKey })],
    tuning: { ackWaitS: deps.ackWaitS, maxDeliver: deps.maxAttempts, maxAckPending: 16 },
    // One GPU job per process: a second replica (another GPU host) takes the next job.
    jobConcurrency: 1,
    itemConcurrency: 1
  })
  // Name checks and inserts are serialised, so two requests cannot claim one adapter name.
  const creating = new Semaphore(1)

  const create = async (body: CreateTrainingJobBody): Promise<Accepted> => await creating.run(async () => {
    const method = body.method as TrainingMethod
    const hyperparameters = body.hyperparameters ?? {}
    const grpo = method === 'grpo'
    if (!grpo && body.grpo !== undefined) throw badRequest('grpo settings apply to method "grpo" only')
    if (grpo && Object.keys(hyperparameters).length > 0) throw badRequest('method "grpo" takes its settings in `grpo`, not in `hyperparameters`')
    if (grpo) checkGrpo(body.dataset, body.grpo ?? {})
    else checkBatch(hyperparameters, deps.command.gpus)
    const baseModel = checkBaseModel(body.base_model ?? deps.defaultBaseModel, deps.roots)
    const initAdapter = grpo ? checkInitAdapter(deps.dataDir, body.grpo?.init_adapter) : null
    const trainFile = await resolveTrainFile(deps, body.dataset)
    const id = newId('tj')
    const adapterName = body.adapter_name ?? id
    await checkNameFree(adapterName)
    const jobId = newId('job')
    let config: Record<string, unknown>
    if (grpo) {
      const promptsFile = join(runDir(id), 'prompts.jsonl')
      const { source } = await writeGrpoPrompts(deps.nc, body.dataset, join(deps.dataDir, trainFile), join(deps.dataDir, promptsFile))
      config = grpoTrainerConfig({ trainingId: id, promptsFile, baseModel, grpo: body.grpo ?? {}, rewardUrl: deps.reward.url, rewardSource: source, initAdapter })
    } else {
      config = trainerConfig({ trainingId: id, trainFile, baseModel, method, hyperparameters })
    }
    const settings = grpo ? body.grpo ?? {} : hyperparameters
    repo.insert({ id, job_id: jobId, adapter_name: adapterName, dataset: body.dataset, train_file: trainFile, base_model: baseModel, method, hyperparameters: JSON.stringify(settings), config: JSON.stringify(config) })
    try {
      const job = await deps.jobs.submit({ id: jobId, kind: TRAINING_KIND, service: 'trainer', params: { training_id: id, dataset: body.dataset, adapter_name: adapterName, method } satisfies TrainingJobParams, resource: { type: 'training_job', id }, unit: 'steps' })
      return { id, job_id: job.id, status: job.status }
    } catch (err) {
      repo.delete(id)
      rmSync(join(deps.dataDir, runDir(id)), { recursive: true, force: true })
      throw err
    }
  })

  const checkNameFree = async (name: string): Promise<void> => {
    for (const row of repo.byAdapter(name)) {
      const job = await deps.jobs.get(row.job_id)
      if (job && job.status !== 'failed' && job.status !== 'cancelled') throw conflict(`adapter_name "${name}" is taken by training job ${row.id} (${job.status})`)
    }
    for (const kind of ['adapters', 'models']) {
      if (existsSync(artifactDir(deps.dataDir, kind, name))) throw conflict(`adapter_name "${name}" already names a folder under DATA_DIR/artifacts/${kind}`)
    }
  }

  // What the full view and the list's summary share, from the row and its job record.
  const identity = (row: TrainingRow, job: JobRecord | null) => ({
    id: row.id,
    job_id: row.job_id,
    status: job?.status ?? 'queued',
    adapter_name: row.adapter_name,
    dataset: row.dataset,
    base_model: row.base_model,
    method: row.method
  })
  const finishedAt = (job: JobRecord | null) => job && TERMINAL_STATUSES.includes(job.status) ? job.finished_at : null

  const view = async (row: TrainingRow): Promise<TrainingJob> => {
    const job = await deps.jobs.get(row.job_id)
    const throughput = repo.throughput(row.id)
    const info = JSON.parse(row.run_info) as Record<string, unknown>
    const points = repo.points(row.id)
    return {
      ...identity(row, job),
      hyperparameters: JSON.parse(row.hyperparameters),
      config: JSON.parse(row.config),
      progress: { step: row.step, total_steps: row.total_steps, epoch: row.epoch },
      loss: spread(points, MAX_LOSS_POINTS),
      loss_points: points.length,
      throughput: throughput && { ...throughput, world_size: typeof info.world_size === 'number' ? info.world_size : null },
      run: { attempts: row.attempts, resumed_from_step: row.resumed_from_step, checkpoint_step: row.checkpoint_step, stopped: row.stopped, info },
      artifacts: row.artifacts ? JSON.parse(row.artifacts) : { kind: null, path: null, files: {}, loaded: null, note: null },
      manifest: row.manifest ? JSON.parse(row.manifest) : null,
      error: job?.error ?? null,
      created_at: row.created_at,
      started_at: job?.started_at ?? null,
      finished_at: finishedAt(job)
    }
  }

  const summary = (row: TrainingRow, job: JobRecord | null) => ({
    ...identity(row, job),
    step: row.step,
    total_steps: row.total_steps,
    last_loss: repo.lastLoss(row.id),
    created_at: row.created_at,
    finished_at: finishedAt(job)
  })

  const service = await serveEndpoints(deps.nc, { name: 'trainer', version: '0.1.0', description: 'Training jobs: runs trainer-gpu, keeps the loss series, publishes adapters', log: deps.log }, {
    [TRAINING_VERBS.create]: { input: CreateTrainingJobBodySchema, handler: create },
    [TRAINING_VERBS.delete]: { input: ById, handler: async ({ id }: { id: string }) => { await deleteTraining({ ...deps, repo }, id); return null } },
    [TRAINING_VERBS.list]: {
      input: PageQuerySchema,
      handler: async ({ offset, limit }: { offset: number, limit: number }) => {
        const { rows, total } = repo.list(offset, limit)
        const items = await Promise.all(rows.map(async (r) => summary(r, await deps.jobs.get(r.job_id))))
        return { items, total }
      }
    },
    [TRAINING_VERBS.get]: { input: ById, handler: async ({ id }: { id: string }) => await view(repo.require(id)) },
    [TRAINING_VERBS.lossSvg]: {
      input: ById,
      handler: async ({ id }: { id: string }) => {
        const row = repo.require(id)
        const job = await deps.jobs.get(row.job_id)
        const tp = repo.throughput(id)
        const parts = [row.base_model, job?.status ?? 'queued', tp?.tokens_per_s_last ? `${Math.round(tp.tokens_per_s_last).toLocaleString('en-US')} tokens/s` : null]
        return { svg: renderLossSvg({ title: `${row.adapter_name}: ${row.method} on ${row.dataset}`, subtitle: parts.filter(Boolean).join(' · '), points: repo.points(id), totalSteps: row.total_steps }) }
      }
    }
  })
  const swept = await sweepTrainingRuns({ repo, dataDir: deps.dataDir, jobs: deps.jobs })
  if (swept.length > 0) deps.log.info({ runs: swept }, 'removed the run folders of training jobs deleted before a crash')
  await worker.start()
  return {
    service,
    repo,
    stop: async () => {
      await service.stop()
      await worker.stop()
      deps.db.close()
    }
  }
}

/** A warm start names a published adapter: DATA_DIR/artifacts/adapters/<name>, relative to DATA_DIR. */
function checkInitAdapter (dataDir: string, name: string | undefined): string | null {
  if (name === undefined) return null
  const dir = artifactDir(dataDir, 'adapters', name)
  if (!existsSync(join(dir, 'adapter_config.json'))) throw badRequest(`grpo.init_adapter "${name}" is not a published LoRA adapter (DATA_DIR/artifacts/adapters/${name})`)
  return relative(dataDir, dir).split(sep).join('/')
}

/** A hub id passes as is; an absolute folder must lie inside DATA_DIR or T2S_SOURCE_ROOTS. */
function checkBaseModel (model: string, roots: string[]): string {
  if (model.split(/[\\/]+/).includes('..')) throw badRequest("base_model must not contain '..'")
  if (isAbsolute(model)) return resolveInsideRoots(model, roots, 'base_model', 'dir')
  return model
}

/** The dataset's train split, asked of the service that built it; relative to DATA_DIR. */
async function resolveTrainFile (deps: TrainerAppDeps, dataset: string): Promise<string> {
  let file: DatasetFile
  try {
    file = await callService<DatasetFile>(deps.nc, datasetServiceFor(dataset), DATASET_VERBS.file, { id: dataset, split: 'train' }, { timeout: 10_000 })
  } catch (err) {
    if (err instanceof ServiceError && err.code === 404) throw notFound(`dataset "${dataset}" not found`)
    if (err instanceof ServiceError && err.code < 500) throw new ServiceError(err.codeName, `dataset "${dataset}": ${err.message}`)
    throw err
  }
  const abs = resolve(deps.dataDir, file.path)
  const rel = relative(deps.dataDir, abs)
  if (rel.startsWith('..') || isAbsolute(rel)) throw new ServiceError('INTERNAL', `dataset "${dataset}": its train file lies outside DATA_DIR`)
  if (!existsSync(abs) || !statSync(abs).isFile()) throw conflict(`dataset "${dataset}": its train file is missing`)
  return rel.split(sep).join('/')
}
