import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { buildOnFakeBus } from '../fake-bus.js'

const SERVICES = ['dataset', 'trainer']
const JETSTREAM_DOWN = 'JetStream does not answer (its store out of disk space, or a NATS cluster without quorum): jobs cannot start or progress'

async function ready (t: TestContext, probe: object) {
  const dataDir = mkdtempSync(join(tmpdir(), 't2s-gw-ready-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  // T2S_MIN_FREE_MB 0: this machine's free space is no part of these answers.
  const before = process.env.T2S_MIN_FREE_MB
  process.env.T2S_MIN_FREE_MB = '0'
  t.after(() => { if (before === undefined) delete process.env.T2S_MIN_FREE_MB; else process.env.T2S_MIN_FREE_MB = before })
  const { app, bus } = await buildOnFakeBus(t, { services: SERVICES, dataDir })
  bus.answer('probe', probe)
  const res = await app.inject('/readyz')
  assert.deepEqual(bus.sent('probe'), [SERVICES])
  return { status: res.statusCode, body: res.json() }
}

test('/readyz is 200 when NATS, JetStream and every expected service answer; it needs no key', async (t) => {
  assert.deepEqual(await ready(t, { nats: true, jetstream: true, services: { dataset: true, trainer: true } }), {
    status: 200, body: { status: 'ready', nats: true, services: { dataset: true, trainer: true } }
  })
})

test('/readyz is 503 naming each reason: a service that does not answer, JetStream, NATS', async (t) => {
  assert.deepEqual(await ready(t, { nats: true, jetstream: false, services: { dataset: true, trainer: false } }), {
    status: 503, body: { status: 'not ready', nats: true, services: { dataset: true, trainer: false }, reasons: [JETSTREAM_DOWN, 'no trainer instance answers'] }
  })
  assert.deepEqual(await ready(t, { nats: false, jetstream: false, services: { dataset: false, trainer: false } }), {
    status: 503, body: { status: 'not ready', nats: false, services: { dataset: false, trainer: false }, reasons: ['NATS does not answer'] }
  })
})

test('/healthz answers without asking the bus', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  const res = await app.inject('/healthz')
  assert.deepEqual([res.statusCode, res.json()], [200, { status: 'ok' }])
  assert.deepEqual(bus.requests, [])
})
