/**
 * SQL sandbox: runs untrusted SQL read-only in a pool of child processes.
 *
 * better-sqlite3 cannot interrupt a running query and a worker thread stuck in one cannot
 * be terminated, so every query runs in a child process that is SIGKILLed at its deadline
 * and replaced (ARCHITECTURE.md §5, reliability-notes.md §0).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { resolve as resolvePath } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import {
  CRASHED, OUT_OF_MEMORY, QUEUE_FULL, QUEUE_WAIT, SANDBOX_CLOSED, START_FAILED, TIMED_OUT
} from './messages.js'
import type { ChildMessage, QueryRequest } from './protocol.js'
import type { ExecOptions, ExecResult, ExecStatus } from './types.js'

export type { ExecOptions, ExecResult, ExecStatus, SqlValue } from './types.js'
export * from './messages.js'
export { ONLY_QUERIES } from './guard.js'

export interface SandboxLogger {
  warn (obj: object, msg?: string): void
}

export interface SandboxOptions {
  /** Number of child processes (default: os.availableParallelism()). */
  size?: number
  /** V8 heap cap of each child, passed as --max-old-space-size (default 512). */
  memoryMb?: number
  log?: SandboxLogger
  /** Cap on the values of one result, about their in-memory size (default 64). */
  maxResultMb?: number
  /**
   * A busy child whose resident memory passes this is killed (Linux only). Default:
   * 2 × memoryMb, at least memoryMb + 256 (an idle child already holds about 80 MB).
   */
  rssLimitMb?: number
  /** Queries waiting beyond this many are answered at once with QUEUE_FULL (default 10 000). */
  maxQueue?: number
  /** A query that has not started after this long is answered with QUEUE_WAIT (default 10 min). */
  queueWaitMs?: number
}

export interface SandboxStats {
  size: number
  alive: number
  busy: number
  queued: number
  restarts: number
}

interface Job {
  request: QueryRequest
  timeoutMs: number
  resolve: (result: ExecResult) => void
  enqueuedAt: number
  startedAt: number
  queueTimer?: NodeJS.Timeout
  timer?: NodeJS.Timeout
}

interface Worker {
  child: ChildProcess
  ready: boolean
  retired: boolean
  gone: boolean
  job?: Job
  stderr: string
  outOfMemory: boolean
  checkingRss: boolean
  exited: Promise<void>
}

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_MAX_ROWS = 1000
const MAX_TIMER_MS = 2 ** 31 - 1
const RSS_CHECK_MS = 100
const START_FAILURES_BEFORE_BROKEN = 3

// From source (tsx) the child is a .ts file and needs the tsx loader; built, it is .js.
const fromSource = import.meta.url.endsWith('.ts')
const CHILD = fileURLToPath(new URL(fromSource ? './sandbox-child.ts' : './sandbox-child.js', import.meta.url))

function tsxLoader (): string {
  try {
    // An absolute URL, so the child finds tsx whatever its working directory.
    return import.meta.resolve('tsx')
  } catch {
    return 'tsx'
  }
}

function failure (status: ExecStatus, error: string, elapsedMs = 0): ExecResult {
  return { status, columns: [], rows: [], truncated: false, error, elapsed_ms: elapsedMs }
}

function since (start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000
}

export class SqlSandbox {
  private readonly size: number
  private readonly execArgv: string[]
  private readonly log?: SandboxLogger
  private readonly maxBytes: number
  private readonly rssLimitKb: number
  private readonly maxQueue: number
  private readonly queueWaitMs: number
  private readonly workers = new Set<Worker>()
  private readonly dying = new Set<Worker>()
  private queue: Job[] = []
  private waiters: Array<() => void> = []
  private seq = 0
  private restarts = 0
  private startFailures = 0
  private closed = false
  private closing?: Promise<void>
  private readonly rssTimer?: NodeJS.Timeout
  private readonly killAll = (): void => {
    for (const w of [...this.workers, ...this.dying]) w.child.kill('SIGKILL')
  }

  constructor (opts: SandboxOptions = {}) {
    this.size = positiveInt(opts.size ?? availableParallelism(), 'size')
    const memoryMb = positiveInt(opts.memoryMb ?? 512, 'memoryMb')
    this.execArgv = [...(fromSource ? ['--import', tsxLoader()] : []), `--max-old-space-size=${memoryMb}`]
    this.log = opts.log
    this.maxBytes = positiveNumber(opts.maxResultMb ?? 64, 'maxResultMb') * 1024 * 1024
    this.rssLimitKb = positiveNumber(opts.rssLimitMb ?? Math.max(2 * memoryMb, memoryMb + 256), 'rssLimitMb') * 1024
    this.maxQueue = positiveInt(opts.maxQueue ?? 10_000, 'maxQueue')
    this.queueWaitMs = timerMs(opts.queueWaitMs ?? 600_000, 'queueWaitMs')
    process.on('exit', this.killAll)
    for (let i = 0; i < this.size; i++) this.spawn()
    if (process.platform === 'linux') {
      this.rssTimer = setInterval(() => this.checkRss(), RSS_CHECK_MS)
      this.rssTimer.unref()
    }
  }

  /** Resolves once every child of the pool has started; rejects if they keep failing to. */
  async ready (): Promise<void> {
    while (!this.closed) {
      if ([...this.workers].every((w) => w.ready) && this.workers.size === this.size) return
      if (this.broken()) throw new Error(START_FAILED)
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
    throw new Error(SANDBOX_CLOSED)
  }

  /**
   * Runs one read-only query. Never rejects for SQL problems: refusals, SQLite errors,
   * deadlines and crashes come back as `status`. Rejects only for invalid options.
   */
  execute (dbPath: string, sql: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = timerMs(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs')
    const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS
    if (!Number.isSafeInteger(maxRows) || maxRows < 0) throw new RangeError('maxRows must be a non-negative integer')
    if (typeof dbPath !== 'string' || typeof sql !== 'string') throw new TypeError('dbPath and sql must be strings')
    if (this.closed) return Promise.resolve(failure('error', SANDBOX_CLOSED))
    if (this.queue.length >= this.maxQueue) return Promise.resolve(failure('error', QUEUE_FULL))
    if (this.broken()) return Promise.resolve(failure('error', START_FAILED))
    return new Promise((resolve) => {
      const request = { id: ++this.seq, dbPath: resolvePath(dbPath), sql, maxRows, maxBytes: this.maxBytes }
      const job: Job = { request, timeoutMs, resolve, enqueuedAt: performance.now(), startedAt: 0 }
      job.queueTimer = setTimeout(() => {
        this.queue = this.queue.filter((j) => j !== job)
        resolve(failure('error', QUEUE_WAIT, since(job.enqueuedAt)))
      }, this.queueWaitMs)
      this.queue.push(job)
      this.pump()
    })
  }

  stats (): SandboxStats {
    let busy = 0
    for (const w of this.workers) if (w.job !== undefined) busy++
    return { size: this.size, alive: this.workers.size, busy, queued: this.queue.length, restarts: this.restarts }
  }

  /** Answers waiting and running queries with SANDBOX_CLOSED and kills every child. */
  close (): Promise<void> {
    if (this.closing !== undefined) return this.closing
    this.closed = true
    clearInterval(this.rssTimer)
    for (const job of this.queue) {
      clearTimeout(job.queueTimer)
      job.resolve(failure('error', SANDBOX_CLOSED))
    }
    this.queue = []
    for (const w of [...this.workers]) {
      if (w.job !== undefined) this.finish(w, w.job, failure('error', SANDBOX_CLOSED))
      this.retire(w)
    }
    this.notify()
    this.closing = Promise.all([...this.dying].map((w) => w.exited)).then(() => {
      process.off('exit', this.killAll)
    })
    return this.closing
  }

  private spawn (): void {
    const child = fork(CHILD, [], {
      execArgv: this.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc']
    })
    const worker: Worker = {
      child,
      ready: false,
      retired: false,
      gone: false,
      stderr: '',
      outOfMemory: false,
      checkingRss: false,
      exited: new Promise((resolve) => child.once('close', () => resolve()))
    }
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      const text = worker.stderr + chunk
      // V8 prints this before the stack trace of its abort.
      if (/Reached heap limit|heap out of memory/i.test(text)) worker.outOfMemory = true
      worker.stderr = text.slice(-2000)
    })
    child.on('message', (msg: ChildMessage) => this.onMessage(worker, msg))
    // 'close' (not 'exit'): stderr is complete then, and tells an out-of-memory abort.
    child.once('close', (code, signal) => this.onExit(worker, code, signal))
    child.on('error', (err) => {
      // A child that could not be spawned emits no 'close'.
      if (child.pid === undefined) this.onExit(worker, null, null, err)
    })
    this.workers.add(worker)
    this.notify()
  }

  private onMessage (worker: Worker, msg: ChildMessage): void {
    if (msg.type === 'ready') {
      worker.ready = true
      this.startFailures = 0
      this.notify()
    } else {
      const job = worker.job
      if (job === undefined || job.request.id !== msg.id) return
      this.finish(worker, job, { ...msg.result, elapsed_ms: since(job.startedAt) })
    }
    this.pump()
  }

  private onExit (worker: Worker, code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
    if (worker.gone) return
    worker.gone = true
    this.dying.delete(worker)
    if (worker.retired) return
    this.workers.delete(worker)
    if (!worker.ready) this.startFailures++
    this.log?.warn({ pid: worker.child.pid, code, signal, err: err?.message, stderr: worker.stderr.slice(-500) },
      worker.ready ? 'sql sandbox process exited unexpectedly' : 'sql sandbox process failed to start')
    if (worker.job !== undefined) {
      const job = worker.job
      this.finish(worker, job, failure('error', worker.outOfMemory ? OUT_OF_MEMORY : CRASHED, since(job.startedAt)))
    }
    if (this.closed) return
    this.restarts++
    if (this.startFailures === 0) {
      this.spawn()
    } else {
      setTimeout(() => { if (!this.closed) this.spawn() }, Math.min(5000, 100 * 2 ** this.startFailures))
    }
    if (this.broken()) {
      for (const job of this.queue) {
        clearTimeout(job.queueTimer)
        job.resolve(failure('error', START_FAILED))
      }
      this.queue = []
    }
    this.notify()
    this.pump()
  }

  private pump (): void {
    if (this.queue.length === 0) return
    for (const worker of this.workers) {
      if (!worker.ready || worker.job !== undefined) continue
      const job = this.queue.shift()
      if (job === undefined) return
      this.start(worker, job)
    }
  }

  private start (worker: Worker, job: Job): void {
    clearTimeout(job.queueTimer)
    worker.job = job
    job.startedAt = performance.now()
    job.timer = setTimeout(() => {
      if (worker.job !== job) return
      this.finish(worker, job, failure('timeout', TIMED_OUT, since(job.startedAt)))
      this.replace(worker)
    }, job.timeoutMs)
    worker.child.send(job.request, (err) => {
      if (err === null || worker.job !== job) return
      // The query never reached the child: give it to another one.
      clearTimeout(job.timer)
      worker.job = undefined
      this.queue.unshift(job)
      this.replace(worker)
    })
  }

  private finish (worker: Worker, job: Job, result: ExecResult): void {
    clearTimeout(job.timer)
    if (worker.job === job) worker.job = undefined
    job.resolve(result)
  }

  /** Kills a child on purpose; its slot goes to a new child unless the pool is closing. */
  private replace (worker: Worker): void {
    this.retire(worker)
    if (this.closed) return
    this.restarts++
    this.spawn()
    this.pump()
  }

  private retire (worker: Worker): void {
    worker.retired = true
    this.workers.delete(worker)
    if (!worker.gone) this.dying.add(worker)
    worker.child.kill('SIGKILL')
  }

  private broken (): boolean {
    return this.startFailures >= START_FAILURES_BEFORE_BROKEN && ![...this.workers].some((w) => w.ready)
  }

  private notify (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  // --max-old-space-size bounds only the JS heap; SQLite's own allocations (sorts,
  // group_concat, blobs) are outside it, so resident memory is watched as well.
  private checkRss (): void {
    for (const worker of this.workers) {
      const job = worker.job
      const pid = worker.child.pid
      if (job === undefined || pid === undefined || worker.checkingRss) continue
      worker.checkingRss = true
      readFile(`/proc/${pid}/status`, 'utf8').then((status) => {
        const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0)
        if (kb <= this.rssLimitKb || worker.job !== job) return
        this.log?.warn({ pid, rss_kb: kb, limit_kb: this.rssLimitKb }, 'sql sandbox process over its memory limit; killed')
        this.finish(worker, job, failure('error', OUT_OF_MEMORY, since(job.startedAt)))
        this.replace(worker)
      }, () => {}).finally(() => { worker.checkingRss = false })
    }
  }
}

function positiveInt (n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer`)
  return n
}

function positiveNumber (n: number, name: string): number {
  if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`${name} must be a positive number`)
  return n
}

function timerMs (n: number, name: string): number {
  if (!(Number.isFinite(n) && n > 0 && n <= MAX_TIMER_MS)) throw new RangeError(`${name} must be in (0, ${MAX_TIMER_MS}] ms`)
  return n
}
