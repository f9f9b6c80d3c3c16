import { Ajv } from 'ajv'
import { Type, type Static, type TObject, type TProperties } from 'typebox'

/**
 * Environment variables every process reads. Each process extends this with its own
 * and validates the result at start: a bad or missing variable stops it with a message
 * naming the variable.
 */
export const BaseEnv = {
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222', description: 'NATS server URL(s), comma-separated' }),
  DATA_DIR: Type.String({ default: './data', description: 'Root of all state: sources, artifacts, service databases' }),
  LOG_LEVEL: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info' }),
  LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], { default: 'auto', description: 'auto: one readable line per entry on a terminal, JSON otherwise' }),
  T2S_SOURCE_ROOTS: Type.String({ default: '', description: 'Extra folders (comma-separated) that source paths may point into' }),
  T2S_MIN_FREE_MB: Type.Number({ minimum: 0, default: 100, description: 'Free space of DATA_DIR (MB) under which readiness warns and new jobs fail at once instead of starting (lifecycle/usage.ts)' }),
  T2S_JOB_RETENTION_DAYS: Type.Number({ minimum: 0, default: 30, description: 'Days an ended job\'s record and events are kept; 0 keeps them (lifecycle/retention.ts)' }),
  T2S_NATS_REPLICAS: Type.Integer({ minimum: 1, maximum: 5, default: 1, description: 'Replicas of the JetStream streams and the jobs KV bucket: 3 on a 3-node NATS cluster, so losing one node loses no job or work message' })
}

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false })

export function envSchema<P extends TProperties> (props: P): TObject<typeof BaseEnv & P> {
  return Type.Object({ ...BaseEnv, ...props }) as TObject<typeof BaseEnv & P>
}

/** Validates `env` against `schema`, applying defaults; throws ConfigError naming each bad variable. */
export function loadConfig<T extends TObject> (schema: T, env: NodeJS.ProcessEnv = process.env): Static<T> {
  const keys = Object.keys(schema.properties)
  const picked: Record<string, unknown> = {}
  for (const key of keys) {
    // An empty variable means "unset", as shells and compose files write it.
    if (env[key] !== undefined && env[key] !== '') picked[key] = env[key]
  }
  const validate = ajv.compile(schema)
  if (!validate(picked)) {
    const problems = (validate.errors ?? []).map((e) => {
      const name = e.instancePath.replace(/^\//, '') || (e.params as { missingProperty?: string }).missingProperty || '?'
      return `${name}: ${e.message ?? 'invalid'}`
    })
    throw new ConfigError(`invalid configuration: ${[...new Set(problems)].join('; ')}`)
  }
  return picked as Static<T>
}

/** Splits a comma-separated variable into trimmed, non-empty parts. */
export function listOf (value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)
}
