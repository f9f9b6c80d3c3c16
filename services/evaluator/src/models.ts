import type { Models } from '@t2s/core/contracts'
import type { LlmClient } from '@t2s/core/llm'
import type { ModelServerRegistry } from '@t2s/core/models'

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
