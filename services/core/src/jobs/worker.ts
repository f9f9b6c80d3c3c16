import { dirname } from 'node:path'
import { jetstream, type JetStreamClient, type JsMsg } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { TERMINAL_STATUSES, type JobRecord } from '../contracts/common.js'
import { compileSchema } from '../contracts/validate.js'
import { ServiceError } from '../errors.js'
import { itemSubject, jobSubject, WORK_STREAM } from '../contracts/subjects.js'
import type { Logger } from '../log.js'
import type { StateDb } from '../state-db.js'
import { FairSemaphore, Semaphore, sleep } from '../util/semaphore.js'
import { shutdownGraceMs } from '../service-main.js'
import { isFanOut, type FanOutJobKind, type Item, type JobContext, type JobKind } from './kinds.js'
import { classifyFailure, finalReason } from './failures.js'
import { lowDiskReason } from '../lifecycle/usage.js'
import { DEFAULT_TUNING, ensureServiceConsumers, type ConsumerTuning } from './setup.js'
import type { JobStore } from './store.js'

export interface WorkerOptions {
  nc: NatsConnection
  store: JobStore
  service: string
  db: StateDb
  log: Logger
  kinds: JobKind[]
  tuning?: Partial<ConsumerTuning>
  /** Jobs (start/finish messages) handled at once by this process. */
  jobConcurrency?: number
  /** Items handled at once by this process, across jobs (granted to jobs by turns). */
  itemConcurrency?: number
}

type Message =
  | { type: 'start' | 'finish', job_id: string }
  | { type: 'items', job_id: string, items: Item[] }
  // One item per message, as published before items were batched; still read after an upgrade.
  | { type: 'item', job_id: string, key: string, data: unknown }

const PROGRESS_EVERY_MS = 300
const JOB_CACHE_MS = 2000
/**
 * Items per work message: one publish, one ack and one progress check per batch instead of
 * per question. Small enough that replicas still share a job and a redelivery repeats little.
 */
export const ITEM_BATCH = 32
/**
 * Item messages held at once by one process. Generous on purpose: a job's later batches
 * wait in this process's fair scheduler, not in the stream ahead of another job's batches.
 */
const ITEM_MESSAGES_HELD = 128

/**
 * Runs a service's job kinds: pulls its job and item messages from durable consumers,
 * heartbeats while busy, commits item results to SQLite before acking, reports progress,
 * reacts to cancellation, and finalises a fan-out job once, when its last item lands.
 */
export class JobWorker {
  private readonly js: JetStreamClient
  private readonly kinds = new Map<string, JobKind>()
  private readonly checkParams = new Map<string, (value: unknown, what?: string) => unknown>()
  // Params of the jobs this process has taken up, as checked (and defaulted) by their kind's schema.
  private readonly jobParams = new Map<string, unknown>()
  private readonly tuning: ConsumerTuning
  private readonly running = new Map<string, Set<AbortController>>()
  private readonly jobSems = new Map<string, Semaphore>()
  private readonly itemSlots: FairSemaphore
  private readonly lastProgress = new Map<string, number>()
  private readonly inFlight = new Set<Promise<void>>()
  private stopping = false
  private readonly stopController = new AbortController()
  private watchStop?: () => void
  // Job records seen recently: the KV watch keeps them current, so an item does not cost
  // a KV read; entries older than JOB_CACHE_MS are read again in case the watch lagged.
  private readonly jobCache = new Map<string, { job: JobRecord, at: number }>()
  private readonly sql: ReturnType<JobWorker['prepare']>

  constructor (private readonly opts: WorkerOptions) {
    this.js = jetstream(opts.nc)
    this.tuning = { ...DEFAULT_TUNING, ...opts.tuning }
    for (const k of opts.kinds) {
      this.kinds.set(k.kind, k)
      this.checkParams.set(k.kind, compileSchema(k.params))
    }
    this.sql = this.prepare()
    this.itemSlots = new FairSemaphore(opts.itemConcurrency ?? 32)
  }

  private prepare () {
    const { db } = this.opts
    return {
      plan: db.prepare('SELECT total, published FROM job_plans WHERE job_id = ?'),
      savePlan: db.prepare('INSERT INTO job_plans (job_id, total, planned_at) VALUES (?, ?, ?) ON CONFLICT(job_id) DO UPDATE SET total = excluded.total'),
      published: db.prepare('UPDATE job_plans SET published = 1 WHERE job_id = ?'),
      count: db.prepare('SELECT count(*) AS total, coalesce(sum(ok), 0) AS ok FROM job_items WHERE job_id = ?'),
      // Per item only the number done matters: the primary key answers it without reading rows.
      done: db.prepare('SELECT count(*) FROM job_items WHERE job_id = ?').pluck(),
      committed: db.prepare('SELECT 1 FROM job_items WHERE job_id = ? AND item_key = ?'),
      insertItem: db.prepare('INSERT OR IGNORE INTO job_items (job_id, item_key, ok, result, deliveries, finished_at) VALUES (?, ?, ?, ?, ?, ?)')
    }
  }

  private async job (id: string): Promise<JobRecord | null> {
    const hit = this.jobCache.get(id)
    if (hit && Date.now() - hit.at < JOB_CACHE_MS) return hit.job
    const job = await this.opts.store.get(id)
    if (job) {
      // Entries past their life are useless: drop them before the map grows with every job seen.
      if (this.jobCache.size >= 1024) for (const [k, v] of this.jobCache) if (Date.now() - v.at >= JOB_CACHE_MS) this.jobCache.delete(k)
      this.jobCache.set(id, { job, at: Date.now() })
    }
    return job
  }

  async start (): Promise<void> {
    const jsm = await this.js.jetstreamManager()
    const names = await ensureServiceConsumers(jsm, this.opts.service, this.tuning)
    await this.watchCancellations()
    void this.consumeLoop(names.jobs, this.opts.jobConcurrency ?? 2)
    void this.consumeLoop(names.items, Math.min(ITEM_MESSAGES_HELD, this.tuning.maxAckPending))
  }

  /** Stops pulling, aborts in-flight work and hands its messages back for redelivery. */
  async stop (): Promise<void> {
    this.stopping = true
    this.stopController.abort('shutdown')
    for (const set of this.running.values()) for (const c of set) c.abort('shutdown')
    this.watchStop?.()
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(shutdownGraceMs())])
  }

  private async watchCancellations (): Promise<void> {
    const iter = await this.opts.store.kv.watch({ key: 'job.>', include: 'updates' as never })
    this.watchStop = () => iter.stop()
    void (async () => {
      for await (const e of iter) {
        if (e.operation !== 'PUT') continue
        const job = e.json<JobRecord>()
        if (this.jobCache.has(job.id)) this.jobCache.set(job.id, { job, at: Date.now() })
        if (TERMINAL_STATUSES.includes(job.status)) {
          // Finished jobs need no per-job state any more.
          this.jobSems.delete(job.id)
          this.jobParams.delete(job.id)
          this.lastProgress.delete(job.id)
          this.jobCache.delete(job.id)
        }
        if (job.status === 'cancelled' || job.status === 'failed') {
          for (const c of this.running.get(job.id) ?? []) c.abort(job.status === 'cancelled' ? 'cancelled' : 'failed')
        }
      }
    })().catch((err) => this.opts.log.warn({ err }, 'job watch ended'))
  }

  private async consumeLoop (durable: string, concurrency: number): Promise<void> {
    const sem = new Semaphore(concurrency)
    while (!this.stopping) {
      try {
        const consumer = await this.js.consumers.get(WORK_STREAM, durable)
        const messages = await consumer.consume({ max_messages: concurrency })
        this.stopController.signal.addEventListener('abort', () => { void messages.close() }, { once: true })
        for await (const m of messages) {
          if (this.stopping) { m.nak(); break }
          const release = await sem.acquire()
          const p = this.handle(m).finally(() => { release(); this.inFlight.delete(p) })
          this.inFlight.add(p)
        }
      } catch (err) {
        if (!this.stopping) this.opts.log.warn({ err: String(err), durable }, 'consumer interrupted; retrying')
      }
      if (!this.stopping) await sleep(1000, this.stopController.signal)
    }
  }

  private async handle (m: JsMsg): Promise<void> {
    const heartbeat = setInterval(() => m.working(), Math.max(1000, this.tuning.ackWaitS * 1000 / 3))
    try {
      const msg = m.json<Message>()
      if (msg.type === 'items') await this.onItems(m, msg)
      else if (msg.type === 'item') await this.onItems(m, { job_id: msg.job_id, items: [{ key: msg.key, data: msg.data }] })
      else await this.onJobMessage(m, msg)
    } catch (err) {
      this.opts.log.error({ err }, 'job message failed')
      m.nak(2000)
    } finally {
      clearInterval(heartbeat)
    }
  }

  /**
   * The job's params as its kind's schema reads them, checked once per job and process.
   * Throws a BAD_REQUEST ServiceError naming the field when they do not fit.
   */
  private params (kind: JobKind, job: JobRecord): unknown {
    if (this.jobParams.has(job.id)) return this.jobParams.get(job.id)
    // A copy: the schema fills in defaults, and the record in the cache stays as stored.
    const params = this.checkParams.get(kind.kind)!(structuredClone(job.params), 'params')
    // Ended jobs leave through the KV watch; the cap covers a watch that missed some.
    if (this.jobParams.size >= 4096) this.jobParams.delete(this.jobParams.keys().next().value!)
    this.jobParams.set(job.id, params)
    return params
  }

  /** Why the job's params cannot be run by its kind, or null when they can. */
  private paramsProblem (kind: JobKind, job: JobRecord): string | null {
    try {
      this.params(kind, job)
      return null
    } catch (err) {
      if (err instanceof ServiceError) return `job ${job.id} (${job.kind}) has params its kind cannot run: ${err.message}`
      throw err
    }
  }

  private context (kind: JobKind, job: JobRecord, delivery: number, controller: AbortController): JobContext<any> {
    const { store, db, log } = this.opts
    return {
      job,
      params: this.params(kind, job),
      signal: controller.signal,
      log: log.child({ job: job.id, kind: job.kind }),
      delivery,
      db,
      progress: async (done, total) => {
        await store.setProgress(job.id, total === undefined ? { done } : { done, total })
      },
      event: async (type, data) => {
        await store.event({ type, job_id: job.id, data, time: new Date().toISOString() })
      }
    }
  }

  private track (jobId: string): AbortController {
    const c = new AbortController()
    if (this.stopping) c.abort('shutdown')
    let set = this.running.get(jobId)
    if (!set) this.running.set(jobId, set = new Set())
    set.add(c)
    return c
  }

  private untrack (jobId: string, c: AbortController): void {
    const set = this.running.get(jobId)
    set?.delete(c)
    if (set?.size === 0) this.running.delete(jobId)
  }

  private async onJobMessage (m: JsMsg, msg: { type: 'start' | 'finish', job_id: string }): Promise<void> {
    const { store } = this.opts
    let job = await store.get(msg.job_id)
    if (!job || TERMINAL_STATUSES.includes(job.status)) { m.ack(); return }
    const kind = this.kinds.get(job.kind)
    if (!kind) {
      await store.transition(job.id, 'failed', { error: `no worker knows job kind ${job.kind}` })
      m.term()
      return
    }
    const delivery = m.info.deliveryCount
    // Checked before anything runs: a job with unreadable params fails at once, naming the field.
    const badParams = this.paramsProblem(kind, job)
    if (badParams !== null) {
      this.opts.log.error({ job: job.id, kind: job.kind }, badParams)
      await store.transition(job.id, 'failed', { error: badParams })
      m.ack()
      return
    }
    if (msg.type === 'start') {
      // A job that writes (all of them: state DB, artifacts) does not start on a disk without room.
      const noRoom = this.opts.db.name === ':memory:' ? null : lowDiskReason(dirname(this.opts.db.name))
      if (noRoom !== null) {
        await store.transition(job.id, 'failed', { error: noRoom })
        m.ack()
        return
      }
      job = await store.transition(job.id, 'running', { attempts: job.attempts + 1 })
      if (job.status !== 'running') { m.ack(); return }
    }
    const controller = this.track(job.id)
    const ctx = this.context(kind, job, delivery, controller)
    try {
      if (!isFanOut(kind)) {
        const result = await kind.run(ctx)
        await this.succeed(job.id, result)
      } else if (msg.type === 'start') {
        await this.plan(kind, ctx)
      } else {
        const counts = this.countItems(job.id)
        const result = await kind.finish(ctx, counts)
        await this.succeed(job.id, result)
      }
      m.ack()
    } catch (err) {
      await this.failOrRetry(m, job, err, controller.signal)
    } finally {
      this.untrack(job.id, controller)
    }
  }

  private async succeed (jobId: string, result: Record<string, unknown>): Promise<void> {
    await this.opts.store.transition(jobId, 'succeeded', { result })
  }

  /** Decides what a thrown error means: cancellation, shutdown, a final failure, or a retry. */
  private async failOrRetry (m: JsMsg, job: JobRecord, err: unknown, signal: AbortSignal): Promise<void> {
    if (signal.aborted && signal.reason === 'shutdown') { m.nak(); return }
    if (signal.aborted) { m.ack(); return }
    const last = m.info.deliveryCount >= this.tuning.maxDeliver
    const verdict = classifyFailure(err)
    if (verdict.permanent || last) {
      const message = verdict.permanent ? verdict.reason : finalReason(err, m.info.deliveryCount)
      this.opts.log.error({ err, job: job.id }, 'job failed')
      await this.opts.store.transition(job.id, 'failed', { error: message })
      m.ack()
      return
    }
    this.opts.log.warn({ err, job: job.id, delivery: m.info.deliveryCount }, 'job attempt failed; will retry')
    m.nak(Math.min(30_000, 1000 * 2 ** m.info.deliveryCount))
  }

  private async plan (kind: FanOutJobKind, ctx: JobContext): Promise<void> {
    const { store } = this.opts
    const jobId = ctx.job.id
    const items = await kind.plan(ctx)
    // The plan is recorded before publishing: a crash mid-publish leads to a full
    // republish on redelivery, which the stream's msgID dedupe and job_items absorb.
    this.sql.savePlan.run(jobId, items.length, new Date().toISOString())
    await store.setProgress(jobId, { total: items.length, done: this.doneItems(jobId) })
    const subject = itemSubject(this.opts.service)
    const window = new Semaphore(64)
    const batches: Item[][] = []
    for (let i = 0; i < items.length; i += ITEM_BATCH) batches.push(items.slice(i, i + ITEM_BATCH))
    // A batch's id is its first key: the plan is deterministic, so a republish dedupes. The
    // 'b:' keeps it apart from the ids of one-item messages an older version may have published.
    await Promise.all(batches.map(async (batch) => await window.run(async () => {
      if (ctx.signal.aborted) return
      await this.js.publish(subject, JSON.stringify({ type: 'items', job_id: jobId, items: batch }), { msgID: `${jobId}:b:${batch[0].key}` })
    })))
    if (ctx.signal.aborted) throw new Error('aborted while publishing items')
    this.sql.published.run(jobId)
    await this.maybeFinish(jobId, this.doneItems(jobId), this.plannedTotal(jobId))
  }

  private countItems (jobId: string): { total: number, ok: number } {
    return this.sql.count.get(jobId) as { total: number, ok: number }
  }

  private doneItems (jobId: string): number {
    return this.sql.done.get(jobId) as number
  }

  private plannedTotal (jobId: string): { total: number, published: number } | undefined {
    return this.sql.plan.get(jobId) as { total: number, published: number } | undefined
  }

  /** Queues the job's finish message once every planned item is committed. */
  private async maybeFinish (jobId: string, done: number, plan: { total: number, published: number } | undefined): Promise<void> {
    if (!plan?.published) return
    if (done >= plan.total) {
      await this.js.publish(jobSubject(this.opts.service), JSON.stringify({ type: 'finish', job_id: jobId }), { msgID: `${jobId}:finish` })
    }
  }

  /**
   * Runs one message's items, each in its own turn of the process's fair scheduler, commits
   * each result (with its unique key) as it lands, then acks once. An item that must be
   * retried naks the whole message after its siblings are committed; the redelivery skips them.
   * Once the job is cancelled nothing more starts and nothing more is committed.
   */
  private async onItems (m: JsMsg, msg: { job_id: string, items: Item[] }): Promise<void> {
    const job = await this.job(msg.job_id)
    if (!job || TERMINAL_STATUSES.includes(job.status)) { m.ack(); return }
    const kind = this.kinds.get(job.kind)
    if (!kind || !isFanOut(kind)) { m.term(); return }
    // Its start message failed such a job already; its items have nothing to run.
    if (this.paramsProblem(kind, job) !== null) { m.term(); return }
    const pending = msg.items.filter((item) => !this.sql.committed.get(job.id, item.key))
    const controller = this.track(job.id)
    let retry = false
    try {
      if (pending.length > 0) {
        const ctx = this.context(kind, job, m.info.deliveryCount, controller)
        const sem = this.jobSemaphore(job, kind, ctx.params)
        const outcomes = await Promise.all(pending.map(async (item) => await this.runOne(kind, ctx, item, sem, m.info.deliveryCount)))
        retry = outcomes.includes('retry')
      }
    } finally {
      this.untrack(job.id, controller)
    }
    if (controller.signal.aborted) {
      if (controller.signal.reason === 'shutdown') m.nak()
      else m.ack()
      return
    }
    const done = this.doneItems(job.id)
    const plan = this.plannedTotal(job.id)
    await this.reportItemProgress(job.id, done, plan?.total)
    if (retry) {
      m.nak(Math.min(30_000, 500 * 2 ** m.info.deliveryCount))
      return
    }
    await this.maybeFinish(job.id, done, plan)
    m.ack()
  }

  /** One item: committed, to be retried with its message, or dropped because the job stopped. */
  private async runOne (kind: FanOutJobKind, ctx: JobContext, item: Item, jobSem: Semaphore, deliveries: number): Promise<'done' | 'retry' | 'aborted'> {
    const { signal } = ctx
    let releaseSlot: (() => void) | undefined
    let releaseJob: (() => void) | undefined
    let result
    try {
      releaseJob = await jobSem.acquire(signal)
      releaseSlot = await this.itemSlots.acquire(ctx.job.id, signal)
      if (signal.aborted) return 'aborted'
      result = await kind.runItem(ctx, item)
    } catch (err) {
      if (signal.aborted) return 'aborted'
      // Retrying cannot help some failures (a broken database, a full disk, a 4xx): they fail at once.
      const verdict = classifyFailure(err)
      if (!verdict.permanent && deliveries < this.tuning.maxDeliver) {
        this.opts.log.warn({ err, job: ctx.job.id, item: item.key }, 'item failed; will retry')
        return 'retry'
      }
      this.opts.log.error({ err, job: ctx.job.id, item: item.key }, verdict.permanent ? 'item failed; retrying cannot help' : 'item failed on every delivery')
      result = kind.failedItem(item, verdict.reason)
    } finally {
      releaseSlot?.()
      releaseJob?.()
    }
    // Checked just before the synchronous commit: a cancelled job gets no more results.
    if (signal.aborted) return 'aborted'
    this.commit(kind, ctx, item, result, deliveries)
    return 'done'
  }

  private commit (kind: FanOutJobKind, { job, params }: JobContext<any>, item: Item, result: unknown, deliveries: number): void {
    const { db } = this.opts
    const ok = kind.isOk ? kind.isOk(result) : true
    db.transaction(() => {
      const info = this.sql.insertItem.run(job.id, item.key, ok ? 1 : 0, JSON.stringify(result), deliveries, new Date().toISOString())
      if (info.changes === 1) kind.commitItem?.(db, job, item, result, params)
    })()
  }

  private jobSemaphore (job: JobRecord, kind: FanOutJobKind, params: unknown): Semaphore {
    let sem = this.jobSems.get(job.id)
    if (!sem) this.jobSems.set(job.id, sem = new Semaphore(Math.max(1, kind.concurrency?.(params) ?? 1_000_000)))
    return sem
  }

  private async reportItemProgress (jobId: string, done: number, total: number | undefined): Promise<void> {
    const t = Date.now()
    const last = done >= (total ?? Infinity)
    if (!last && t - (this.lastProgress.get(jobId) ?? 0) < PROGRESS_EVERY_MS) return
    this.lastProgress.set(jobId, t)
    try {
      await this.opts.store.setProgress(jobId, { done })
    } catch (err) {
      this.opts.log.warn({ err: String(err), job: jobId }, 'progress update failed')
    }
  }
}
