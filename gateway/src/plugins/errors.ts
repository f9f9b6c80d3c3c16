import type { FastifyError, FastifyInstance } from 'fastify'
import { ServiceError } from '@t2s/core/errors'
import { sendProblem } from '../lib/problem.js'

/**
 * The one place errors become HTTP: service errors keep their code and message, fastify's
 * own 4xx (validation, body too large, bad JSON) keep theirs, and anything else is a 500
 * whose message stays in the log: driver errors can carry SQL text or paths.
 */
export function registerErrorHandling (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ServiceError) {
      if (err.code >= 500) request.log.warn({ err }, 'service unavailable')
      return sendProblem(reply, err.code, err.message)
    }
    if (err.validation) {
      const e = err.validation[0]
      const where = (err.validationContext ?? 'body') + (e?.instancePath ? e.instancePath.replaceAll('/', '.') : '')
      const missing = (e?.params as { missingProperty?: string } | undefined)?.missingProperty
      const extra = (e?.params as { additionalProperty?: string } | undefined)?.additionalProperty
      const detail = missing
        ? `${where} must have required property '${missing}'`
        : extra ? `${where} must not have property '${extra}'` : `${where} ${e?.message ?? 'is invalid'}`
      return sendProblem(reply, 400, detail)
    }
    const status = err.statusCode ?? 500
    if (status >= 400 && status < 500) {
      if (status === 429) return reply.code(429).type('application/problem+json; charset=utf-8').send({ type: 'urn:t2s:problem:too-many-requests', title: 'Too Many Requests', status, detail: err.message })
      return sendProblem(reply, status, err.message)
    }
    request.log.error({ err }, 'unhandled error')
    return sendProblem(reply, 500, 'internal error')
  })

  app.setNotFoundHandler({ preHandler: app.rateLimit ? app.rateLimit() : undefined }, (request, reply) =>
    sendProblem(reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`))
}
