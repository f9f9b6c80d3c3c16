import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import type { NatsConnection } from '@nats-io/transport-node'
import type { ServiceName } from '@t2s/core/contracts/subjects'
import { ServiceError } from '@t2s/core/errors'
import type { JobStore } from '@t2s/core/jobs/store'
import { callService } from '@t2s/core/nats/client'

/** The gateway's only way to reach the services: NATS request/reply and the job store. */
export class Bus {
  constructor (readonly nc?: NatsConnection, readonly jobStore?: JobStore) {}

  /** `signal`: the HTTP client's interest (clientGone); aborting it calls the request off in the service. */
  async call<O = unknown> (service: ServiceName, verb: string, payload: unknown, timeout = 10_000, signal?: AbortSignal): Promise<O> {
    if (!this.nc) throw new ServiceError('UNAVAILABLE', 'the message bus is not connected')
    return await callService<O>(this.nc, service, verb, payload, { timeout, signal })
  }

  get jobs (): JobStore {
    if (!this.jobStore) throw new ServiceError('UNAVAILABLE', 'the message bus is not connected')
    return this.jobStore
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
}

/** Decorates `fastify.bus`; route plugins name 'bus' in their dependencies. */
const bus: FastifyPluginAsync<BusOptions> = async (fastify, opts) => {
  fastify.decorate('bus', new Bus(opts.nc, opts.jobs))
}

export default fp(bus, { name: 'bus' })
