import type { NatsConnection } from '@nats-io/transport-node'
import { Type } from 'typebox'
import {
  CreateSourceBodySchema, SOURCE_VERBS, type CreateSourceBody, ExecuteSqlBodySchema, SQL_VERBS, type ExecuteSqlBody, DOWNLOAD_VERBS,
  SftDatasetBodySchema, type SftDatasetBody, SCHEMA_VERBS, SchemaParamsSchema, SchemaQuerySchema, USAGE_VERBS
} from '@t2s/core/contracts'
import type { Logger, StateDb } from '@t2s/core'
import { serveEndpoints } from '@t2s/core/nats'
import { type JobStore, JobWorker, type JobKind } from '@t2s/core/jobs'
import { SourceRegistry } from './sources/registry.js'
import { downloadEndpoint, downloadJob } from './download/index.js'
import type { SqlSandbox } from '@t2s/core/sql'
import { DatasetRecords, datasetEndpoints } from '@t2s/core/datasets'
import { GoldChecks } from './datasets/gold-checks.js'
import { SftDatasets } from './datasets/service.js'
import { SFT_JOB_KIND, sftDatasetJob } from './datasets/sft-job.js'
import { executeSql } from './sql/execute.js'
import { databaseSchema } from './sources/schema.js'
import { deleteSource } from './sources/delete.js'
import { diskUsage } from './usage.js'

export interface DatasetAppDeps {
  nc: NatsConnection
  jobs: JobStore
  db: StateDb
  log: Logger
  dataDir: string
  /** Folders source paths may point into: DATA_DIR first, then T2S_SOURCE_ROOTS. */
  roots: string[]
  sandbox: SqlSandbox
  /** Deadline of each gold query in a gold check (the official scorer's 30 s). */
  goldTimeoutMs?: number
}

const ById = Type.Object({ id: Type.String({ minLength: 1 }) })
const QuestionsPage = Type.Object({
  id: Type.String({ minLength: 1 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 })
})

// A reply must fit the server's max_payload (1 MiB by default, 8 MiB as `npm start` runs it), headers and envelope included.
const replyBudget = (nc: NatsConnection): number => Math.max(64 * 1024, (nc.info?.max_payload ?? 1024 * 1024) - 64 * 1024)

/** Builds the dataset service: sources now; SFT datasets are jobs of this service. */
export async function buildDatasetApp (deps: DatasetAppDeps) {
  const sources = new SourceRegistry(deps.db, deps.roots)
  // Job kinds this service runs; each module adds its own here.
  const records = new DatasetRecords({ db: deps.db, jobs: deps.jobs, dataDir: deps.dataDir, table: 'datasets', kind: 'sft', idPrefix: 'ds', jobKind: SFT_JOB_KIND, service: 'dataset' })
  const datasets = new SftDatasets(records, sources)
  const kinds: JobKind[] = [
    downloadJob({ sources, dataDir: deps.dataDir }),
    sftDatasetJob({ sources, datasets: records, sandbox: deps.sandbox, dataDir: deps.dataDir, goldTimeoutMs: deps.goldTimeoutMs ?? 30_000, goldChecks: new GoldChecks(deps.db) })
  ]
  const worker = new JobWorker({ nc: deps.nc, store: deps.jobs, service: 'dataset', db: deps.db, log: deps.log, kinds })
  const service = await serveEndpoints(deps.nc, { name: 'dataset', version: '0.1.0', description: 'Benchmark sources and SFT datasets', log: deps.log }, {
    [SOURCE_VERBS.create]: { input: CreateSourceBodySchema, handler: (b: CreateSourceBody) => sources.register(b) },
    [SOURCE_VERBS.list]: { handler: () => { const items = sources.list(); return { items, total: items.length } } },
    [SOURCE_VERBS.get]: { input: ById, handler: ({ id }: { id: string }) => sources.get(id) },
    [DOWNLOAD_VERBS.create]: downloadEndpoint({ jobs: deps.jobs, sources, dataDir: deps.dataDir }),
    [SOURCE_VERBS.resolve]: { input: ById, handler: ({ id }: { id: string }) => sources.resolve(id) },
    [SQL_VERBS.execute]: { input: ExecuteSqlBodySchema, handler: async (b: ExecuteSqlBody, { signal }) => await executeSql(sources, deps.sandbox, b, replyBudget(deps.nc), signal) },
    [SQL_VERBS.stats]: { handler: () => deps.sandbox.stats() },
    [USAGE_VERBS.usage]: { handler: async () => await diskUsage(deps.nc, deps.dataDir) },
    [SOURCE_VERBS.delete]: { input: ById, handler: async ({ id }: { id: string }) => { await deleteSource(sources, deps.jobs, id); return null } },
    ...datasetEndpoints(records, SftDatasetBodySchema, async (b: SftDatasetBody) => await datasets.create(b)),
    [SCHEMA_VERBS.get]: {
      input: Type.Object({ ...SchemaParamsSchema.properties, ...SchemaQuerySchema.properties }, { additionalProperties: false }),
      handler: (b: { id: string, db_id: string, sample_rows: number, column_descriptions: boolean }) => databaseSchema(sources, b)
    },
    [SOURCE_VERBS.questions]: {
      input: QuestionsPage,
      handler: ({ id, offset, limit }: { id: string, offset: number, limit: number }) => ({ ...sources.questions(id, offset, limit), offset, limit })
    }
  })
  const swept = await records.sweep()
  if (swept.length > 0) deps.log.info({ datasets: swept }, 'removed the files of datasets deleted before a crash')
  await worker.start()
  return {
    service,
    sources,
    stop: async () => {
      await service.stop()
      await worker.stop()
      await deps.sandbox.close()
      deps.db.close()
    }
  }
}
