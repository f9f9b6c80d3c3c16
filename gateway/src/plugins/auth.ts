import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sendProblem } from '../lib/problem.js'

const OPEN = new Set(['/healthz', '/readyz'])
const digest = (s: string) => createHash('sha256').update(s).digest()

/** The caller's identity for rate limiting: a hash of its key, never the key itself. */
export const keyId = (request: FastifyRequest) => {
  const token = bearer(request)
  return token ? `k:${digest(token).toString('hex').slice(0, 16)}` : `ip:${request.ip}`
}

function bearer (request: FastifyRequest): string | null {
  const h = request.headers.authorization
  if (!h) return null
  const m = /^Bearer ([^\s]+)$/i.exec(h)
  return m ? m[1] : null
}

/**
 * Bearer keys on every matched route but health, docs and the console's static files
 * (the console sends the key with each API call it makes). Unknown routes fall through to
 * the 404 handler: the route list is public in the OpenAPI document anyway.
 */
export function registerAuth (app: FastifyInstance, keys: string[]): void {
  const accepted = keys.map(digest)
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url
    if (route === undefined || OPEN.has(route) || route.startsWith('/docs') || route.startsWith('/console')) return
    const token = bearer(request)
    // Comparing fixed-length digests keeps the check constant-time whatever the input;
    // the presented token is hashed once, not once per configured key.
    const presented = token === null ? null : digest(token)
    const ok = presented !== null && accepted.some((k) => timingSafeEqual(k, presented))
    if (!ok) {
      reply.header('www-authenticate', 'Bearer')
      return sendProblem(reply, 401, token === null ? 'missing bearer token: send Authorization: Bearer <key>' : 'invalid API key')
    }
  })
}
