/**
 * Security headers, with a CSP Swagger UI can live with.
 * The gateway speaks plain HTTP (TLS, where any, ends at a proxy in front), so it asks for
 * neither upgrade-insecure-requests nor HSTS: on a LAN address such as http://10.0.0.5:8080
 * those make the browser fetch every script over https and Swagger UI stays blank. A
 * TLS-terminating proxy is the place to add HSTS. Cross-Origin-Opener-Policy is left out for
 * the same reason: browsers ignore it on a plain-HTTP LAN origin and log an error on every page.
 * @see https://github.com/fastify/fastify-helmet
 */
import type { FastifyHelmetOptions } from '@fastify/helmet'

export { default } from '@fastify/helmet'

export const autoConfig: FastifyHelmetOptions = {
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
}
