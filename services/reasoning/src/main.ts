import { Type } from 'typebox'
import { envSchema, runService } from '@t2s/core'
import { envServer, registeredServerClients, ModelServerRegistry, openModelServersBucket } from '@t2s/core/models'
import { SANDBOX_ENV, startSandbox } from '@t2s/core/sql'
import { buildReasoningApp } from './app.js'
import { openReasoningDb } from './db.js'

const ReasoningEnv = envSchema({
  TEACHER_BASE_URL: Type.String({ default: '', description: "The teacher's OpenAI-compatible URL ending in /v1 (vLLM); unset: CoT datasets answer 503" }),
  TEACHER_MODEL: Type.String({ default: 'meta-llama/Llama-3.3-70B-Instruct', description: 'Served model name asked when a request names none' }),
  TEACHER_API_KEY: Type.String({ default: '', description: "vLLM's --api-key, if it has one" }),
  TEACHER_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 300_000, description: 'Per teacher request (long CoT answers from a 70B model take minutes under load)' }),
  TEACHER_RETRIES: Type.Integer({ minimum: 0, maximum: 20, default: 8, description: 'Retries of a teacher request on 429, 5xx, connection errors and timeouts (backoff 0.5 s doubling to 8 s: an outage of about 30-40 s is ridden out)' }),
  TEACHER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1024, default: 256, description: 'Teacher requests in flight from this process, all jobs together' }),
  STUDENT_BASE_URL: Type.String({ default: '', description: 'The student, for CoT datasets that name server "student" (rare: a student explaining gold SQL)' }),
  STUDENT_MODEL: Type.String({ default: 'meta-llama/Llama-3.1-8B-Instruct' }),
  STUDENT_API_KEY: Type.String({ default: '' }),
  ...SANDBOX_ENV,
  REASONING_SQL_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 30_000, description: 'Deadline of each gold and answer query when validating by execution' }),
  REASONING_ACK_WAIT_S: Type.Integer({ minimum: 1, default: 30, description: 'Seconds before an item held by a dead process is delivered again' })
})

await runService('reasoning', ReasoningEnv, async ({ config, log, nc, jobs, dataDir, stateDbPath }) => {
  const db = openReasoningDb(stateDbPath)
  const sandbox = await startSandbox(config, log, { interactive: false })
  // Teacher answers are long and paid for once: retried on timeouts too (the cache keeps each).
  const retries = { max: config.TEACHER_RETRIES }
  const settings = (baseUrl: string, model: string, apiKey: string) => baseUrl === '' ? null : { baseUrl, model, apiKey: apiKey || undefined, timeoutMs: config.TEACHER_TIMEOUT_MS, retries, concurrency: config.TEACHER_CONCURRENCY }
  if (config.TEACHER_BASE_URL === '') log.warn('TEACHER_BASE_URL is not set: CoT datasets on the teacher are refused until it is')
  const servers = new ModelServerRegistry(await openModelServersBucket(nc), [
    envServer('teacher', settings(config.TEACHER_BASE_URL, config.TEACHER_MODEL, config.TEACHER_API_KEY), config.TEACHER_MODEL,
      'no teacher model is configured: set TEACHER_BASE_URL (the teacher\'s OpenAI-compatible URL, e.g. http://vllm-teacher:8000/v1) for the reasoning service, or name a registered server in teacher.server', log),
    envServer('student', settings(config.STUDENT_BASE_URL, config.STUDENT_MODEL, config.STUDENT_API_KEY), config.STUDENT_MODEL,
      'STUDENT_BASE_URL is not set for the reasoning service: the student cannot be asked for CoT answers', log)
  ], registeredServerClients(retries, log))
  return await buildReasoningApp({
    nc,
    jobs,
    db,
    log,
    dataDir,
    sandbox,
    servers,
    sqlTimeoutMs: config.REASONING_SQL_TIMEOUT_MS,
    tuning: { ackWaitS: config.REASONING_ACK_WAIT_S }
  })
})
