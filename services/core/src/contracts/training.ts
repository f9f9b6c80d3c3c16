import { Type, type Static } from 'typebox'
import { JobStatusSchema } from './common.js'

/** The trainer service's verbs (`t2s.trainer.<verb>`). */
export const TRAINING_VERBS = { create: 'create_training_job', list: 'list_training_jobs', get: 'get_training_job', lossSvg: 'training_loss_svg' } as const

/**
 * Training jobs (the trainer service). Hyper-parameters left out take the trainer's
 * defaults, which are the recipe's (seed-recipe §4.1): LoRA r 256, alpha 128, dropout
 * 0.05, all linear layers, lr 2e-4 constant with warm-up 0.03, max_grad_norm 0.3, 3 epochs,
 * max length 4096, packing; full fine-tuning lr 5e-6 cosine, warm-up 0.1.
 */
export const TRAINING_METHODS = ['lora', 'qlora', 'full'] as const
export type TrainingMethod = typeof TRAINING_METHODS[number]

export const HyperparametersSchema = Type.Object({
  num_epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Epochs over the packed rows (default 3)' })),
  max_steps: Type.Optional(Type.Integer({ minimum: 1, description: 'Stop after this many optimizer steps (overrides num_epochs)' })),
  learning_rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Peak learning rate (default 2e-4 lora/qlora, 5e-6 full)' })),
  lr_scheduler: Type.Optional(Type.Union([Type.Literal('constant'), Type.Literal('constant_with_warmup'), Type.Literal('cosine'), Type.Literal('linear')])),
  warmup_ratio: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
  max_grad_norm: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  weight_decay: Type.Optional(Type.Number({ minimum: 0 })),
  lora_r: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
  lora_alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  lora_dropout: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
  lora_target_modules: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' }), { minItems: 1, maxItems: 32, description: "Module names, or ['all-linear'] (default)" })),
  per_device_batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
  global_batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096, description: 'Rows per optimizer step over all GPUs (default 8); a multiple of per_device_batch_size × GPUs' })),
  max_length: Type.Optional(Type.Integer({ minimum: 64, maximum: 131072, description: 'Tokens per example and per packed row (default 4096)' })),
  truncate: Type.Optional(Type.Boolean({ description: 'Cut over-length examples instead of skipping them (default false)' })),
  packing: Type.Optional(Type.Boolean({ description: 'Pack examples into rows without cross-example attention (default true)' })),
  loss_on: Type.Optional(Type.Union([Type.Literal('assistant'), Type.Literal('all')], { description: "assistant: answer tokens only (default); all: the whole conversation, as the recipe's" })),
  gradient_checkpointing: Type.Optional(Type.Boolean({ description: 'Recompute activations in backward (default true)' })),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
  logging_steps: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  save_steps: Type.Optional(Type.Integer({ minimum: 0, description: 'Checkpoint every N steps (default 50; 0 = only on cancel)' })),
  save_total_limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 }))
}, { additionalProperties: false, default: {} })
export type Hyperparameters = Static<typeof HyperparametersSchema>

export const CreateTrainingJobBodySchema = Type.Object({
  dataset: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$', description: 'Dataset id: ds_… (SFT) or cot_… (chain of thought); its train split is used', examples: ['ds_m1abc0123456789ab'] }),
  base_model: Type.Optional(Type.String({ minLength: 1, maxLength: 512, pattern: '^[^\\s\\x00]+$', description: 'Hugging Face hub id, or an absolute folder inside DATA_DIR or T2S_SOURCE_ROOTS; default T2S_TRAINER_BASE_MODEL (meta-llama/Llama-3.1-8B-Instruct)', examples: ['meta-llama/Llama-3.1-8B-Instruct'] })),
  method: Type.Union([Type.Literal('lora'), Type.Literal('qlora'), Type.Literal('full')], { default: 'lora', description: 'qlora needs bitsandbytes in the trainer image' }),
  hyperparameters: HyperparametersSchema,
  adapter_name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Served name of the result on the student vLLM and its folder under DATA_DIR/artifacts; default: the training job id' }))
}, { additionalProperties: false })
export type CreateTrainingJobBody = Static<typeof CreateTrainingJobBodySchema>

const Num = Type.Union([Type.Number(), Type.Null()])

export const LossPointSchema = Type.Object({
  step: Type.Integer(),
  epoch: Num,
  loss: Num,
  lr: Num,
  grad_norm: Num,
  tokens_per_s: Num,
  gpu_mem_gb: Num,
  time: Type.String({ format: 'date-time' })
}, { additionalProperties: false })
export type LossPoint = Static<typeof LossPointSchema>

export const TrainingJobSchema = Type.Object({
  id: Type.String(),
  job_id: Type.String(),
  status: JobStatusSchema,
  adapter_name: Type.String(),
  dataset: Type.String(),
  base_model: Type.String(),
  method: Type.String(),
  hyperparameters: Type.Record(Type.String(), Type.Unknown(), { description: 'As requested; what is left out takes the trainer default' }),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'The trainer configuration file of the run (paths relative to DATA_DIR)' }),
  progress: Type.Object({
    step: Type.Integer(),
    total_steps: Type.Union([Type.Integer(), Type.Null()]),
    epoch: Num
  }, { additionalProperties: false }),
  loss: Type.Array(LossPointSchema, { description: 'The logged optimizer steps, at most 1,000 of them evenly spread (the first and last always in); a resumed run replaces the steps after its checkpoint' }),
  loss_points: Type.Integer({ description: 'How many steps were logged in all' }),
  throughput: Type.Union([Type.Object({
    tokens_per_s_mean: Num,
    tokens_per_s_last: Num,
    gpu_mem_gb_peak: Num,
    world_size: Type.Union([Type.Integer(), Type.Null()])
  }, { additionalProperties: false }), Type.Null()]),
  run: Type.Object({
    attempts: Type.Integer({ description: 'Trainer processes started for this job' }),
    resumed_from_step: Type.Union([Type.Integer(), Type.Null()], { description: 'Checkpoint step the latest trainer process resumed from' }),
    checkpoint_step: Type.Union([Type.Integer(), Type.Null()], { description: 'Step of the latest complete checkpoint' }),
    stopped: Type.Union([Type.String(), Type.Null()], { description: 'How the latest trainer process ended: done, error, cancelled, killed, …' }),
    info: Type.Record(Type.String(), Type.Unknown(), { description: 'What the trainer reported at start: examples, rows, trainable parameters, steps per epoch…' })
  }, { additionalProperties: false }),
  artifacts: Type.Object({
    kind: Type.Union([Type.Literal('adapter'), Type.Literal('model'), Type.Null()]),
    path: Type.Union([Type.String(), Type.Null()], { description: 'The published folder, relative to DATA_DIR' }),
    files: Type.Record(Type.String(), Type.Object({ bytes: Type.Integer(), sha256: Type.String() }, { additionalProperties: false })),
    loaded: Type.Union([Type.Object({
      server: Type.String(),
      lora_name: Type.String(),
      lora_path: Type.String(),
      message: Type.String()
    }, { additionalProperties: false }), Type.Null()], { description: 'Set once the student vLLM accepted the adapter (POST /v1/load_lora_adapter)' }),
    note: Type.Union([Type.String(), Type.Null()], { description: 'Why the result was not announced, when it was not' })
  }, { additionalProperties: false }),
  manifest: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'What produced the result: dataset file digest, base model, method, configuration, trainer' }),
  error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  started_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
}, { $id: 'TrainingJob', additionalProperties: false })
export type TrainingJob = Static<typeof TrainingJobSchema>

export const TrainingJobSummarySchema = Type.Object({
  id: TrainingJobSchema.properties.id,
  job_id: TrainingJobSchema.properties.job_id,
  status: TrainingJobSchema.properties.status,
  adapter_name: TrainingJobSchema.properties.adapter_name,
  dataset: TrainingJobSchema.properties.dataset,
  base_model: TrainingJobSchema.properties.base_model,
  method: TrainingJobSchema.properties.method,
  step: Type.Integer(),
  total_steps: Type.Union([Type.Integer(), Type.Null()]),
  last_loss: Num,
  created_at: TrainingJobSchema.properties.created_at,
  finished_at: TrainingJobSchema.properties.finished_at
}, { additionalProperties: false })

export const TrainingJobListSchema = Type.Object({
  items: Type.Array(TrainingJobSummarySchema),
  total: Type.Integer()
}, { additionalProperties: false })
