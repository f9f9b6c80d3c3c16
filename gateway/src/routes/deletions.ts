import fp from 'fastify-plugin'
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DATASET_VERBS, datasetServiceFor, EVALUATION_VERBS, SOURCE_VERBS, TRAINING_VERBS } from '@t2s/core/contracts'
import { problems, ResourceIdParams } from '../lib/schemas.js'

const Deleted = { 204: { description: 'Deleted, or was not there (deleting is idempotent)', type: 'null' } }
const noContent = async (reply: FastifyReply) => await reply.code(204).send()

/**
 * Deleting what the suite stores. One rule for all: 409 naming what still uses it (a queued or
 * running job), the record first and its files after (a crash between them is finished at the
 * service's next start), and deleting what is not there is not an error.
 */
const deletionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const bus = app.bus
  app.delete('/v1/sources/:id', {
    schema: {
      tags: ['sources'],
      summary: "Forget a source's registration (never the files it points at)",
      description: '409 while a dataset build, an evaluation or a download that names it has not ended.',
      params: ResourceIdParams.source,
      response: { ...Deleted, ...problems(400, 409) }
    }
  }, async (request, reply) => {
    await bus.call('dataset', SOURCE_VERBS.delete, { id: request.params.id })
    return await noContent(reply)
  })

  app.delete('/v1/datasets/:id', {
    schema: {
      tags: ['datasets'],
      summary: 'Delete a dataset: its record, its JSONL files and its job',
      description: '409 while it is being built or a training job that reads it has not ended.',
      params: ResourceIdParams.dataset,
      response: { ...Deleted, ...problems(400, 409) }
    }
  }, async (request, reply) => {
    const { id } = request.params
    await bus.call(datasetServiceFor(id), DATASET_VERBS.delete, { id })
    return await noContent(reply)
  })

  app.delete('/v1/evaluations/:id', {
    schema: {
      tags: ['evaluations'],
      summary: 'Delete an evaluation: its report, scored items, predictions and job',
      description: '409 while it runs (cancel it first).',
      params: ResourceIdParams.evaluation,
      response: { ...Deleted, ...problems(400, 409) }
    }
  }, async (request, reply) => {
    await bus.call('evaluator', EVALUATION_VERBS.delete, { id: request.params.id })
    return await noContent(reply)
  })

  app.delete('/v1/training-jobs/:id', {
    schema: {
      tags: ['training'],
      summary: 'Delete a training job: its record and loss series, checkpoints, log, and published adapter (unloaded from the student first)',
      description: '409 while it runs (cancel it first).',
      params: ResourceIdParams.trainingJob,
      response: { ...Deleted, ...problems(400, 409) }
    }
  }, async (request, reply) => {
    await bus.call('trainer', TRAINING_VERBS.delete, { id: request.params.id }, 60_000)
    return await noContent(reply)
  })

  app.delete('/v1/jobs/:id', {
    schema: {
      tags: ['jobs'],
      summary: "Delete an ended job's record and events",
      description: '409 while it has not ended, and for a job that built a dataset, evaluation or training job: delete that instead (its status is the job\'s).',
      params: ResourceIdParams.job,
      response: { ...Deleted, ...problems(400, 409) }
    }
  }, async (request, reply) => {
    await bus.jobs.remove(request.params.id)
    return await noContent(reply)
  })
}

export default fp(deletionRoutes, { name: 'routes/deletions', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
