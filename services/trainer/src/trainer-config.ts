import { isAbsolute, join } from 'node:path'
import type { Hyperparameters, TrainingMethod } from '@t2s/core/contracts/training'
import { badRequest } from '@t2s/core/errors'

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
    // The compiled step (trainer-gpu BENCHMARKS.md: 2.5x the plain PEFT loop on the 8B shape); the
    // trainer itself keeps qlora and FSDP runs eager and falls back to eager if compilation fails.
    compile: true,
    ...r.hyperparameters,
    // A redelivered job continues from the newest complete checkpoint in output_dir.
    resume: 'auto'
  }
}

export function absolute (config: Record<string, unknown>, dataDir: string): Record<string, unknown> {
  const abs = (p: string) => isAbsolute(p) ? p : join(dataDir, p)
  return { ...config, train_files: (config.train_files as string[]).map(abs), output_dir: abs(config.output_dir as string) }
}

/** Checks the trainer would refuse late (after minutes of model loading), answered at once instead. */
export function checkBatch (h: Hyperparameters, gpus: number): void {
  const perDevice = h.per_device_batch_size ?? 1
  const global = h.global_batch_size ?? 8
  if (global % (perDevice * gpus) !== 0) {
    throw badRequest(`hyperparameters.global_batch_size (${global}) must be a multiple of per_device_batch_size (${perDevice}) × ${gpus} GPU(s)`)
  }
}
