import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { NatsConnection } from '@nats-io/transport-node'
import {
  JobRecordSchema, ProblemSchema, QuestionSchema, SourceSchema, EvaluationSchema, ComparisonSchema, DatasetSchema, SqlResultSchema,
  TrainingJobSchema, DatabaseSchemaSchema, ModelServerSchema, AJV_OPTIONS
} from '@t2s/core/contracts'
import { toProblem, createLogger, type Logger } from '@t2s/core'
import type { JobStore } from '@t2s/core/jobs'
import { instanceOf, PROBLEM_TYPE, sendProblem } from './lib/problem.js'
import cors, { autoConfig as corsConfig } from './plugins/external/cors.js'
import helmet, { autoConfig as helmetConfig } from './plugins/external/helmet.js'
import rateLimit, { autoConfig as rateLimitConfig } from './plugins/external/rate-limit.js'
import docs from './plugins/external/swagger.js'
import auth from './plugins/app/auth.js'
import bus, { type Bus } from './plugins/app/bus.js'
import errors from './plugins/app/errors.js'
import drain from './plugins/app/drain.js'
import healthRoutes from './routes/health.js'
import jobRoutes from './routes/jobs.js'
import sourceRoutes from './routes/sources.js'
import evaluationRoutes from './routes/evaluations.js'
import modelRoutes from './routes/models.js'
import sqlGenerateRoutes from './routes/sql-generate.js'
import downloadRoutes from './routes/downloads.js'
import datasetRoutes from './routes/datasets.js'
import sqlRoutes from './routes/sql.js'
import trainingJobRoutes from './routes/training-jobs.js'
import evaluationCompareRoutes from './routes/evaluation-compare.js'
import rewardRoutes from './routes/rewards.js'
import schemaRoutes from './routes/schema.js'
import modelServerRoutes from './routes/model-servers.js'
import deletionRoutes from './routes/deletions.js'
import usageRoutes from './routes/usage.js'
import { registerConsole } from './plugins/console.js'
import { registerMultipart } from './plugins/multipart.js'

export interface GatewayOptions {
  nc?: NatsConnection
  jobs?: JobStore
  /** Another Bus in place of the NATS one built from nc and jobs (the route tests' scripted bus). */
  bus?: Bus
  apiKeys: string[]
  rateLimitMax?: number
  /** failed authentications per address per minute */
  authFailuresMax?: number
  corsOrigins?: string[]
  services?: string[]
  requestTimeoutMs?: number
  /** The process logger (server.ts); without one the app logs nothing. */
  logger?: Logger
  /** DATA_DIR, from which dataset files are streamed. */
  dataDir?: string
}

const BODY_LIMIT = 1024 * 1024

/**
 * Errors node's HTTP parser raises before fastify has a request (a body still arriving at
 * requestTimeout, oversized headers, a malformed request line), answered as problems
 * rather than fastify's own JSON.
 */
function clientErrorHandler (err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
  const detail = status === 408
    ? 'the request was not received in time (T2S_REQUEST_TIMEOUT_MS)'
    : status === 431 ? 'request headers are larger than 16 KiB' : 'malformed HTTP request'
  const body = JSON.stringify(toProblem(status, detail))
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${PROBLEM_TYPE}\r\n\r\n${body}`)
  }
  socket.destroy(err)
}

/** Routing errors fastify raises before any route (bad percent-encoding, a path parameter over maxParamLength). */
const frameworkErrors: FastifyServerOptions['frameworkErrors'] = (err, request, reply) => {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblem(reply, 414, `a path segment of ${instanceOf(request.url)} is longer than ${MAX_PARAM_LENGTH} characters`)
  if (err.code === 'FST_ERR_BAD_URL') return sendProblem(reply, 400, 'the URL is not valid (bad percent-encoding)')
  return sendProblem(reply, 500, 'internal error')
}
const MAX_PARAM_LENGTH = 128

/** Builds the gateway without listening: server.ts, tests and the OpenAPI export share it. */
export async function buildGateway (opts: GatewayOptions): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = opts.logger ?? createLogger('gateway', 'silent')
  const app = Fastify({
    loggerInstance: logger,
    // No two lines per request at info: a terminal running the suite would show little else.
    // The debug level has one line per answered request (see the onResponse hook below).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Explicit timeouts: fastify's requestTimeout defaults to none, a slowloris risk.
    connectionTimeout: 0,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: 72_000,
    // Node checks requestTimeout and headersTimeout every connectionsCheckingInterval
    // (30 s by default), so a slow body would be cut up to 30 s late; 1 s holds the limit.
    http: { headersTimeout: 10_000, connectionsCheckingInterval: 1000 },
    // plugins/app/drain.ts answers requests during a close, as a problem.
    return503OnClosing: false,
    clientErrorHandler,
    frameworkErrors,
    // The services' settings too (core contracts/validate): unknown fields are refused, not dropped.
    ajv: { customOptions: AJV_OPTIONS }
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: instanceOf(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request')
  })

  for (const schema of [ProblemSchema, JobRecordSchema, SourceSchema, QuestionSchema, EvaluationSchema, DatasetSchema, SqlResultSchema, TrainingJobSchema, DatabaseSchemaSchema, ComparisonSchema, ModelServerSchema]) app.addSchema(schema)

  // Third-party plugins (plugins/external), then the app's own (plugins/app), then the routes.
  // Order matters for onRequest hooks: a closing gateway refuses new work before anything
  // else runs, and CORS answers preflights before the bearer check.
  await app.register(drain)
  await app.register(docs)
  await app.register(helmet, helmetConfig)
  await app.register(cors, corsConfig(opts.corsOrigins ?? []))
  await app.register(rateLimit, rateLimitConfig(opts.rateLimitMax ?? 6000))
  await app.register(bus, { nc: opts.nc, jobs: opts.jobs, bus: opts.bus })
  await app.register(auth, { keys: opts.apiKeys, failuresMax: opts.authFailuresMax ?? 30 })
  await app.register(errors)
  await registerMultipart(app)

  await app.register(healthRoutes, { services: opts.services ?? [], dataDir: opts.dataDir ?? './data' })
  await app.register(jobRoutes)
  await app.register(sourceRoutes)
  await app.register(evaluationRoutes)
  await app.register(modelRoutes)
  await app.register(sqlGenerateRoutes)
  await app.register(downloadRoutes)
  await app.register(datasetRoutes, { dataDir: opts.dataDir ?? './data' })
  await app.register(sqlRoutes)
  await app.register(trainingJobRoutes)
  await app.register(evaluationCompareRoutes)
  await app.register(rewardRoutes)
  await app.register(schemaRoutes)
  await app.register(modelServerRoutes)
  await app.register(deletionRoutes)
  await app.register(usageRoutes)
  await registerConsole(app)
  return app
}
