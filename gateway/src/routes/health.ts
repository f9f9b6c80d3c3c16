import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Svcm } from '@nats-io/services'
import { Type } from 'typebox'

const Health = Type.Object({ status: Type.String() })
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
  nats: Type.Boolean(),
  services: Type.Record(Type.String(), Type.Boolean())
})

/**
 * Probes have their own bucket per address and route, apart from the API's per-key and
 * anonymous limits, so that a flood of API calls never turns a health probe into a 429.
 */
const PROBE_LIMIT = { max: 1200, timeWindow: 60_000, keyGenerator: (request: { ip: string }) => `probe:${request.ip}` }

/**
 * Liveness (the process answers) and readiness (NATS and every expected service answer).
 * Route module shape: see routes/sql.ts.
 */
const healthRoutes: FastifyPluginAsyncTypebox<{ services: string[] }> = async (app, { services: expected }) => {
  const bus = app.bus
  app.get('/healthz', { config: { rateLimit: PROBE_LIMIT }, schema: { tags: ['health'], summary: 'Liveness', security: [], response: { 200: Health } } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { config: { rateLimit: PROBE_LIMIT }, schema: { tags: ['health'], summary: 'Readiness: NATS and each service answer', security: [], response: { 200: Ready, 503: Ready } } }, async (_request, reply) => {
    const services: Record<string, boolean> = Object.fromEntries(expected.map((s) => [s, false]))
    let nats = false
    if (bus.nc && !bus.nc.isClosed()) {
      try {
        await Promise.race([bus.nc.flush(), new Promise((_resolve, reject) => setTimeout(() => reject(new Error('flush timeout')), 1000))])
        nats = true
        const pings = await new Svcm(bus.nc).client({ strategy: 'stall', stall: 150, maxWait: 1000 }).ping()
        for await (const p of pings) if (p.name in services) services[p.name] = true
      } catch {
        // Not ready: reported below.
      }
    }
    const ready = nats && Object.values(services).every(Boolean)
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', nats, services })
  })
}

export default fp(healthRoutes, { name: 'routes/health', dependencies: ['bus', '@fastify/rate-limit'], encapsulate: true })
