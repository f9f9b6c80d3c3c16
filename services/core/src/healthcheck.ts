/**
 * Container healthcheck of a NATS-only service:
 *
 *   node --import tsx services/core/src/healthcheck.ts <service>
 *
 * Sends the Services API PING for <service> over NATS_URL and exits 0 when an instance
 * answers, 1 otherwise (no answer in 3 s, NATS unreachable), printing one line for
 * `docker inspect`. With several replicas, any one answering counts.
 */
import { Svcm } from '@nats-io/services'
import { connect } from '@nats-io/transport-node'
import { listOf } from './config.js'

const name = process.argv[2]
if (!name) {
  process.stderr.write('usage: healthcheck.ts <service>\n')
  process.exit(2)
}
const deadline = setTimeout(() => {
  process.stdout.write(`${name}: no answer within 5 s\n`)
  process.exit(1)
}, 5000)

try {
  const nc = await connect({ servers: listOf(process.env.NATS_URL || 'nats://127.0.0.1:4222'), name: `healthcheck-${name}`, timeout: 2000, maxReconnectAttempts: 0 })
  const pings = await new Svcm(nc).client({ strategy: 'stall', stall: 250, maxWait: 3000 }).ping(name)
  const answered: string[] = []
  for await (const p of pings) answered.push(`${p.id}@${p.version}`)
  await nc.close()
  clearTimeout(deadline)
  process.stdout.write(answered.length ? `${name}: ok (${answered.join(', ')})\n` : `${name}: no instance answered the ping\n`)
  process.exit(answered.length ? 0 : 1)
} catch (err) {
  const message = (err as Error).message
  process.stdout.write(/no responders/i.test(message) ? `${name}: no instance answered the ping\n` : `${name}: ${message}\n`)
  process.exit(1)
}
