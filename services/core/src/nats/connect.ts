import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { Logger } from '../log.js'
import { listOf } from '../config.js'

/**
 * Connects with unlimited reconnects: nats.js gives up after ~20 s by default, which
 * would kill every service on a short NATS outage (docs/design-notes.md §4).
 */
export async function connectNats (url: string, name: string, log: Logger): Promise<NatsConnection> {
  const nc = await connect({
    servers: listOf(url),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    waitOnFirstConnect: true,
    pingInterval: 10_000
  })
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect') log.warn({ nats: s.type }, `nats ${s.type}`)
      else if (s.type === 'error') log.error({ nats: s.type, err: String((s as { error?: unknown }).error) }, 'nats error')
    }
  })().catch(() => {})
  log.info({ server: nc.getServer() }, 'connected to nats')
  return nc
}
