// The model servers the suite may ask: `teacher` and `student` from the environment, and any
// OpenAI-compatible server registered through the API. Registered ones live in the NATS KV
// bucket `t2s_model_servers`, so every replica of every service resolves a name the same way.
// API keys stay in that bucket and in the clients built from it: never in a reply, a log line
// or a manifest.
import { Kvm, type KV } from '@nats-io/kv'
import { StorageType } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { CreateModelServerBody, ModelServer, StoredModelServer, UpdateModelServerBody } from '../contracts/model-servers.js'
import { ENV_SERVER_NAMES } from '../contracts/model-servers.js'
import { badRequest, conflict, notFound, ServiceError, unavailable } from '../errors.js'
import type { LlmClient } from '../llm/client.js'

export const MODEL_SERVERS_BUCKET = 't2s_model_servers'

/** Creates (or opens) the bucket; idempotent, like ensureJetStream. */
export async function openModelServersBucket (nc: NatsConnection): Promise<KV> {
  return await new Kvm(nc).create(MODEL_SERVERS_BUCKET, { history: 1, storage: StorageType.File })
}

/** What a service needs to ask a server: a client for generations and a quick one for listings. */
export interface ServerClients {
  client: LlmClient
  probe: LlmClient
}

/** The connection settings clients are built from (the key included: it never leaves the process). */
export interface ServerEndpoint {
  name: string
  baseUrl: string
  apiKey?: string
  defaultModel: string | null
  concurrency: number
  timeoutMs: number
}

/** A server of the environment: its settings as the service read them, null where unset. */
export interface EnvServer {
  name: typeof ENV_SERVER_NAMES[number]
  /** null when its *_BASE_URL is unset */
  clients: ServerClients | null
  baseUrl: string | null
  apiKeySet: boolean
  defaultModel: string
  concurrency: number
  timeoutS: number
  /** Why it cannot be asked, for the 503 of a request that names it (e.g. which variable to set). */
  unsetReason: string
}

export type ClientFactory = (endpoint: ServerEndpoint) => ServerClients

export interface ResolvedServer {
  name: string
  origin: ModelServer['origin']
  client: LlmClient
  probe: LlmClient
  defaultModel: string | null
}

const PROBE_MS = 10_000

function publicForm (s: StoredModelServer): ModelServer {
  return {
    name: s.name,
    origin: 'api',
    base_url: s.base_url,
    api_key_set: s.api_key !== null,
    default_model: s.default_model,
    concurrency: s.concurrency,
    timeout_s: s.timeout_s,
    created_at: s.created_at,
    updated_at: s.updated_at
  }
}

function envForm (s: EnvServer): ModelServer {
  return {
    name: s.name,
    origin: 'environment',
    base_url: s.baseUrl,
    api_key_set: s.apiKeySet,
    default_model: s.defaultModel,
    concurrency: s.concurrency,
    timeout_s: s.timeoutS,
    created_at: null,
    updated_at: null
  }
}

function endpointOf (s: StoredModelServer): ServerEndpoint {
  return { name: s.name, baseUrl: s.base_url, apiKey: s.api_key ?? undefined, defaultModel: s.default_model, concurrency: s.concurrency, timeoutMs: s.timeout_s * 1000 }
}

const key = (name: string) => `server.${name}`

/**
 * Registered servers (KV) beside the environment's two. Clients of registered servers are
 * built once per stored revision, so a PATCH takes effect on the next request everywhere.
 */
export class ModelServerRegistry {
  private readonly env = new Map<string, EnvServer>()
  private readonly built = new Map<string, { revision: number, clients: ServerClients }>()

  constructor (private readonly kv: KV, envServers: EnvServer[], private readonly factory: ClientFactory) {
    for (const s of envServers) this.env.set(s.name, s)
  }

  async list (): Promise<ModelServer[]> {
    const registered: ModelServer[] = []
    for await (const k of await this.kv.keys('server.>')) {
      const s = await this.stored(k.slice('server.'.length))
      if (s !== null) registered.push(publicForm(s.value))
    }
    registered.sort((a, b) => a.name.localeCompare(b.name))
    return [...ENV_SERVER_NAMES.flatMap((n) => this.env.has(n) ? [envForm(this.env.get(n)!)] : []), ...registered]
  }

  async get (name: string): Promise<ModelServer> {
    const env = this.env.get(name)
    if (env !== undefined) return envForm(env)
    const s = await this.stored(name)
    if (s === null) throw notFound(`model server "${name}" not found`)
    return publicForm(s.value)
  }

  /** Registers a server after probing it: it must answer GET /models (with its key). */
  async create (body: CreateModelServerBody): Promise<ModelServer> {
    this.refuseEnvName(body.name)
    const now = new Date().toISOString()
    const record: StoredModelServer = {
      name: body.name,
      base_url: body.base_url,
      api_key: body.api_key ?? null,
      default_model: body.default_model ?? null,
      concurrency: body.concurrency,
      timeout_s: body.timeout_s,
      created_at: now,
      updated_at: now
    }
    if (await this.stored(body.name) !== null) throw conflict(`model server "${body.name}" exists already (PATCH changes it, DELETE removes it)`)
    await this.probe(record)
    try {
      await this.kv.create(key(body.name), JSON.stringify(record))
    } catch {
      throw conflict(`model server "${body.name}" exists already (PATCH changes it, DELETE removes it)`)
    }
    return publicForm(record)
  }

  async update (name: string, patch: UpdateModelServerBody): Promise<ModelServer> {
    this.refuseEnvName(name)
    const s = await this.stored(name)
    if (s === null) throw notFound(`model server "${name}" not found`)
    const next: StoredModelServer = {
      ...s.value,
      base_url: patch.base_url ?? s.value.base_url,
      api_key: patch.api_key === undefined ? s.value.api_key : patch.api_key,
      default_model: patch.default_model === undefined ? s.value.default_model : patch.default_model,
      concurrency: patch.concurrency ?? s.value.concurrency,
      timeout_s: patch.timeout_s ?? s.value.timeout_s,
      updated_at: new Date().toISOString()
    }
    if (patch.base_url !== undefined || patch.api_key !== undefined || patch.default_model != null) await this.probe(next)
    try {
      await this.kv.update(key(name), JSON.stringify(next), s.revision)
    } catch {
      throw conflict(`model server "${name}" was changed by another request meanwhile: read it again and retry`)
    }
    return publicForm(next)
  }

  /** Removes a registered server; removing one that is not there is not an error. */
  async delete (name: string): Promise<void> {
    this.refuseEnvName(name)
    await this.kv.purge(key(name))
    this.built.delete(name)
  }

  /** The clients to ask `name` with; 400 for an unknown name, 503 for an environment server left unset. */
  async resolve (name: string): Promise<ResolvedServer> {
    const env = this.env.get(name)
    if (env !== undefined) {
      if (env.clients === null) throw unavailable(env.unsetReason)
      return { name, origin: 'environment', ...env.clients, defaultModel: env.defaultModel }
    }
    const s = await this.stored(name)
    if (s === null) throw badRequest(`model server "${name}" is not registered (GET /v1/model-servers lists them)`)
    let hit = this.built.get(name)
    if (hit === undefined || hit.revision !== s.revision) {
      hit = { revision: s.revision, clients: this.factory(endpointOf(s.value)) }
      this.built.set(name, hit)
    }
    return { name, origin: 'api', ...hit.clients, defaultModel: s.value.default_model }
  }

  private refuseEnvName (name: string): void {
    if (this.env.has(name) || (ENV_SERVER_NAMES as readonly string[]).includes(name)) {
      throw conflict(`model server "${name}" is configured by the environment (${name.toUpperCase()}_BASE_URL and friends) and cannot be changed through the API`)
    }
  }

  private async stored (name: string): Promise<{ value: StoredModelServer, revision: number } | null> {
    const e = await this.kv.get(key(name))
    if (e === null || e.operation !== 'PUT' || e.length === 0) return null
    return { value: e.json<StoredModelServer>(), revision: e.revision }
  }

  private async probe (record: StoredModelServer): Promise<void> {
    const { probe } = this.factory({ ...endpointOf(record), timeoutMs: PROBE_MS })
    let ids: string[]
    try {
      ids = (await probe.listModels()).map((m) => m.id)
    } catch (err) {
      // The URL is the user's own input; the key is never part of the SDK's messages.
      throw new ServiceError('UNPROCESSABLE', `model server "${record.name}" at ${record.base_url} did not list its models: ${(err as Error).message}`)
    }
    if (record.default_model !== null && !ids.includes(record.default_model)) {
      throw new ServiceError('UNPROCESSABLE', `model server "${record.name}" does not serve default_model "${record.default_model}" (it serves: ${ids.slice(0, 20).join(', ') || 'nothing'})`)
    }
  }
}
