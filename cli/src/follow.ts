import { createInterface } from 'node:readline/promises'
import cliProgress from 'cli-progress'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { unwrap, type Client } from './client.js'
import type { Config } from './config.js'
import { CliError } from './errors.js'
import type { components } from './generated/api.js'

export type Job = components['schemas']['Job']

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled'])
const RECONNECTS = 20

interface ProgressData { done: number, total: number | null, unit: string }
interface JobEvent { type: string, status?: string, progress?: ProgressData, data?: Record<string, unknown> }

/** How following a job ended: it reached a final status, or the user detached. */
export type Followed = { job: Job, detached: false } | { job: Job, detached: true }

/**
 * Follows a job's server-sent events to its end, with a live progress bar on stderr (done/total,
 * rate, ETA; step, loss and tokens/s for training). Ctrl-C on a terminal asks whether to cancel
 * the job or detach from it (see `Interrupts`); without a terminal to ask on, it detaches.
 */
export async function followJob (client: Client, config: Config, jobId: string, opts: { bar: boolean }): Promise<Followed> {
  const bar = opts.bar ? new Bar() : null
  const abort = new AbortController()
  const interrupts = new Interrupts(jobId, bar, () => abort.abort(), async () => {
    await unwrap(client.POST('/v1/jobs/{id}/cancel', { params: { path: { id: jobId } } }))
  })
  process.on('SIGINT', interrupts.onSigint)
  try {
    let lastId: string | undefined
    for (let attempt = 0; attempt <= RECONNECTS && !interrupts.detached; attempt++) {
      const final = await stream(config, jobId, lastId, abort.signal, (id, e) => {
        lastId = id ?? lastId
        bar?.event(e)
      }).catch((err) => {
        if (abort.signal.aborted) return false
        if (err instanceof CliError) throw err
        return false
      })
      if (final || interrupts.detached) break
      // The stream ended early (a restart, a proxy): the record says whether the job is done.
      const job = await unwrap(client.GET('/v1/jobs/{id}', { params: { path: { id: jobId } } }))
      if (TERMINAL.has(job.status)) break
      await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)))
    }
  } finally {
    process.off('SIGINT', interrupts.onSigint)
    bar?.stop()
  }
  const job = await unwrap(client.GET('/v1/jobs/{id}', { params: { path: { id: jobId } } }))
  if (interrupts.detached) {
    process.stderr.write(`detached: job ${jobId} goes on (${job.status}); follow it with: t2s jobs watch ${jobId}\n`)
    return { job, detached: true }
  }
  // The job ended while the question was on the screen: there is nothing left to decide.
  if (interrupts.closeQuestion()) process.stderr.write(`job ${jobId} ${job.status} meanwhile; nothing to decide\n`)
  return { job, detached: false }
}

/**
 * What Ctrl-C does while a job is followed. On a terminal the bar pauses and a question asks
 * whether to cancel the job (the bar goes on until it ends cancelled) or detach (the job goes
 * on); Enter, Ctrl-D or a second Ctrl-C detach, so no keystroke cancels by accident. Ctrl-C
 * after cancelling stops waiting. Anywhere else (a script, a pipe) Ctrl-C detaches at once.
 */
class Interrupts {
  detached = false
  private cancelling = false
  private question: AbortController | null = null

  constructor (private readonly jobId: string, private readonly bar: Bar | null, private readonly stop: () => void, private readonly cancel: () => Promise<void>) {}

  readonly onSigint = (): void => {
    if (this.question !== null || this.cancelling || !process.stdin.isTTY || !process.stderr.isTTY) {
      this.closeQuestion()
      this.detach()
      return
    }
    const question = this.question = new AbortController()
    const drawn = this.bar?.suspend() ?? false
    void ask(`${drawn ? '' : '\n'}Cancel job ${this.jobId}? [c]ancel / [d]etach (default: detach) `, question.signal).then(async (choice) => {
      if (question.signal.aborted) return
      this.question = null
      if (choice === 'detach') {
        this.detach()
        return
      }
      this.cancelling = true
      process.stderr.write(`cancelling job ${this.jobId}… (Ctrl-C again to stop waiting)\n`)
      this.bar?.resume()
      await this.cancel().catch((err: Error) => process.stderr.write(`t2s: could not cancel job ${this.jobId}: ${err.message}\n`))
    })
  }

  /** Takes an open question off the screen; true when there was one. */
  closeQuestion (): boolean {
    if (this.question === null) return false
    this.question.abort()
    this.question = null
    return true
  }

  private detach (): void {
    this.detached = true
    this.stop()
  }
}

/** Asks on the terminal; Enter, Ctrl-D and Ctrl-C (a key while readline reads) answer detach. */
async function ask (prompt: string, signal: AbortSignal): Promise<'cancel' | 'detach'> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  return await new Promise((resolve) => {
    let settled = false
    const settle = (choice: 'cancel' | 'detach') => {
      if (settled) return
      settled = true
      rl.close()
      resolve(choice)
    }
    // Neither key is echoed: end the question's line before what follows.
    const key = () => { if (!settled) process.stderr.write('\n'); settle('detach') }
    rl.on('SIGINT', key)
    rl.on('close', key)
    rl.question(prompt, { signal }).then((answer) => settle(/^c/i.test(answer.trim()) ? 'cancel' : 'detach'), () => settle('detach'))
  })
}

/** Reads one event stream; true when it delivered the final status. */
async function stream (config: Config, jobId: string, lastId: string | undefined, signal: AbortSignal, onEvent: (id: string | undefined, e: JobEvent) => void): Promise<boolean> {
  const headers: Record<string, string> = { accept: 'text/event-stream' }
  if (config.apiKey !== null) headers.authorization = `Bearer ${config.apiKey}`
  if (lastId !== undefined) headers['last-event-id'] = lastId
  const res = await fetch(`${config.url}/v1/jobs/${encodeURIComponent(jobId)}/events`, { headers, signal })
  if (!res.ok || res.body === null) {
    const problem = await res.json().catch(() => null) as { detail?: string } | null
    throw new CliError(`${res.status}: ${problem?.detail ?? res.statusText}`)
  }
  let final = false
  const parser = createParser({
    onEvent: (m: EventSourceMessage) => {
      const e = JSON.parse(m.data) as JobEvent
      onEvent(m.id, e)
      if (e.type === 'status' && e.status !== undefined && TERMINAL.has(e.status)) final = true
    }
  })
  const decoder = new TextDecoder()
  for await (const chunk of res.body) {
    parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }))
    if (final) break
  }
  return final
}

/** The progress bar: questions, items or bytes with rate and ETA; steps with loss and tokens/s. */
class Bar {
  private bar: cliProgress.SingleBar | null = null
  private readonly started = Date.now()
  private training = false
  private payload = { unit: '', rate: '-', extra: '' }
  private suspended = false
  private last: { done: number, total: number, unit: string } | null = null

  event (e: JobEvent): void {
    if (e.type === 'metric' && e.data !== undefined && typeof e.data.step === 'number') {
      this.training = true
      const d = e.data
      const parts = [typeof d.loss === 'number' ? `loss ${d.loss.toFixed(4)}` : null, typeof d.tokens_per_s === 'number' ? `${Math.round(d.tokens_per_s)} tok/s` : null]
      this.payload.extra = parts.filter((p) => p !== null).join(' | ')
      const total = typeof d.total_steps === 'number' ? d.total_steps : null
      this.update(d.step as number, total, 'steps')
    }
    if (e.progress !== undefined && !(this.training && e.progress.unit !== 'steps')) this.update(e.progress.done, e.progress.total, e.progress.unit)
  }

  private update (done: number, total: number | null, unit: string): void {
    if (total === null || total === 0) return
    this.last = { done, total, unit }
    if (this.suspended) return
    const secs = (Date.now() - this.started) / 1000
    this.payload.unit = unit
    this.payload.rate = secs > 0 ? rate(done / secs) : '-'
    if (this.bar === null) {
      this.bar = new cliProgress.SingleBar({
        format: '{bar} {percentage}% | {value}/{total} {unit} | {rate}/s | ETA {eta_formatted}{extraSep}{extra}',
        stream: process.stderr,
        noTTYOutput: true,
        notTTYSchedule: 2000,
        gracefulExit: false,
        hideCursor: false,
        etaBuffer: 50,
        // The library's ETA is the string INF (or NULL) while nothing moves, which its own formatter cuts to "NFs".
        formatTime: (t, options, round) => typeof t === 'number' && Number.isFinite(t) ? cliProgress.Format.TimeFormat(t, options, round) : '-'
      }, cliProgress.Presets.shades_classic)
      this.bar.start(total, done, this.fields())
    } else {
      this.bar.setTotal(total)
      this.bar.update(done, this.fields())
    }
  }

  private fields () {
    return { ...this.payload, extraSep: this.payload.extra === '' ? '' : ' | ' }
  }

  /** Stops drawing while the terminal asks a question (the line stays); true when a bar was drawn. */
  suspend (): boolean {
    this.suspended = true
    if (this.bar === null) return false
    this.bar.stop()
    this.bar = null
    return true
  }

  /** Draws again, on a new line, from the latest figures. */
  resume (): void {
    this.suspended = false
    if (this.last !== null) this.update(this.last.done, this.last.total, this.last.unit)
  }

  stop (): void {
    this.bar?.stop()
  }
}

const rate = (x: number) => x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)
