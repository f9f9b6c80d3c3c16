import type { NatsConnection } from '@nats-io/transport-node'
import type {
  Accepted, CreateEvaluationBody, Evaluation, EvaluationItem, GenerateSqlBody, GenerateSqlResult, ItemChunk, ItemStatus, Models,
  ResolvedSource, EvaluationJobParams
} from '@t2s/core/contracts'
import { badRequest, conflict, ServiceError, unavailable, deleteJobRows } from '@t2s/core'
import { newId, type JobStore } from '@t2s/core/jobs'
import { activeJobsUsing, refuseWhileUsed } from '@t2s/core/lifecycle'
import { LlmError } from '@t2s/core/llm'
import type { ModelServerRegistry, ResolvedServer } from '@t2s/core/models'
import type { PromptBuilder } from '@t2s/core/prompts'
import type { SqlValue } from '@t2s/core/sql'
import { databaseFile, loadRegisteredQuestions } from '@t2s/core/sources'
import { clipText, fitToPayload } from './chunk.js'
import type { Executor } from './execute.js'
import { ask } from './generate.js'
import { EVALUATION_KIND } from './job.js'
import { allServerModels } from './models.js'
import { birdEntry, parsePredictions } from './predictions.js'
import { buildReport } from './report.js'
import { resolveSource } from './source.js'
import { toItem, type EvaluationOptions, type EvaluationStore } from './store.js'

export interface EvaluationServiceDeps {
  nc: NatsConnection
  jobs: JobStore
  store: EvaluationStore
  sandbox: Executor
  prompts: PromptBuilder
  /** The model servers evaluations and generate may ask (`student` unless a request names another). */
  servers: ModelServerRegistry
}

const GENERATE_ROWS = 100
const GENERATE_REQUEST_MS = 120_000

/** The evaluator's request/reply verbs, as plain functions of their validated input. */
export class EvaluationService {
  constructor (private readonly deps: EvaluationServiceDeps) {}

  async create (body: CreateEvaluationBody): Promise<Accepted> {
    const { predictions, model: asked, server: serverName, source, ...rest } = body
    const served = asked !== undefined || serverName !== undefined
    if ((predictions === undefined) === !served) throw badRequest('body must have exactly one of predictions or model (or server: a model server whose default model is asked)')
    let model: string | undefined
    let options: EvaluationOptions = rest
    if (served) {
      const server = await this.deps.servers.resolve(serverName ?? 'student')
      model = modelOf(server, asked)
      await checkServed(server, model)
      options = { ...rest, server: server.name }
    }
    const src = await this.resolve(source)
    const questions = loadRegisteredQuestions(src.questions_path, src.questions_sha256)
    const planned = Math.min(options.limit ?? questions.length, questions.length)
    const preds = predictions === undefined ? null : parsePredictions(predictions, questions, planned, options.limit !== undefined)
    const id = newId('ev')
    const jobId = newId('job')
    const opts: EvaluationOptions = options
    this.deps.store.insert({
      id,
      job_id: jobId,
      source_id: src.id,
      source_name: src.name,
      model: model ?? null,
      options: JSON.stringify(opts),
      questions_path: src.questions_path,
      databases_path: src.databases_path,
      questions_sha256: src.questions_sha256,
      planned,
      manifest: '{}',
      created_at: new Date().toISOString(),
      finished_at: null
    }, preds)
    try {
      const job = await this.deps.jobs.submit({
        id: jobId,
        kind: EVALUATION_KIND,
        service: 'evaluator',
        params: { evaluation_id: id, source: src.name, model: model ?? null, questions: planned, ...opts } satisfies EvaluationJobParams,
        resource: { type: 'evaluation', id },
        unit: 'questions'
      })
      return { id, job_id: jobId, status: job.status }
    } catch (err) {
      this.deps.store.delete(id)
      throw err
    }
  }

  async get (id: string): Promise<Evaluation> {
    const row = this.deps.store.get(id)
    return buildReport(this.deps.store, row, await this.deps.jobs.get(row.job_id))
  }

  async list (limit: number): Promise<{ items: Evaluation[], total: number }> {
    const rows = this.deps.store.list(limit)
    const items = await Promise.all(rows.map(async (row) => buildReport(this.deps.store, row, await this.deps.jobs.get(row.job_id))))
    return { items, total: items.length }
  }

  items (q: { id: string, offset: number, limit: number, status?: ItemStatus }): ItemChunk<EvaluationItem> {
    this.deps.store.get(q.id)
    const { rows, total } = this.deps.store.items(q.id, q.offset, q.limit, q.status)
    const { items, cut } = fitToPayload(rows.map(toItem), this.budget(), (item, max) => ({
      ...item,
      sql: clipText(item.sql, max / 3),
      gold_sql: clipText(item.gold_sql, max / 3)!,
      error: clipText(item.error, max / 3)
    }))
    return { items, total, next_offset: cut ? q.offset + items.length : null }
  }

  /** Official predictions entries `[position, "SQL\t----- bird -----\tdb_id"]`, in order. */
  predictions (q: { id: string, offset: number }): ItemChunk<[number, string]> {
    const row = this.deps.store.get(q.id)
    const fromItems = row.model !== null
    if (fromItems) {
      const scored = this.deps.store.scoredCount(q.id)
      if (scored < row.planned) throw conflict(`the model has answered ${scored} of ${row.planned} questions: its predictions are complete once the evaluation has finished`)
    }
    const questions = loadRegisteredQuestions(row.questions_path, row.questions_sha256)
    const rows = this.deps.store.predictionSql(q.id, fromItems, q.offset, 5000)
    const entries = rows.map((r): [number, string] => [r.idx, birdEntry(r.sql, questions[r.idx].db_id)])
    const { items, cut } = fitToPayload(entries, this.budget(), () => {
      throw new ServiceError('PAYLOAD_TOO_LARGE', 'a prediction is too large to send')
    })
    const more = cut || q.offset + rows.length < row.planned
    return { items, total: row.planned, next_offset: more ? q.offset + items.length : null }
  }

  async generate (body: GenerateSqlBody): Promise<GenerateSqlResult> {
    const server = await this.deps.servers.resolve(body.server ?? 'student')
    const model = modelOf(server, body.model)
    const src = await this.resolve(body.source)
    if (!src.db_ids.includes(body.db_id)) throw badRequest(`db_id "${body.db_id}" is not a database of source "${src.name}"`)
    const dbPath = databaseFile(src.databases_path, body.db_id)
    let answered
    try {
      answered = await ask(server.client, this.deps.prompts.eval({ dbPath, evidence: body.evidence, question: body.question }, body.system_prompt), {
        model,
        systemPrompt: body.system_prompt,
        extraction: body.extraction,
        temperature: body.temperature,
        maxTokens: body.max_tokens,
        samples: 1,
        timeoutMs: GENERATE_REQUEST_MS
      })
    } catch (err) {
      throw llmProblem(err, server.name)
    }
    const c = answered.candidates[0]
    let result: GenerateSqlResult['result'] = null
    if (c.sql !== null && c.sql.trim() !== '') {
      const r = await this.deps.sandbox.execute(dbPath, c.sql, { timeoutMs: body.timeout_s * 1000, maxRows: GENERATE_ROWS, interactive: true })
      result = { status: r.status, columns: r.columns, rows: r.rows.map((row) => row.map(jsonValue)), truncated: r.truncated, error: r.error ?? null, elapsed_ms: r.elapsed_ms }
    }
    return { server: server.name, model, answer: c.answer, sql: c.sql, extraction: c.how, result, latency_ms: answered.latencyMs, tokens: answered.tokens }
  }

  async models (): Promise<Models> {
    return await allServerModels(this.deps.servers)
  }

  /** Deletes an evaluation (report, items, predictions); 409 while its job has not ended; one not there is no error. */
  async delete (id: string): Promise<void> {
    let row
    try {
      row = this.deps.store.get(id)
    } catch {
      return
    }
    refuseWhileUsed(`evaluation ${id}`, await activeJobsUsing(this.deps.jobs, (j) => j.id === row.job_id))
    this.deps.store.db.transaction(() => {
      this.deps.store.delete(id)
      deleteJobRows(this.deps.store.db, row.job_id)
    })()
    await this.deps.jobs.remove(row.job_id, { force: true })
  }

  /** A server that a queued or running evaluation asks cannot be removed: 409 naming them. */
  async refuseIfServerBusy (name: string): Promise<void> {
    // A model evaluation's job params carry its options, the server among them (absent before servers existed: student).
    refuseWhileUsed(`model server "${name}"`, await activeJobsUsing(this.deps.jobs, (j) =>
      j.kind === EVALUATION_KIND && j.params.model !== null && (j.params.server ?? 'student') === name))
  }

  private async resolve (source: string): Promise<ResolvedSource> {
    return await resolveSource(this.deps.nc, source)
  }

  private budget (): number {
    // Leaves room for the reply's own fields and NATS headers.
    return Math.max(64 * 1024, (this.deps.nc.info?.max_payload ?? 1024 * 1024) - 32 * 1024)
  }
}

/** The model a request asks: the one it names, else the server's default. */
function modelOf (server: ResolvedServer, asked: string | undefined): string {
  const model = asked ?? server.defaultModel
  if (model === null) throw badRequest(`model server "${server.name}" has no default model: name one with "model"`)
  return model
}

async function checkServed (server: ResolvedServer, model: string): Promise<void> {
  let ids: string[]
  try {
    ids = (await server.probe.listModels()).map((m) => m.id)
  } catch (err) {
    throw llmProblem(err, server.name)
  }
  if (!ids.includes(model)) throw badRequest(`model "${model}" is not served by the ${server.name} server (it serves: ${ids.join(', ') || 'nothing'})`)
}

function llmProblem (err: unknown, server: string): ServiceError {
  if (!(err instanceof LlmError)) throw err
  if (err.kind === 'client') return badRequest(`the ${server} server refused the request: ${err.message}`)
  return unavailable(`the ${server} server did not answer: ${err.message}`)
}

/** Values as JSON can carry them: integers beyond 2^53 as decimal strings, blobs as hex. */
function jsonValue (v: SqlValue): unknown {
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
  return v
}
