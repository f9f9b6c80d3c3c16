import { join, resolve } from 'node:path'
import type { Service } from '@nats-io/services'
import type { NatsConnection } from '@nats-io/transport-node'
import type { TObject, Static } from 'typebox'
import { ConfigError, loadConfig } from './config.js'
import { createLogger, type Logger } from './log.js'
import { connectNats } from './nats/connect.js'
import { ensureJetStream } from './jobs/setup.js'
import { JobStore } from './jobs/store.js'
import { startJobRetention } from './lifecycle/retention.js'

/**
 * How long a stopping service may take (T2S_SHUTDOWN_GRACE_S, default 15 s): in-flight work
 * gets this long to finish or checkpoint (a trainer saving a checkpoint needs minutes; set it
 * below the container's stop_grace_period), then the process exits regardless.
 */
export function shutdownGraceMs (env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.T2S_SHUTDOWN_GRACE_S ?? 15)
  return Number.isFinite(s) && s > 0 ? s * 1000 : 15_000
}

export interface ServiceDeps<C> {
  config: C
  log: Logger
  nc: NatsConnection
  jobs: JobStore
  /** Absolute DATA_DIR. */
  dataDir: string
  /** `<DATA_DIR>/<service>/state.db`. */
  stateDbPath: string
}

export interface RunningService {
  /** Stops consuming and serving; the runner drains NATS afterwards. */
  stop: () => Promise<void>
  service?: Service
}

/**
 * The whole `main.ts` of a service: validate the environment, connect to NATS (forever
 * reconnecting), make sure the streams exist, build the app, and on SIGINT/SIGTERM stop
 * it, drain NATS and exit. A configuration error exits 1 with the variable named.
 */
export async function runService<S extends TObject> (name: string, schema: S, build: (deps: ServiceDeps<Static<S>>) => Promise<RunningService>): Promise<void> {
  let config: Static<S> & { NATS_URL: string, DATA_DIR: string, LOG_LEVEL: string, T2S_NATS_REPLICAS: number }
  try {
    config = loadConfig(schema) as typeof config
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
  const log = createLogger(name, config.LOG_LEVEL)
  const nc = await connectNats(config.NATS_URL, name, log)
  const { kv } = await ensureJetStream(nc, config.T2S_NATS_REPLICAS)
  const jobs = new JobStore(nc, kv)
  const dataDir = resolve(config.DATA_DIR)
  const app = await build({ config, log, nc, jobs, dataDir, stateDbPath: join(dataDir, name, 'state.db') })
  const stopRetention = startJobRetention(jobs, name, log)
  log.info('ready')

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), shutdownGraceMs() + 5000)
    force.unref()
    try {
      stopRetention()
      await app.stop()
      await nc.drain()
    } catch (err) {
      log.error({ err }, 'error during shutdown')
    }
    process.exit(0)
  }
  process.on('SIGINT', () => { void shutdown('SIGINT') })
  process.on('SIGTERM', () => { void shutdown('SIGTERM') })
}
