import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { ServiceName } from '@t2s/core/contracts'
import type { JobEvent } from '@t2s/core/jobs'
import type { Bus, EventFeed, JobsView, Probe } from '../src/plugins/app/bus.js'
import type { GatewayOptions } from '../src/app.js'
import { auth, build, problemOf } from './helper.js'

/** One request the routes made: `dataset.get_source`, `jobs.require`, `jobs.events`, `probe`. */
export interface BusRequest { key: string, payload: unknown, timeout?: number }

/** A scripted answer: a value, an Error to throw (a ServiceError as a service would), or a function of the payload. */
export type Answer = unknown

/**
 * A scripted stand-in for NATS, for the gateway's route tests only: it records what each route
 * asks and answers what the test scripted, so a route is tested for its validation, its
 * mapping of service errors and its success shape without starting nats-server. The
 * services themselves are tested over a real one (test/integration).
 */
export class FakeBus implements Bus {
  readonly requests: BusRequest[] = []
  /** Keys asked for with no answer scripted: the test fails at its end if any. */
  readonly unscripted: string[] = []
  maxPayload = 1024 * 1024
  private readonly answers = new Map<string, Answer[]>()

  /**
   * Scripts the answers to `key` (`service.verb`, `jobs.<method>`, `jobs.events`, `probe`), one
   * per request in order; the last one repeats.
   */
  answer (key: string, ...answers: Answer[]): this {
    this.answers.set(key, answers)
    return this
  }

  /** The payloads of the requests made to `key`, in order. */
  sent (key: string): unknown[] {
    return this.requests.filter((r) => r.key === key).map((r) => r.payload)
  }

  private async reply<O> (key: string, payload: unknown, timeout?: number): Promise<O> {
    // Recorded as it would travel, JSON (a query string object has no prototype, for one).
    const sent: unknown = payload === undefined ? undefined : JSON.parse(JSON.stringify(payload))
    this.requests.push({ key, payload: sent, ...(timeout === undefined ? {} : { timeout }) })
    const queue = this.answers.get(key)
    if (!queue) {
      this.unscripted.push(key)
      throw new Error(`fake bus: no answer scripted for ${key}`)
    }
    const next = queue.length > 1 ? queue.shift() : queue[0]
    const value = typeof next === 'function' ? (next as (p: unknown) => unknown)(payload) : next
    if (value instanceof Error) throw value
    // A copy, as a reply off the wire would be: the route may not change the script.
    return structuredClone(value) as O
  }

  async call<O = unknown> (service: ServiceName, verb: string, payload: unknown, timeout?: number): Promise<O> {
    return await this.reply<O>(`${service}.${verb}`, payload, timeout)
  }

  readonly jobs: JobsView = {
    get: async (id) => await this.reply('jobs.get', id),
    require: async (id) => await this.reply('jobs.require', id),
    list: async (filter) => await this.reply('jobs.list', filter),
    cancel: async (id) => await this.reply('jobs.cancel', id),
    remove: async (id) => await this.reply('jobs.remove', id)
  }

  /** Yields the scripted `jobs.events` list ({seq, event} each), then waits until closed. */
  async events (jobId: string, after: number): Promise<EventFeed> {
    const events = await this.reply<Array<{ seq: number, event: JobEvent }>>('jobs.events', { job_id: jobId, after })
    let closed: () => void = () => {}
    const closing = new Promise<void>((resolve) => { closed = resolve })
    return {
      async * [Symbol.asyncIterator] () {
        while (events.length > 0) yield events.shift()!
        await closing
      },
      pending: () => events.length,
      close: async () => { closed() }
    }
  }

  async probe (services: string[]): Promise<Probe> {
    return await this.reply<Probe>('probe', services)
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

/** The whole gateway (auth, errors, every route plugin) on a FakeBus; fails the test if a route asked for something unscripted. */
export async function buildOnFakeBus (t: TestContext, opts: Partial<GatewayOptions> = {}): Promise<{ app: FastifyInstance, bus: FakeBus }> {
  const bus = new FakeBus()
  const app = await build(t, { ...opts, bus })
  t.after(() => assert.deepEqual(bus.unscripted, [], 'requests without a scripted answer'))
  return { app, bus }
}

/** Sends a request with the API key (`headers` add to it or replace it). */
export async function send (app: FastifyInstance, method: Method, url: string, payload?: object, headers: Record<string, string> = {}) {
  return await app.inject({ method, url, headers: { ...auth, ...headers }, ...(payload === undefined ? {} : { payload }) })
}

/** Without a key the route answers 401 and asks nothing of the services. */
export async function assertNeedsKey (app: FastifyInstance, bus: FakeBus, method: Method, url: string, payload?: object): Promise<void> {
  const res = await app.inject({ method, url, ...(payload === undefined ? {} : { payload }) })
  assert.equal(problemOf(res, 401).detail, 'missing bearer token: send Authorization: Bearer <key>')
  assert.deepEqual(bus.requests, [])
}
