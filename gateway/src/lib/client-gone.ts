import type { FastifyReply } from 'fastify'

/**
 * A signal aborted when the HTTP client disconnects before its answer is written: the
 * response closes unfinished. Routes whose work waits for a shared resource (the SQL
 * sandbox's queue) pass it on, so that work nobody will read is dropped.
 */
export function clientGone (reply: FastifyReply): AbortSignal {
  const controller = new AbortController()
  const res = reply.raw
  const onClose = (): void => { if (!res.writableFinished) controller.abort() }
  res.once('close', onClose)
  return controller.signal
}
