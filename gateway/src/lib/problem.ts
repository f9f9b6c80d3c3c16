import type { FastifyReply } from 'fastify'
import { ErrorCodes, type ErrorCodeName } from '@t2s/core/errors'

const STATUS_TO_NAME = new Map<number, ErrorCodeName>(Object.entries(ErrorCodes).map(([k, v]) => [v.code, k as ErrorCodeName]))

/** Sends an RFC 9457 problem; `detail` must already be safe to show (no stack, path or SQL). */
export function sendProblem (reply: FastifyReply, status: number, detail: string): FastifyReply {
  const name = STATUS_TO_NAME.get(status)
  const title = name ? ErrorCodes[name].title : status >= 500 ? 'Internal Server Error' : 'Bad Request'
  const slug = (name ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST')).toLowerCase().replaceAll('_', '-')
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .send({ type: `urn:t2s:problem:${slug}`, title, status, detail, instance: reply.request.url.split('?')[0] })
}
