import { randomBytes } from 'node:crypto'
import type { KV } from '@nats-io/kv'
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { TERMINAL_STATUSES, type JobRecord, type JobStatus, type Progress } from '../contracts/common.js'
import { EVENTS_STREAM, eventSubject, jobKey, jobSubject } from '../contracts/subjects.js'
import { ServiceError } from '../errors.js'

export interface JobEvent {
  type: 'status' | 'progress' | 'log' | 'metric'
  job_id: string
  status?: JobStatus
  progress?: Progress
  /** Free-form payload: a log line, a training step's metrics, an error message. */
  data?: Record<string, unknown>
  time: string
}

export interface SubmitRequest {
  id?: string
  kind: string
  service: string
  params: Record<string, unknown>
  resource: { type: string, id: string } | null
  unit: string
}

export const newId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${randomBytes(6).toString('hex')}`

const isTerminal = (s: JobStatus) => TERMINAL_STATUSES.includes(s)
/** Resources whose status is their job's: the job record lives as long as they do. */
const STATUS_FROM_JOB = ['dataset', 'evaluation', 'training_job']
export const holdsResourceStatus = (job: JobRecord) => job.resource !== null && STATUS_FROM_JOB.includes(job.resource.type)
const now = () => new Date().toISOString()

/**
 * Job records in the KV bucket, written with compare-and-swap so concurrent writers
 * (a worker reporting progress, a user cancelling) never overwrite each other.
 */
export class JobStore {
  readonly js: JetStreamClient

  constructor (readonly nc: NatsConnection, readonly kv: KV) {
    this.js = jetstream(nc)
  }

  async get (id: string): Promise<JobRecord | null> {
    const e = await this.kv.get(jobKey(id))
    if (!e || e.operation !== 'PUT') return null
    return e.json<JobRecord>()
  }

  async require (id: string): Promise<JobRecord> {
    const job = await this.get(id)
    if (!job) throw new ServiceError('NOT_FOUND', `job ${id} not found`)
    return job
  }

  /**
   * Creates the job unless one with this id exists, then queues its start message.
   * The message id is the job id, so a repeated submission is absorbed by the stream's
   * duplicate window and by the KV create: one job, whatever the retries.
   */
  async submit (req: SubmitRequest): Promise<JobRecord> {
    const id = req.id ?? newId('job')
    const t = now()
    const record: JobRecord = {
      id,
      kind: req.kind,
      service: req.service,
      status: 'queued',
      progress: { done: 0, total: null, unit: req.unit },
      resource: req.resource,
      params: req.params,
      result: null,
      error: null,
      attempts: 0,
      created_at: t,
      updated_at: t,
      started_at: null,
      finished_at: null
    }
    let job = record
    try {
      await this.kv.create(jobKey(id), JSON.stringify(record))
      await this.event({ type: 'status', job_id: id, status: 'queued', progress: record.progress, time: t })
    } catch (err) {
      const existing = await this.get(id)
      if (!existing) throw err
      job = existing
    }
    if (job.status === 'queued') {
      await this.js.publish(jobSubject(job.service), JSON.stringify({ type: 'start', job_id: id }), { msgID: `${id}:start` })
    }
    return job
  }

  /** Read-modify-write with CAS; `fn` returns the new record, or null to leave it as is. */
  async mutate (id: string, fn: (job: JobRecord) => JobRecord | null): Promise<JobRecord> {
    for (let attempt = 0; ; attempt++) {
      const e = await this.kv.get(jobKey(id))
      if (!e || e.operation !== 'PUT') throw new ServiceError('NOT_FOUND', `job ${id} not found`)
      const current = e.json<JobRecord>()
      const next = fn(current)
      if (!next) return current
      next.updated_at = now()
      try {
        await this.kv.update(jobKey(id), JSON.stringify(next), e.revision)
        return next
      } catch (err) {
        if (attempt > 50) throw err
      }
    }
  }

  /** Moves a job to a new status; terminal statuses are final and never overwritten. */
  async transition (id: string, status: JobStatus, patch: Partial<JobRecord> = {}): Promise<JobRecord> {
    let changed = false
    const job = await this.mutate(id, (j) => {
      if (isTerminal(j.status)) return null
      changed = j.status !== status
      const t = now()
      return {
        ...j,
        ...patch,
        status,
        started_at: j.started_at ?? (status === 'running' ? t : null),
        finished_at: isTerminal(status) ? t : null
      }
    })
    if (changed) await this.event({ type: 'status', job_id: id, status: job.status, progress: job.progress, data: job.error ? { error: job.error } : undefined, time: now() })
    return job
  }

  async setProgress (id: string, progress: Partial<Progress>): Promise<void> {
    const job = await this.mutate(id, (j) => isTerminal(j.status) ? null : { ...j, progress: { ...j.progress, ...progress } })
    if (!isTerminal(job.status)) await this.event({ type: 'progress', job_id: id, status: job.status, progress: job.progress, time: now() })
  }

  /** Cancels a job that has not ended; workers see it through the KV watch within milliseconds. */
  async cancel (id: string): Promise<JobRecord> {
    // An unknown job throws NOT_FOUND and an ended one comes back unchanged, both from transition.
    return await this.transition(id, 'cancelled', { error: 'cancelled by request' })
  }

  async list (filter: { status?: JobStatus, kind?: string, limit?: number } = {}): Promise<JobRecord[]> {
    // A set: a job written while the key listing runs can be listed twice (seen in the console's job table).
    const keys = new Set<string>()
    for await (const k of await this.kv.keys('job.>')) keys.add(k)
    const jobs = (await Promise.all([...keys].map(async (k) => await this.get(k.slice(4))))).filter((j): j is JobRecord => j !== null)
    return jobs
      .filter((j) => (!filter.status || j.status === filter.status) && (!filter.kind || j.kind === filter.kind))
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .slice(0, filter.limit ?? 100)
  }

  /**
   * Removes an ended job's record and its events. A job that built something (a dataset, an
   * evaluation, a training run) goes with that resource instead: its status is read from here.
   * `force` is for that resource's own delete. A job not there is no error.
   */
  async remove (id: string, opts: { force?: boolean } = {}): Promise<void> {
    const job = await this.get(id)
    if (job === null) return
    if (!isTerminal(job.status)) throw new ServiceError('CONFLICT', `job ${id} is ${job.status}: cancel it first, then delete it once it has ended`)
    if (holdsResourceStatus(job) && opts.force !== true) {
      throw new ServiceError('CONFLICT', `job ${id} built ${job.resource!.type} ${job.resource!.id}, whose status it holds: delete the ${job.resource!.type} instead (that removes its job too)`)
    }
    await this.kv.purge(jobKey(id))
    const jsm = await jetstreamManager(this.nc)
    await jsm.streams.purge(EVENTS_STREAM, { filter: eventSubject(id) })
  }

  async event (e: JobEvent): Promise<void> {
    await this.js.publish(eventSubject(e.job_id), JSON.stringify(e))
  }
}
