// Fake OpenAI-compatible server: a TEST STAND-IN for vLLM's OpenAI server, never a feature.
// vLLM cannot run on the dev/CI machines, so tests (and people trying the suite locally) point
// the LLM clients here. It mimics the parts of vLLM the suite uses, with vLLM's shapes:
//   POST /v1/chat/completions (JSON or `stream: true` SSE ending in `data: [DONE]`),
//   GET /v1/models (base models + loaded LoRA adapters),
//   POST /v1/load_lora_adapter, POST /v1/unload_lora_adapter (text bodies, like vLLM),
//   GET /health, GET /version (outside /v1, open even with an API key, like vLLM).
// Each test scripts the answers (`answer`), including failures: HTTP errors, hangs, bad JSON.
// Token counts are rough (characters / 4); nothing here is a model.
import { randomBytes } from 'node:crypto'
import { setMaxListeners } from 'node:events'
import type { ServerResponse } from 'node:http'
import Fastify, { type FastifyReply } from 'fastify'
import { goldAnswer } from './scripts.js'

export interface FakeMessage {
  role: string
  content?: unknown
  [key: string]: unknown
}

/** What `answer` sees: the request's main fields plus the whole body. */
export interface FakeRequest {
  model: string
  messages: FakeMessage[]
  temperature: number | undefined
  max_tokens: number | undefined
  n: number
  /** choice index (0..n-1); `answer` is called once per choice */
  index: number
  /** 0-based sequence number of this chat request on this server */
  call: number
  stream: boolean
  body: Record<string, unknown>
}

/**
 * A scripted answer:
 * - a string: the assistant text;
 * - `{ text, finish_reason? }`: text with an explicit finish reason;
 * - `{ status, body?, retryAfter?, retryAfterMs? }`: an HTTP error (vLLM's error JSON unless `body`
 *   is given; `status: 200` with a `body` sends that body verbatim, e.g. `{ choices: [] }`);
 * - `{ hang: true }`: accept the request and never answer (until the client goes away);
 * - `{ malformed: true }`: a 200 whose JSON (or SSE event) is cut short; `'cut'` drops the
 *   connection mid-body instead;
 * - `{ delayMs }` on any object form (alone: wait, then the default answer).
 */
export type FakeReply =
  | string
  | { text: string, finish_reason?: string, delayMs?: number }
  | { status: number, body?: unknown, retryAfter?: number | string, retryAfterMs?: number, delayMs?: number }
  | { hang: true }
  | { malformed: true | 'cut', delayMs?: number }
  | { delayMs: number }

export type FakeAnswer = (req: FakeRequest) => FakeReply | Promise<FakeReply>

export interface FakeOpenAIOptions {
  /** 0 (default) picks a free port */
  port?: number
  host?: string
  /** like `vllm serve --api-key`: /v1/* needs `Authorization: Bearer <key>` */
  apiKey?: string
  /** added before every chat answer */
  latencyMs?: number
  /** served base model names (default `['teacher', 'student']`) */
  models?: string[]
  answer?: FakeAnswer
  maxModelLen?: number
}

export interface FakeCall {
  model: string
  messages: FakeMessage[]
  body: Record<string, unknown>
  stream: boolean
  /** Date.now() when the request arrived */
  time: number
  /** HTTP status sent; null while pending, or when the client left before an answer */
  status: number | null
}

export interface FakeStats {
  total: number
  byStatus: Record<string, number>
  inFlight: number
  maxInFlight: number
}

export interface FakeOpenAI {
  /** base URL including `/v1`, for `new OpenAI({ baseURL })` */
  url: string
  /** server root (for /health, /version) */
  rootUrl: string
  port: number
  /** chat completion requests that passed authentication, in arrival order */
  calls: FakeCall[]
  stats: () => FakeStats
  setAnswer: (fn: FakeAnswer) => void
  setLatency: (ms: number) => void
  /** currently loaded LoRA adapters: name → path */
  adapters: Map<string, string>
  close: () => Promise<void>
}

const REASONS: Record<number, string> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  403: 'PermissionDeniedError',
  404: 'NotFoundError',
  408: 'RequestTimeoutError',
  422: 'UnprocessableEntityError',
  429: 'RateLimitError',
  500: 'InternalServerError',
  502: 'BadGatewayError',
  503: 'ServiceUnavailableError',
  504: 'GatewayTimeoutError'
}

/** vLLM's error JSON (`ErrorResponse`): `{ object: 'error', message, type, param, code }`. */
function vllmError (status: number, message: string, type = REASONS[status] ?? 'Error'): Record<string, unknown> {
  return { object: 'error', message, type, param: null, code: status }
}

const approxTokens = (text: string): number => Math.ceil(text.length / 4)

/** Resolves after `ms`, or early when `signal` aborts (the client went away or the server closes). */
function wait (ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done (): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}

interface Choice { text: string, finish_reason: string }

export async function startFakeOpenAI (options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const baseModels = options.models ?? ['teacher', 'student']
  const maxModelLen = options.maxModelLen ?? 131072
  const created = Math.floor(Date.now() / 1000)
  const adapters = new Map<string, string>()
  const calls: FakeCall[] = []
  const byStatus: Record<string, number> = {}
  const closing = new AbortController()
  // Every request in flight listens for the server closing; hundreds at once are expected.
  setMaxListeners(0, closing.signal)
  let answer = options.answer ?? goldAnswer
  let latencyMs = options.latencyMs ?? 0
  let inFlight = 0
  let maxInFlight = 0

  // forceCloseConnections: close() must not wait for hung requests or keep-alive sockets.
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 64 * 1024 * 1024 })

  if (options.apiKey !== undefined) {
    const expected = `Bearer ${options.apiKey}`
    // vLLM's AuthenticationMiddleware guards only /v1 (and /v2, /inference); /health stays open.
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith('/v1') && request.headers.authorization !== expected) {
        return reply.code(401).send({ error: 'Unauthorized' })
      }
    })
  }

  app.get('/health', async (_request, reply) => reply.code(200).send(''))
  app.get('/version', async () => ({ version: '0.0.0+fake-openai' }))

  app.get('/v1/models', async () => ({
    object: 'list',
    data: [
      ...baseModels.map((id) => ({ id, object: 'model', created, owned_by: 'vllm', root: id, parent: null, max_model_len: maxModelLen, permission: [] })),
      // vLLM's adapter cards carry root = adapter path, parent = base model, and no max_model_len.
      ...[...adapters].map(([id, path]) => ({ id, object: 'model', created, owned_by: 'vllm', root: path, parent: baseModels[0], max_model_len: null, permission: [] }))
    ]
  }))

  app.post('/v1/load_lora_adapter', async (request, reply) => {
    const body = asRecord(request.body)
    const name = body.lora_name
    const path = body.lora_path
    if (typeof name !== 'string' || name === '' || typeof path !== 'string' || path === '') {
      return reply.code(400).send(vllmError(400, "Both 'lora_name' and 'lora_path' must be provided.", 'InvalidUserInput'))
    }
    if (adapters.has(name)) {
      return reply.code(400).send(vllmError(400, `The lora adapter '${name}' has already been loaded.`, 'InvalidUserInput'))
    }
    adapters.set(name, path)
    return sendPlain(reply, 200, `Success: LoRA adapter '${name}' added successfully.`)
  })

  app.post('/v1/unload_lora_adapter', async (request, reply) => {
    const name = asRecord(request.body).lora_name
    if (typeof name !== 'string' || name === '') {
      return reply.code(400).send(vllmError(400, "either 'lora_name' and 'lora_int_id' needs to be provided.", 'InvalidUserInput'))
    }
    if (!adapters.delete(name)) {
      return reply.code(404).send(vllmError(404, `The lora adapter '${name}' cannot be found.`, 'NotFoundError'))
    }
    return sendPlain(reply, 200, `Success: LoRA adapter '${name}' removed successfully.`)
  })

  app.post('/v1/chat/completions', async (request, reply) => {
    const body = asRecord(request.body)
    const stream = body.stream === true
    const call: FakeCall = {
      model: String(body.model ?? ''),
      messages: Array.isArray(body.messages) ? body.messages as FakeMessage[] : [],
      body,
      stream,
      time: Date.now(),
      status: null
    }
    const seq = calls.push(call) - 1
    const res = reply.raw
    // A per-request signal: aborted when the client leaves (or the server closes), so delays stop.
    const gone = new AbortController()
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    // The socket's 'end' (the client's FIN) arrives before the response's 'close', which waits for
    // the socket to shut; counting from it keeps inFlight exact when a client aborts and resends at once.
    const socket = request.raw.socket
    let done = false
    const onGone = (): void => {
      if (done) return
      done = true
      inFlight--
      gone.abort()
      socket.off('end', onGone)
      closing.signal.removeEventListener('abort', onClosing)
    }
    const onClosing = (): void => gone.abort()
    socket.once('end', onGone)
    res.once('close', onGone)
    closing.signal.addEventListener('abort', onClosing, { once: true })

    const finish = (status: number): void => {
      call.status = status
      byStatus[status] = (byStatus[status] ?? 0) + 1
    }
    const sendJson = (status: number, payload: unknown, headers: Record<string, string> = {}): FastifyReply => {
      finish(status)
      return reply.code(status).headers(headers).send(payload)
    }

    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendJson(400, vllmError(400, 'messages: a non-empty list is required'))
    }
    const model = call.model
    if (!baseModels.includes(model) && !adapters.has(model)) {
      return sendJson(404, vllmError(404, `The model \`${model}\` does not exist.`, 'NotFoundError'))
    }

    await wait(latencyMs, gone.signal)
    if (gone.signal.aborted) return reply.hijack()

    const n = typeof body.n === 'number' && body.n > 0 ? Math.floor(body.n) : 1
    const maxTokens = numberOr(body.max_completion_tokens, numberOr(body.max_tokens, undefined))
    const ask = (index: number): Promise<FakeReply> => Promise.resolve(answer({
      model,
      messages: call.messages,
      temperature: numberOr(body.temperature, undefined),
      max_tokens: maxTokens,
      n,
      index,
      call: seq,
      stream,
      body
    }))

    // The first choice decides failures (status, hang, malformed); the others only add text.
    let first: FakeReply
    try {
      first = await ask(0)
    } catch (err) {
      return sendJson(500, vllmError(500, `fake answer threw: ${(err as Error).message}`))
    }
    if (typeof first === 'object' && 'delayMs' in first && typeof first.delayMs === 'number') {
      await wait(first.delayMs, gone.signal)
      if (gone.signal.aborted) return reply.hijack()
    }
    if (typeof first === 'object' && 'hang' in first && first.hang) {
      // Accept and never answer; `onGone` above notices when the client gives up.
      return reply.hijack()
    }
    if (typeof first === 'object' && 'status' in first) {
      const headers: Record<string, string> = {}
      if (first.retryAfter !== undefined) headers['retry-after'] = String(first.retryAfter)
      if (first.retryAfterMs !== undefined) headers['retry-after-ms'] = String(first.retryAfterMs)
      const payload = first.body ?? vllmError(first.status, `fake ${first.status}`)
      return sendJson(first.status, payload, headers)
    }
    if (typeof first === 'object' && 'malformed' in first) {
      finish(200)
      reply.hijack()
      if (first.malformed === 'cut') return cutMidBody(res)
      if (stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
        res.end('data: {"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"SEL\n\n')
        return
      }
      const text = '{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"SEL'
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) })
      res.end(text)
      return
    }

    const choices: Choice[] = []
    for (let index = 0; index < n; index++) {
      let r: FakeReply
      try {
        r = index === 0 ? first : await ask(index)
      } catch (err) {
        return sendJson(500, vllmError(500, `fake answer threw: ${(err as Error).message}`))
      }
      choices.push(toChoice(r, maxTokens, call.messages))
    }
    const id = `chatcmpl-${randomBytes(16).toString('hex')}`
    const now = Math.floor(Date.now() / 1000)
    const promptTokens = approxTokens(call.messages.map((m) => typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')).join(''))
    const completionTokens = choices.reduce((sum, c) => sum + approxTokens(c.text), 0)
    const usage = { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens, prompt_tokens_details: null }

    if (!stream) {
      return sendJson(200, {
        id,
        object: 'chat.completion',
        created: now,
        model,
        choices: choices.map((c, index) => ({
          index,
          message: { role: 'assistant', content: c.text, refusal: null, annotations: null, audio: null, function_call: null, tool_calls: [], reasoning_content: null },
          logprobs: null,
          finish_reason: c.finish_reason,
          stop_reason: null
        })),
        service_tier: null,
        system_fingerprint: null,
        usage,
        prompt_logprobs: null,
        kv_transfer_params: null
      })
    }

    finish(200)
    reply.hijack()
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' })
    const streamOptions = asRecord(body.stream_options)
    const chunk = (choicesPart: unknown[], extra: Record<string, unknown> = {}): void => {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: now, model, choices: choicesPart, ...extra })}\n\n`)
    }
    // vLLM: a first delta with the role, content deltas, a last delta with finish_reason, then
    // (only with stream_options.include_usage) a usage chunk with no choices, then [DONE].
    for (let index = 0; index < n; index++) {
      chunk([{ index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])
    }
    const pieces = choices.map((c) => c.text.match(/\S+\s*|\s+/g) ?? [])
    const longest = Math.max(0, ...pieces.map((p) => p.length))
    for (let step = 0; step < longest && !gone.signal.aborted; step++) {
      for (let index = 0; index < n; index++) {
        const piece = pieces[index][step]
        if (piece !== undefined) chunk([{ index, delta: { content: piece }, logprobs: null, finish_reason: null }])
      }
      if (step % 16 === 15) await new Promise((resolve) => setImmediate(resolve))
    }
    if (gone.signal.aborted) return
    for (let index = 0; index < n; index++) {
      chunk([{ index, delta: { content: '' }, logprobs: null, finish_reason: choices[index].finish_reason, stop_reason: null }])
    }
    if (streamOptions.include_usage === true) chunk([], { usage })
    res.end('data: [DONE]\n\n')
  })

  app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ detail: 'Not Found', path: request.url }))

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const host = options.host ?? '127.0.0.1'
  const rootUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    url: `${rootUrl}/v1`,
    rootUrl,
    port,
    calls,
    adapters,
    stats: () => ({ total: calls.length, byStatus: { ...byStatus }, inFlight, maxInFlight }),
    setAnswer: (fn) => { answer = fn },
    setLatency: (ms) => { latencyMs = ms },
    close: async () => {
      closing.abort()
      await app.close()
    }
  }
}

function toChoice (reply: FakeReply, maxTokens: number | undefined, messages: FakeMessage[]): Choice {
  let text: string
  let finishReason: string | undefined
  if (typeof reply === 'string') {
    text = reply
  } else if ('text' in reply && typeof reply.text === 'string') {
    text = reply.text
    finishReason = reply.finish_reason
  } else {
    // `{ delayMs }` alone, or a failure form on a later choice: fall back to the default script.
    text = String(goldAnswer({ model: '', messages, temperature: undefined, max_tokens: undefined, n: 1, index: 0, call: 0, stream: false, body: {} }))
  }
  // Like a real server, cut the text at max_tokens (approximate) and report `length`.
  if (maxTokens !== undefined && approxTokens(text) > maxTokens) {
    return { text: text.slice(0, maxTokens * 4), finish_reason: finishReason ?? 'length' }
  }
  return { text, finish_reason: finishReason ?? 'stop' }
}

/** Declares a longer body than it sends, then drops the socket: the client sees a broken transfer. */
function cutMidBody (res: ServerResponse): void {
  const text = '{"id":"chatcmpl-cut","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"SEL'
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text) + 100) })
  res.write(text, () => res.socket?.destroy())
}

/** vLLM answers the LoRA routes with a bare text body and no content-type. */
function sendPlain (reply: FastifyReply, status: number, text: string): void {
  reply.hijack()
  reply.raw.writeHead(status, { 'content-length': String(Buffer.byteLength(text)) })
  reply.raw.end(text)
}

function asRecord (value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

function numberOr<T> (value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback
}
