// One error type for every LLM failure, keyed by what a caller does about it (retry, give up, fix input).
import OpenAI from 'openai'

export type LlmErrorKind =
  | 'rate_limited' // 429: the server is full (vLLM --max-num-seqs) or a proxy throttles
  | 'server' // 5xx
  | 'connection' // refused, reset, DNS, body cut mid-transfer
  | 'timeout' // no complete answer within timeoutMs
  | 'client' // any other 4xx: bad request, context too long, unknown model, auth
  | 'malformed' // 2xx whose body is not a usable completion (bad JSON, no choices, non-string content)
  | 'aborted' // the caller's signal fired

const RETRYABLE = new Set<LlmErrorKind>(['rate_limited', 'server', 'connection', 'timeout'])

/** Kinds worth another attempt; everything else fails at once. */
export function isRetryableKind (kind: LlmErrorKind): boolean {
  return RETRYABLE.has(kind)
}

export class LlmError extends Error {
  override name = 'LlmError'
  /** what went wrong, as a caller acts on it */
  readonly kind: LlmErrorKind
  /** HTTP status of the last response, when there was one */
  readonly status?: number
  /** HTTP attempts made before giving up (0 when aborted while queued) */
  attempts: number
  /** server's `retry-after(-ms)` hint of the last response, in ms */
  readonly retryAfterMs?: number

  constructor (kind: LlmErrorKind, message: string, opts: { status?: number, attempts?: number, retryAfterMs?: number, cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.kind = kind
    this.status = opts.status
    this.attempts = opts.attempts ?? 0
    this.retryAfterMs = opts.retryAfterMs
  }

  get retryable (): boolean {
    return isRetryableKind(this.kind)
  }
}

/** A failure before it becomes an LlmError: the client adds the endpoint name and attempt count. */
export interface Classified {
  kind: LlmErrorKind
  status?: number
  detail: string
  headers?: Headers
  cause?: unknown
}

// undici's messages for a connection that broke (`fetch failed` wraps ECONNREFUSED, ECONNRESET, …).
const CONNECTION_MESSAGES = /^(fetch failed|terminated|other side closed|socket hang up)$/i

/**
 * Sorts anything the openai SDK (or the body read after it) throws into a kind.
 * `timedOut`/`aborted` say which of our own signals fired: they decide over the SDK's error class,
 * because an abort surfaces as a plain APIUserAbortError or a DOMException either way.
 * Returns undefined for errors that are not the server's fault (bugs), so they surface unchanged.
 */
export function classify (err: unknown, ctx: { aborted: boolean, timedOut: boolean, errorBody?: (headers: Headers) => string | undefined }): Classified | undefined {
  if (ctx.aborted) return { kind: 'aborted', detail: 'aborted by the caller', cause: err }
  if (ctx.timedOut) return { kind: 'timeout', detail: 'no answer within the timeout', cause: err }
  if (err instanceof LlmError) return { kind: err.kind, status: err.status, detail: err.message, cause: err.cause }
  if (err instanceof OpenAI.APIUserAbortError) return { kind: 'aborted', detail: 'aborted', cause: err }
  if (err instanceof OpenAI.APIConnectionTimeoutError) return { kind: 'timeout', detail: 'no answer within the timeout', cause: err }
  if (err instanceof OpenAI.APIConnectionError) return { kind: 'connection', detail: connectionDetail(err), cause: err }
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const status = err.status
    const kind: LlmErrorKind = status === 429 ? 'rate_limited' : status >= 500 ? 'server' : 'client'
    const body = err.headers !== undefined ? ctx.errorBody?.(err.headers) : undefined
    return { kind, status, detail: bodyMessage(body) ?? err.message, headers: err.headers, cause: err }
  }
  if (err instanceof SyntaxError) return { kind: 'malformed', detail: `invalid JSON in the response: ${err.message}`, cause: err }
  if (err instanceof Error && (CONNECTION_MESSAGES.test(err.message) || isSocketError(err.cause))) {
    return { kind: 'connection', detail: connectionDetail(err), cause: err }
  }
  return undefined
}

function connectionDetail (err: Error): string {
  const cause = err.cause as { code?: unknown, message?: unknown } | undefined
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  const causeMessage = typeof cause?.message === 'string' ? cause.message : undefined
  return [err.message, code ?? causeMessage].filter(Boolean).join(': ')
}

function isSocketError (cause: unknown): boolean {
  const code = (cause as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && (code.startsWith('UND_ERR_') || /^E[A-Z]+$/.test(code))
}

/**
 * The server's own words from an error body. vLLM sends `{ object: 'error', message, … }` (older)
 * or `{ error: { message, … } }` (newer); its auth middleware sends `{ error: 'Unauthorized' }`.
 * The SDK keeps only the nested form, so the client captures bodies itself (see client.ts).
 */
export function bodyMessage (body: string | undefined): string | undefined {
  if (body === undefined || body === '') return undefined
  try {
    const json = JSON.parse(body) as Record<string, unknown>
    if (typeof json.message === 'string') return json.message
    const error = json.error as Record<string, unknown> | string | undefined
    if (typeof error === 'string') return error
    if (error !== null && typeof error === 'object' && typeof error.message === 'string') return error.message
    if (typeof json.detail === 'string') return json.detail
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.length > 500 ? `${body.slice(0, 500)}…` : body
}
