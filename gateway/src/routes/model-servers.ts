import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  CreateModelServerBodySchema, MODEL_SERVER_VERBS, ModelServerListSchema, ServerNameSchema, UpdateModelServerBodySchema
} from '@t2s/core/contracts'
import { ok, problems } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

const ModelServerRef = Type.Unsafe({ $ref: 'ModelServer#' })
const NameParams = Type.Object({ name: ServerNameSchema })

/** Model servers: register any OpenAI-compatible endpoint to evaluate it or ask it for CoT. */
const modelServerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const bus = app.bus
  app.post('/v1/model-servers', {
    schema: {
      tags: ['models'],
      summary: 'Register an OpenAI-compatible model server (a second vLLM, a hosted API)',
      description: 'The server is probed first (GET <base_url>/models with the key): it must answer, and serve `default_model` when one is named. The key is stored server-side and never returned; the answer says only `api_key_set`.',
      body: CreateModelServerBodySchema,
      response: { 201: ok('Registered', ModelServerRef, examples.modelServer), ...problems(400, 409, 422) }
    }
  }, async (request, reply) => reply.code(201).send(await bus.call('evaluator', MODEL_SERVER_VERBS.create, request.body, 30_000)))

  app.get('/v1/model-servers', {
    schema: { tags: ['models'], summary: 'Model servers: `teacher` and `student` from the environment, then the registered ones by name', response: { 200: ok('Model servers', ModelServerListSchema, examples.modelServerList) } }
  }, async () => await bus.call('evaluator', MODEL_SERVER_VERBS.list, {}))

  app.get('/v1/model-servers/:name', {
    schema: { tags: ['models'], summary: 'One model server (never its key)', params: NameParams, response: { 200: ok('The server', ModelServerRef, examples.modelServer), ...problems(400, 404) } }
  }, async (request) => await bus.call('evaluator', MODEL_SERVER_VERBS.get, request.params))

  app.patch('/v1/model-servers/:name', {
    schema: {
      tags: ['models'],
      summary: 'Change a registered server (a changed URL, key or default model is probed again)',
      params: NameParams,
      body: UpdateModelServerBodySchema,
      response: { 200: ok('The server as changed', ModelServerRef, examples.modelServer), ...problems(400, 404, 409, 422) }
    }
  }, async (request) => await bus.call('evaluator', MODEL_SERVER_VERBS.update, { name: request.params.name, patch: request.body }, 30_000))

  app.delete('/v1/model-servers/:name', {
    schema: {
      tags: ['models'],
      summary: 'Remove a registered server (idempotent; 409 while a running evaluation asks it)',
      params: NameParams,
      response: { 204: { description: 'Removed (or was not there)', type: 'null' }, ...problems(400, 409) }
    }
  }, async (request, reply) => {
    await bus.call('evaluator', MODEL_SERVER_VERBS.delete, request.params)
    return await reply.code(204).send(null)
  })
}

export default fp(modelServerRoutes, { name: 'routes/model-servers', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
