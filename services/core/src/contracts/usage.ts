import { Type, type Static } from 'typebox'

export const USAGE_VERBS = { usage: 'disk_usage', evaluations: 'evaluation_usage' } as const

const Item = Type.Object({ id: Type.String(), bytes: Type.Integer() }, { additionalProperties: false })

export const UsageKindSchema = Type.Object({
  kind: Type.Union([
    Type.Literal('datasets'), Type.Literal('adapters'), Type.Literal('models'), Type.Literal('training_runs'),
    Type.Literal('downloads'), Type.Literal('evaluations'), Type.Literal('state_dbs'), Type.Literal('nats_store')
  ]),
  bytes: Type.Integer(),
  items: Type.Array(Item, { description: 'Largest first, at most 100' }),
  note: Type.Union([Type.String(), Type.Null()], { description: 'Why the figure is missing or partial' })
}, { additionalProperties: false })

export const UsageSchema = Type.Object({
  data_dir: Type.Object({
    free_bytes: Type.Union([Type.Integer(), Type.Null()], { description: 'Free space of the file system that holds DATA_DIR' }),
    total_bytes: Type.Union([Type.Integer(), Type.Null()]),
    min_free_bytes: Type.Integer({ description: 'T2S_MIN_FREE_MB: below it readiness warns and jobs that write refuse to start' }),
    low: Type.Boolean({ description: 'free_bytes is below min_free_bytes' })
  }, { additionalProperties: false }),
  kinds: Type.Array(UsageKindSchema),
  total_bytes: Type.Integer({ description: 'Sum of the kinds (evaluations are rows inside the evaluator state DB: counted there, shown apart)' })
}, { additionalProperties: false })
export type Usage = Static<typeof UsageSchema>
export type UsageKind = Static<typeof UsageKindSchema>
