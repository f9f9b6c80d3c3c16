import { ServiceError as NatsServiceError } from '@nats-io/services'
import { errors, headers, nuid, type NatsConnection } from '@nats-io/transport-node'
import { ServiceError } from '../errors.js'
import { cancelSubject, REQUEST_ID_HEADER, subject, type ServiceName } from '../contracts/subjects.js'

export interface CallOptions {
  /** Milliseconds before the call fails with TIMEOUT; every request has one. */
  timeout?: number
  /**
   * The caller's interest (an HTTP client's connection): aborting it tells the service to
   * drop the request's work (an endpoint sees it as its own signal). The call still waits
   * for the service's answer, which comes at once.
   */
  signal?: AbortSignal
}

/** Calls `t2s.<service>.<verb>` and returns its JSON reply, or throws a ServiceError. */
export async function callService<O = unknown> (nc: NatsConnection, service: ServiceName, verb: string, payload: unknown, opts: CallOptions = {}): Promise<O> {
  const timeout = opts.timeout ?? 5000
  const signal = opts.signal
  if (signal?.aborted === true) throw new ServiceError('UNAVAILABLE', 'the caller has gone; the request was not sent')
  let reply
  let onAbort: (() => void) | undefined
  try {
    let hdrs
    if (signal !== undefined) {
      const id = nuid.next()
      hdrs = headers()
      hdrs.set(REQUEST_ID_HEADER, id)
      onAbort = () => { try { nc.publish(cancelSubject(service), id) } catch {} }
      signal.addEventListener('abort', onAbort, { once: true })
    }
    reply = await nc.request(subject(service, verb), JSON.stringify(payload ?? {}), { timeout, headers: hdrs })
  } catch (err) {
    throw translate(err, service)
  } finally {
    if (onAbort !== undefined) signal!.removeEventListener('abort', onAbort)
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
