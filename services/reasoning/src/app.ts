import type { NatsConnection } from '@nats-io/transport-node'
import { CotDatasetBodySchema, type CotDatasetBody } from '@t2s/core/contracts'
import { type JobStore, JobWorker, type ConsumerTuning } from '@t2s/core/jobs'
import type { ModelServerRegistry } from '@t2s/core/models'
import type { Logger, StateDb } from '@t2s/core'
import { serveEndpoints } from '@t2s/core/nats'
import { countTokens } from '@t2s/core/prompts'
import type { SqlSandbox } from '@t2s/core/sql'
import { DatasetRecords, datasetEndpoints } from '@t2s/core/datasets'
import { COT_JOB_KIND, cotDatasetJob } from './cot-job.js'
import { CotDatasets } from './datasets.js'
import { cotStatsReader } from './cot-stats.js'
import { Teacher } from './teacher.js'

export interface ReasoningAppDeps {
  nc: NatsConnection
  jobs: JobStore
  db: StateDb
  log: Logger
  dataDir: string
  sandbox: SqlSandbox
  /** The model servers: the environment's teacher (unset: create answers 503), and registered ones. */
  servers: ModelServerRegistry
  /** Per query deadline of gold and answer SQL. */
  sqlTimeoutMs?: number
  maxRows?: number
  /** Items in flight in this process, all jobs together (a job's own `concurrency` caps it further). */
  itemConcurrency?: number
  tuning?: Partial<ConsumerTuning>
}

/** Builds the reasoning service: CoT dataset verbs on NATS and the worker that runs their jobs. */
export async function buildReasoningApp (deps: ReasoningAppDeps) {
  const readStats = cotStatsReader(deps.db)
  const records = new DatasetRecords({
    db: deps.db,
    jobs: deps.jobs,
    dataDir: deps.dataDir,
    table: 'cot_datasets',
    kind: 'cot',
    idPrefix: 'cot',
    jobKind: COT_JOB_KIND,
    service: 'reasoning',
    // Counted from the committed items, so they move while the job runs.
    liveStats: (jobId) => ({ ...readStats(jobId) }),
    // The judged items and call counts go with the dataset; the teacher cache stays (answers are paid for).
    deleteJobItems: (jobId) => {
      deps.db.prepare('DELETE FROM cot_items WHERE job_id = ?').run(jobId)
      deps.db.prepare('DELETE FROM teacher_calls WHERE job_id = ?').run(jobId)
    }
  })
  const teacher = new Teacher(deps.db, async (server) => (await deps.servers.resolve(server)).client)
  const datasets = new CotDatasets(records, deps.nc, deps.servers)
  const job = cotDatasetJob({
    nc: deps.nc,
    db: deps.db,
    datasets: records,
    teacher,
    servers: deps.servers,
    sandbox: deps.sandbox,
    dataDir: deps.dataDir,
    sqlTimeoutMs: deps.sqlTimeoutMs ?? 30_000,
    maxRows: deps.maxRows ?? 100_000
  })
  const worker = new JobWorker({
    nc: deps.nc,
    store: deps.jobs,
    service: 'reasoning',
    db: deps.db,
    log: deps.log,
    kinds: [job],
    itemConcurrency: deps.itemConcurrency ?? 256,
    tuning: deps.tuning
  })
  const service = await serveEndpoints(deps.nc, { name: 'reasoning', version: '0.1.0', description: 'Teacher chain-of-thought datasets, verified by execution', log: deps.log }, {
    ...datasetEndpoints(records, CotDatasetBodySchema, async (b: CotDatasetBody) => await datasets.create(b))
  })
  // The Llama 3 tokenizer decodes its vocabulary on first use (about 1.5 s of CPU): pay it
  // before any message is held, not in a job's finish while other items wait for heartbeats.
  countTokens('warm up')
  const swept = await records.sweep()
  if (swept.length > 0) deps.log.info({ datasets: swept }, 'removed the files of datasets deleted before a crash')
  await worker.start()
  return {
    service,
    records,
    stop: async () => {
      await service.stop()
      await worker.stop()
      await deps.sandbox.close()
      deps.db.close()
    }
  }
}
