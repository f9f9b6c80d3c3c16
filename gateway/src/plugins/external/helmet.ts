/**
 * Security headers, with a CSP Swagger UI can live with.
 * @see https://github.com/fastify/fastify-helmet
 */
import type { FastifyHelmetOptions } from '@fastify/helmet'

export { default } from '@fastify/helmet'

export const autoConfig: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // Swagger UI sets inline styles and shows data: images.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:']
    }
  }
}
