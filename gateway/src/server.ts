import { ConfigError, listOf, loadConfig, createLogger } from '@t2s/core'
import { connectNats } from '@t2s/core/nats'
import { ensureJetStream, JobStore } from '@t2s/core/jobs'
import { buildGateway } from './app.js'
import { GatewayEnv } from './config.js'

let config
try {
  config = loadConfig(GatewayEnv)
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`gateway: ${err.message}\n`)
    process.exit(1)
  }
  throw err
}
const log = createLogger('gateway', config.LOG_LEVEL)
const nc = await connectNats(config.NATS_URL, 'gateway', log)
const { kv } = await ensureJetStream(nc, config.T2S_NATS_REPLICAS)
const app = await buildGateway({
  nc,
  jobs: new JobStore(nc, kv),
  apiKeys: listOf(config.T2S_API_KEYS),
  rateLimitMax: config.T2S_RATE_LIMIT_MAX,
  authFailuresMax: config.T2S_AUTH_FAILURES_MAX,
  corsOrigins: listOf(config.T2S_CORS_ORIGINS),
  services: listOf(config.T2S_SERVICES),
  requestTimeoutMs: config.T2S_REQUEST_TIMEOUT_MS,
  logger: log,
  dataDir: config.DATA_DIR
})
const address = await app.listen({ port: config.PORT, host: config.HOST })
log.info({ address }, 'gateway listening')

// Requests in flight get this long to be answered (compose's stop_grace_period, 30 s, covers
// it); past it the process exits 1, which means a request was cut.
const DRAIN_LIMIT_MS = 10_000
let closing = false
const shutdown = async (signal: string) => {
  if (closing) return
  closing = true
  log.info({ signal }, 'shutting down')
  setTimeout(() => {
    log.error({ drain_limit_ms: DRAIN_LIMIT_MS }, 'requests still open at the drain limit; exiting')
    process.exit(1)
  }, DRAIN_LIMIT_MS).unref()
  // app.close() answers what is in flight, refuses the rest with 503 and ends event streams
  // (plugins/app/drain.ts); the NATS drain then delivers what the answers published.
  await app.close()
  await nc.drain().catch(() => {})
  log.info({ signal }, 'closed')
  process.exit(0)
}
process.on('SIGINT', () => { void shutdown('SIGINT') })
process.on('SIGTERM', () => { void shutdown('SIGTERM') })
