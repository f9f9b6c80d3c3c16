/**
 * Gateway → NATS → service round trips under load (issue 2):
 *   npx tsx bench/gateway.ts [--seconds 10] [--connections 64]
 * Starts a private nats-server and the dataset service, builds the gateway in this process
 * (listening on loopback), creates one job and one source, and drives GET /v1/jobs/{id}
 * (a KV read) and GET /v1/sources/{id} (a NATS request to the dataset service) with
 * autocannon in a separate process. Prints requests/s and latency percentiles.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { buildGateway } from '../gateway/src/app.js'
import { startStack } from '../test/helpers/stack.js'
import { machine } from './machine.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '64' } } })
const KEY = 'bench-key-0123456789'

const stack = await startStack(['dataset'])
try {
  mkdirSync(join(stack.dataDir, 'src', 'one'), { recursive: true })
  const db = new Database(join(stack.dataDir, 'src', 'one', 'one.sqlite'))
  db.exec('CREATE TABLE t (a INTEGER)')
  db.close()
  writeFileSync(join(stack.dataDir, 'src', 'q.json'), JSON.stringify([{ db_id: 'one', question: 'q', SQL: 'SELECT a FROM t' }]))

  const app = await buildGateway({ nc: stack.nc, jobs: stack.jobs, apiKeys: [KEY], rateLimitMax: 10_000_000, services: ['dataset'], dataDir: stack.dataDir })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const source = await stack.registerSource('bench', 'src/q.json', 'src') as { id: string }
  const job = await stack.jobs.submit({ kind: 'bench.noop', service: 'nobody', params: {}, resource: null, unit: 'items' })

  console.log(`machine: ${machine()}`)
  console.log(`load: ${values.connections} connections, ${values.seconds} s per route, autocannon in its own process`)
  // /healthz touches neither NATS nor a service: the ceiling of the HTTP layer on this machine,
  // measured in the same run so the NATS routes can be read as a ratio of it.
  let ceiling = 0
  for (const path of ['/healthz', `/v1/jobs/${job.id}`, `/v1/sources/${source.id}`]) {
    // Autocannon runs as a child so it does not share this process's event loop with the gateway.
    const run = await promisify(execFile)(join(import.meta.dirname, '..', 'node_modules', '.bin', 'autocannon'), ['-j', '-c', values.connections!, '-d', values.seconds!, '-H', `authorization=Bearer ${KEY}`, `${address}${path}`], { encoding: 'utf8', maxBuffer: 16 << 20 })
    const r = JSON.parse(run.stdout) as { requests: { average: number }, latency: { p50: number, p99: number, p99_9: number }, non2xx: number, errors: number, timeouts: number }
    const route = path === '/healthz' ? path : path.replace(/\/[^/]+$/, '/{id}')
    if (path === '/healthz') ceiling = r.requests.average
    const ratio = path === '/healthz' ? 'ceiling' : `${(r.requests.average / ceiling).toFixed(2)} of the ceiling`
    console.log(`GET ${route}: ${Math.round(r.requests.average)} req/s (${ratio}), p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, p99.9 ${r.latency.p99_9} ms, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`)
  }
  await app.close()
} finally {
  await stack.stop()
}
