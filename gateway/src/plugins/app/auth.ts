import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { sendProblem } from '../../lib/problem.js'

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

export interface AuthOptions {
  keys: string[]
  /** Failed authentications an address may make per minute before it is answered 429 for the rest of the minute. */
  failuresMax: number
}

/**
 * Bearer keys on every matched route but health, docs and the console's static files (the
 * console sends the key with each API call it makes). Unknown routes fall through to
 * the 404 handler: the route list is public in the OpenAPI document anyway. CORS preflights
 * (OPTIONS) carry no key by design and are answered by @fastify/cors before this hook.
 *
 * Failed attempts are counted per address in their own bucket: the per-key limit cannot
 * see them (a wrong key is answered before the route's limiter runs, and every guess is
 * another key), so without this an address could try keys as fast as it can send.
 * An address over its count is refused whatever key it sends, so a guess that happens to
 * be right is not told apart.
 */
const auth: FastifyPluginAsync<AuthOptions> = async (fastify, opts) => {
  const accepted = opts.keys.map(digest)
  const failures = fastify.createRateLimit({ max: opts.failuresMax, timeWindow: 60_000, keyGenerator: (request) => `authfail:${request.ip}` })
  fastify.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url
    if (route === undefined || request.method === 'OPTIONS' || OPEN.has(route) || route.startsWith('/docs') || route.startsWith('/console')) return
    const seen = await failures(request, { increment: false })
    if (!seen.isAllowed && seen.remaining === 0) {
      reply.header('retry-after', seen.ttlInSeconds)
      return sendProblem(reply, 429, `too many failed authentications from this address; retry in ${seen.ttlInSeconds} s`)
    }
    const token = bearer(request)
    // Comparing fixed-length digests keeps the check constant-time whatever the input;
    // the presented token is hashed once, not once per configured key.
    const presented = token === null ? null : digest(token)
    const ok = presented !== null && accepted.some((k) => timingSafeEqual(k, presented))
    if (!ok) {
      await failures(request)
      reply.header('www-authenticate', 'Bearer')
      return sendProblem(reply, 401, token === null ? 'missing bearer token: send Authorization: Bearer <key>' : 'invalid API key')
    }
  })
}

export default fp(auth, { name: 'auth', dependencies: ['@fastify/rate-limit'] })
