import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { sendProblem } from '../../lib/problem.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the moment app.close() begins: requests in flight finish, new ones get 503. */
    readonly draining: boolean
  }
}

/**
 * Graceful close. `server.close()` waits for every open connection, and fastify's
 * `forceCloseConnections: 'idle'` reaps only the sockets idle at that instant: a keep-alive
 * socket whose request was still in flight stays open after its answer (the client keeps it
 * for the 72 s keepAliveTimeout), so the close never finished and the process left through
 * its force timer. While draining, each answer says `Connection: close` (node then ends the
 * socket after it), and any socket that goes idle anyway (a download whose headers left
 * before the close) is reaped as its answer ends. Event streams end themselves (routes/jobs).
 *
 * A request that arrives on a kept-alive socket during the drain is answered 503 as a
 * problem (fastify's own return503OnClosing answer is plain JSON), with a hint to retry:
 * another gateway, or this one once restarted, takes it.
 */
const drain: FastifyPluginAsync = async (fastify) => {
  let draining = false
  fastify.decorate('draining', { getter: () => draining })
  fastify.addHook('preClose', async () => { draining = true })

  fastify.addHook('onRequest', async (request, reply) => {
    if (!draining) return
    reply.header('retry-after', '1')
    return sendProblem(reply, 503, 'the gateway is shutting down; retry the request')
  })
  fastify.addHook('onSend', async (request, reply) => {
    if (draining) reply.header('connection', 'close')
  })
  fastify.addHook('onResponse', async () => {
    // After node has detached the finished answer from its socket.
    if (draining) setImmediate(() => fastify.server.closeIdleConnections())
  })
}

export default fp(drain, { name: 'drain' })
