import { ServiceError as NatsServiceError } from '@nats-io/services'
import { errors, type NatsConnection } from '@nats-io/transport-node'
import { ServiceError } from '../errors.js'
import { subject, type ServiceName } from '../contracts/subjects.js'

export interface CallOptions {
  /** Milliseconds before the call fails with TIMEOUT; every request has one. */
  timeout?: number
}

/** Calls `t2s.<service>.<verb>` and returns its JSON reply, or throws a ServiceError. */
export async function callService<O = unknown> (nc: NatsConnection, service: ServiceName, verb: string, payload: unknown, opts: CallOptions = {}): Promise<O> {
  const timeout = opts.timeout ?? 5000
  let reply
  try {
    reply = await nc.request(subject(service, verb), JSON.stringify(payload ?? {}), { timeout })
  } catch (err) {
    throw translate(err, service)
  }
  if (NatsServiceError.isServiceError(reply)) {
    const e = NatsServiceError.toServiceError(reply)!
    throw ServiceError.fromCode(e.code, e.message)
  }
  return reply.json<O>()
}

function translate (err: unknown, service: string): ServiceError {
  if (err instanceof errors.NoRespondersError || (err instanceof errors.RequestError && err.isNoResponders())) {
    return new ServiceError('UNAVAILABLE', `the ${service} service is not running`)
  }
  if (err instanceof errors.TimeoutError) return new ServiceError('TIMEOUT', `the ${service} service did not answer in time`)
  if (err instanceof errors.ClosedConnectionError) return new ServiceError('UNAVAILABLE', 'the message bus is unavailable')
  return new ServiceError('UNAVAILABLE', `the ${service} service could not be reached`, { cause: err })
}
