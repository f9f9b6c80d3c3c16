import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FairSemaphore, Semaphore } from '../../src/util/semaphore.js'

test('rejects a limit below 1 or fractional', () => {
  assert.throws(() => new Semaphore(0), RangeError)
  assert.throws(() => new Semaphore(1.5), RangeError)
})

test('grants up to the limit, then serves waiters first come, first served', async () => {
  const sem = new Semaphore(2)
  const a = await sem.acquire()
  const b = await sem.acquire()
  const order: string[] = []
  const c = sem.acquire().then((release) => { order.push('c'); return release })
  const d = sem.acquire().then((release) => { order.push('d'); return release })
  assert.equal(sem.inUse, 2)
  assert.equal(sem.queued, 2)
  b()
  const releaseC = await c
  assert.deepEqual(order, ['c'])
  a()
  const releaseD = await d
  assert.deepEqual(order, ['c', 'd'])
  // A newcomer does not jump ahead of the queue while the slot is handed over.
  assert.equal(sem.inUse, 2)
  releaseC()
  releaseD()
  assert.equal(sem.inUse, 0)
})

test('release is idempotent', async () => {
  const sem = new Semaphore(1)
  const release = await sem.acquire()
  release()
  release()
  assert.equal(sem.inUse, 0)
  const again = await sem.acquire()
  assert.equal(sem.inUse, 1)
  again()
})

test('a waiter that aborts leaves the queue at once and never takes a slot', async () => {
  const sem = new Semaphore(1)
  const held = await sem.acquire()
  const ac = new AbortController()
  const waiting = sem.acquire(ac.signal)
  const next = sem.acquire()
  assert.equal(sem.queued, 2)
  ac.abort(new Error('cancelled'))
  await assert.rejects(waiting, /cancelled/)
  assert.equal(sem.queued, 1)
  held()
  const release = await next
  assert.equal(sem.inUse, 1)
  release()
  await assert.rejects(sem.acquire(AbortSignal.abort(new Error('early'))), /early/)
  assert.equal(sem.inUse, 0)
})

test('FairSemaphore: parties take turns, so one waiter is not served after another party\'s many', async () => {
  const sem = new FairSemaphore(1)
  const order: string[] = []
  const hold = await sem.acquire('big')
  const waits = [...['big1', 'big2', 'big3'].map((k) => ['big', k]), ['small', 'small1'], ['big', 'big4']].map(async ([party, k]) => {
    const release = await sem.acquire(party)
    order.push(k)
    release()
  })
  hold()
  await Promise.all(waits)
  assert.deepEqual(order, ['big1', 'small1', 'big2', 'big3', 'big4'])
  assert.equal(sem.inUse, 0)
  assert.equal(sem.queued, 0)
})

test('FairSemaphore: an aborted waiter leaves its party\'s queue and takes no slot', async () => {
  const sem = new FairSemaphore(1)
  const hold = await sem.acquire('a')
  const controller = new AbortController()
  const gone = sem.acquire('b', controller.signal)
  const next = sem.acquire('c')
  assert.equal(sem.queued, 2)
  controller.abort('cancelled')
  await assert.rejects(gone, (err) => err === 'cancelled')
  assert.equal(sem.queued, 1)
  hold()
  const release = await next
  assert.equal(sem.inUse, 1)
  release()
  assert.equal(sem.inUse, 0)
})
