import { delimiter } from 'node:path'

export interface CommandOptions {
  /** T2S_TRAINER_PYTHON: the interpreter (or anything that takes its arguments). */
  python: string
  /** T2S_TRAINER_GPUS: more than one goes through `accelerate launch`. */
  gpus: number
  /** T2S_TRAINER_ACCELERATE_CONFIG: an accelerate config file (DDP/FSDP) for multi-GPU runs. */
  accelerateConfig?: string
  /** Folder holding the t2s_trainer package, put first on PYTHONPATH ('' = installed in the interpreter). */
  trainerDir?: string
}

/**
 * The command line of one training run. Several GPUs go through accelerate's launcher run
 * by the same interpreter (`python -m accelerate.commands.launch` is `accelerate launch`),
 * so both paths use exactly the packages of T2S_TRAINER_PYTHON. Without a config file,
 * `--multi_gpu` is needed: `--num_processes` alone makes accelerate start one process.
 */
export function trainerCommand (opts: CommandOptions, configFile: string, command: 'sft' | 'grpo' = 'sft'): { file: string, args: string[] } {
  const sft = ['-m', 't2s_trainer', command, '--config', configFile]
  // GRPO runs on one GPU (its rollouts and updates share the one policy): no launcher.
  if (opts.gpus <= 1 || command === 'grpo') return { file: opts.python, args: sft }
  const launch = ['-m', 'accelerate.commands.launch', '--num_processes', String(opts.gpus), '--num_machines', '1']
  // The trainer runs its own bf16 autocast; accelerate must not add another layer of it.
  if (opts.accelerateConfig) launch.push('--config_file', opts.accelerateConfig)
  else launch.push('--multi_gpu', '--mixed_precision', 'no', '--dynamo_backend', 'no')
  return { file: opts.python, args: [...launch, ...sft] }
}

/** Variables the trainer must never see: the API's own keys and LLM endpoint keys. */
const SECRET_VARS = ['T2S_API_KEYS', 'STUDENT_API_KEY', 'TEACHER_API_KEY']

export function trainerEnv (base: NodeJS.ProcessEnv, trainerDir: string | undefined, rewardApiKey?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, PYTHONUNBUFFERED: '1' }
  for (const k of SECRET_VARS) delete env[k]
  // A GRPO run gets the one key it calls the reward API with, never the key list.
  delete env.T2S_REWARD_API_KEY
  if (rewardApiKey) env.T2S_REWARD_API_KEY = rewardApiKey
  if (trainerDir) env.PYTHONPATH = [trainerDir, base.PYTHONPATH].filter(Boolean).join(delimiter)
  return env
}
