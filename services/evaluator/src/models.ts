import type { Models } from '@t2s/core/contracts/evaluations'
import { createLlmClient, type LlmClient, type LlmLogger } from '@t2s/core/llm/index'

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
 * The student client every evaluation shares: bounded retries on 429/5xx/connection errors
 * (never on other 4xx), and none on timeouts, which an evaluation reports instead of paying
 * for the same generation again. Per-request timeouts come from each evaluation's options.
 */
export function studentClient (cfg: StudentConfig, log?: LlmLogger): LlmClient {
  return createLlmClient({
    name: 'student',
    baseUrl: cfg.baseUrl,
    apiKey: cfg.apiKey,
    model: cfg.model,
    retries: { max: cfg.retries, onTimeout: false },
    concurrency: cfg.concurrency,
    log
  })
}

/** A client for quick listings (models): a short timeout and one retry. */
export function probeClient (name: string, cfg: Endpoint): LlmClient {
  return createLlmClient({ name, baseUrl: cfg.baseUrl, apiKey: cfg.apiKey, model: cfg.model, timeoutMs: 5000, retries: { max: 1, baseMs: 200 } })
}

type ServerModels = Models['student']

/** What one server reports at /v1/models; never throws (an unreachable server is `available: false`). */
export async function serverModels (client: LlmClient | null, defaultModel: string): Promise<ServerModels> {
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
