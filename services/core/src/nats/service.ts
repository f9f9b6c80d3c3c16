import { Svcm, type Service, type ServiceMsg } from '@nats-io/services'
import type { NatsConnection } from '@nats-io/transport-node'
import type { TSchema } from 'typebox'
import { ServiceError } from '../errors.js'
import { DISK_FULL_REASON, isDiskFull } from '../jobs/failures.js'
import type { Logger } from '../log.js'
import { compileSchema } from '../contracts/validate.js'
import { cancelSubject, REQUEST_ID_HEADER, subject } from '../contracts/subjects.js'

/** What a handler may know of its request besides the payload. */
export interface RequestContext {
  /** Aborted when the caller says it has gone (callService's signal); never aborted otherwise. */
  signal: AbortSignal
}

export interface Endpoint<I = any, O = any> {
  /** Validates (and fills defaults of) the request payload before the handler runs. */
  input?: TSchema
  handler: (input: I, ctx: RequestContext) => Promise<O> | O
}

export type Endpoints = Record<string, Endpoint>

export interface ServeOptions {
  name: string
  version: string
  description: string
  log: Logger
}

/**
 * Serves request/reply endpoints on the NATS Services API as `t2s.<service>.<verb>`.
 * Handlers return plain JSON; a thrown ServiceError travels as a service error code,
 * anything else as INTERNAL without its message (it may hold paths or SQL).
 */
export async function serveEndpoints (nc: NatsConnection, opts: ServeOptions, endpoints: Endpoints): Promise<Service> {
  const svc = await new Svcm(nc).add({ name: opts.name, version: opts.version, description: opts.description })
  // Requests in flight here that their caller may call off, by request id.
  const cancellable = new Map<string, AbortController>()
  const cancels = nc.subscribe(cancelSubject(opts.name), {
    callback: (err, msg) => { if (err === null) cancellable.get(msg.string())?.abort() }
  })
  void svc.stopped.then(() => cancels.unsubscribe(), () => cancels.unsubscribe())
  for (const [verb, ep] of Object.entries(endpoints)) {
    const check = ep.input ? compileSchema(ep.input) : undefined
    svc.addEndpoint(verb, {
      subject: subject(opts.name, verb),
      handler: (err, msg) => {
        if (err) {
          opts.log.error({ err, verb }, 'endpoint stopped')
          return
        }
        void handle(msg, verb, ep, check, opts.log, cancellable)
      }
    })
  }
  return svc
}

async function handle (msg: ServiceMsg, verb: string, ep: Endpoint, check: ReturnType<typeof compileSchema> | undefined, log: Logger, cancellable: Map<string, AbortController>): Promise<void> {
  const id = msg.headers?.get(REQUEST_ID_HEADER) ?? ''
  const controller = new AbortController()
  if (id !== '') cancellable.set(id, controller)
  try {
    let input: unknown = msg.data.length ? msg.json() : {}
    if (check) input = check(input, 'request')
    const out = await ep.handler(input, { signal: controller.signal })
    msg.respond(JSON.stringify(out ?? null))
  } catch (err) {
    if (err instanceof ServiceError) {
      msg.respondError(err.code, err.message)
    } else if (err instanceof SyntaxError) {
      msg.respondError(400, 'request payload is not valid JSON')
    } else if (isDiskFull(err)) {
      // Said plainly: the request was fine, the disk is not; nothing was half-written.
      log.error({ err, verb }, 'disk full')
      msg.respondError(507, DISK_FULL_REASON)
    } else {
      log.error({ err, verb }, 'endpoint failed')
      msg.respondError(500, 'internal error')
    }
  } finally {
    if (id !== '') cancellable.delete(id)
  }
}
