import { Svcm, type Service, type ServiceMsg } from '@nats-io/services'
import type { NatsConnection } from '@nats-io/transport-node'
import type { TSchema } from 'typebox'
import { ServiceError } from '../errors.js'
import { DISK_FULL_REASON, isDiskFull } from '../jobs/failures.js'
import type { Logger } from '../log.js'
import { compileSchema } from '../contracts/validate.js'
import { subject } from '../contracts/subjects.js'

export interface Endpoint<I = any, O = any> {
  /** Validates (and fills defaults of) the request payload before the handler runs. */
  input?: TSchema
  handler: (input: I) => Promise<O> | O
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
  for (const [verb, ep] of Object.entries(endpoints)) {
    const check = ep.input ? compileSchema(ep.input) : undefined
    svc.addEndpoint(verb, {
      subject: subject(opts.name, verb),
      handler: (err, msg) => {
        if (err) {
          opts.log.error({ err, verb }, 'endpoint stopped')
          return
        }
        void handle(msg, verb, ep, check, opts.log)
      }
    })
  }
  return svc
}

async function handle (msg: ServiceMsg, verb: string, ep: Endpoint, check: ReturnType<typeof compileSchema> | undefined, log: Logger): Promise<void> {
  try {
    let input: unknown = msg.data.length ? msg.json() : {}
    if (check) input = check(input, 'request')
    const out = await ep.handler(input)
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
  }
}
