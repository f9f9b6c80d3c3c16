import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { JobStatusSchema, TERMINAL_STATUSES } from '@t2s/core/contracts'
import { ok, okAs, problems, ResourceIdParams } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

const JobRef = { $ref: 'Job#' }
const JobList = Type.Object({ items: Type.Array(Type.Unsafe(JobRef)), total: Type.Integer() })
const ListQuery = Type.Object({
  status: Type.Optional(JobStatusSchema),
  kind: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 })
}, { additionalProperties: false })

const HEARTBEAT_MS = 15_000

/** Route module shape: see routes/sql.ts. */
const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const bus = app.bus
  // Open event streams, each with its way to end for a closing gateway (plugins/app/drain.ts).
  const open = new Set<() => void>()
  app.addHook('preClose', async () => { for (const end of [...open]) end() })
  // POST /cancel takes no body, but clients that send content-type: application/json on
  // every request (the README's curl header array) send it with none: that is no body, not
  // a 400. Only in this plugin; elsewhere an empty JSON body stays an error.
  const json = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString()
    if (text === '') done(null, undefined)
    else json(request, text, done)
  })
  app.get('/v1/jobs', {
    schema: { tags: ['jobs'], summary: 'List jobs, newest first', querystring: ListQuery, response: { 200: ok('Jobs', JobList, examples.jobList), ...problems(400) } }
  }, async (request) => {
    const items = await bus.jobs.list(request.query)
    return { items, total: items.length }
  })

  app.get('/v1/jobs/:id', {
    schema: { tags: ['jobs'], summary: 'A job: status, progress, result or error', params: ResourceIdParams.job, response: { 200: ok('The job', Type.Unsafe(JobRef), examples.job), ...problems(404) } }
  }, async (request) => await bus.jobs.require(request.params.id))

  app.post('/v1/jobs/:id/cancel', {
    schema: { tags: ['jobs'], summary: 'Cancel a job; workers stop starting new work within 2 s', params: ResourceIdParams.job, response: { 200: ok('The job after the request', Type.Unsafe(JobRef), examples.cancelledJob), ...problems(404) } }
  }, async (request) => await bus.jobs.cancel(request.params.id))

  app.get('/v1/jobs/:id/events', {
    schema: {
      tags: ['jobs'],
      summary: 'Progress as server-sent events (status, progress, log, metric); resumable with Last-Event-ID; ends after the final status',
      params: ResourceIdParams.job,
      headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]+$' })) }),
      response: { 200: okAs('text/event-stream', 'An event stream; each event id is its stream sequence', examples.jobEvents), ...problems(404) }
    }
  }, async (request, reply) => {
    const id = request.params.id
    await bus.jobs.require(id)
    const lastId = Number(request.headers['last-event-id'] ?? 0)
    const feed = await bus.events(id, lastId)
    // The stream is written to the socket directly; the headers fastify and its plugins set
    // on the reply so far (CORS, security headers, rate-limit counters) go out with it.
    reply.hijack()
    const raw = reply.raw
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) raw.setHeader(name, value)
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    raw.write(': events of job ' + id + '\n\n')
    // A gateway that is closing ends the stream (else its close would wait for it); the
    // client reconnects with Last-Event-ID, to another gateway or this one restarted.
    const endForShutdown = () => {
      if (!raw.writableEnded) raw.write(': the gateway is shutting down; reconnect with Last-Event-ID\nretry: 1000\n\n')
      finish()
    }
    const finish = () => { clearInterval(timer); open.delete(endForShutdown); void feed.close(); if (!raw.writableEnded) raw.end() }
    open.add(endForShutdown)
    // Heartbeats keep proxies from closing an idle stream; the record check ends a stream
    // whose final status event was never published (its worker crashed at that moment).
    const timer = setInterval(() => {
      raw.write(': ping\n\n')
      void bus.jobs.get(id).then((job) => {
        if (job && TERMINAL_STATUSES.includes(job.status) && feed.pending() === 0) {
          raw.write(`event: status\ndata: ${JSON.stringify({ type: 'status', job_id: id, status: job.status, progress: job.progress, time: job.updated_at })}\n\n`)
          finish()
        }
      }).catch(() => {})
    }, HEARTBEAT_MS)
    raw.on('close', finish)
    try {
      for await (const { seq, event: e } of feed) {
        raw.write(`id: ${seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`)
        if (e.type === 'status' && e.status && TERMINAL_STATUSES.includes(e.status)) break
      }
    } finally {
      finish()
    }
  })
}

export default fp(jobRoutes, { name: 'routes/jobs', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
