import { isAbsolute, join } from 'node:path'
import type { GrpoHyperparameters, Hyperparameters, TrainingMethod } from '@t2s/core/contracts'
import { badRequest } from '@t2s/core'

/** Where one training job keeps its files, relative to DATA_DIR. */
export const runDir = (trainingId: string) => join('trainer', 'runs', trainingId)
const outputDir = (trainingId: string) => join(runDir(trainingId), 'out')

/**
 * The trainer's configuration file (an `SFTConfig` of trainer-gpu) for a request, with
 * paths relative to DATA_DIR as the record shows it; `absolute` turns it into the file
 * the trainer reads. Only the trainer's own setting names appear: it refuses unknown ones.
 */
export function trainerConfig (r: { trainingId: string, trainFile: string, baseModel: string, method: TrainingMethod, hyperparameters: Hyperparameters }): Record<string, unknown> {
  return {
    model: r.baseModel,
    train_files: [r.trainFile],
    output_dir: outputDir(r.trainingId),
    method: r.method,
    // The compiled step: 2.55x the plain PEFT loop on the Llama-3.1-8B shape (1.28x eager) and no
    // further from an fp32 run than eager is (trainer-gpu BENCHMARKS.md, "Loss parity"). The trainer
    // skips it where it is not verified (qlora, FSDP2) and falls back to eager if compilation fails.
    // Written out so that the service's choice is on record.
    compile: true,
    ...r.hyperparameters,
    // A redelivered job continues from the newest complete checkpoint in output_dir.
    resume: 'auto'
  }
}

/**
 * A GRPO run's configuration (a `GRPOConfig` of trainer-gpu): the prompt file the service wrote,
 * the reward endpoint and source, the request's `grpo` settings under the trainer's names. The
 * reward API key is not in it (the record shows the config): the run gets it in its environment.
 */
export function grpoTrainerConfig (r: { trainingId: string, promptsFile: string, baseModel: string, grpo: GrpoHyperparameters, rewardUrl: string, rewardSource: string, initAdapter: string | null }): Record<string, unknown> {
  const { reward, init_adapter: _init, ...rest } = r.grpo
  const weights = Object.fromEntries(Object.entries(reward ?? {}).map(([k, v]) => [`reward_${k}`, v]))
  return {
    model: r.baseModel,
    train_files: [r.promptsFile],
    output_dir: outputDir(r.trainingId),
    ...(r.initAdapter === null ? {} : { init_adapter: r.initAdapter }),
    reward_url: r.rewardUrl,
    reward_source: r.rewardSource,
    ...weights,
    ...rest,
    resume: 'auto'
  }
}

/** Checks of the GRPO settings that span fields, answered before any file is written. */
export function checkGrpo (dataset: string, g: GrpoHyperparameters): void {
  if (!dataset.startsWith('ds_')) throw badRequest(`dataset "${dataset}": GRPO trains on the prompts of an SFT dataset (ds_…), whose answers are the gold SQL of source questions`)
  const items = (g.prompts_per_step ?? 8) * (g.group_size ?? 8)
  if (items > 512) throw badRequest(`grpo.prompts_per_step × grpo.group_size is ${items}: one reward request takes at most 512 completions`)
}

export function absolute (config: Record<string, unknown>, dataDir: string): Record<string, unknown> {
  const abs = (p: string) => isAbsolute(p) ? p : join(dataDir, p)
  const out: Record<string, unknown> = { ...config, train_files: (config.train_files as string[]).map(abs), output_dir: abs(config.output_dir as string) }
  if (typeof config.init_adapter === 'string') out.init_adapter = abs(config.init_adapter)
  return out
}

/** Checks the trainer would refuse late (after minutes of model loading), answered at once instead. */
export function checkBatch (h: Hyperparameters, gpus: number): void {
  const perDevice = h.per_device_batch_size ?? 1
  const global = h.global_batch_size ?? 8
  if (global % (perDevice * gpus) !== 0) {
    throw badRequest(`hyperparameters.global_batch_size (${global}) must be a multiple of per_device_batch_size (${perDevice}) × ${gpus} GPU(s)`)
  }
}
