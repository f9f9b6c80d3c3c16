import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'
import { sendProblem } from '../lib/problem.js'

/** Where `npm run console:build` writes the bundle (console/dist, from console/src). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url))

// The console's own policy: stricter than the API's (no inline styles either), and without
// upgrade-insecure-requests so it loads over plain HTTP at a LAN address.
const CONSOLE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"
].join('; ')

/**
 * Serves the prebuilt console at /console/ (static files, no server rendering). Routing is in
 * the URL fragment (#/evaluations/…), so every deep link is the same index.html. Without a
 * build the route answers 503 naming the command that makes one.
 */
export async function registerConsole (app: FastifyInstance, dist = CONSOLE_DIST): Promise<void> {
  app.get('/console', { schema: { hide: true } }, async (_request, reply) => await reply.redirect('/console/'))
  if (!existsSync(`${dist}/index.html`)) {
    app.get('/console/*', { schema: { hide: true } }, async (_request, reply) =>
      sendProblem(reply, 503, 'the console is not built: run `npm run console:build` (npm start and npm test do it)'))
    return
  }
  await app.register(async (scope) => {
    scope.addHook('onSend', async (request, reply) => {
      reply.header('content-security-policy', CONSOLE_CSP)
      // Hashed asset names never change content; index.html must be revalidated to pick up a new build.
      reply.header('cache-control', request.url.startsWith('/console/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
    })
    await scope.register(fastifyStatic, { root: dist, prefix: '/console/', index: ['index.html'], schemaHide: true, wildcard: true })
  })
}
