/**
 * CORS for the browser origins in T2S_CORS_ORIGINS (none by default: no origin is allowed).
 * Preflights (OPTIONS) are answered here, before the bearer check, as browsers send them
 * without the Authorization header.
 * @see https://github.com/fastify/fastify-cors
 */
import type { FastifyCorsOptions } from '@fastify/cors'

export { default } from '@fastify/cors'

export const autoConfig = (origins: string[]): FastifyCorsOptions => ({
  origin: origins,
  methods: ['GET', 'POST'],
  allowedHeaders: ['authorization', 'content-type', 'last-event-id', 'idempotency-key'],
  // What a browser script may read: retry timing, download names, the rate-limit counters.
  exposedHeaders: ['retry-after', 'content-disposition', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
  maxAge: 600,
  // A bare OPTIONS (no Origin) gets an empty 204 rather than a text/plain 400: every error here is problem+json.
  strictPreflight: false
})
