// LLM client for one vLLM OpenAI-compatible endpoint (teacher or student): the openai SDK for the
// wire format, and our own timeouts, retries and concurrency bound around it.
//
// Defaults, in one place:
//   timeoutMs 120 000 per attempt (from sending to the last byte of the body), combined with the caller's signal
//     (deadline.ts);
//   retries: max 4 (5 attempts), backoff min(8 s, 0.5 s · 2^n) minus ≤ 25 % jitter, only on
//     429, 5xx, connection errors and timeouts; never on other 4xx or on malformed bodies;
//     a server's retry-after(-ms) lengthens the wait, up to maxRetryAfterMs (60 s, as the SDK);
//   concurrency 16 requests in flight; a request keeps its slot through its backoff waits, so an
//     outage yields at most `concurrency` requests per backoff step, never a retry storm.
// The SDK runs with maxRetries 0: its own retries would silently pay for a timed-out generation again.
import OpenAI from 'openai'
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import { DEFAULT_RETRY_POLICY, retryAfterMs, retryDelayMs, sleep, type RetryPolicy } from './backoff.js'
import { attemptSignal } from './deadline.js'
import { classify, isRetryableKind, LlmError, type Classified } from './errors.js'
import { FairSemaphore } from '../util/semaphore.js'

export type LlmMessage = ChatCompletionMessageParam

/** The few logger methods we use; a pino Logger fits. */
export interface LlmLogger {
  debug: (obj: object, msg?: string) => void
  warn: (obj: object, msg?: string) => void
}

export interface LlmClientOptions {
  /** endpoint name for logs and error messages: 'teacher', 'student', … */
  name: string
  /** the server's OpenAI base URL, ending in /v1 (e.g. http://vllm-student:8000/v1) */
  baseUrl: string
  /** vLLM --api-key; never logged or put in error messages */
  apiKey?: string
  /** default served model name (a LoRA adapter is a model name too) */
  model: string
  timeoutMs?: number
  retries?: Partial<RetryPolicy>
  concurrency?: number
  log?: LlmLogger
  /** for tests: replaces global fetch under the SDK */
  fetch?: typeof fetch
}

export interface ChatRequest {
  messages: LlmMessage[]
  /** overrides the client's model (e.g. a LoRA adapter name) */
  model?: string
  temperature?: number
  maxTokens?: number
  n?: number
  signal?: AbortSignal
  /** Fair-share key (a job id): requests of different parties waiting for a slot take turns. */
  party?: string
  /** per-request override of the client's timeoutMs */
  timeoutMs?: number
  /** vLLM-only body fields (seed, top_k, structured_outputs, chat_template_kwargs, …), merged into the request body */
  extra?: Record<string, unknown>
}

export interface ChatUsage { prompt_tokens: number, completion_tokens: number }

export interface ChatResult {
  /** the first choice's text */
  text: string
  finishReason: string | null
  /** every choice (n > 1) */
  choices: Array<{ text: string, finishReason: string | null }>
  usage: ChatUsage | null
  /** the model name the server reports */
  model: string
  /** from the first attempt's send to the answer, backoff waits included (queue wait excluded) */
  latencyMs: number
  /** time spent waiting for a concurrency slot */
  queuedMs: number
  attempts: number
}

export interface LlmModel { id: string, root?: string, parent?: string, maxModelLen?: number }

export interface LlmClientStats {
  /** requests holding a concurrency slot (sending, or waiting to retry) */
  inFlight: number
  /** requests waiting for a slot */
  queued: number
  /** chat() calls started */
  calls: number
  /** retry attempts made, all operations together */
  retries: number
}

export interface LlmClient {
  readonly name: string
  readonly model: string
  chat: (req: ChatRequest) => Promise<ChatResult>
  listModels: (opts?: { signal?: AbortSignal }) => Promise<LlmModel[]>
  /** POST /v1/load_lora_adapter (vLLM with VLLM_ALLOW_RUNTIME_LORA_UPDATING=True); resolves with the server's message */
  loadLora: (name: string, path: string, opts?: { signal?: AbortSignal }) => Promise<string>
  /** POST /v1/unload_lora_adapter; resolves with the server's message */
  unloadLora: (name: string, opts?: { signal?: AbortSignal }) => Promise<string>
  stats: () => LlmClientStats
}

export function createLlmClient (options: LlmClientOptions): LlmClient {
  const { name, log } = options
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  // vLLM serves everything we call under /v1; a root URL would turn every call into a 404.
  if (!/^https?:\/\/.+\/v1$/.test(baseUrl)) throw new TypeError(`${name}: baseUrl must be an http(s) URL ending in /v1, got ${baseUrl}`)
  const timeoutMs = options.timeoutMs ?? 120_000
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retries }
  const semaphore = new FairSemaphore(options.concurrency ?? 16)
  const redact = makeRedactor(options.apiKey)
  const baseFetch = options.fetch ?? globalThis.fetch
  // The SDK keeps an error body only when it is `{ error: {…} }`; vLLM's older flat form and its
  // auth middleware's `{ error: '…' }` would be lost. Keep every error body, keyed by its Headers.
  const errorBodies = new WeakMap<Headers, string>()
  const capturingFetch: typeof fetch = async (input, init) => {
    const res = await baseFetch(input, init)
    if (res.ok) return res
    const text = await res.text()
    const copy = new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers })
    errorBodies.set(copy.headers, text)
    return copy
  }
  const openai = new OpenAI({
    baseURL: baseUrl,
    apiKey: options.apiKey ?? 'EMPTY',
    maxRetries: 0,
    // Ours (per attempt, body included) fires first; the SDK's only covers the wait for headers.
    timeout: timeoutMs + 1000,
    fetch: capturingFetch
  })
  let calls = 0
  let retries = 0

  /** Runs `attempt` until it succeeds, fails for good, or the caller aborts. */
  async function withRetries<T> (op: string, signal: AbortSignal | undefined, perAttemptMs: number, attempt: (signal: AbortSignal, n: number) => Promise<T>): Promise<{ value: T, attempts: number }> {
    for (let n = 1; ; n++) {
      if (isAborted(signal)) throw toError({ kind: 'aborted', detail: 'aborted by the caller' }, n - 1)
      const deadline = attemptSignal(signal, perAttemptMs)
      const started = Date.now()
      let failure: Classified
      try {
        const value = await attempt(deadline.signal, n)
        log?.debug({ llm: name, op, attempt: n, ms: Date.now() - started }, 'llm call ok')
        return { value, attempts: n }
      } catch (err) {
        const c = classify(err, { aborted: isAborted(signal), timedOut: deadline.timedOut(), errorBody: (h) => errorBodies.get(h) })
        if (c === undefined) throw err
        failure = c
      } finally {
        deadline.dispose()
      }
      const retryable = isRetryableKind(failure.kind) && (failure.kind !== 'timeout' || policy.onTimeout)
      if (!retryable || n > policy.max) throw toError(failure, n)
      const delay = retryDelayMs(n, policy, failure.headers)
      retries++
      log?.warn({ llm: name, op, attempt: n, kind: failure.kind, status: failure.status, retryInMs: delay }, 'llm call failed, retrying')
      try {
        await sleep(delay, signal)
      } catch {
        throw toError({ kind: 'aborted', detail: 'aborted by the caller while waiting to retry' }, n)
      }
    }
  }

  function toError (c: Classified, attempts: number): LlmError {
    const status = c.status === undefined ? '' : ` (HTTP ${c.status})`
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`
    const message = redact(`${name}: ${c.kind}${status} after ${tries}: ${c.detail}`)
    const hint = retryAfterMs(c.headers)
    return new LlmError(c.kind, message, { status: c.status, attempts, retryAfterMs: hint, cause: c.cause })
  }

  async function chat (req: ChatRequest): Promise<ChatResult> {
    calls++
    const queuedAt = Date.now()
    let release: () => void
    try {
      release = await semaphore.acquire(req.party ?? '', req.signal)
    } catch {
      throw toError({ kind: 'aborted', detail: 'aborted by the caller while queued' }, 0)
    }
    const started = Date.now()
    try {
      const { stream: _stream, ...extra } = req.extra ?? {}
      const body = {
        ...extra,
        model: req.model ?? options.model,
        messages: req.messages,
        ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
        ...(req.maxTokens === undefined ? {} : { max_tokens: req.maxTokens }),
        ...(req.n === undefined ? {} : { n: req.n })
      } as ChatCompletionCreateParamsNonStreaming
      const { value, attempts } = await withRetries('chat', req.signal, req.timeoutMs ?? timeoutMs, async (signal) => {
        const completion = await openai.chat.completions.create(body, { signal, maxRetries: 0 })
        return parseCompletion(completion)
      })
      return { ...value, latencyMs: Date.now() - started, queuedMs: started - queuedAt, attempts }
    } finally {
      release()
    }
  }

  async function listModels (opts: { signal?: AbortSignal } = {}): Promise<LlmModel[]> {
    // Outside the semaphore: a cheap call that must not wait behind long generations.
    const { value } = await withRetries('models', opts.signal, timeoutMs, async (signal) => {
      const page = await openai.models.list({ signal, maxRetries: 0 })
      return page.data.map((m) => {
        const card = m as unknown as Record<string, unknown>
        const model: LlmModel = { id: m.id }
        if (typeof card.root === 'string') model.root = card.root
        if (typeof card.parent === 'string') model.parent = card.parent
        if (typeof card.max_model_len === 'number') model.maxModelLen = card.max_model_len
        return model
      })
    })
    return value
  }

  async function loadLora (lora: string, path: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
    try {
      return await postText('load_lora', '/load_lora_adapter', { lora_name: lora, lora_path: path }, opts.signal)
    } catch (err) {
      // A retry after a lost answer finds the adapter already loaded: that is our own earlier success.
      if (err instanceof LlmError && err.attempts > 1 && err.status === 400 && /already been loaded/.test(err.message)) {
        return `Success: LoRA adapter '${lora}' added successfully.`
      }
      throw err
    }
  }

  async function unloadLora (lora: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
    return await postText('unload_lora', '/unload_lora_adapter', { lora_name: lora }, opts.signal)
  }

  /** POSTs to one of vLLM's plain-text admin routes, with retries; the answer as text. */
  async function postText (op: string, route: string, body: Record<string, string>, callerSignal: AbortSignal | undefined): Promise<string> {
    const { value } = await withRetries(op, callerSignal, timeoutMs, (signal) =>
      openai.post<unknown>(route, { body, signal, maxRetries: 0 }))
    return typeof value === 'string' ? value : JSON.stringify(value)
  }

  return {
    name,
    model: options.model,
    chat,
    listModels,
    loadLora,
    unloadLora,
    stats: () => ({ inFlight: semaphore.inUse, queued: semaphore.queued, calls, retries })
  }
}

/** Checks the completion is usable: at least one choice, each with string content. */
function parseCompletion (completion: ChatCompletion | string | null | undefined): Omit<ChatResult, 'latencyMs' | 'queuedMs' | 'attempts'> {
  const choices = (completion as ChatCompletion | undefined)?.choices
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new LlmError('malformed', 'the response has no choices')
  }
  const parsed = choices.map((c, i) => {
    const content = c?.message?.content
    if (typeof content !== 'string') throw new LlmError('malformed', `choice ${i} has no text content`)
    return { text: content, finishReason: c.finish_reason ?? null }
  })
  const completionObj = completion as ChatCompletion
  const u = completionObj.usage
  return {
    text: parsed[0].text,
    finishReason: parsed[0].finishReason,
    choices: parsed,
    usage: u != null ? { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens } : null,
    model: typeof completionObj.model === 'string' ? completionObj.model : ''
  }
}

// A function, so TypeScript does not keep a narrowed `aborted` across awaits.
function isAborted (signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}

/** Blanks the API key wherever it appears in text that may reach a log or a user. */
function makeRedactor (apiKey: string | undefined): (text: string) => string {
  if (apiKey === undefined || apiKey.length < 4 || apiKey === 'EMPTY') return (text) => text
  return (text) => text.split(apiKey).join('[redacted]')
}
