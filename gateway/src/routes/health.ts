import type { FastifyInstance } from 'fastify'
import { Svcm } from '@nats-io/services'
import { Type } from 'typebox'
import type { Bus } from '../lib/bus.js'

const Health = Type.Object({ status: Type.String() })
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
  nats: Type.Boolean(),
  services: Type.Record(Type.String(), Type.Boolean())
})

/** Liveness (the process answers) and readiness (NATS and every expected service answer). */
export function healthRoutes (app: FastifyInstance, bus: Bus, expected: string[]): void {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness', security: [], response: { 200: Health } } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { tags: ['health'], summary: 'Readiness: NATS and each service answer', security: [], response: { 200: Ready, 503: Ready } } }, async (_request, reply) => {
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
