import { Type, type TSchema } from 'typebox'
import { IdParamsSchema } from '@t2s/core/contracts'
import examples from '../examples.json' with { type: 'json' }

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid; detail names the field or item',
  401: 'Missing or invalid bearer key',
  404: 'No such resource',
  409: 'Conflicts with the current state',
  413: 'Body larger than 1 MiB',
  422: 'The request is well-formed but cannot be done as asked; detail says why',
  429: 'Rate limit reached; retry after the retry-after header',
  503: 'A service or model server the request needs is not available',
  504: 'A service did not answer in time'
}

/** Problem responses for the given statuses, documented as application/problem+json. */
export function problems (...codes: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {}
  for (const c of [401, 429, ...codes]) {
    out[c] = { description: DESCRIPTIONS[c] ?? 'Error', content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } }
  }
  return out
}

/**
 * The schema with whole-request examples: Swagger UI's "Try it out" starts from the first.
 * Property examples alone can combine into an invalid body (two alternatives at once); a
 * test validates each example and runs the POST ones against the demo stack.
 */
export const withExamples = <T extends TSchema>(schema: T, ...examples: unknown[]): T => ({ ...schema, examples })

/**
 * A JSON success response with a description and an example of the body, both shown by
 * Swagger UI. Examples are real answers of the demo stack (src/examples.json); a test
 * validates each against its schema.
 */
export const ok = (description: string, schema: TSchema, example: unknown) => ({ description, content: { 'application/json': { schema, example } } })

/** A success response of another media type (a stream, a file, an image), with an example of its text. */
export const okAs = (mediaType: string, description: string, example: string) => ({ description, content: { [mediaType]: { schema: { type: 'string' }, example } } })

const idParams = (what: string, example: string) =>
  Type.Object({ id: Type.String({ ...IdParamsSchema.properties.id, description: what, examples: [example] }) }, { additionalProperties: false })

/**
 * Path parameters naming one resource by id, one per kind of resource: the common id rules (core's
 * IdParamsSchema), what the id names and an example id of the demo stack (src/examples.json),
 * shown and pre-filled by Swagger UI.
 */
export const ResourceIdParams = {
  source: idParams('Source id (src_…) or name', examples.source.id),
  dataset: idParams('Dataset id (ds_… or cot_…)', examples.dataset.id),
  evaluation: idParams('Evaluation id (ev_…)', examples.evaluation.id),
  trainingJob: idParams('Training job id (tj_…)', examples.trainingJob.id),
  job: idParams('Job id (job_…)', examples.job.id)
}
