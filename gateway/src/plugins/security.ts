import type { FastifyInstance } from 'fastify'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import { keyId } from './auth.js'

/**
 * Security headers (with a CSP Swagger UI can live with) and a per-key rate limit.
 * The gateway speaks plain HTTP (TLS, where any, ends at a proxy in front), so it asks for
 * neither upgrade-insecure-requests nor HSTS: on a LAN address such as http://10.0.0.5:8080
 * those make the browser fetch every script over https and Swagger UI stays blank. A
 * TLS-terminating proxy is the place to add HSTS. Cross-Origin-Opener-Policy is left out for
 * the same reason: browsers ignore it on a plain-HTTP LAN origin and log an error on every page.
 */
export async function registerSecurity (app: FastifyInstance, opts: { rateLimitMax: number, corsOrigins: string[] }): Promise<void> {
  await app.register(helmet, {
    strictTransportSecurity: false,
    crossOriginOpenerPolicy: false,
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: null,
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
