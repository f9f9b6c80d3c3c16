import type { FastifyInstance } from 'fastify'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import { keyId } from './auth.js'

/** Security headers (with a CSP Swagger UI can live with) and a per-key rate limit. */
export async function registerSecurity (app: FastifyInstance, opts: { rateLimitMax: number, corsOrigins: string[] }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI sets inline styles and shows data: images.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:']
      }
    }
  })
  await app.register(rateLimit, { max: opts.rateLimitMax, timeWindow: '1 minute', keyGenerator: keyId })
  if (opts.corsOrigins.length) {
    const allowed = new Set(opts.corsOrigins)
    app.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin
      if (origin && allowed.has(origin)) {
        reply.header('access-control-allow-origin', origin)
        reply.header('vary', 'Origin')
        reply.header('access-control-allow-headers', 'authorization, content-type, last-event-id, idempotency-key')
        reply.header('access-control-allow-methods', 'GET, POST, OPTIONS')
      }
    })
  }
}
