import { Type, type Static } from 'typebox'
import { CotDatasetBodySchema, SftDatasetBodySchema } from './datasets.js'
import { DownloadSourceBodySchema } from './downloads.js'
import { EvaluationOptionsSchema } from './evaluations.js'
import { ServerNameSchema } from './model-servers.js'
import { CreateTrainingJobBodySchema } from './training.js'

/**
 * Job kinds and the params each one carries in its job record. A job's params are checked
 * against its kind's schema once, when a worker takes it up (jobs/worker.ts): a job with params
 * its kind cannot read (an old record, one written onto the bus by hand) fails at once naming
 * the field, and the kind's code receives them typed (`ctx.params`), with no casts.
 */
export const JOB_KINDS = {
  sftDataset: 'dataset.sft',
  cotDataset: 'dataset.cot',
  download: 'dataset.download',
  evaluation: 'evaluation.run',
  training: 'training.sft'
} as const

/** What every dataset job adds to its request: the record it builds and the resolved source. */
const DatasetJobIds = {
  dataset_id: Type.String({ minLength: 1 }),
  source_id: Type.String({ minLength: 1 })
}

/** `dataset.sft`: the SFT request with defaults filled in (no idempotency key), plus the ids. */
export const SftJobParamsSchema = Type.Object({
  ...SftDatasetBodySchema.properties,
  ...DatasetJobIds
}, { additionalProperties: false })
export type SftJobParams = Static<typeof SftJobParamsSchema>

/** `dataset.cot`: the CoT request, its teacher resolved to a model (and the server asked), plus the ids. */
export const CotJobParamsSchema = Type.Object({
  ...CotDatasetBodySchema.properties,
  teacher: Type.Object({
    server: Type.Optional(ServerNameSchema),
    model: Type.String({ minLength: 1 }),
    temperature: Type.Number({ minimum: 0, maximum: 2 }),
    max_tokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 32768 }))
  }, { additionalProperties: false }),
  ...DatasetJobIds
}, { additionalProperties: false })
export type CotJobParams = Static<typeof CotJobParamsSchema>

/** `dataset.download`: the download request as it was accepted. */
export const DownloadJobParamsSchema = DownloadSourceBodySchema
export type DownloadJobParams = Static<typeof DownloadJobParamsSchema>

/**
 * `evaluation.run`: which evaluation it scores (its options are in the evaluator's own row;
 * they are repeated here so the job list shows what was asked), the model (null: a
 * predictions file) and the server asked.
 */
export const EvaluationJobParamsSchema = Type.Object({
  evaluation_id: Type.String({ minLength: 1 }),
  source: Type.String({ minLength: 1 }),
  model: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  server: Type.Optional(ServerNameSchema),
  questions: Type.Integer({ minimum: 0, description: 'Questions planned' }),
  ...EvaluationOptionsSchema
}, { additionalProperties: false })
export type EvaluationJobParams = Static<typeof EvaluationJobParamsSchema>

/** `training.sft` (every method, GRPO included): the run's configuration is in the trainer's own row. */
export const TrainingJobParamsSchema = Type.Object({
  training_id: Type.String({ minLength: 1 }),
  dataset: CreateTrainingJobBodySchema.properties.dataset,
  adapter_name: Type.String({ minLength: 1 }),
  method: CreateTrainingJobBodySchema.properties.method
}, { additionalProperties: false })
export type TrainingJobParams = Static<typeof TrainingJobParamsSchema>
