import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Type } from 'typebox'
import { envSchema } from '@t2s/core'

/** The trainer-gpu folder of this repository, where `t2s_trainer` lives when it is not installed. */
const REPO_TRAINER_DIR = fileURLToPath(new URL('../../../trainer-gpu', import.meta.url))

export const TrainerEnv = envSchema({
  T2S_TRAINER_PYTHON: Type.String({ default: 'python3', description: 'Interpreter that runs `-m t2s_trainer sft` (torch, transformers, peft, accelerate)' }),
  T2S_TRAINER_GPUS: Type.Integer({ minimum: 1, maximum: 64, default: 1, description: 'GPUs per run; more than 1 launches through `accelerate launch --num_processes N`' }),
  T2S_TRAINER_ACCELERATE_CONFIG: Type.String({ default: '', description: 'accelerate config file (DDP/FSDP) for multi-GPU runs; default plain --multi_gpu' }),
  T2S_TRAINER_DIR: Type.String({ default: existsSync(REPO_TRAINER_DIR) ? REPO_TRAINER_DIR : '', description: 'Folder put first on PYTHONPATH so `t2s_trainer` is found; empty when it is installed' }),
  T2S_TRAINER_BASE_MODEL: Type.String({ default: 'meta-llama/Llama-3.1-8B-Instruct', description: 'base_model of a request that names none' }),
  T2S_TRAINER_STOP_GRACE_S: Type.Integer({ minimum: 1, default: 600, description: 'After SIGTERM (cancel, shutdown), how long the trainer may take to checkpoint before SIGKILL' }),
  T2S_TRAINER_ACK_WAIT_S: Type.Integer({ minimum: 2, default: 30, description: 'How soon a job of a crashed trainer service is handed to another (or restarted) one' }),
  T2S_TRAINER_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 5, description: 'Trainer starts per job before a crashing run is given up' }),
  STUDENT_BASE_URL: Type.String({ default: '', description: "The student vLLM's OpenAI base URL (…/v1), where finished adapters are loaded; empty: only report the folder" }),
  STUDENT_API_KEY: Type.String({ default: '', description: 'vLLM --api-key of the student server' }),
  T2S_REWARD_URL: Type.String({ default: '', description: 'Base URL of the gateway a GRPO run calls POST /v1/rewards on; default http://127.0.0.1:$PORT (8080)' }),
  T2S_REWARD_API_KEY: Type.String({ default: '', description: 'Bearer key of that gateway for GRPO runs; default the first of T2S_API_KEYS, else DATA_DIR/api-key' }),
  T2S_ADAPTER_PATH_PREFIX: Type.String({ default: '', description: 'DATA_DIR as the student vLLM sees it (its mount of the shared volume); default: the same path' })
})
