// LLM clients for model servers, built the same way by every service that asks one: a client
// for generations (the service's retry rule, the server's concurrency and timeout) and a quick
// one for listings.
import { createLlmClient, type LlmLogger, type RetryPolicy } from '../llm/index.js'
import type { ClientFactory, EnvServer, ServerClients, ServerEndpoint } from './servers.js'

export interface ServerSettings {
  baseUrl: string
  apiKey?: string
  /** the model asked when a request names none */
  model: string
  concurrency: number
  /** per request; the client's default (120 s) when absent */
  timeoutMs?: number
  retries: Partial<RetryPolicy>
}

const PROBE_MS = 5000

export function serverClients (name: string, s: ServerSettings, log?: LlmLogger): ServerClients {
  return {
    client: createLlmClient({ name, baseUrl: s.baseUrl, apiKey: s.apiKey, model: s.model, timeoutMs: s.timeoutMs, retries: s.retries, concurrency: s.concurrency, log }),
    probe: createLlmClient({ name, baseUrl: s.baseUrl, apiKey: s.apiKey, model: s.model, timeoutMs: Math.min(s.timeoutMs ?? PROBE_MS, PROBE_MS), retries: { max: 1, baseMs: 200 } })
  }
}

/** A server of the environment (`teacher`, `student`); `settings` null when its *_BASE_URL is unset. */
export function envServer (name: EnvServer['name'], settings: ServerSettings | null, defaultModel: string, unsetReason: string, log?: LlmLogger): EnvServer {
  return {
    name,
    clients: settings === null ? null : serverClients(name, settings, log),
    baseUrl: settings?.baseUrl ?? null,
    apiKeySet: settings?.apiKey !== undefined,
    defaultModel,
    concurrency: settings?.concurrency ?? 0,
    timeoutS: (settings?.timeoutMs ?? 120_000) / 1000,
    unsetReason
  }
}

/** Clients of a registered server: its own concurrency and timeout, the calling service's retry rule. */
export function registeredServerClients (retries: Partial<RetryPolicy>, log?: LlmLogger): ClientFactory {
  return (e: ServerEndpoint) => serverClients(e.name, { baseUrl: e.baseUrl, apiKey: e.apiKey, model: e.defaultModel ?? '', concurrency: e.concurrency, timeoutMs: e.timeoutMs, retries }, log)
}
