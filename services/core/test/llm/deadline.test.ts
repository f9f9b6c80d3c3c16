import assert from 'node:assert/strict'
import { test } from 'node:test'
import { attemptSignal } from '../../src/llm/deadline.js'

test('the timeout aborts the attempt and says so', async () => {
  const d = attemptSignal(undefined, 20)
  await new Promise((resolve) => d.signal.addEventListener('abort', resolve, { once: true }))
  assert.equal(d.timedOut(), true)
  assert.equal((d.signal.reason as DOMException).name, 'TimeoutError')
  d.dispose()
})

test('the caller\'s abort passes through with its reason, not as a timeout', () => {
  const caller = new AbortController()
  const d = attemptSignal(caller.signal, 10_000)
  caller.abort(new Error('cancelled'))
  assert.equal(d.signal.aborted, true)
  assert.equal((d.signal.reason as Error).message, 'cancelled')
  assert.equal(d.timedOut(), false)
  d.dispose()
  assert.equal(attemptSignal(AbortSignal.abort(), 10_000).signal.aborted, true)
})

test('dispose detaches from a long-lived caller signal and stops the timer', async () => {
  const caller = new AbortController()
  const d = attemptSignal(caller.signal, 20)
  d.dispose()
  caller.abort()
  await new Promise((resolve) => setTimeout(resolve, 40))
  assert.equal(d.signal.aborted, false)
  assert.equal(d.timedOut(), false)
})
