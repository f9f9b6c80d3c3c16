import createClient from 'openapi-fetch'
import type { Config } from './config.js'
import { CliError, ProblemError } from './errors.js'
import type { paths } from './generated/api.js'

export type Client = ReturnType<typeof makeClient>

/** The typed client of the API (types generated from openapi/openapi.json), with the key as bearer. */
export function makeClient (config: Config) {
  const headers: Record<string, string> = config.apiKey === null ? {} : { authorization: `Bearer ${config.apiKey}` }
  return createClient<paths>({ baseUrl: config.url, headers })
}

/** The data of an openapi-fetch answer, or a ProblemError carrying the server's detail. */
export async function unwrap<T> (pending: Promise<{ data?: T, error?: unknown, response: Response }>): Promise<T> {
  let res
  try {
    res = await pending
  } catch (err) {
    throw new CliError(`cannot reach the API: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`)
  }
  if (res.error !== undefined || !res.response.ok) {
    const problem = typeof res.error === 'object' && res.error !== null ? res.error as { title?: string, detail?: string } : null
    throw new ProblemError(res.response.status, problem, res.response.statusText)
  }
  return res.data as T
}

/** The JSON request body of a POST route, as generated. */
export type PostBody<P extends keyof paths> = paths[P] extends { post: { requestBody?: { content: { 'application/json': infer B } } } } ? B : never

/**
 * A body that leaves defaulted fields to the server: the generated types mark every field with
 * a default as required (the schema lists them so), which the server itself does not need.
 */
export const withDefaults = <P extends keyof paths>(body: Partial<PostBody<P>> & Record<string, unknown>): PostBody<P> => body as PostBody<P>

/** A multipart/form-data body (file uploads); openapi-fetch sends FormData as it is. */
export const formBody = <P extends keyof paths>(form: FormData): PostBody<P> => form as unknown as PostBody<P>
