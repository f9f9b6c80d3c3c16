import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { ExecuteSqlBodySchema } from '@t2s/core/contracts/sql'
import type { Bus } from '../lib/bus.js'
import { ok, problems } from '../lib/schemas.js'

export function sqlRoutes (app: FastifyInstance, bus: Bus): void {
  app.post('/v1/sql/execute', {
    schema: {
      tags: ['sql'],
      summary: 'Run one read-only query on a source database in the sandbox',
      description: 'The query runs in a separate process, read-only, killed at timeout_ms. Anything but a single read-only statement (writes, ATTACH, PRAGMA assignments, VACUUM INTO, stacked statements) is rejected before it runs. Query outcomes (error, timeout, rejected) are results, not HTTP errors.',
      body: ExecuteSqlBodySchema,
      response: { 200: ok('The outcome', Type.Unsafe({ $ref: 'SqlResult#' })), ...problems(400, 404, 503) }
    }
  }, async (request) => {
    const body = request.body as { timeout_ms: number }
    return await bus.call('dataset', 'execute_sql', body, body.timeout_ms + 15_000)
  })
}
