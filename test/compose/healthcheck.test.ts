import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { Svcm, type Service } from '@nats-io/services'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { freePort } from '@t2s/core/util'
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js'
import { ROOT } from './compose-file.js'

/** Runs the container healthcheck as compose does: `node --import tsx services/core/src/healthcheck.ts <name>`. */
async function healthcheck (name: string, natsUrl: string): Promise<{ code: number | null, out: string, ms: number }> {
  const t = Date.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/core/src/healthcheck.ts', name], { cwd: ROOT, env: { ...process.env, NATS_URL: natsUrl }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { out += d })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, out, ms: Date.now() - t }
}

describe('NATS healthcheck of a service container', { timeout: 60_000 }, () => {
  let nats: TestNatsServer
  let nc: NatsConnection
  let svc: Service
  before(async () => {
    nats = await startNatsServer()
    nc = await connect({ servers: nats.url })
    svc = await new Svcm(nc).add({ name: 'dataset', version: '0.1.0' })
  })
  after(async () => {
    await svc?.stop()
    await nc?.close()
    await nats?.stop()
  })

  test('exits 0 when the service answers the PING', async () => {
    const r = await healthcheck('dataset', nats.url)
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /^dataset: ok \(/)
  })

  test('exits 1 when no instance answers, and when NATS is unreachable', async () => {
    const none = await healthcheck('evaluator', nats.url)
    assert.equal(none.code, 1, none.out)
    assert.match(none.out, /evaluator: no instance answered the ping/)
    const down = await healthcheck('dataset', `nats://127.0.0.1:${await freePort()}`)
    assert.equal(down.code, 1, down.out)
    assert.ok(down.ms < 10_000, `gave up after ${down.ms} ms, inside the 10 s healthcheck timeout`)
  })
})
