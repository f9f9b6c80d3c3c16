import type { TSchema } from 'typebox'

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid; detail names the field or item',
  401: 'Missing or invalid bearer key',
  404: 'No such resource',
  409: 'Conflicts with the current state',
  413: 'Body larger than 1 MiB',
  422: 'Understood but cannot be done (e.g. a model server that does not answer)',
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

/** A JSON success response with a description (shown by Swagger UI). */
export const ok = (description: string, schema: TSchema) => ({ description, content: { 'application/json': { schema } } })
