import { Ajv, type ErrorObject, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { TSchema, Static } from 'typebox'
import { ServiceError } from '../errors.js'

/**
 * The one Ajv configuration of the suite: the gateway's HTTP validation (fastify's
 * `ajv.customOptions`) and every service's NATS validation use it, so a payload is judged
 * the same at the edge and behind it. Unknown fields are refused (a 400 naming them), never
 * dropped: a misspelled option must not be ignored silently. Query strings need `'array'`
 * coercion; JSON payloads already carry their types. allErrors stays off (a DoS vector).
 */
export const AJV_OPTIONS: Options = { removeAdditional: false, useDefaults: true, coerceTypes: 'array', allErrors: false, strict: false, discriminator: true }

const ajv = new Ajv(AJV_OPTIONS)
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
  if (e.keyword === 'const' || e.keyword === 'enum') {
    // A union of literals fails once per branch, all at the same place: name every allowed value.
    const allowed = errors.filter((x) => x.instancePath === e.instancePath).flatMap((x) =>
      x.keyword === 'const' ? [x.params.allowedValue] : x.keyword === 'enum' ? x.params.allowedValues as unknown[] : [])
    const names = [...new Set(allowed.map((v) => JSON.stringify(v)))]
    return names.length === 1 ? `${field} must be ${names[0]}` : `${field} must be one of ${names.join(', ')}`
  }
  if (e.keyword === 'discriminator') {
    // A tagged union (dataset kinds, training methods): name the tag, not ajv's "oneOf".
    const { tag, tagValue } = e.params as { tag: string, tagValue: unknown }
    const at = `${field}.${tag}`
    return tagValue === undefined ? `${field} must have required property '${tag}'` : `${at} ${JSON.stringify(tagValue)} is not a known ${tag}`
  }
  return `${field} ${e.message ?? 'is invalid'}`
}
