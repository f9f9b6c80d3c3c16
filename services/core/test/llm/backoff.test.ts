import assert from 'node:assert/strict'
import { test } from 'node:test'
import { backoffMs, DEFAULT_RETRY_POLICY, retryAfterMs, retryDelayMs, sleep } from '../../src/llm/backoff.js'

const policy = DEFAULT_RETRY_POLICY

test('backoff doubles from baseMs, stops at capMs, jitter takes off at most 25 %', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, policy, () => 0)), [500, 1000, 2000, 4000, 8000, 8000])
  assert.deepEqual([1, 2, 5].map((n) => backoffMs(n, policy, () => 1)), [375, 750, 6000])
  for (let i = 0; i < 1000; i++) {
    const d = backoffMs(3, policy)
    assert.ok(d >= 1500 && d <= 2000, String(d))
  }
})

test('retry-after-ms, retry-after seconds and HTTP dates', () => {
  const h = (init: Record<string, string>) => new Headers(init)
  assert.equal(retryAfterMs(undefined), undefined)
  assert.equal(retryAfterMs(h({})), undefined)
  assert.equal(retryAfterMs(h({ 'retry-after-ms': '250' })), 250)
  assert.equal(retryAfterMs(h({ 'retry-after-ms': '250', 'retry-after': '9' })), 250)
  assert.equal(retryAfterMs(h({ 'retry-after': '2' })), 2000)
  assert.equal(retryAfterMs(h({ 'retry-after': '0.5' })), 500)
  assert.equal(retryAfterMs(h({ 'retry-after': 'soon' })), undefined)
  assert.equal(retryAfterMs(h({ 'retry-after': '-3' })), undefined)
  const now = Date.parse('2026-01-01T00:00:00Z')
  assert.equal(retryAfterMs(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now), 5000)
  assert.equal(retryAfterMs(h({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now), 0)
})

test('retry delay: never below our backoff, the hint clipped to maxRetryAfterMs', () => {
  const zero = () => 0
  assert.equal(retryDelayMs(1, policy, undefined, zero), 500)
  assert.equal(retryDelayMs(1, policy, new Headers({ 'retry-after': '0' }), zero), 500)
  assert.equal(retryDelayMs(1, policy, new Headers({ 'retry-after': '3' }), zero), 3000)
  assert.equal(retryDelayMs(1, policy, new Headers({ 'retry-after': '3600' }), zero), 60_000)
  assert.equal(retryDelayMs(1, { ...policy, maxRetryAfterMs: 10_000 }, new Headers({ 'retry-after-ms': '20000' }), zero), 10_000)
})

// The test's own timeout is the hang guard: the aborted sleep would last 10 minutes.
test('sleep resolves after ms and rejects at once on abort', { timeout: 30_000 }, async () => {
  // Timers count from the event loop's cached clock: start from a fresh loop turn so it is current.
  await new Promise((resolve) => setImmediate(resolve))
  const started = Date.now()
  await sleep(30)
  assert.ok(Date.now() - started >= 29)
  const ac = new AbortController()
  const pending = sleep(600_000, ac.signal)
  setTimeout(() => ac.abort(new Error('stop')), 10)
  await assert.rejects(pending, /stop/)
  await assert.rejects(sleep(10, AbortSignal.abort(new Error('already'))), /already/)
})
