// Calling off a NATS request: callService's signal reaches the endpoint handling it (and no
// other), on a real nats-server.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { NatsConnection } from '@nats-io/transport-node'
import { createLogger, ServiceError } from '@t2s/core'
import { connectNats, callService, serveEndpoints } from '@t2s/core/nats'
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js'

let nats: TestNatsServer
let nc: NatsConnection
let service: Awaited<ReturnType<typeof serveEndpoints>>
const seen: Array<{ label: string, aborted: boolean }> = []

before(async () => {
  nats = await startNatsServer()
  nc = await connectNats(nats.url, 'test', createLogger('test', 'silent'))
  service = await serveEndpoints(nc, { name: 'dataset', version: '0.0.1', description: 'test', log: createLogger('test', 'silent') }, {
    // Answers when its signal aborts, or after `ms` with aborted: false.
    wait: {
      handler: async ({ label, ms }: { label: string, ms: number }, { signal }) => await new Promise((resolve) => {
        const done = (aborted: boolean) => { seen.push({ label, aborted }); resolve({ label, aborted }) }
        const timer = setTimeout(() => done(false), ms)
        signal.addEventListener('abort', () => { clearTimeout(timer); done(true) }, { once: true })
      })
    }
  })
})
after(async () => {
  await service?.stop()
  await nc?.close()
  await nats?.stop()
})

test('aborting the caller\'s signal aborts that request\'s handler only; the call gets the handler\'s answer', async () => {
  const controller = new AbortController()
  const gone = callService<{ aborted: boolean }>(nc, 'dataset', 'wait', { label: 'gone', ms: 20_000 }, { timeout: 30_000, signal: controller.signal })
  const other = callService<{ aborted: boolean }>(nc, 'dataset', 'wait', { label: 'other', ms: 1500 }, { timeout: 30_000, signal: new AbortController().signal })
  const plain = callService<{ aborted: boolean }>(nc, 'dataset', 'wait', { label: 'plain', ms: 1500 }, { timeout: 30_000 })
  // The cancel follows its request on the same connection, so the service has the request in
  // hand when the cancel arrives; the pause only lets all three handlers start.
  await new Promise((resolve) => setTimeout(resolve, 300))
  controller.abort()
  assert.deepEqual(await gone, { label: 'gone', aborted: true })
  assert.deepEqual(await other, { label: 'other', aborted: false })
  assert.deepEqual(await plain, { label: 'plain', aborted: false })
  assert.deepEqual(seen.map((s) => s.label), ['gone', 'other', 'plain'])
})

test('a signal already aborted sends nothing', async () => {
  const before = seen.length
  await assert.rejects(callService(nc, 'dataset', 'wait', { label: 'never', ms: 10 }, { signal: AbortSignal.abort() }),
    (err: unknown) => err instanceof ServiceError && /caller has gone/.test(err.message))
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.equal(seen.length, before)
})
