import type { FastifyReply } from 'fastify'
import { toProblem } from '@t2s/core'

export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8'

/** The request path without its query, cut to a length that is safe to echo back. */
export function instanceOf (url: string): string {
  const path = url.split('?')[0]
  return path.length > 200 ? `${path.slice(0, 200)}…` : path
}

/** Sends an RFC 9457 problem in core's format; `detail` must already be safe to show (no stack, path or SQL). */
export function sendProblem (reply: FastifyReply, status: number, detail: string): FastifyReply {
  return reply.code(status).type(PROBLEM_TYPE).send(toProblem(status, detail, instanceOf(reply.request.url)))
}
