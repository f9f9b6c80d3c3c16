import fp from 'fastify-plugin'
import type { FastifyError, FastifyPluginAsync } from 'fastify'
import { ServiceError } from '@t2s/core'
import { describeErrors } from '@t2s/core/contracts'
import { instanceOf, sendProblem } from '../../lib/problem.js'

/**
 * The one place errors become HTTP (fp, so the handler is the root's): service errors keep
 * their code and message, fastify's own 4xx (validation, body too large, bad JSON) keep
 * theirs, and anything else is a 500 whose message stays in the log: driver errors can
 * carry SQL text or paths. Errors raised before routing (a bad URL, a param over its
 * length, a body that times out) are formatted in app.ts, where fastify takes them.
 */
const errors: FastifyPluginAsync = async (fastify) => {
  fastify.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof ServiceError) {
      if (err.code >= 500) request.log.warn({ err }, 'service unavailable')
      return sendProblem(reply, err.code, err.message)
    }
    if (err.validation) {
      // The same wording as the services' validation (core contracts/validate).
      return sendProblem(reply, 400, describeErrors(err.validation, err.validationContext ?? 'body'))
    }
    const status = err.statusCode ?? 500
    if (status >= 400 && status < 500) return sendProblem(reply, status, err.message)
    request.log.error({ err }, 'unhandled error')
    return sendProblem(reply, 500, 'internal error')
  })

  // Rate-limited, so the 404 answer is no free oracle for scanning URLs.
  fastify.setNotFoundHandler({ preHandler: fastify.rateLimit() }, (request, reply) =>
    sendProblem(reply, 404, `no route ${request.method} ${instanceOf(request.url)}`))
}

export default fp(errors, { name: 'errors', dependencies: ['@fastify/rate-limit'] })
