import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  AcceptedSchema, PageQuerySchema, type Accepted, CreateTrainingJobBodySchema, TRAINING_VERBS, TrainingJobListSchema
} from '@t2s/core/contracts'
import { ok, okAs, problems, withExamples, ResourceIdParams } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

const TrainingJobRef = Type.Unsafe({ $ref: 'TrainingJob#' })

/** Route module shape: see routes/sql.ts. */
const trainingJobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/training-jobs', {
    schema: {
      tags: ['training'],
      summary: 'Fine-tune the student on a dataset (a job)',
      description: "Runs `python -m t2s_trainer sft` on the dataset's train split with the recipe's settings, or the hyper-parameters given. " +
        'Progress (one metric event per logged step: loss, lr, grad norm, tokens/s, GPU memory) streams at /v1/jobs/{job_id}/events; ' +
        'cancelling the job makes the trainer checkpoint and stop. The adapter lands in DATA_DIR/artifacts/adapters/{adapter_name} ' +
        'and is loaded on the student vLLM under that name when STUDENT_BASE_URL is set.',
      body: withExamples(CreateTrainingJobBodySchema, { dataset: 'ds_m1abc0123456789ab', method: 'lora', adapter_name: 'demo-sft' }),
      response: { 202: ok('Accepted: follow the job', AcceptedSchema, examples.trainingAccepted), ...problems(400, 404, 409, 503) }
    }
  }, async (request, reply) => reply.code(202).send(await app.bus.call<Accepted>('trainer', TRAINING_VERBS.create, request.body, 30_000)))

  app.get('/v1/training-jobs', {
    schema: { tags: ['training'], summary: 'Training jobs, newest first', querystring: PageQuerySchema, response: { 200: ok('Training jobs', TrainingJobListSchema, examples.trainingJobList), ...problems(400) } }
  }, async (request) => await app.bus.call('trainer', TRAINING_VERBS.list, request.query))

  app.get('/v1/training-jobs/:id', {
    schema: { tags: ['training'], summary: 'A training job: status, configuration, loss series, throughput, artifacts and manifest', params: ResourceIdParams.trainingJob, response: { 200: ok('The training job', TrainingJobRef, examples.trainingJob), ...problems(404) } }
  }, async (request) => await app.bus.call('trainer', TRAINING_VERBS.get, request.params))

  app.get('/v1/training-jobs/:id/loss.svg', {
    schema: {
      tags: ['training'],
      summary: 'The loss curve as an SVG image',
      params: ResourceIdParams.trainingJob,
      response: { 200: okAs('image/svg+xml', 'An SVG chart of the loss per step and its smoothed trend', examples.lossSvg), ...problems(404) }
    }
  }, async (request, reply) => {
    const { svg } = await app.bus.call<{ svg: string }>('trainer', TRAINING_VERBS.lossSvg, request.params)
    return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'no-cache').send(svg)
  })
}

export default fp(trainingJobRoutes, { name: 'routes/training-jobs', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
