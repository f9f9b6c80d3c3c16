// The LLM client against the fake vLLM server: retries, timeouts, concurrency, cancellation, errors.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { test } from 'node:test'
import { pino } from 'pino'
import { startFakeOpenAI, type FakeOpenAIOptions, type FakeReply } from '../../../../test/fake-openai/server.js'
import { waitFor } from '../../../../test/helpers/processes.js'
import { createLlmClient, type LlmClientOptions } from '../../src/llm/client.js'
import { LlmError } from '../../src/llm/errors.js'
import { extractSql } from '../../src/llm/extract-sql.js'

const messages = [{ role: 'user' as const, content: 'How many rows?' }]
const fast = { baseMs: 10, capMs: 40 }

async function setup (t: { after: (fn: () => Promise<void>) => void }, fakeOpts: FakeOpenAIOptions = {}, clientOpts: Partial<LlmClientOptions> = {}) {
  const fake = await startFakeOpenAI(fakeOpts)
  t.after(() => fake.close())
  const client = createLlmClient({ name: 'student', baseUrl: fake.url, model: 'student', retries: fast, ...clientOpts })
  return { fake, client }
}

function isLlmError (kind: LlmError['kind'], check: (err: LlmError) => void = () => {}) {
  return (err: unknown) => {
    assert.ok(err instanceof LlmError, `expected LlmError, got ${String(err)}`)
    assert.equal(err.kind, kind, err.message)
    check(err)
    return true
  }
}

test('chat returns text, finish reason, usage, attempts; extra fields reach the body', async (t) => {
  const { fake, client } = await setup(t, { answer: () => '```sql\nSELECT 1\n```' }, { log: pino({ level: 'silent' }) })
  const res = await client.chat({ messages, temperature: 0, maxTokens: 256, extra: { seed: 7, top_k: 1, stream: true } })
  assert.equal(res.text, '```sql\nSELECT 1\n```')
  assert.equal(res.finishReason, 'stop')
  assert.equal(res.attempts, 1)
  assert.equal(res.model, 'student')
  assert.ok(res.usage !== null && res.usage.prompt_tokens > 0 && res.usage.completion_tokens > 0)
  assert.ok(res.latencyMs >= 0)
  const body = fake.calls[0].body
  assert.equal(body.seed, 7)
  assert.equal(body.top_k, 1)
  assert.equal(body.temperature, 0)
  assert.equal(body.max_tokens, 256)
  assert.notEqual(body.stream, true, 'extra cannot turn on streaming')
  assert.deepEqual(client.stats(), { inFlight: 0, queued: 0, calls: 1, retries: 0 })
})

test('model override (a LoRA adapter name) and n > 1 choices', async (t) => {
  const { fake, client } = await setup(t, { answer: ({ index }) => `answer ${index}` })
  fake.adapters.set('sql-lora', '/adapters/sql-lora')
  const res = await client.chat({ messages, model: 'sql-lora', n: 3 })
  assert.equal(fake.calls[0].model, 'sql-lora')
  assert.deepEqual(res.choices.map((c) => c.text), ['answer 0', 'answer 1', 'answer 2'])
})

test('retries 503 and 429, then succeeds; attempt count and fake calls agree', async (t) => {
  const { fake, client } = await setup(t, {
    answer: ({ call }) => call === 0 ? { status: 503 } : call === 1 ? { status: 429 } : 'ok'
  })
  const res = await client.chat({ messages })
  assert.equal(res.text, 'ok')
  assert.equal(res.attempts, 3)
  assert.equal(fake.stats().total, 3)
  assert.deepEqual(fake.stats().byStatus, { 200: 1, 429: 1, 503: 1 })
  assert.equal(client.stats().retries, 2)
})

test('retry-after-ms and retry-after lengthen the wait', async (t) => {
  const { client } = await setup(t, { answer: ({ call }) => call === 0 ? { status: 429, retryAfterMs: 300 } : call === 1 ? { status: 503, retryAfter: '0.2' } : 'ok' })
  const started = Date.now()
  const res = await client.chat({ messages })
  assert.equal(res.attempts, 3)
  assert.ok(Date.now() - started >= 490, `waited ${Date.now() - started} ms`)
})

test('400 is not retried: exactly one call, kind client, the server message kept', async (t) => {
  const { fake, client } = await setup(t, {
    answer: () => ({ status: 400, body: { object: 'error', message: "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens.", type: 'BadRequestError', param: null, code: 400 } })
  })
  await assert.rejects(client.chat({ messages }), isLlmError('client', (err) => {
    assert.equal(err.status, 400)
    assert.equal(err.attempts, 1)
    assert.match(err.message, /maximum context length is 8192/)
    assert.match(err.message, /^student: client \(HTTP 400\) after 1 attempt/)
  }))
  assert.equal(fake.stats().total, 1)
})

test('unknown model: 404 client error, not retried', async (t) => {
  const { fake, client } = await setup(t)
  await assert.rejects(client.chat({ messages, model: 'nope' }), isLlmError('client', (err) => {
    assert.equal(err.status, 404)
    assert.match(err.message, /The model `nope` does not exist/)
  }))
  assert.equal(fake.stats().total, 1)
})

test('retry budget exhausted: attempts = max + 1, last status kept', async (t) => {
  const { fake, client } = await setup(t, { answer: () => ({ status: 503 }) }, { retries: { ...fast, max: 3 } })
  await assert.rejects(client.chat({ messages }), isLlmError('server', (err) => {
    assert.equal(err.attempts, 4)
    assert.equal(err.status, 503)
    assert.equal(err.retryable, true)
  }))
  assert.equal(fake.stats().total, 4)
})

// The test's own timeout is the hang guard; the client must not give up before its timeoutMs.
test('hang: timeout after timeoutMs, and the fake sees the request end', { timeout: 30_000 }, async (t) => {
  const { fake, client } = await setup(t, { answer: () => ({ hang: true }) }, { timeoutMs: 1000, retries: { ...fast, max: 0 } })
  const started = Date.now()
  await assert.rejects(client.chat({ messages }), isLlmError('timeout', (err) => assert.equal(err.attempts, 1)))
  const elapsed = Date.now() - started
  assert.ok(elapsed >= 990, `timed out after ${elapsed} ms`)
  await waitFor(async () => fake.stats().inFlight === 0, 5000, 5)
})

test('timeouts are retried by default, and not with onTimeout: false', async (t) => {
  const { fake, client } = await setup(t, { answer: ({ call }) => call < 2 ? { hang: true } : 'late but fine' }, { timeoutMs: 200 })
  const res = await client.chat({ messages })
  assert.equal(res.attempts, 3)
  assert.equal(res.text, 'late but fine')

  fake.setAnswer(() => ({ hang: true }))
  const strict = createLlmClient({ name: 'teacher', baseUrl: fake.url, model: 'teacher', timeoutMs: 200, retries: { ...fast, onTimeout: false } })
  await assert.rejects(strict.chat({ messages }), isLlmError('timeout', (err) => assert.equal(err.attempts, 1)))
})

test('the timeout covers each attempt; the caller\'s own timeoutMs overrides', async (t) => {
  // The answer comes after 400 ms: only the caller's 150 ms can make this a timeout.
  const { client } = await setup(t, { answer: () => ({ delayMs: 400 }) }, { timeoutMs: 5000, retries: { ...fast, max: 0 } })
  await assert.rejects(client.chat({ messages, timeoutMs: 150 }), isLlmError('timeout'))
})

test('concurrency: the fake never sees more than the limit in flight', async (t) => {
  const { fake, client } = await setup(t, { latencyMs: 30, answer: () => 'ok' }, { concurrency: 3 })
  let maxSeenInFlight = 0
  let maxSeenQueued = 0
  const timer = setInterval(() => {
    maxSeenInFlight = Math.max(maxSeenInFlight, client.stats().inFlight)
    maxSeenQueued = Math.max(maxSeenQueued, client.stats().queued)
  }, 2)
  const results = await Promise.all(Array.from({ length: 20 }, () => client.chat({ messages })))
  clearInterval(timer)
  assert.equal(results.length, 20)
  assert.equal(fake.stats().maxInFlight, 3)
  assert.ok(maxSeenInFlight <= 3)
  assert.ok(maxSeenQueued > 0)
  assert.deepEqual(client.stats(), { inFlight: 0, queued: 0, calls: 20, retries: 0 })
})

test('hung backend: in-flight calls never exceed the limit, and every call times out', async (t) => {
  const { fake, client } = await setup(t, { answer: () => ({ hang: true }) }, { concurrency: 4, timeoutMs: 300, retries: { ...fast, max: 0 } })
  const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => client.chat({ messages })))
  assert.ok(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof LlmError && o.reason.kind === 'timeout'))
  assert.equal(fake.stats().maxInFlight, 4)
  assert.equal(fake.stats().total, 10)
})

// The calls' own timeout (10 min) is far past the test's: only the abort can end them in time.
test('abort stops in-flight and queued requests at once, not at their timeout', { timeout: 30_000 }, async (t) => {
  const { fake, client } = await setup(t, { answer: () => ({ hang: true }) }, { concurrency: 2, timeoutMs: 600_000 })
  const ac = new AbortController()
  const pending = Array.from({ length: 6 }, () => client.chat({ messages, signal: ac.signal }).then(() => 'resolved', (err: unknown) => err))
  await waitFor(async () => fake.stats().inFlight === 2, 2000, 5)
  assert.equal(client.stats().queued, 4)
  ac.abort()
  const errors = await Promise.all(pending)
  for (const err of errors) assert.ok(err instanceof LlmError && err.kind === 'aborted', String(err))
  assert.deepEqual((errors as LlmError[]).map((e) => e.attempts).sort(), [0, 0, 0, 0, 1, 1])
  assert.equal(client.stats().inFlight, 0)
  assert.equal(client.stats().queued, 0)
  await waitFor(async () => fake.stats().inFlight === 0, 2000, 5)
  assert.equal(fake.stats().total, 2, 'queued requests never reached the server')
})

// The backoff (10 min) is far past the test's timeout: only the abort can end the call in time.
test('abort during a backoff wait ends the call at once', { timeout: 30_000 }, async (t) => {
  const { fake, client } = await setup(t, { answer: () => ({ status: 503 }) }, { retries: { baseMs: 600_000, capMs: 600_000 } })
  const ac = new AbortController()
  const call = client.chat({ messages, signal: ac.signal })
  await waitFor(async () => client.stats().retries === 1, 2000, 5)
  ac.abort()
  await assert.rejects(call, isLlmError('aborted', (err) => assert.equal(err.attempts, 1)))
  assert.equal(fake.stats().total, 1, 'no second attempt')
})

test('an already aborted signal sends nothing', async (t) => {
  const { fake, client } = await setup(t)
  await assert.rejects(client.chat({ messages, signal: AbortSignal.abort() }), isLlmError('aborted', (err) => assert.equal(err.attempts, 0)))
  assert.equal(fake.stats().total, 0)
})

test('malformed bodies: invalid JSON, no choices, non-string content, not JSON at all; never retried', async (t) => {
  const { fake, client } = await setup(t)
  const cases = [
    { malformed: true as const },
    { status: 200, body: { id: 'x', object: 'chat.completion', choices: [] } },
    { status: 200, body: { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'stop' }] } },
    { status: 200, body: { id: 'x', object: 'chat.completion' } },
    { status: 200, body: '<html>proxy says hi</html>' }
  ]
  for (const reply of cases) {
    const before = fake.stats().total
    fake.setAnswer(() => reply)
    await assert.rejects(client.chat({ messages }), isLlmError('malformed', (err) => assert.equal(err.attempts, 1)), JSON.stringify(reply))
    assert.equal(fake.stats().total - before, 1)
  }
})

test('a connection cut mid-body is a connection error and is retried', async (t) => {
  const { fake, client } = await setup(t, { answer: ({ call }) => call === 0 ? { malformed: 'cut' } : 'ok' })
  const res = await client.chat({ messages })
  assert.equal(res.attempts, 2)
  assert.equal(fake.stats().total, 2)
})

test('connection refused: kind connection after max + 1 attempts', async () => {
  const port = await freePort()
  const client = createLlmClient({ name: 'teacher', baseUrl: `http://127.0.0.1:${port}/v1`, model: 'teacher', retries: { ...fast, max: 2 } })
  await assert.rejects(client.chat({ messages }), isLlmError('connection', (err) => {
    assert.equal(err.attempts, 3)
    assert.equal(err.status, undefined)
  }))
})

test('no retry storm: a 1 s 503 outage costs at most concurrency x attempts-per-window, and nothing fails', async (t) => {
  const concurrency = 4
  const retries = { baseMs: 100, capMs: 400, max: 10 }
  let outageUntil = 0
  const { fake, client } = await setup(t, { answer: () => Date.now() < outageUntil ? { status: 503 } : 'ok' }, { concurrency, retries })
  outageUntil = Date.now() + 1000
  const results = await Promise.allSettled(Array.from({ length: 40 }, () => client.chat({ messages })))
  assert.equal(results.filter((r) => r.status === 'rejected').length, 0, '0 items fail when the outage fits the retry budget')
  const failed = fake.stats().byStatus[503] ?? 0
  // Each slot retries after ≥ 75, 150, 300, 300, … ms: at most 6 attempts fit in 1 s, so ≤ 4 × 6.
  assert.ok(failed <= concurrency * 6, `${failed} requests during the outage`)
  assert.ok(failed >= concurrency, `${failed} requests during the outage`)
  assert.equal(fake.stats().byStatus[200], 40)
})

test('api key: sent as bearer; a 401 is a client error; the key never appears in messages', async (t) => {
  const key = 'sk-secret-0123456789'
  const { fake } = await setup(t, { apiKey: key })
  const good = createLlmClient({ name: 'teacher', baseUrl: fake.url, apiKey: key, model: 'teacher', retries: fast })
  assert.equal((await good.chat({ messages })).attempts, 1)

  const wrong = createLlmClient({ name: 'teacher', baseUrl: fake.url, apiKey: 'sk-wrong-key-000', model: 'teacher', retries: fast })
  await assert.rejects(wrong.chat({ messages }), isLlmError('client', (err) => {
    assert.equal(err.status, 401)
    assert.equal(err.attempts, 1)
    assert.match(err.message, /Unauthorized/)
    assert.ok(!err.message.includes('sk-wrong-key-000'))
  }))

  // Even if a server echoes the key back, the message does not carry it.
  fake.setAnswer(() => ({ status: 400, body: { object: 'error', message: `bad request from Bearer ${key}`, type: 'BadRequestError', param: null, code: 400 } }))
  await assert.rejects(good.chat({ messages }), isLlmError('client', (err) => {
    assert.ok(!err.message.includes(key), err.message)
    assert.match(err.message, /\[redacted\]/)
  }))
})

test('listModels, loadLora, unloadLora against vLLM\'s routes', async (t) => {
  const { client } = await setup(t, { models: ['student'] })
  assert.equal(await client.loadLora('sql-lora-v1', '/adapters/sql-lora-v1'), "Success: LoRA adapter 'sql-lora-v1' added successfully.")
  assert.deepEqual(await client.listModels(), [
    { id: 'student', root: 'student', maxModelLen: 131072 },
    { id: 'sql-lora-v1', root: '/adapters/sql-lora-v1', parent: 'student' }
  ])
  await assert.rejects(client.loadLora('sql-lora-v1', '/adapters/sql-lora-v1'), isLlmError('client', (err) => {
    assert.equal(err.status, 400)
    assert.match(err.message, /has already been loaded/)
  }))
  const answer = await client.chat({ messages, model: 'sql-lora-v1' })
  assert.equal(answer.model, 'sql-lora-v1')
  assert.equal(await client.unloadLora('sql-lora-v1'), "Success: LoRA adapter 'sql-lora-v1' removed successfully.")
  await assert.rejects(client.unloadLora('sql-lora-v1'), isLlmError('client', (err) => assert.equal(err.status, 404)))
  assert.deepEqual((await client.listModels()).map((m) => m.id), ['student'])
})

test('loadLora: a retry that finds its own adapter loaded counts as success', async (t) => {
  // The first load succeeds on the server but its answer is lost (here: the client times out first).
  const { fake } = await setup(t)
  let first = true
  const slowFirst: typeof fetch = async (input, init) => {
    const res = await fetch(input, init)
    if (first && String(input).endsWith('/load_lora_adapter')) {
      first = false
      await new Promise((resolve) => setTimeout(resolve, 300))
    }
    return res
  }
  const client = createLlmClient({ name: 'student', baseUrl: fake.url, model: 'student', timeoutMs: 100, retries: fast, fetch: slowFirst })
  assert.match(await client.loadLora('a', '/adapters/a'), /added successfully/)
  assert.equal(fake.adapters.get('a'), '/adapters/a')
})

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  await new Promise((resolve) => server.close(resolve))
  return port
}

test('1 000 odd outputs: no unhandled exception, each one a result with an extraction verdict or a malformed error', async (t) => {
  const big = 'x'.repeat(100 * 1024)
  const replies: FakeReply[] = [
    '',
    { text: 'Let me think… ```sql\nSELECT a FROM t WHERE', finish_reason: 'length' },
    { malformed: true },
    'I do not know.',
    big,
    `${big}\n\`\`\`sql\nSELECT 1\n\`\`\``,
    { status: 200, body: { choices: [{ index: 0, message: { role: 'assistant', content: 42 } }] } },
    { status: 200, body: 'not json' },
    { status: 200, body: { choices: null } },
    '```sql\n```',
    '```\n\n```',
    'SELECT',
    '\u0000\uffff\ud800'
  ]
  const { fake, client } = await setup(t, { answer: ({ call }) => replies[call % replies.length] })
  const outcomes = await Promise.allSettled(Array.from({ length: 1000 }, async () => {
    const res = await client.chat({ messages })
    return extractSql(res.text)
  }))
  const verdicts: Record<string, number> = {}
  for (const o of outcomes) {
    if (o.status === 'fulfilled') {
      verdicts[o.value.how] = (verdicts[o.value.how] ?? 0) + 1
    } else {
      assert.ok(o.reason instanceof LlmError && o.reason.kind === 'malformed', String(o.reason))
      verdicts.malformed = (verdicts.malformed ?? 0) + 1
    }
  }
  assert.equal(Object.values(verdicts).reduce((a, b) => a + b, 0), 1000)
  assert.equal(fake.stats().total, 1000, 'none retried')
  assert.ok(verdicts.malformed > 0 && verdicts.none > 0 && verdicts.fence > 0 && verdicts.unterminated_fence > 0, JSON.stringify(verdicts))
})

test('baseUrl must end in /v1 (a trailing slash is fine)', () => {
  assert.throws(() => createLlmClient({ name: 'student', baseUrl: 'http://127.0.0.1:8000', model: 'student' }), /must be an http\(s\) URL ending in \/v1/)
  assert.equal(createLlmClient({ name: 'student', baseUrl: 'http://127.0.0.1:8000/v1/', model: 'student' }).name, 'student')
})
