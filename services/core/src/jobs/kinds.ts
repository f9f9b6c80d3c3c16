import type { Static, TSchema } from 'typebox'
import type { JobRecord } from '../contracts/common.js'
import type { Logger } from '../log.js'
import type { StateDb } from '../state-db.js'

export interface JobContext<P = unknown> {
  job: JobRecord
  /** The job's params, checked against its kind's schema (defaults filled in) when it was taken up. */
  params: P
  /** Aborted when the job is cancelled (reason 'cancelled') or the worker shuts down (reason 'shutdown'). */
  signal: AbortSignal
  log: Logger
  /** How many times this job's message was delivered: > 1 means resume after a crash. */
  delivery: number
  db: StateDb
  /** Reports progress of a job without items (e.g. training steps). */
  progress: (done: number, total?: number | null) => Promise<void>
  /** Publishes an event on the job's SSE stream. */
  event: (type: 'log' | 'metric', data: Record<string, unknown>) => Promise<void>
}

export interface Item<I = unknown> { key: string, data: I }

/** A job that runs as one unit of work (a dataset build, a training run). */
export interface SingleJobKind<S extends TSchema = TSchema> {
  kind: string
  unit: string
  /** Schema of the job's params (contracts/jobs.ts): a job whose params fail it fails at once, naming the field. */
  params: S
  run (ctx: JobContext<Static<S>>): Promise<Record<string, unknown>>
}

/**
 * A job that fans out into items (one per question): any replica of the service may
 * take any item; each item's result is committed under (job, key) before its ack.
 */
export interface FanOutJobKind<I = any, R = any, S extends TSchema = TSchema> {
  kind: string
  unit: string
  /** Schema of the job's params (contracts/jobs.ts): a job whose params fail it fails at once, naming the field. */
  params: S
  /** Items in flight for one job in one process (the job's own concurrency option). */
  concurrency? (params: Static<S>): number
  plan (ctx: JobContext<Static<S>>): Promise<Array<Item<I>>>
  runItem (ctx: JobContext<Static<S>>, item: Item<I>): Promise<R>
  /** Whether a result counts as success (for the counters); defaults to true. */
  isOk?: (result: R) => boolean
  /** Extra writes done in the same transaction as the item's commit. */
  commitItem? (db: StateDb, job: JobRecord, item: Item<I>, result: R, params: Static<S>): void
  /** The result recorded for an item that failed on every delivery, so the job still completes. */
  failedItem: (item: Item<I>, error: string) => R
  finish (ctx: JobContext<Static<S>>, counts: { total: number, ok: number }): Promise<Record<string, unknown>>
}

// Method signatures above (not arrow-typed fields) let a kind with its own params type sit in a JobKind[].
export type JobKind = SingleJobKind<any> | FanOutJobKind<any, any, any>

export const isFanOut = (k: JobKind): k is FanOutJobKind<any, any, any> => 'runItem' in k
