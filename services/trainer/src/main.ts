import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { listOf, runService } from '@t2s/core'
import { createLlmClient } from '@t2s/core/llm'
import { buildTrainerApp } from './app.js'
import { TrainerEnv } from './config.js'
import { openTrainerDb } from './db.js'

await runService('trainer', TrainerEnv, async ({ config, log, nc, jobs, dataDir, stateDbPath }) => {
  const student = config.STUDENT_BASE_URL
    ? {
        // Only the LoRA routes are used: the model name is never sent.
        client: createLlmClient({ name: 'student', baseUrl: config.STUDENT_BASE_URL, apiKey: config.STUDENT_API_KEY || undefined, model: 'student', timeoutMs: 120_000, log }),
        pathPrefix: config.T2S_ADAPTER_PATH_PREFIX
      }
    : null
  return await buildTrainerApp({
    nc,
    jobs,
    db: openTrainerDb(stateDbPath),
    log,
    dataDir,
    roots: [dataDir, ...listOf(config.T2S_SOURCE_ROOTS)],
    command: {
      python: config.T2S_TRAINER_PYTHON,
      gpus: config.T2S_TRAINER_GPUS,
      accelerateConfig: config.T2S_TRAINER_ACCELERATE_CONFIG || undefined,
      trainerDir: config.T2S_TRAINER_DIR || undefined
    },
    defaultBaseModel: config.T2S_TRAINER_BASE_MODEL,
    stopGraceMs: config.T2S_TRAINER_STOP_GRACE_S * 1000,
    maxAttempts: config.T2S_TRAINER_MAX_ATTEMPTS,
    reward: rewardEndpoint(config, dataDir),
    ackWaitS: config.T2S_TRAINER_ACK_WAIT_S,
    student
  })
})

/** The gateway a GRPO run scores against: T2S_REWARD_URL/KEY, else this suite's own gateway and key. */
function rewardEndpoint (config: { T2S_REWARD_URL: string, T2S_REWARD_API_KEY: string }, dataDir: string): { url: string, apiKey: string } {
  const url = config.T2S_REWARD_URL || `http://127.0.0.1:${process.env.PORT || 8080}`
  const keyFile = join(dataDir, 'api-key')
  const apiKey = config.T2S_REWARD_API_KEY || listOf(process.env.T2S_API_KEYS ?? '')[0] || (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '')
  return { url, apiKey }
}
