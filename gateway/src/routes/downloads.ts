import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AcceptedSchema, type Accepted, DOWNLOAD_VERBS, DownloadSourceBodySchema } from '@t2s/core/contracts'
import { ok, problems, withExamples } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

/** Route module shape: see routes/sql.ts. */
const downloadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/sources/download', {
    schema: {
      tags: ['sources'],
      summary: 'Download a BIRD-layout zip archive, unpack it and register it as a source (a job)',
      description: 'Without url, fetches the official BIRD archive of `split` (dev or train). The job streams the archive into DATA_DIR (progress in bytes), resumes an interrupted transfer with a Range request, records its sha256, unpacks it and its inner database archive under size, file-count and compression-ratio limits (refusing entries that leave the folder, links and zip bombs), and registers the split under `name`. Follow it at /v1/jobs/{job_id}; the source is then at /v1/sources/{name}.',
      body: withExamples(DownloadSourceBodySchema, { name: 'bird-dev', split: 'dev' }),
      response: { 202: ok('The download job was queued; id is the name the source will have', AcceptedSchema, examples.downloadAccepted), ...problems(400, 409, 503) }
    }
  }, async (request, reply) => reply.code(202).send(await app.bus.call<Accepted>('dataset', DOWNLOAD_VERBS.create, request.body)))
}

export default fp(downloadRoutes, { name: 'routes/downloads', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
