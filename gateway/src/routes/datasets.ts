import { createReadStream, type ReadStream } from 'node:fs'
import { resolve, sep } from 'node:path'
import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  AcceptedSchema, type Accepted, CreateDatasetBodySchema, DATASET_VERBS, DatasetListSchema, datasetServiceFor, type Dataset,
  type DatasetFile
} from '@t2s/core/contracts'
import { ServiceError } from '@t2s/core'
import { ok, problems, withExamples, ResourceIdParams } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

const DatasetRef = Type.Unsafe<Dataset>({ $ref: 'Dataset#' })
const FileParams = Type.Object({
  id: ResourceIdParams.dataset.properties.id,
  split: Type.Union([Type.Literal('train'), Type.Literal('test')], { description: 'Which file of the dataset', examples: ['train'] })
}, { additionalProperties: false })
// On the wire a string; in the handler the file stream fastify pipes out.
const NdjsonFile = Type.Unsafe<ReadStream>({ type: 'string' })
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Repeat a POST with the same key and body to get the same dataset and job, never a second one; the same key with another body is a 422' })) })

/**
 * SFT datasets live in the dataset service, CoT datasets in reasoning; the id prefix says
 * which. Route module shape: see routes/sql.ts.
 */
const datasetRoutes: FastifyPluginAsyncTypebox<{ dataDir: string }> = async (app, { dataDir }) => {
  app.post('/v1/datasets', {
    schema: {
      tags: ['datasets'],
      summary: 'Build a dataset from a source: kind "sft" (gold SQL as the answer) or "cot" (teacher chain-of-thought)',
      description: 'Answers 202 with the dataset id and the job building it. SFT: optional gold check in the sandbox, the recipe\'s prompts, a seeded split (test = ceil(n × test_size)). CoT: see the reasoning options.',
      headers: IdempotencyHeaders,
      body: withExamples(CreateDatasetBodySchema, { source: 'demo', kind: 'sft', test_size: 0.3, seed: 42 }),
      response: { 202: ok('Accepted: follow job_id', AcceptedSchema, examples.datasetAccepted), ...problems(400, 404, 422, 503) }
    }
  }, async (request, reply) => {
    const key = request.headers['idempotency-key']
    const payload = key === undefined ? request.body : { ...request.body, idempotency_key: key }
    return reply.code(202).send(await app.bus.call<Accepted>(datasetServiceFor(request.body.kind), DATASET_VERBS.create, payload, 30_000))
  })

  app.get('/v1/datasets', {
    schema: { tags: ['datasets'], summary: 'All datasets, newest first', response: { 200: ok('Datasets', DatasetListSchema, examples.datasetList) } }
  }, async () => {
    const lists = await Promise.all((['dataset', 'reasoning'] as const).map(async (s) =>
      await app.bus.call<{ items: Dataset[] }>(s, DATASET_VERBS.list, {}).catch((err: unknown) => {
        // A service that is not running has no datasets to list; other errors surface.
        if (err instanceof ServiceError && err.codeName === 'UNAVAILABLE') return { items: [] }
        throw err
      })))
    const items = lists.flatMap((l) => l.items).sort((a, b) => b.created_at.localeCompare(a.created_at))
    return { items, total: items.length }
  })

  app.get('/v1/datasets/:id', {
    schema: { tags: ['datasets'], summary: 'A dataset: status, counts, dropped items, token statistics, manifest', params: ResourceIdParams.dataset, response: { 200: ok('The dataset', DatasetRef, examples.dataset), ...problems(404) } }
  }, async (request) => {
    const { id } = request.params
    return await app.bus.call(datasetServiceFor(id), DATASET_VERBS.get, { id })
  })

  app.get('/v1/datasets/:id/files/:split', {
    schema: {
      tags: ['datasets'],
      summary: 'Download a split as JSON lines ({"messages":[system,user,assistant]} per line)',
      params: FileParams,
      response: { 200: { description: 'JSON lines', content: { 'application/x-ndjson': { schema: NdjsonFile, example: examples.datasetFile } } }, ...problems(404, 409) }
    }
  }, async (request, reply) => {
    const { id, split } = request.params
    const file = await app.bus.call<DatasetFile>(datasetServiceFor(id), DATASET_VERBS.file, { id, split })
    const root = resolve(dataDir)
    const path = resolve(root, file.path)
    if (!path.startsWith(root + sep)) throw new ServiceError('INTERNAL', 'dataset file outside DATA_DIR')
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-length', file.bytes)
      .header('content-disposition', `attachment; filename="${id}-${split}.jsonl"`)
      .send(createReadStream(path))
  })
}

export default fp(datasetRoutes, { name: 'routes/datasets', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
