// Retry timing: exponential backoff with jitter, the server's retry-after hints, abortable sleep.

import { setTimeout as delay } from 'node:timers/promises'

export interface RetryPolicy {
  /** retries after the first attempt (so max + 1 attempts at most) */
  max: number
  /** first backoff step */
  baseMs: number
  /** largest computed backoff step */
  capMs: number
  /** largest wait a server's retry-after(-ms) can impose; longer hints are clipped to it */
  maxRetryAfterMs: number
  /** retry attempts that timed out (on by default; off for long generations you'd rather not pay twice) */
  onTimeout: boolean
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { max: 4, baseMs: 500, capMs: 8000, maxRetryAfterMs: 60_000, onTimeout: true }

/**
 * Backoff before retry number `retry` (1-based): min(cap, base · 2^(retry-1)), minus up to 25 %
 * jitter (the openai SDK's shape), so clients that failed together do not come back together.
 */
export function backoffMs (retry: number, policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>, random: () => number = Math.random): number {
  const step = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1))
  return Math.round(step * (1 - 0.25 * random()))
}

/** `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date), in ms; undefined if absent or unreadable. */
export function retryAfterMs (headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (headers === undefined) return undefined
  const ms = headers.get('retry-after-ms')
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms)
    if (Number.isFinite(value) && value >= 0) return value
  }
  const after = headers.get('retry-after')
  if (after === null || after.trim() === '') return undefined
  const seconds = Number(after)
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined
  const date = Date.parse(after)
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined
}

/**
 * Wait before retry number `retry`: our backoff, or the server's hint when it asks for longer
 * (clipped to maxRetryAfterMs). Never shorter than our backoff, so `retry-after: 0` cannot cause a storm.
 */
export function retryDelayMs (retry: number, policy: RetryPolicy, headers?: Headers, random: () => number = Math.random): number {
  const ours = backoffMs(retry, policy, random)
  const hint = retryAfterMs(headers)
  return hint === undefined ? ours : Math.max(ours, Math.min(hint, policy.maxRetryAfterMs))
}

/** Sleeps `ms`; rejects with the signal's reason as soon as it aborts. */
export async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal })
  } catch (err) {
    // node's AbortError wraps the reason; callers (and their callers) expect the reason itself.
    throw signal?.aborted === true ? signal.reason : err
  }
}
