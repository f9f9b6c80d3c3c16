import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { USAGE_VERBS, UsageSchema } from '@t2s/core/contracts'
import { ok, problems } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

const usageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const bus = app.bus
  app.get('/v1/usage', {
    schema: {
      tags: ['usage'],
      summary: 'Bytes per kind and per item (datasets, adapters, models, training runs, downloads, evaluations, state DBs, NATS store) and the free space of DATA_DIR',
      description: 'Delete what you no longer need with the DELETE routes of each kind; `data_dir.low` turns true below T2S_MIN_FREE_MB.',
      response: { 200: ok('Disk usage', UsageSchema, examples.usage), ...problems(503) }
    }
  }, async () => await bus.call('dataset', USAGE_VERBS.usage, {}, 30_000))
}

export default fp(usageRoutes, { name: 'routes/usage', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
