import { Type, type Static, type TOptional } from 'typebox'
import { JobStatusSchema } from './common.js'

/** The trainer service's verbs (`t2s.trainer.<verb>`). */
export const TRAINING_VERBS = { create: 'create_training_job', list: 'list_training_jobs', get: 'get_training_job', lossSvg: 'training_loss_svg', delete: 'delete_training_job' } as const

/**
 * Training jobs (the trainer service). Hyper-parameters left out take the trainer's
 * defaults, which are the recipe's (docs/recipe-formats.md §5): LoRA r 256, alpha 128, dropout
 * 0.05, all linear layers, lr 2e-4 constant with warm-up 0.03, max_grad_norm 0.3, 3 epochs,
 * max length 4096, packing; full fine-tuning lr 5e-6 cosine, warm-up 0.1.
 */
export const TRAINING_METHODS = ['lora', 'qlora', 'full', 'grpo'] as const
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

const Opt = Type.Optional
/**
 * GRPO's own settings (method "grpo": reinforcement learning with the reward API's execution
 * reward on the prompts of an SFT dataset, LoRA on the policy). Left out: the trainer's defaults,
 * given here in each description.
 */
export const GrpoHyperparametersSchema = Type.Object({
  max_steps: Opt(Type.Integer({ minimum: 1, maximum: 100_000, description: 'Optimizer steps, each on fresh rollouts (default 100)' })),
  group_size: Opt(Type.Integer({ minimum: 2, maximum: 64, description: 'Completions sampled per prompt, G (default 8)' })),
  prompts_per_step: Opt(Type.Integer({ minimum: 1, maximum: 256, description: 'Prompts per step; prompts_per_step × group_size ≤ 512 (default 8)' })),
  temperature: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 2, description: 'Sampling temperature of the rollouts (default 1.0)' })),
  top_p: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Nucleus sampling (default 1.0: off)' })),
  max_completion_tokens: Opt(Type.Integer({ minimum: 1, maximum: 32_768, description: 'Tokens per completion at most (default 512)' })),
  max_prompt_tokens: Opt(Type.Integer({ minimum: 16, maximum: 131_072, description: 'Longer prompts are skipped (default 4096)' })),
  clip_eps_low: Opt(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'Lower clip of the ratio, 1 − eps (default 0.2)' })),
  clip_eps_high: Opt(Type.Number({ minimum: 0, maximum: 10, description: 'Upper clip of the ratio, 1 + eps (default 0.28, DAPO clip-higher)' })),
  kl_coef: Opt(Type.Number({ minimum: 0, maximum: 10, description: 'KL penalty towards the reference (the model with the adapter off); 0 skips it (default 0)' })),
  loss_norm: Opt(Type.Union([Type.Literal('token'), Type.Literal('sequence')], { description: 'token: every completion token weighs the same (default); sequence: per-completion means' })),
  scale_rewards: Opt(Type.Boolean({ description: "Divide advantages by the group's reward std (default true)" })),
  updates_per_step: Opt(Type.Integer({ minimum: 1, maximum: 16, description: 'Optimizer updates per batch of rollouts, mu (default 1)' })),
  reward: Opt(Type.Object({
    correct: Opt(Type.Number({ minimum: -100, maximum: 100, description: 'default 1' })),
    executable: Opt(Type.Number({ minimum: -100, maximum: 100, description: 'default 0.1' })),
    error: Opt(Type.Number({ minimum: -100, maximum: 100, description: 'default 0' })),
    format: Opt(Type.Number({ minimum: -100, maximum: 100, description: 'default 0' }))
  }, { additionalProperties: false, description: "Reward weights sent to POST /v1/rewards (Arctic-Text2SQL-R1's 1 / 0.1 / 0 by default)" })),
  reward_extraction: Opt(Type.Union([Type.Literal('robust'), Type.Literal('cookbook')], { description: 'How the reward API finds the SQL (default robust)' })),
  reward_timeout_s: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 60, description: 'SQL time limit per item on the reward side (default 30)' })),
  init_adapter: Opt(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Warm start from this published adapter (DATA_DIR/artifacts/adapters/<name>, e.g. an SFT run of the same base model); default: a fresh adapter' })),
  learning_rate: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Constant learning rate (default 1e-5)' })),
  max_grad_norm: Opt(Type.Number({ minimum: 0, description: 'default 1.0' })),
  weight_decay: Opt(Type.Number({ minimum: 0, description: 'default 0' })),
  lora_r: Opt(Type.Integer({ minimum: 1, maximum: 1024, description: 'Fresh adapter only (default 16)' })),
  lora_alpha: Opt(Type.Number({ exclusiveMinimum: 0, description: 'Fresh adapter only (default 32)' })),
  lora_dropout: Opt(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'default 0' })),
  lora_target_modules: HyperparametersSchema.properties.lora_target_modules,
  micro_batch_size: Opt(Type.Integer({ minimum: 1, maximum: 512, description: 'Completions per forward/backward (default 8)' })),
  rollout_batch_size: Opt(Type.Integer({ minimum: 1, maximum: 512, description: 'Completions generated together (default 64)' })),
  gradient_checkpointing: Opt(Type.Boolean({ description: 'default true' })),
  deterministic: Opt(Type.Boolean({ description: 'Deterministic GPU kernels: a job resumed after a crash samples the same completions as an uninterrupted run, bit for bit (default false: attention rounding may differ after a resume)' })),
  seed: Opt(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'Prompt order, LoRA init and sampling (default 42)' })),
  logging_steps: Opt(Type.Integer({ minimum: 1, maximum: 10000 })),
  save_steps: Opt(Type.Integer({ minimum: 0, description: 'Checkpoint every N steps (default 10; 0 = only on cancel)' })),
  save_total_limit: Opt(Type.Integer({ minimum: 1, maximum: 100 }))
}, { additionalProperties: false })
export type GrpoHyperparameters = Static<typeof GrpoHyperparametersSchema>

export const CreateTrainingJobBodySchema = Type.Object({
  dataset: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$', description: 'Dataset id: ds_… (SFT) or cot_… (chain of thought); its train split is used', examples: ['ds_m1abc0123456789ab'] }),
  base_model: Type.Optional(Type.String({ minLength: 1, maxLength: 512, pattern: '^[^\\s\\x00]+$', description: 'Hugging Face hub id, or an absolute folder inside DATA_DIR or T2S_SOURCE_ROOTS; default T2S_TRAINER_BASE_MODEL (meta-llama/Llama-3.1-8B-Instruct)', examples: ['meta-llama/Llama-3.1-8B-Instruct'] })),
  method: Type.Union([Type.Literal('lora'), Type.Literal('qlora'), Type.Literal('full'), Type.Literal('grpo')], { default: 'lora', description: 'Supervised: lora, qlora (needs bitsandbytes in the trainer image), full. Reinforcement learning: grpo (LoRA, rewards from POST /v1/rewards on the prompts of an SFT dataset; settings in `grpo`)' }),
  hyperparameters: HyperparametersSchema,
  grpo: Type.Optional(GrpoHyperparametersSchema),
  adapter_name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Served name of the result on the student vLLM and its folder under DATA_DIR/artifacts; default: the training job id' }))
}, { additionalProperties: false })
export type CreateTrainingJobBody = Static<typeof CreateTrainingJobBodySchema>

const Num = Type.Union([Type.Number(), Type.Null()])

/** What a GRPO step logs beyond an SFT step's fields (trainer-gpu grpo.py's log event). */
export const GRPO_METRICS = ['reward_mean', 'reward_std', 'accuracy', 'zero_std_groups', 'kl', 'clip_fraction', 'completion_len', 'rollout_tokens_per_s', 'train_tokens_per_s'] as const
export type GrpoMetric = typeof GRPO_METRICS[number]

export const LossPointSchema = Type.Object({
  step: Type.Integer(),
  epoch: Num,
  loss: Num,
  lr: Num,
  grad_norm: Num,
  tokens_per_s: Num,
  gpu_mem_gb: Num,
  time: Type.String({ format: 'date-time' }),
  ...Object.fromEntries(GRPO_METRICS.map((k) => [k, Type.Optional(Num)])) as Record<GrpoMetric, TOptional<typeof Num>>
}, { additionalProperties: false, description: 'One logged step; GRPO steps add reward_mean, reward_std, accuracy (EX share of the rollouts), zero_std_groups, kl, clip_fraction, completion_len, rollout_tokens_per_s, train_tokens_per_s' })
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
