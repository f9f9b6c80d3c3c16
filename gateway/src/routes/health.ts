import { statfsSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { NatsConnection } from '@nats-io/transport-node'
import { Svcm } from '@nats-io/services'
import { Type } from 'typebox'
import type { Bus } from '../lib/bus.js'

const Health = Type.Object({ status: Type.String() })
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
  nats: Type.Boolean(),
  services: Type.Record(Type.String(), Type.Boolean()),
  reasons: Type.Optional(Type.Array(Type.String(), { description: 'When not ready: why, one line each (NATS, JetStream, a service, DATA_DIR disk space)' }))
})

// Below this, SQLite and the NATS file store start failing their writes.
const MIN_FREE_BYTES = 1024 * 1024

function freeBytes (dir: string): number | null {
  try {
    const s = statfsSync(dir)
    return s.bavail * s.bsize
  } catch {
    return null
  }
}

/** A JetStream API request answered within 2 s (nats-server's JetStream can hang on a full disk). */
async function jetStreamAnswers (nc: NatsConnection): Promise<boolean> {
  try {
    await nc.request('$JS.API.INFO', undefined, { timeout: 2000 })
    return true
  } catch {
    return false
  }
}

/** Liveness (the process answers) and readiness (NATS and every expected service answer). */
export function healthRoutes (app: FastifyInstance, bus: Bus, expected: string[], dataDir: string): void {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness', security: [], response: { 200: Health } } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { tags: ['health'], summary: 'Readiness: NATS and each service answer', security: [], response: { 200: Ready, 503: Ready } } }, async (_request, reply) => {
    const services: Record<string, boolean> = Object.fromEntries(expected.map((s) => [s, false]))
    const reasons: string[] = []
    let nats = false
    if (bus.nc && !bus.nc.isClosed()) {
      try {
        await Promise.race([bus.nc.flush(), new Promise((_resolve, reject) => setTimeout(() => reject(new Error('flush timeout')), 1000))])
        nats = true
        const [pings, js] = await Promise.all([
          new Svcm(bus.nc).client({ strategy: 'stall', stall: 150, maxWait: 1000 }).ping(),
          jetStreamAnswers(bus.nc)
        ])
        for await (const p of pings) if (p.name in services) services[p.name] = true
        if (!js) reasons.push('JetStream does not answer (its store out of disk space, or a NATS cluster without quorum): jobs cannot start or progress')
      } catch {
        // Not ready: reported below.
      }
    }
    if (!nats) reasons.push('NATS does not answer')
    for (const [name, up] of Object.entries(services)) if (nats && !up) reasons.push(`no ${name} instance answers`)
    const free = freeBytes(dataDir)
    if (free !== null && free < MIN_FREE_BYTES) reasons.push(`DATA_DIR's disk is full (${free} bytes free): jobs that write fail until space is freed`)
    const ready = reasons.length === 0
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', nats, services, ...(ready ? {} : { reasons }) })
  })
}
