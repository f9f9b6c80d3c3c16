import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import type { NatsConnection } from '@nats-io/transport-node'
import { DeliverPolicy, jetstream } from '@nats-io/jetstream'
import { Svcm } from '@nats-io/services'
import { EVENTS_STREAM, eventSubject, type ServiceName } from '@t2s/core/contracts'
import { ServiceError } from '@t2s/core'
import type { JobEvent, JobStore } from '@t2s/core/jobs'
import { callService } from '@t2s/core/nats'

/** The job store's read, cancel and delete: all the routes do with jobs. */
export type JobsView = Pick<JobStore, 'get' | 'require' | 'list' | 'cancel' | 'remove'>

/** A job's events in stream order; `pending` counts those received but not yet read. */
export interface EventFeed extends AsyncIterable<{ seq: number, event: JobEvent }> {
  pending: () => number
  close: () => Promise<void>
}

/** What answers, for /readyz: NATS itself, JetStream, and each named service. */
export interface Probe { nats: boolean, jetstream: boolean, services: Record<string, boolean> }

/**
 * Everything the routes ask of the services. NatsBus is the one the gateway runs with; the
 * route tests register a scripted one (gateway/test/fake-bus.ts), so routes never touch NATS.
 */
export interface Bus {
  call: <O = unknown>(service: ServiceName, verb: string, payload: unknown, timeout?: number, signal?: AbortSignal) => Promise<O>
  readonly jobs: JobsView
  /** The events of a job after stream sequence `after` (0: from the first). */
  events: (jobId: string, after: number) => Promise<EventFeed>
  probe: (services: string[]) => Promise<Probe>
  /** The largest message the bus carries, in bytes. */
  readonly maxPayload: number
}

const notConnected = () => new ServiceError('UNAVAILABLE', 'the message bus is not connected')

/** A JetStream API request answered within 2 s (nats-server's JetStream can hang on a full disk). */
async function jetStreamAnswers (nc: NatsConnection): Promise<boolean> {
  try {
    await nc.request('$JS.API.INFO', undefined, { timeout: 2000 })
    return true
  } catch {
    return false
  }
}

/** The services over NATS request/reply, jobs in the JetStream KV store. */
export class NatsBus implements Bus {
  constructor (readonly nc?: NatsConnection, readonly jobStore?: JobStore) {}

  /** `signal`: the HTTP client's interest (clientGone); aborting it calls the request off in the service. */
  async call<O = unknown> (service: ServiceName, verb: string, payload: unknown, timeout = 10_000, signal?: AbortSignal): Promise<O> {
    if (!this.nc) throw notConnected()
    return await callService<O>(this.nc, service, verb, payload, { timeout, signal })
  }

  get jobs (): JobsView {
    if (!this.jobStore) throw notConnected()
    return this.jobStore
  }

  get maxPayload (): number {
    return this.nc?.info?.max_payload ?? 1024 * 1024
  }

  async events (jobId: string, after: number): Promise<EventFeed> {
    if (!this.nc) throw notConnected()
    const consumer = await jetstream(this.nc).consumers.get(EVENTS_STREAM, {
      filter_subjects: eventSubject(jobId),
      ...(after > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 } : { deliver_policy: DeliverPolicy.All })
    })
    const messages = await consumer.consume()
    return {
      async * [Symbol.asyncIterator] () {
        for await (const m of messages) yield { seq: m.seq, event: m.json<JobEvent>() }
      },
      pending: () => messages.getPending(),
      close: async () => { await messages.close() }
    }
  }

  async probe (services: string[]): Promise<Probe> {
    const out: Probe = { nats: false, jetstream: false, services: Object.fromEntries(services.map((s) => [s, false])) }
    const nc = this.nc
    if (!nc || nc.isClosed()) return out
    try {
      await Promise.race([nc.flush(), new Promise((_resolve, reject) => setTimeout(() => reject(new Error('flush timeout')), 1000))])
    } catch {
      return out
    }
    out.nats = true
    const js = jetStreamAnswers(nc)
    try {
      const pings = await new Svcm(nc).client({ strategy: 'stall', stall: 150, maxWait: 1000 }).ping()
      for await (const p of pings) if (p.name in out.services) out.services[p.name] = true
    } catch {
      // The services that answered so far stand; the rest count as down.
    }
    out.jetstream = await js
    return out
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    bus: Bus
  }
}

export interface BusOptions {
  nc?: NatsConnection
  jobs?: JobStore
  /** Another Bus in place of NatsBus (the route tests' scripted one). */
  bus?: Bus
}

/** Decorates `fastify.bus`; route plugins name 'bus' in their dependencies. */
const bus: FastifyPluginAsync<BusOptions> = async (fastify, opts) => {
  fastify.decorate('bus', opts.bus ?? new NatsBus(opts.nc, opts.jobs))
}

export default fp(bus, { name: 'bus' })
