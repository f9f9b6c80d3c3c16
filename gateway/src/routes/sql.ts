import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ExecuteSqlBodySchema, SQL_VERBS, type SqlResultJson } from '@t2s/core/contracts'
import { clientGone } from '../lib/client-gone.js'
import { ok, problems, withExamples } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

/**
 * The shape every route module follows (docs/gateway.md): a FastifyPluginAsyncTypebox, so
 * params, query and body have their TypeBox types with no casts; services are reached
 * through the `bus` decorator; wrapped in fastify-plugin only to declare its name and
 * dependencies (encapsulate: true keeps its hooks and decorators to itself).
 */
const sqlRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/sql/execute', {
    schema: {
      tags: ['sql'],
      summary: 'Run one read-only query on a source database in the sandbox',
      description: 'The query runs in a separate process, read-only, killed at timeout_ms. Anything but a single read-only statement (writes, ATTACH, PRAGMA assignments, VACUUM INTO, stacked statements) is rejected before it runs. Query outcomes (error, timeout, rejected) are results, not HTTP errors. A client that disconnects before the answer calls the query off: dropped from the queue if it waits for a process, killed if it runs.',
      body: withExamples(ExecuteSqlBodySchema, { source: 'demo', db_id: 'library', sql: 'SELECT count(*) FROM loans' }),
      response: { 200: ok('The outcome', Type.Unsafe({ $ref: 'SqlResult#' }), examples.sqlResult), ...problems(400, 404, 503) }
    }
  }, async (request, reply) => await app.bus.call<SqlResultJson>('dataset', SQL_VERBS.execute, request.body, request.body.timeout_ms + 15_000, clientGone(reply)))
}

export default fp(sqlRoutes, { name: 'routes/sql', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
