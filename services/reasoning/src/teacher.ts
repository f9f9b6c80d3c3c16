// Teacher answers, paid for once: every answer is stored under (model, prompt digest,
// temperature, attempt) the moment it arrives, and every call a job makes is counted.
import { type LlmClient, type LlmMessage, LlmError } from '@t2s/core/llm'
import { textSha256 } from '@t2s/core/util'
import type { StateDb } from '@t2s/core'

export interface TeacherRequest {
  /** the model server asked (`teacher` unless the dataset named another) */
  server: string
  model: string
  messages: LlmMessage[]
  temperature: number
  maxTokens?: number
  /** 1 for the first ask, 2… for the re-asks of a rejected item */
  attempt: number
}

export interface TeacherAnswer {
  text: string
  /** true when the answer came from the cache (no call made) */
  cached: boolean
}

/** Who is asking: the counters of a call are kept per job and item. */
export interface CallSite { jobId: string, itemKey: string, signal: AbortSignal }

/** The digest of everything in the request that shapes the answer besides model, temperature and attempt. */
export function promptDigest (messages: LlmMessage[], maxTokens: number | undefined): string {
  return textSha256(JSON.stringify({ messages, max_tokens: maxTokens ?? null }))
}

interface CachedRow { answer: string }

export class Teacher {
  private readonly getCached
  private readonly putCached
  private readonly putCall
  /** calls in flight in this process, by cache key */
  private readonly pending = new Map<string, Promise<string>>()

  /** `clientOf` resolves a model server's name (the registry's `resolve`); it throws a ServiceError for one that cannot be asked. */
  constructor (private readonly db: StateDb, private readonly clientOf: (server: string) => Promise<LlmClient>) {
    this.getCached = db.prepare('SELECT answer FROM teacher_cache WHERE model = ? AND prompt_sha256 = ? AND temperature = ? AND attempt = ?')
    this.putCached = db.prepare(`INSERT INTO teacher_cache (model, prompt_sha256, temperature, attempt, answer, finish_reason, prompt_tokens, completion_tokens, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
    this.putCall = db.prepare(`INSERT INTO teacher_calls (job_id, item_key, attempt, ok, requests, prompt_tokens, completion_tokens, latency_ms, error_kind, at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  }

  /**
   * The cached answer, or a call to the teacher whose answer is committed before it is
   * returned. A request identical to one in flight in this process waits for that one (a
   * message delivered twice, two jobs over the same prompts) instead of paying again; it
   * then counts as a cache hit. Throws LlmError when the call fails for good (its retries
   * are the client's); an `aborted` LlmError is not counted as a call.
   */
  async ask (req: TeacherRequest, site: CallSite): Promise<TeacherAnswer> {
    const digest = promptDigest(req.messages, req.maxTokens)
    // The teacher's answers keep their old keys; another server's are kept apart by its name,
    // since two servers may serve different weights under one model name.
    const key = [req.server === 'teacher' ? req.model : `${req.server}:${req.model}`, digest, req.temperature, req.attempt] as const
    const id = key.join('\u0000')
    for (;;) {
      const hit = this.getCached.get(...key) as CachedRow | undefined
      if (hit) return { text: hit.answer, cached: true }
      const running = this.pending.get(id)
      if (!running) break
      try {
        return { text: await untilAborted(running, site.signal), cached: true }
      } catch (err) {
        // The caller that owned the call was cancelled: ask again, unless this one was too.
        if (err instanceof LlmError && err.kind === 'aborted' && !site.signal.aborted) continue
        throw err
      }
    }
    const call = this.call(req, key, site)
    this.pending.set(id, call)
    try {
      return { text: await call, cached: false }
    } finally {
      this.pending.delete(id)
    }
  }

  private async call (req: TeacherRequest, key: readonly [string, string, number, number], site: CallSite): Promise<string> {
    const started = Date.now()
    const now = () => new Date().toISOString()
    try {
      const client = await this.clientOf(req.server)
      const r = await client.chat({ messages: req.messages, model: req.model, temperature: req.temperature, maxTokens: req.maxTokens, signal: site.signal, party: site.jobId })
      const prompt = r.usage?.prompt_tokens ?? 0
      const completion = r.usage?.completion_tokens ?? 0
      this.db.transaction(() => {
        this.putCached.run(...key, r.text, r.finishReason, prompt, completion, now())
        this.putCall.run(site.jobId, site.itemKey, req.attempt, 1, r.attempts, prompt, completion, Date.now() - started, null, now())
      })()
      return r.text
    } catch (err) {
      if (err instanceof LlmError && err.kind !== 'aborted' && err.attempts > 0) {
        this.putCall.run(site.jobId, site.itemKey, req.attempt, 0, err.attempts, 0, 0, Date.now() - started, err.kind, now())
      }
      throw err
    }
  }
}

/** `p`, or an `aborted` LlmError as soon as `signal` fires (p itself runs on). */
async function untilAborted<T> (p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw new LlmError('aborted', 'aborted by the caller')
  let onAbort!: () => void
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new LlmError('aborted', 'aborted by the caller'))
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([p, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
