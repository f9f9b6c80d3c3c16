import { type ExtractHow, type ExtractMode, type LlmClient, type LlmMessage, extractSql } from '@t2s/core/llm'
import type { SystemPromptName } from '@t2s/core/prompts'

export interface AskOptions {
  model: string
  systemPrompt: SystemPromptName
  extraction: ExtractMode
  temperature: number
  maxTokens?: number
  samples: number
  timeoutMs: number
  signal?: AbortSignal
  /** The job asking: model slots are shared by turns between jobs. */
  party?: string
}

export interface Candidate {
  answer: string
  sql: string | null
  how: ExtractHow
}

export interface Answered {
  candidates: Candidate[]
  tokens: { prompt: number, completion: number } | null
  latencyMs: number
}

/** Asks the student once (n = samples choices) and extracts the SQL of every answer. */
export async function ask (client: LlmClient, messages: LlmMessage[], opts: AskOptions): Promise<Answered> {
  const r = await client.chat({
    messages,
    model: opts.model,
    temperature: opts.temperature,
    maxTokens: opts.maxTokens,
    n: opts.samples > 1 ? opts.samples : undefined,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    party: opts.party
  })
  const candidates = r.choices.map((c) => ({ answer: c.text, ...extractSql(c.text, opts.extraction) }))
  const tokens = r.usage === null ? null : { prompt: r.usage.prompt_tokens, completion: r.usage.completion_tokens }
  return { candidates, tokens, latencyMs: r.latencyMs }
}
