import type { Models } from '@t2s/core/contracts/evaluations'
import { createLlmClient, type LlmClient, type LlmLogger } from '@t2s/core/llm/index'
import type { ClientFactory, EnvServer, ModelServerRegistry, ServerEndpoint } from '@t2s/core/models/servers'

export interface Endpoint {
  baseUrl: string
  model: string
  apiKey?: string
}

export interface StudentConfig extends Endpoint {
  retries: number
  concurrency: number
}

/**
 * The client evaluations share for one server: bounded retries on 429/5xx/connection errors
 * (never on other 4xx), and none on timeouts, which an evaluation reports instead of paying
 * for the same generation again. Per-request timeouts come from each evaluation's options.
 */
function generationClient (name: string, cfg: Endpoint & { retries: number, concurrency: number, timeoutMs?: number }, log?: LlmLogger): LlmClient {
  return createLlmClient({
    name,
    baseUrl: cfg.baseUrl,
    apiKey: cfg.apiKey,
    model: cfg.model,
    timeoutMs: cfg.timeoutMs,
    retries: { max: cfg.retries, onTimeout: false },
    concurrency: cfg.concurrency,
    log
  })
}

/** A client for quick listings (models): a short timeout and one retry. */
export function probeClient (name: string, cfg: Endpoint & { timeoutMs?: number }): LlmClient {
  return createLlmClient({ name, baseUrl: cfg.baseUrl, apiKey: cfg.apiKey, model: cfg.model, timeoutMs: cfg.timeoutMs ?? 5000, retries: { max: 1, baseMs: 200 } })
}

/** The student of the environment as a server entry (null clients when STUDENT_BASE_URL is unset). */
export function studentServer (cfg: StudentConfig | null, defaultModel: string, log?: LlmLogger): EnvServer {
  return {
    name: 'student',
    clients: cfg === null ? null : { client: generationClient('student', cfg, log), probe: probeClient('student', cfg) },
    baseUrl: cfg?.baseUrl ?? null,
    apiKeySet: cfg?.apiKey !== undefined,
    defaultModel,
    concurrency: cfg?.concurrency ?? 0,
    timeoutS: 120,
    unsetReason: NO_STUDENT
  }
}

/** The teacher of the environment: evaluated like any server when TEACHER_BASE_URL is set. */
export function teacherServer (cfg: StudentConfig | null, defaultModel: string, log?: LlmLogger): EnvServer {
  return {
    name: 'teacher',
    clients: cfg === null ? null : { client: generationClient('teacher', cfg, log), probe: probeClient('teacher', cfg) },
    baseUrl: cfg?.baseUrl ?? null,
    apiKeySet: cfg?.apiKey !== undefined,
    defaultModel,
    concurrency: cfg?.concurrency ?? 0,
    timeoutS: 120,
    unsetReason: 'TEACHER_BASE_URL is not set for the evaluator: the teacher server cannot be asked (set it to the OpenAI-compatible URL ending in /v1)'
  }
}

/** Clients for a registered server: its own concurrency and timeout, the student's retry rule. */
export function registeredClients (retries: number, log?: LlmLogger): ClientFactory {
  return (e: ServerEndpoint) => {
    const cfg = { baseUrl: e.baseUrl, apiKey: e.apiKey, model: e.defaultModel ?? '', retries, concurrency: e.concurrency, timeoutMs: e.timeoutMs }
    return { client: generationClient(e.name, cfg, log), probe: probeClient(e.name, { ...cfg, timeoutMs: Math.min(e.timeoutMs, 10_000) }) }
  }
}

export const NO_STUDENT = 'STUDENT_BASE_URL is not set: the evaluator has no student server to ask (set it to the OpenAI-compatible URL ending in /v1, e.g. http://vllm-student:8000/v1, or name a registered server)'

type ServerModels = Models['student']

/** What one server reports at /v1/models; never throws (an unreachable server is `available: false`). */
export async function serverModels (client: LlmClient | null, defaultModel: string | null): Promise<ServerModels> {
  if (client === null) return { configured: false, available: false, default_model: null, models: [], error: null }
  try {
    const models = await client.listModels()
    return {
      configured: true,
      available: true,
      default_model: defaultModel,
      models: models.map((m) => ({ id: m.id, parent: m.parent ?? null, max_model_len: m.maxModelLen ?? null })),
      error: null
    }
  } catch (err) {
    return { configured: true, available: false, default_model: defaultModel, models: [], error: (err as Error).message }
  }
}

/** Every server's models, environment servers first; unreachable ones are reported, not thrown. */
export async function allServerModels (servers: ModelServerRegistry): Promise<Models> {
  const list = await servers.list()
  const entries = await Promise.all(list.map(async (s) => {
    let probe: LlmClient | null = null
    try {
      probe = (await servers.resolve(s.name)).probe
    } catch {
      probe = null
    }
    return { name: s.name, ...await serverModels(probe, s.default_model) }
  }))
  const unset = { configured: false, available: false, default_model: null, models: [], error: null }
  const pick = (n: string) => { const e = entries.find((x) => x.name === n); if (e === undefined) return unset; const { name: _n, ...rest } = e; return rest }
  return { teacher: pick('teacher'), student: pick('student'), servers: entries }
}
