/**
 * SQL sandbox: runs untrusted SQL read-only in a pool of child processes.
 *
 * better-sqlite3 cannot interrupt a running query and a worker thread stuck in one cannot
 * be terminated, so every query runs in a child process that is SIGKILLed at its deadline
 * and replaced (docs/design-notes.md §1-2). Queries are read as Python's
 * sqlite3 reads them, double-quoted string literals included (dqs.ts), so that results
 * match the official BIRD scorer's.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { availableParallelism, setPriority } from 'node:os'
import { resolve as resolvePath } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { FairQueue } from './fair-queue.js'
import {
  CANCELLED, CRASHED, OUT_OF_MEMORY, QUEUE_FULL, QUEUE_WAIT, SANDBOX_CLOSED, START_FAILED, TIMED_OUT
} from './messages.js'
import type { ChildMessage, QueryRequest } from './protocol.js'
import type { ExecOptions, ExecResult, ExecStatus } from './types.js'
import { decodeRows } from './wire.js'

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
  /**
   * Scheduling niceness a child gets once its query runs past `longQueryMs` (default 10), so
   * that the parent (health checks, NATS heartbeats) and the short queries keep the CPU while
   * slow or runaway queries grind on; short queries run at the parent's priority, as the
   * official scorer's do. A reniced child cannot be raised again (that needs privileges), so
   * it is replaced once its query ends. 0 turns it off.
   */
  niceness?: number
  /**
   * Processes beyond `size` that only interactive queries may use (default 0), so batch
   * work (evaluations, gold screens) can never take every process from an HTTP caller.
   */
  interactiveReserve?: number
  /**
   * Extra processes (default 0) started while queries run long: a query still running after
   * `longQueryMs` stops counting against the pool, and a process is added for the others,
   * up to this many; each extra one is ended when its long query does. Without it, a few
   * slow or runaway queries hold every process until their deadline while short ones wait.
   */
  overflow?: number
  /** When a running query counts as long (default 1000 ms). */
  longQueryMs?: number
}

export interface SandboxStats {
  size: number
  /** Children running, starting, or due to be started this instant (a replacement). */
  alive: number
  /** Children running a query. */
  busy: number
  /** Queries not started yet. */
  queued: number
  /** Children started to replace one that was killed or died. */
  restarts: number
  /** Children added (and not yet ended) because queries ran long: at most `overflow`. */
  overflow: number
  /** Queries a child has started, since the pool began. */
  started: number
  /** Queries answered CANCELLED (their caller went away), since the pool began: dropped from the queue or killed. */
  cancelled: number
}

interface Job {
  request: QueryRequest
  timeoutMs: number
  queueWaitMs: number
  interactive: boolean
  group: string
  signal?: AbortSignal
  onAbort?: () => void
  resolve: (result: ExecResult) => void
  enqueuedAt: number
  startedAt: number
  answered: boolean
  queueTimer?: NodeJS.Timeout
  timer?: NodeJS.Timeout
  longTimer?: NodeJS.Timeout
}

interface Worker {
  child: ChildProcess
  ready: boolean
  retired: boolean
  gone: boolean
  /** The query the child is running. */
  job?: Job
  /** A query already sent, which the child starts as soon as `job` ends. */
  next?: Job
  /** `job` has run past longQueryMs and does not count against the pool. */
  long: boolean
  /** The child runs at `niceness` (it ran a long query): replaced once that query ends. */
  reniced: boolean
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
// A second query is sent to a busy child only if its current one started this recently:
// it hides the IPC round trip between queries without parking work behind a slow query.
const PIPELINE_AGE_MS = 5

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

function answer (job: Job, result: ExecResult): void {
  clearTimeout(job.timer)
  clearTimeout(job.longTimer)
  clearTimeout(job.queueTimer)
  if (job.answered) return
  if (job.onAbort !== undefined) job.signal?.removeEventListener('abort', job.onAbort)
  job.answered = true
  job.resolve(result)
}

function since (start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000
}

export class SqlSandbox {
  private readonly size: number
  private readonly reserve: number
  private readonly execArgv: string[]
  private readonly log?: SandboxLogger
  private readonly maxBytes: number
  private readonly rssLimitKb: number
  private readonly maxQueue: number
  private readonly queueWaitMs: number
  private readonly niceness: number
  private readonly overflow: number
  private readonly longQueryMs: number
  private readonly workers = new Set<Worker>()
  private readonly dying = new Set<Worker>()
  private readonly queue = new FairQueue<Job>()
  private waiters: Array<() => void> = []
  private seq = 0
  private restarts = 0
  private started = 0
  private cancelled = 0
  private startFailures = 0
  private toSpawn = 0
  private spawnTimer?: NodeJS.Timeout
  private closed = false
  private closing?: Promise<void>
  private readonly rssTimer?: NodeJS.Timeout
  private readonly killAll = (): void => {
    for (const w of [...this.workers, ...this.dying]) w.child.kill('SIGKILL')
  }

  constructor (opts: SandboxOptions = {}) {
    this.size = positiveInt(opts.size ?? availableParallelism(), 'size')
    this.reserve = opts.interactiveReserve ?? 0
    if (!Number.isSafeInteger(this.reserve) || this.reserve < 0) throw new RangeError('interactiveReserve must be a non-negative integer')
    const memoryMb = positiveInt(opts.memoryMb ?? 512, 'memoryMb')
    this.execArgv = [...(fromSource ? ['--import', tsxLoader()] : []), `--max-old-space-size=${memoryMb}`]
    this.log = opts.log
    this.maxBytes = positiveNumber(opts.maxResultMb ?? 64, 'maxResultMb') * 1024 * 1024
    this.rssLimitKb = positiveNumber(opts.rssLimitMb ?? Math.max(2 * memoryMb, memoryMb + 256), 'rssLimitMb') * 1024
    this.maxQueue = positiveInt(opts.maxQueue ?? 10_000, 'maxQueue')
    this.queueWaitMs = timerMs(opts.queueWaitMs ?? 600_000, 'queueWaitMs')
    this.niceness = opts.niceness ?? 10
    if (!Number.isInteger(this.niceness) || this.niceness < 0 || this.niceness > 19) throw new RangeError('niceness must be an integer in [0, 19]')
    this.overflow = opts.overflow ?? 0
    if (!Number.isSafeInteger(this.overflow) || this.overflow < 0) throw new RangeError('overflow must be a non-negative integer')
    this.longQueryMs = timerMs(opts.longQueryMs ?? 1000, 'longQueryMs')
    process.on('exit', this.killAll)
    for (let i = 0; i < this.size + this.reserve; i++) this.spawn()
    if (process.platform === 'linux') {
      this.rssTimer = setInterval(() => this.checkRss(), RSS_CHECK_MS)
      this.rssTimer.unref()
    }
  }

  /** Resolves once every child of the pool has started; rejects if they keep failing to. */
  async ready (): Promise<void> {
    while (!this.closed) {
      if ([...this.workers].every((w) => w.ready) && this.workers.size >= this.size + this.reserve && this.toSpawn === 0) return
      if (this.broken()) throw new Error(START_FAILED)
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
    throw new Error(SANDBOX_CLOSED)
  }

  /**
   * Runs one read-only query. Never rejects for SQL problems: refusals, SQLite errors,
   * deadlines and crashes come back as `status`. Throws only for invalid arguments.
   */
  execute (dbPath: string, sql: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = timerMs(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs')
    const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS
    if (!Number.isSafeInteger(maxRows) || maxRows < 0) throw new RangeError('maxRows must be a non-negative integer')
    if (typeof dbPath !== 'string' || typeof sql !== 'string') throw new TypeError('dbPath and sql must be strings')
    const queueWaitMs = opts.queueWaitMs === undefined ? this.queueWaitMs : timerMs(opts.queueWaitMs, 'queueWaitMs')
    if (this.closed) return Promise.resolve(failure('error', SANDBOX_CLOSED))
    if (opts.signal?.aborted === true) {
      this.cancelled++
      return Promise.resolve(failure('error', CANCELLED))
    }
    if (this.waiting() >= this.maxQueue) return Promise.resolve(failure('error', QUEUE_FULL))
    if (this.broken()) return Promise.resolve(failure('error', START_FAILED))
    return new Promise((resolve) => {
      const request = { id: ++this.seq, dbPath: resolvePath(dbPath), sql, maxRows, maxBytes: this.maxBytes }
      const job: Job = {
        request,
        timeoutMs,
        queueWaitMs,
        interactive: opts.interactive === true,
        group: opts.group ?? '',
        signal: opts.signal,
        resolve,
        enqueuedAt: performance.now(),
        startedAt: 0,
        answered: false
      }
      if (opts.signal !== undefined) {
        job.onAbort = () => this.cancel(job)
        opts.signal.addEventListener('abort', job.onAbort, { once: true })
      }
      this.enqueue(job, false)
      this.pump()
    })
  }

  /**
   * The caller has gone: a waiting query leaves the queue; a running or parked one has its
   * process killed (the only way to stop SQLite mid-query) and replaced.
   */
  private cancel (job: Job): void {
    if (job.answered) return
    this.cancelled++
    if (this.queue.remove(job)) {
      answer(job, failure('error', CANCELLED, since(job.enqueuedAt)))
      return
    }
    for (const worker of this.workers) {
      if (worker.job === job) {
        this.settle(worker, failure('error', CANCELLED, since(job.startedAt)))
        this.replace(worker)
        return
      }
      if (worker.next === job) {
        answer(job, failure('error', CANCELLED, since(job.enqueuedAt)))
        this.replace(worker)
        return
      }
    }
  }

  stats (): SandboxStats {
    let busy = 0
    for (const w of this.workers) if (w.job !== undefined) busy++
    const alive = this.workers.size + this.toSpawn
    return { size: this.size, alive, busy, queued: this.waiting(), restarts: this.restarts, overflow: Math.max(0, alive - this.size - this.reserve), started: this.started, cancelled: this.cancelled }
  }

  /** Answers waiting and running queries with SANDBOX_CLOSED and kills every child. */
  close (): Promise<void> {
    if (this.closing !== undefined) return this.closing
    this.closed = true
    clearInterval(this.rssTimer)
    clearTimeout(this.spawnTimer)
    this.toSpawn = 0
    const pending = this.queue.drain()
    for (const w of [...this.workers]) {
      if (w.job !== undefined) this.settle(w, failure('error', SANDBOX_CLOSED))
      const parked = this.retire(w)
      if (parked !== undefined) pending.push(parked)
    }
    for (const job of pending) answer(job, failure('error', SANDBOX_CLOSED))
    this.notify()
    this.closing = Promise.all([...this.dying].map((w) => w.exited)).then(() => {
      process.off('exit', this.killAll)
    })
    return this.closing
  }

  private spawn (): void {
    const child = fork(CHILD, [], {
      execArgv: this.execArgv,
      serialization: 'json',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc']
    })
    const worker: Worker = {
      child,
      ready: false,
      retired: false,
      gone: false,
      long: false,
      reniced: false,
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
      const { special, rows, ...rest } = msg.result
      this.settle(worker, { ...rest, rows: decodeRows(rows, special), elapsed_ms: since(job.startedAt) })
      const next = worker.next
      if (next !== undefined) {
        worker.next = undefined
        this.run(worker, next)
      } else if (this.surplus() > 0) {
        // A long query ended: its process (now idle) was one too many.
        this.retire(worker)
      } else if (worker.reniced) {
        // Short queries should not run at the niceness meant for long ones.
        this.retire(worker)
        if (this.surplus() < 0) this.respawn(false)
      }
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
      this.settle(worker, failure('error', worker.outOfMemory ? OUT_OF_MEMORY : CRASHED, since(worker.job.startedAt)))
    }
    if (worker.next !== undefined) {
      this.enqueue(worker.next, true)
      worker.next = undefined
    }
    if (this.closed) return
    if (this.surplus() >= 0) {
      // An overflow process ended: nothing to replace.
    } else if (this.startFailures === 0) {
      this.respawn()
    } else {
      this.restarts++
      setTimeout(() => { if (!this.closed) this.spawn() }, Math.min(5000, 100 * 2 ** this.startFailures))
    }
    if (this.broken()) {
      for (const job of this.queue.drain()) answer(job, failure('error', START_FAILED))
    }
    this.notify()
    this.pump()
  }

  /** Queries not yet started: queued, or parked in a busy child. */
  private waiting (): number {
    let parked = 0
    for (const w of this.workers) if (w.next !== undefined) parked++
    return this.queue.length + parked
  }

  private enqueue (job: Job, front: boolean): void {
    if (job.answered) return
    // Armed until the query starts, parked or not; a parked query answered this way
    // still runs when its turn comes (it cannot be taken back), and its result is dropped.
    clearTimeout(job.queueTimer)
    job.queueTimer = setTimeout(() => {
      this.queue.remove(job)
      answer(job, failure('error', QUEUE_WAIT, since(job.enqueuedAt)))
    }, job.queueWaitMs)
    this.queue.push(job, front)
  }

  /** Whether a worker holds batch work (running or parked). */
  private holdsBatch (w: Worker): boolean {
    return (w.job !== undefined && !w.job.interactive) || (w.next !== undefined && !w.next.interactive)
  }

  /** Batch work may go to `w` unless that would leave fewer than `reserve` processes to interactive callers. */
  private batchAllowed (w: Worker): boolean {
    if (this.reserve === 0 || this.holdsBatch(w)) return true
    let batch = 0
    for (const other of this.workers) if (this.holdsBatch(other)) batch++
    return batch < this.workers.size - this.reserve
  }

  /** Processes there are (or are being started) beyond what the pool needs now; negative when short. */
  private surplus (): number {
    let long = 0
    for (const w of this.workers) if (w.long && w.job !== undefined) long++
    return this.workers.size + this.toSpawn - (this.size + this.reserve + Math.min(this.overflow, long))
  }

  private pump (): void {
    for (const worker of this.workers) {
      if (this.queue.length === 0) return
      if (worker.ready && worker.job === undefined) {
        const job = this.queue.shift(this.batchAllowed(worker))
        if (job !== undefined) this.send(worker, job, false)
      }
    }
    // While a child is starting, waiting for it beats queueing behind a running query.
    if (this.toSpawn > 0 || [...this.workers].some((w) => !w.ready)) return
    const now = performance.now()
    for (const worker of this.workers) {
      if (this.queue.length === 0) return
      if (worker.ready && worker.job !== undefined && worker.next === undefined && now - worker.job.startedAt < PIPELINE_AGE_MS) {
        const job = this.queue.shift(this.batchAllowed(worker))
        if (job !== undefined) this.send(worker, job, true)
      }
    }
  }

  private send (worker: Worker, job: Job, parked: boolean): void {
    if (parked) worker.next = job
    else this.run(worker, job)
    worker.child.send(job.request, (err) => {
      // The query never reached the child: the child is going; its queries go elsewhere.
      if (err !== null && (worker.job === job || worker.next === job)) this.replace(worker)
    })
  }

  /** Marks `job` as running in `worker` and starts its deadline. */
  private run (worker: Worker, job: Job): void {
    clearTimeout(job.queueTimer)
    this.started++
    worker.job = job
    worker.long = false
    job.startedAt = performance.now()
    this.armDeadline(worker, job, job.timeoutMs)
    if ((this.overflow > 0 || this.niceness > 0) && job.timeoutMs > this.longQueryMs) {
      job.longTimer = setTimeout(() => this.ranLong(worker, job), this.longQueryMs)
    }
  }

  /** `job` is still running: it stops counting against the pool, which adds a process if it may. */
  private ranLong (worker: Worker, job: Job): void {
    if (worker.job !== job || this.closed) return
    worker.long = true
    if (this.niceness > 0 && !worker.reniced && worker.child.pid !== undefined) {
      try {
        setPriority(worker.child.pid, this.niceness)
        worker.reniced = true
      } catch {}
    }
    if (this.surplus() < 0) this.respawn(false)
  }

  /**
   * Kills the query at its deadline. libuv timers run on a millisecond loop clock and can
   * fire a fraction of a millisecond early, so an early wake-up waits out the remainder:
   * a query is never cut before the time it was given.
   */
  private armDeadline (worker: Worker, job: Job, delayMs: number): void {
    job.timer = setTimeout(() => {
      if (worker.job !== job) return
      const elapsed = since(job.startedAt)
      if (elapsed < job.timeoutMs) {
        this.armDeadline(worker, job, Math.ceil(job.timeoutMs - elapsed))
        return
      }
      this.settle(worker, failure('timeout', TIMED_OUT, elapsed))
      this.replace(worker)
    }, delayMs)
  }

  /** Answers the query `worker` is running. */
  private settle (worker: Worker, result: ExecResult): void {
    const job = worker.job!
    worker.job = undefined
    answer(job, result)
  }

  /**
   * Kills a child on purpose and gives its slot to a new one. Queries it still holds
   * unanswered (never started, or never delivered) go back to the front of the queue.
   */
  private replace (worker: Worker): void {
    const running = worker.job
    const parked = this.retire(worker)
    if (parked !== undefined) this.enqueue(parked, true)
    if (running !== undefined) {
      clearTimeout(running.timer)
      this.enqueue(running, true)
    }
    if (this.closed) return
    if (this.surplus() < 0) this.respawn()
    this.pump()
  }

  /**
   * Replaces a child on a later turn of the event loop, one fork per turn: fork() blocks
   * the loop (tens of ms on a busy machine), and several deadlines often fire together.
   */
  private respawn (replacement = true): void {
    if (replacement) this.restarts++
    this.toSpawn++
    this.spawnTimer ??= setTimeout(() => this.spawnPending(), 0)
  }

  private spawnPending (): void {
    this.spawnTimer = undefined
    if (this.closed || this.toSpawn === 0) return
    this.toSpawn--
    this.spawn()
    if (this.toSpawn > 0) this.spawnTimer = setTimeout(() => this.spawnPending(), 0)
  }

  /** Kills a child; returns the query it held but had not started. */
  private retire (worker: Worker): Job | undefined {
    worker.retired = true
    worker.long = false
    this.workers.delete(worker)
    if (!worker.gone) this.dying.add(worker)
    worker.child.kill('SIGKILL')
    const parked = worker.next
    worker.job = undefined
    worker.next = undefined
    return parked
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
        this.settle(worker, failure('error', OUT_OF_MEMORY, since(job.startedAt)))
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
