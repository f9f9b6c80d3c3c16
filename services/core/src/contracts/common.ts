import { Type, type Static } from 'typebox'

/** RFC 9457 problem details: every error the API returns has this shape. */
export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'A URI naming the kind of problem' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String({ description: 'What went wrong, naming the field or item at fault' }),
  instance: Type.Optional(Type.String())
}, { $id: 'Problem', additionalProperties: false })
export type Problem = Static<typeof ProblemSchema>

export const JobStatusSchema = Type.Union([
  Type.Literal('queued'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')
])
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled']

export const ProgressSchema = Type.Object({
  done: Type.Integer({ minimum: 0 }),
  total: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  unit: Type.String({ description: 'What is counted: items, questions, steps, bytes' })
}, { additionalProperties: false })
export type Progress = Static<typeof ProgressSchema>

export const JobRecordSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'Job kind, e.g. dataset.sft, evaluation.run' }),
  service: Type.String(),
  status: JobStatusSchema,
  progress: ProgressSchema,
  resource: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }, { additionalProperties: false }), Type.Null()]),
  result: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  params: Type.Record(Type.String(), Type.Unknown(), { description: 'What the job was asked to do' }),
  attempts: Type.Integer({ minimum: 0, description: 'How many times a worker started it' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  started_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
}, { $id: 'Job', additionalProperties: false })
export type JobRecord = Static<typeof JobRecordSchema>

/** What every long operation answers with 202. */
export const AcceptedSchema = Type.Object({
  id: Type.String({ description: 'Id of the resource being built' }),
  job_id: Type.String({ description: 'Id of the job building it: follow it at /v1/jobs/{job_id}' }),
  status: JobStatusSchema
}, { additionalProperties: false })
export type Accepted = Static<typeof AcceptedSchema>

export const PageQuerySchema = Type.Object({
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 })
}, { additionalProperties: false })

export const IdParamsSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' })
}, { additionalProperties: false })
