import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { NatsConnection } from '@nats-io/transport-node'
import { JobRecordSchema, ProblemSchema } from '@t2s/core/contracts/common'
import { QuestionSchema, SourceSchema } from '@t2s/core/contracts/sources'
import { EvaluationSchema } from '@t2s/core/contracts/evaluations'
import { DatasetSchema } from '@t2s/core/contracts/datasets'
import { SqlResultSchema } from '@t2s/core/contracts/sql'
import { TrainingJobSchema } from '@t2s/core/contracts/training'
import type { JobStore } from '@t2s/core/jobs/store'
import { REDACT_PATHS } from '@t2s/core/log'
import { Bus } from './lib/bus.js'
import { registerAuth } from './plugins/auth.js'
import { registerDocs } from './plugins/docs.js'
import { registerErrorHandling } from './plugins/errors.js'
import { registerSecurity } from './plugins/security.js'
import { healthRoutes } from './routes/health.js'
import { jobRoutes } from './routes/jobs.js'
import { sourceRoutes } from './routes/sources.js'
import { evaluationRoutes } from './routes/evaluations.js'
import { modelRoutes } from './routes/models.js'
import { sqlGenerateRoutes } from './routes/sql-generate.js'
import { downloadRoutes } from './routes/downloads.js'
import { datasetRoutes } from './routes/datasets.js'
import { sqlRoutes } from './routes/sql.js'
import { trainingJobRoutes } from './routes/training-jobs.js'

export interface GatewayOptions {
  nc?: NatsConnection
  jobs?: JobStore
  apiKeys: string[]
  rateLimitMax?: number
  corsOrigins?: string[]
  services?: string[]
  requestTimeoutMs?: number
  logLevel?: string
  /** DATA_DIR, from which dataset files are streamed. */
  dataDir?: string
}

const BODY_LIMIT = 1024 * 1024

/** Builds the gateway without listening: server.ts, tests and the OpenAPI export share it. */
export async function buildGateway (opts: GatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'silent', redact: REDACT_PATHS },
    bodyLimit: BODY_LIMIT,
    // Explicit timeouts: fastify's requestTimeout defaults to none, a slowloris risk.
    connectionTimeout: 0,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: 72_000,
    http: { headersTimeout: 10_000 },
    return503OnClosing: true,
    // Unknown fields are refused (400 naming them), not dropped: a misspelled option must not be ignored silently.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, discriminator: true } }
  }).withTypeProvider<TypeBoxTypeProvider>()

  for (const schema of [ProblemSchema, JobRecordSchema, SourceSchema, QuestionSchema, EvaluationSchema, DatasetSchema, SqlResultSchema, TrainingJobSchema]) app.addSchema(schema)
  await registerDocs(app)
  await registerSecurity(app, { rateLimitMax: opts.rateLimitMax ?? 6000, corsOrigins: opts.corsOrigins ?? [] })
  registerAuth(app, opts.apiKeys)
  registerErrorHandling(app)

  const bus = new Bus(opts.nc, opts.jobs)
  healthRoutes(app, bus, opts.services ?? [], opts.dataDir ?? './data')
  jobRoutes(app, bus)
  sourceRoutes(app, bus)
  evaluationRoutes(app, bus)
  modelRoutes(app, bus)
  sqlGenerateRoutes(app, bus)
  downloadRoutes(app, bus)
  datasetRoutes(app, bus, opts.dataDir ?? './data')
  sqlRoutes(app, bus)
  trainingJobRoutes(app, bus)
  return app
}
