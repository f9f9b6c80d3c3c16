/**
 * Requests per bearer key (per address without one) per minute. Routes with their own
 * bucket set `config.rateLimit` (health probes); failed authentications are counted per
 * address by the auth plugin through `createRateLimit`.
 * @see https://github.com/fastify/fastify-rate-limit
 */
import type { RateLimitPluginOptions } from '@fastify/rate-limit'
import { keyId } from '../app/auth.js'

export { default } from '@fastify/rate-limit'

export const autoConfig = (max: number): RateLimitPluginOptions => ({ max, timeWindow: '1 minute', keyGenerator: keyId })
