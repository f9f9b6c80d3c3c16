// Tests of the fake OpenAI server itself, driven by the real openai SDK (as the suite uses it).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import OpenAI from 'openai'
import { waitFor } from '../helpers/processes.js'
import { startFakeOpenAI } from './server.js'

const user = (content: string) => [{ role: 'user' as const, content }]

test('non-streamed chat completion has vLLM\'s shape', async (t) => {
  const fake = await startFakeOpenAI({ answer: () => 'hello world' })
  t.after(() => fake.close())
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'EMPTY', maxRetries: 0 })
  const res = await client.chat.completions.create({ model: 'teacher', messages: user('hi'), temperature: 0 })
  assert.match(res.id, /^chatcmpl-[0-9a-f]{32}$/)
  assert.equal(res.object, 'chat.completion')
  assert.equal(res.model, 'teacher')
  assert.equal(typeof res.created, 'number')
  assert.equal(res.choices[0].message.content, 'hello world')
  assert.equal(res.choices[0].finish_reason, 'stop')
  assert.ok(res.usage !== undefined && res.usage.completion_tokens > 0 && res.usage.prompt_tokens > 0)
  assert.equal(fake.calls.length, 1)
  assert.equal(fake.calls[0].status, 200)
  assert.deepEqual(fake.calls[0].messages, user('hi'))
  assert.equal(fake.calls[0].body.temperature, 0)
})

test('answer sees n/index; max_tokens cuts the text with finish_reason length', async (t) => {
  const fake = await startFakeOpenAI({ answer: ({ index }) => index === 0 ? 'a'.repeat(100) : { text: `choice ${index}`, finish_reason: 'stop' } })
  t.after(() => fake.close())
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'EMPTY', maxRetries: 0 })
  const res = await client.chat.completions.create({ model: 'student', messages: user('x'), n: 3, max_tokens: 5 })
  assert.equal(res.choices.length, 3)
  assert.equal(res.choices[0].message.content, 'a'.repeat(20))
  assert.equal(res.choices[0].finish_reason, 'length')
  assert.equal(res.choices[2].message.content, 'choice 2')
})

test('streamed chat completion: role delta, content deltas, finish_reason, usage, [DONE]', async (t) => {
  const text = 'Let me think.\n\n```sql\nSELECT 1\n```'
  const fake = await startFakeOpenAI({ answer: () => text })
  t.after(() => fake.close())
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'EMPTY', maxRetries: 0 })
  const stream = await client.chat.completions.create({ model: 'teacher', messages: user('hi'), stream: true, stream_options: { include_usage: true } })
  let content = ''
  let finish: string | null = null
  let usage: OpenAI.CompletionUsage | null | undefined
  const ids = new Set<string>()
  for await (const chunk of stream) {
    ids.add(chunk.id)
    assert.equal(chunk.model, 'teacher')
    assert.equal(typeof chunk.created, 'number')
    for (const c of chunk.choices) {
      content += c.delta.content ?? ''
      finish = c.finish_reason ?? finish
    }
    if (chunk.usage) usage = chunk.usage
  }
  assert.equal(content, text)
  assert.equal(finish, 'stop')
  assert.equal(ids.size, 1)
  assert.ok(usage !== undefined && usage !== null && usage.completion_tokens > 0)

  // The raw SSE ends with data: [DONE]
  const raw = await fetch(`${fake.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'teacher', messages: user('hi'), stream: true }) })
  assert.match(raw.headers.get('content-type') ?? '', /text\/event-stream/)
  const body = await raw.text()
  assert.ok(body.endsWith('data: [DONE]\n\n'))
  assert.ok(!body.includes('"usage"'), 'no usage chunk unless stream_options.include_usage')
})

test('models, LoRA load/unload and unknown model like vLLM', async (t) => {
  const fake = await startFakeOpenAI({ models: ['student'] })
  t.after(() => fake.close())
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'EMPTY', maxRetries: 0 })

  const post = (path: string, body: object) => fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const load = await post('/load_lora_adapter', { lora_name: 'sql-lora', lora_path: '/adapters/sql-lora' })
  assert.equal(load.status, 200)
  assert.equal(await load.text(), "Success: LoRA adapter 'sql-lora' added successfully.")
  const again = await post('/load_lora_adapter', { lora_name: 'sql-lora', lora_path: '/adapters/sql-lora' })
  assert.equal(again.status, 400)
  assert.deepEqual(await again.json(), { object: 'error', message: "The lora adapter 'sql-lora' has already been loaded.", type: 'InvalidUserInput', param: null, code: 400 })

  const models = []
  for await (const m of client.models.list()) models.push(m as unknown as Record<string, unknown>)
  assert.deepEqual(models.map((m) => [m.id, m.object, m.owned_by, m.root, m.parent]), [
    ['student', 'model', 'vllm', 'student', null],
    ['sql-lora', 'model', 'vllm', '/adapters/sql-lora', 'student']
  ])
  assert.equal(models[0].max_model_len, 131072)

  const viaAdapter = await client.chat.completions.create({ model: 'sql-lora', messages: user('hi') })
  assert.equal(viaAdapter.model, 'sql-lora')

  const unload = await post('/unload_lora_adapter', { lora_name: 'sql-lora' })
  assert.equal(await unload.text(), "Success: LoRA adapter 'sql-lora' removed successfully.")
  assert.equal((await post('/unload_lora_adapter', { lora_name: 'sql-lora' })).status, 404)

  await assert.rejects(client.chat.completions.create({ model: 'sql-lora', messages: user('hi') }), OpenAI.NotFoundError)
  // vLLM's flat error JSON (the SDK only reads a nested `error` object, so check the raw body)
  const unknown = await post('/chat/completions', { model: 'sql-lora', messages: user('hi') })
  assert.equal(unknown.status, 404)
  assert.deepEqual(await unknown.json(), { object: 'error', message: 'The model `sql-lora` does not exist.', type: 'NotFoundError', param: null, code: 404 })
})

test('scripted 429 and 503 reach the SDK with status and retry-after', async (t) => {
  const fake = await startFakeOpenAI()
  t.after(() => fake.close())
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'EMPTY', maxRetries: 0 })
  fake.setAnswer(() => ({ status: 429, retryAfter: 2 }))
  await assert.rejects(client.chat.completions.create({ model: 'teacher', messages: user('x') }), (err: unknown) => {
    assert.ok(err instanceof OpenAI.RateLimitError)
    assert.equal(err.headers.get('retry-after'), '2')
    return true
  })
  fake.setAnswer(() => ({ status: 503 }))
  await assert.rejects(client.chat.completions.create({ model: 'teacher', messages: user('x') }), OpenAI.InternalServerError)
  assert.deepEqual(fake.stats().byStatus, { 429: 1, 503: 1 })
})

// The fake hangs forever: the test's own timeout is the hang guard.
test('hang: the SDK times out, the fake sees the client leave', { timeout: 30_000 }, async (t) => {
  const fake = await startFakeOpenAI({ answer: () => ({ hang: true }) })
  t.after(() => fake.close())
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'EMPTY', maxRetries: 0, timeout: 300 })
  const started = Date.now()
  await assert.rejects(client.chat.completions.create({ model: 'teacher', messages: user('x') }), OpenAI.APIConnectionTimeoutError)
  const elapsed = Date.now() - started
  assert.ok(elapsed >= 290, `not before the SDK's timeout: ${elapsed} ms`)
  await waitFor(async () => fake.stats().inFlight === 0, 2000, 10)
  assert.equal(fake.stats().maxInFlight, 1)
  assert.equal(fake.calls[0].status, null)
})

test('malformed: invalid JSON body and a broken stream', async (t) => {
  const fake = await startFakeOpenAI({ answer: () => ({ malformed: true }) })
  t.after(() => fake.close())
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'EMPTY', maxRetries: 0 })
  await assert.rejects(client.chat.completions.create({ model: 'teacher', messages: user('x') }), SyntaxError)
  await assert.rejects(async () => {
    const s = await client.chat.completions.create({ model: 'teacher', messages: user('x'), stream: true })
    for await (const chunk of s) assert.ok(chunk)
  })
  fake.setAnswer(() => ({ status: 200, body: { id: 'x', object: 'chat.completion', choices: [] } }))
  const empty = await client.chat.completions.create({ model: 'teacher', messages: user('x') })
  assert.deepEqual(empty.choices, [])
})

test('api key mode: 401 on /v1 without the bearer key; /health and /version stay open', async (t) => {
  const fake = await startFakeOpenAI({ apiKey: 'sk-test-123' })
  t.after(() => fake.close())
  const bad = new OpenAI({ baseURL: fake.url, apiKey: 'wrong', maxRetries: 0 })
  await assert.rejects(bad.chat.completions.create({ model: 'teacher', messages: user('x') }), OpenAI.AuthenticationError)
  assert.equal((await fetch(`${fake.url}/models`)).status, 401)
  assert.equal((await fetch(`${fake.url}/load_lora_adapter`, { method: 'POST' })).status, 401)
  const good = new OpenAI({ baseURL: fake.url, apiKey: 'sk-test-123', maxRetries: 0 })
  const res = await good.chat.completions.create({ model: 'teacher', messages: user('x') })
  assert.equal(typeof res.choices[0].message.content, 'string')
  assert.equal((await fetch(`${fake.rootUrl}/health`)).status, 200)
  assert.deepEqual(await (await fetch(`${fake.rootUrl}/version`)).json(), { version: '0.0.0+fake-openai' })
})

test('latency, delayMs and maxInFlight under parallel calls', async (t) => {
  const fake = await startFakeOpenAI({ latencyMs: 50, answer: ({ call }) => call === 0 ? { delayMs: 100 } : 'ok' })
  t.after(() => fake.close())
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'EMPTY', maxRetries: 0 })
  const started = Date.now()
  await Promise.all(Array.from({ length: 5 }, () => client.chat.completions.create({ model: 'teacher', messages: user('x') })))
  assert.ok(Date.now() - started >= 145)
  assert.equal(fake.stats().maxInFlight, 5)
  assert.equal(fake.stats().inFlight, 0)
  assert.deepEqual(fake.stats().byStatus, { 200: 5 })
})

test('gold script answers a teacher prompt with its gold SQL in a sql fence', async (t) => {
  const fake = await startFakeOpenAI()
  t.after(() => fake.close())
  const client = new OpenAI({ baseURL: fake.url, apiKey: 'EMPTY', maxRetries: 0 })
  const prompt = '\n        You are a text to SQL query translator...\n\n        -- DB Schema: CREATE TABLE t (a INT)\n        -- External Knowledge: \n        -- Text Question Input: how many?\n        -- Gold SQL Output: SELECT COUNT(*) FROM t WHERE a = 1\n\n        Your response should be as follows:\n'
  const res = await client.chat.completions.create({ model: 'teacher', messages: user(prompt) })
  const text = res.choices[0].message.content ?? ''
  assert.match(text, /step by step/)
  assert.ok(text.endsWith('```sql\nSELECT COUNT(*) FROM t WHERE a = 1\n```'))
  const other = await client.chat.completions.create({ model: 'student', messages: user('-- Question: how many?') })
  assert.equal(other.choices[0].message.content, '```sql\nSELECT 1\n```')
})

test('CLI starts, serves, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./main.ts', import.meta.url).pathname, '--port', '0', '--script', 'echo'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('\n')) resolve(out)
    })
    child.once('exit', (code) => reject(new Error(`exited ${code}`)))
  })
  const url = /on (http:\/\/\S+\/v1)/.exec(line)?.[1]
  assert.ok(url, line)
  const client = new OpenAI({ baseURL: url, apiKey: 'EMPTY', maxRetries: 0 })
  const res = await client.chat.completions.create({ model: 'teacher', messages: user('echo me') })
  assert.equal(res.choices[0].message.content, 'echo me')
  const code = await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM') })
  assert.equal(code, 0)
})
