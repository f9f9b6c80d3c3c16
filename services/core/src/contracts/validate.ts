import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'
import type { TSchema, Static } from 'typebox'
import { ServiceError } from '../errors.js'

// Same settings as the gateway's HTTP validation, so a payload accepted at the edge is
// accepted by the service behind it.
const ajv = new Ajv({ removeAdditional: 'all', useDefaults: true, coerceTypes: false, allErrors: false, strict: false, discriminator: true })
// ajv-formats is CommonJS: its function sits on .default under ESM.
;(addFormats as unknown as { default: (a: Ajv) => void }).default(ajv)

/** Compiles a schema into a checker that returns the (defaulted) value or throws BAD_REQUEST naming the field. */
export function compileSchema<T extends TSchema> (schema: T): (value: unknown, what?: string) => Static<T> {
  const validate = ajv.compile(schema)
  return (value, what = 'body') => {
    if (validate(value)) return value as Static<T>
    throw new ServiceError('BAD_REQUEST', describeErrors(validate.errors ?? [], what))
  }
}

/** The first error as one sentence naming the field; the gateway words fastify's validation errors with it too. */
export function describeErrors (errors: ReadonlyArray<Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'message'>>, what: string): string {
  const e = errors[0]
  if (!e) return `${what} is invalid`
  const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const field = path ? `${what}.${path}` : what
  if (e.keyword === 'required') return `${field} must have required property '${(e.params as { missingProperty: string }).missingProperty}'`
  if (e.keyword === 'additionalProperties') return `${field} must not have property '${(e.params as { additionalProperty: string }).additionalProperty}'`
  return `${field} ${e.message ?? 'is invalid'}`
}
