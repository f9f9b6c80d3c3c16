import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { freeBytesSync, minFreeBytes } from '@t2s/core/lifecycle'
import examples from '../examples.json' with { type: 'json' }
import { ok } from '../lib/schemas.js'

const Health = Type.Object({ status: Type.String() })
const Ready = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
  nats: Type.Boolean(),
  services: Type.Record(Type.String(), Type.Boolean()),
  reasons: Type.Optional(Type.Array(Type.String(), { description: 'When not ready: why, one line each (NATS, JetStream, a service, DATA_DIR disk space)' })),
  warnings: Type.Optional(Type.Array(Type.String(), { description: 'Ready, but something needs attention soon (DATA_DIR below T2S_MIN_FREE_MB)' }))
})

/**
 * Probes have their own bucket per address and route, apart from the API's per-key and
 * anonymous limits, so that a flood of API calls never turns a health probe into a 429.
 */
const PROBE_LIMIT = { max: 1200, timeWindow: 60_000, keyGenerator: (request: { ip: string }) => `probe:${request.ip}` }

// Below this, SQLite and the NATS file store start failing their writes.
const MIN_FREE_BYTES = 1024 * 1024

/**
 * Liveness (the process answers) and readiness (NATS, JetStream, every expected service, and
 * room on DATA_DIR's disk). Route module shape: see routes/sql.ts.
 */
const healthRoutes: FastifyPluginAsyncTypebox<{ services: string[], dataDir: string }> = async (app, { services: expected, dataDir }) => {
  const bus = app.bus
  const lowMark = minFreeBytes()
  app.get('/healthz', { config: { rateLimit: PROBE_LIMIT }, schema: { tags: ['health'], summary: 'Liveness', security: [], response: { 200: ok('Alive', Health, examples.health) } } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { config: { rateLimit: PROBE_LIMIT }, schema: { tags: ['health'], summary: 'Readiness: NATS, JetStream and each service answer, and DATA_DIR has room', security: [], response: { 200: ok('Ready', Ready, examples.ready), 503: ok('Not ready: reasons says why', Ready, examples.notReady) } } }, async (_request, reply) => {
    const { nats, jetstream, services } = await bus.probe(expected)
    const reasons: string[] = []
    if (!nats) reasons.push('NATS does not answer')
    else if (!jetstream) reasons.push('JetStream does not answer (its store out of disk space, or a NATS cluster without quorum): jobs cannot start or progress')
    for (const [name, up] of Object.entries(services)) if (nats && !up) reasons.push(`no ${name} instance answers`)
    const free = freeBytesSync(dataDir)
    if (free !== null && free < MIN_FREE_BYTES) reasons.push(`DATA_DIR's disk is full (${free} bytes free): jobs that write fail until space is freed`)
    const warnings = free !== null && free >= MIN_FREE_BYTES && free < lowMark
      ? [`DATA_DIR's disk has ${Math.floor(free / 2 ** 20)} MB free, below T2S_MIN_FREE_MB (${lowMark / 2 ** 20}): GET /v1/usage shows what to delete`]
      : []
    const ready = reasons.length === 0
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', nats, services, ...(ready ? {} : { reasons }), ...(warnings.length > 0 ? { warnings } : {}) })
  })
}

export default fp(healthRoutes, { name: 'routes/health', dependencies: ['bus', '@fastify/rate-limit'], encapsulate: true })
