import { Type } from 'typebox'
import { envSchema, runService } from '@t2s/core'
import { buildEvaluatorApp } from './app.js'
import { openEvaluatorDb } from './db.js'
import { openModelServersBucket, ModelServerRegistry, envServer, registeredServerClients } from '@t2s/core/models'
import { NO_STUDENT } from './models.js'

const Env = envSchema({
  STUDENT_BASE_URL: Type.String({ default: '', description: "The student's OpenAI-compatible URL ending in /v1 (vLLM); unset: model evaluations answer 503" }),
  STUDENT_MODEL: Type.String({ default: 'meta-llama/Llama-3.1-8B-Instruct', description: 'The base model the student server serves' }),
  STUDENT_API_KEY: Type.String({ default: '', description: "vLLM's --api-key, if it has one" }),
  STUDENT_RETRIES: Type.Integer({ minimum: 0, maximum: 20, default: 4, description: 'Retries of a student request on 429, 5xx and connection errors (backoff 0.5 s doubling to 8 s)' }),
  STUDENT_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 4096, default: 512, description: 'Student requests in flight from this process, all evaluations together (each evaluation has its own concurrency option)' }),
  TEACHER_BASE_URL: Type.String({ default: '', description: "The teacher's URL: its models at GET /v1/models, and evaluations with server \"teacher\"" }),
  TEACHER_MODEL: Type.String({ default: 'meta-llama/Llama-3.3-70B-Instruct' }),
  TEACHER_API_KEY: Type.String({ default: '' }),
  TEACHER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1024, default: 256, description: 'Teacher requests in flight from this process when an evaluation asks the teacher (as the reasoning service)' }),
  EVAL_SANDBOX_PROCESSES: Type.Integer({ minimum: 0, maximum: 256, default: 0, description: 'SQL sandbox child processes; 0: one per core' }),
  EVAL_SANDBOX_OVERFLOW: Type.Integer({ minimum: 0, maximum: 256, default: 4, description: 'SQL sandbox processes added while queries run past 1 s (each ends with its long query), so a few slow or runaway queries never hold the whole pool' }),
  EVAL_SANDBOX_NICENESS: Type.Integer({ minimum: 0, maximum: 19, default: 10, description: 'Scheduling niceness a SQL sandbox process gets once its query runs past 1 s (replaced when the query ends); 0: never reniced' }),
  EVAL_MAX_ROWS: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 100_000, description: 'Rows kept of one result; a larger result cannot be compared' }),
  EVAL_ITEM_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 4096, default: 256, description: 'Questions in flight in this process, all evaluations together' }),
  EVAL_ACK_WAIT_S: Type.Integer({ minimum: 1, maximum: 600, default: 30, description: 'Seconds before a question held by a dead process is handed to another' })
})

await runService('evaluator', Env, async ({ config, log, nc, jobs, stateDbPath }) => {
  // Bounded retries on 429/5xx/connection errors, none on timeouts: an evaluation reports a
  // timed-out generation instead of paying for it again. Per-request timeouts come from its options.
  const retries = { max: config.STUDENT_RETRIES, onTimeout: false }
  const student = config.STUDENT_BASE_URL === '' ? null : { baseUrl: config.STUDENT_BASE_URL, model: config.STUDENT_MODEL, apiKey: config.STUDENT_API_KEY || undefined, retries, concurrency: config.STUDENT_CONCURRENCY }
  const teacher = config.TEACHER_BASE_URL === '' ? null : { baseUrl: config.TEACHER_BASE_URL, model: config.TEACHER_MODEL, apiKey: config.TEACHER_API_KEY || undefined, retries, concurrency: config.TEACHER_CONCURRENCY }
  if (student === null) log.warn('STUDENT_BASE_URL is not set: model evaluations and /v1/sql/generate on the student answer 503 until it is')
  const servers = new ModelServerRegistry(await openModelServersBucket(nc), [
    envServer('teacher', teacher, config.TEACHER_MODEL, 'TEACHER_BASE_URL is not set for the evaluator: the teacher server cannot be asked (set it to the OpenAI-compatible URL ending in /v1)', log),
    envServer('student', student, config.STUDENT_MODEL, NO_STUDENT, log)
  ], registeredServerClients(retries, log))
  return await buildEvaluatorApp({
    nc,
    jobs,
    log,
    db: openEvaluatorDb(stateDbPath),
    servers,
    sandboxSize: config.EVAL_SANDBOX_PROCESSES || undefined,
    sandboxOverflow: config.EVAL_SANDBOX_OVERFLOW,
    sandboxNiceness: config.EVAL_SANDBOX_NICENESS,
    maxRows: config.EVAL_MAX_ROWS,
    itemConcurrency: config.EVAL_ITEM_CONCURRENCY,
    tuning: { ackWaitS: config.EVAL_ACK_WAIT_S }
  })
})
