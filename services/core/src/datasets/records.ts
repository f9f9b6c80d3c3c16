import { statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { Type, type TObject } from 'typebox'
import type { Accepted, JobRecord } from '../contracts/common.js'
import { DATASET_VERBS, type Dataset, type DatasetFile } from '../contracts/datasets.js'
import { ServiceError } from '../errors.js'
import { newId, type JobStore } from '../jobs/store.js'
import type { Endpoints } from '../nats/service.js'
import { activeJobsUsing, refuseWhileUsed, removeTree, sweepOrphanJobs, sweepOrphans } from '../lifecycle/deletion.js'
import { deleteJobRows, type StateDb } from '../state-db.js'
import { textSha256 } from '../util/digest.js'
import { artifactDir } from './artifacts.js'

type DatasetKind = Dataset['kind']

/** The table a service keeps its dataset records in; its migration creates it with this DDL. */
export const datasetRecordsTable = (table: string) => `CREATE TABLE ${table} (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    job_id TEXT NOT NULL UNIQUE,
    source_id TEXT NOT NULL,
    source_name TEXT NOT NULL,
    params TEXT NOT NULL,
    prompt TEXT NOT NULL,
    counts TEXT,
    dropped TEXT NOT NULL DEFAULT '[]',
    token_stats TEXT,
    stats TEXT NOT NULL DEFAULT '{}',
    files TEXT NOT NULL DEFAULT '{}',
    manifest TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    finished_at TEXT
  );`

interface DatasetRow {
  id: string
  kind: DatasetKind
  job_id: string
  source_id: string
  source_name: string
  params: string
  prompt: string
  counts: string | null
  dropped: string
  token_stats: string | null
  stats: string
  files: string
  manifest: string
  created_at: string
  finished_at: string | null
}

/** What a finished dataset job records. */
export type DatasetResult = Pick<Dataset, 'counts' | 'dropped' | 'token_stats' | 'files' | 'manifest'> & { stats?: Dataset['stats'] }

export interface NewDataset {
  source: { id: string, name: string }
  /** the request as the job runs it (defaults filled in), without the idempotency key */
  params: Record<string, unknown>
  prompt: Dataset['prompt']
  idempotencyKey?: string
  /** the job's parameters beyond `params`, `dataset_id` and `source_id` */
  jobParams?: Record<string, unknown>
}

export interface DatasetRecordsOptions {
  db: StateDb
  jobs: JobStore
  dataDir: string
  table: string
  kind: DatasetKind
  /** id prefix of the records: `ds`, `cot` */
  idPrefix: string
  /** the job kind that builds a record's files, run by `service` */
  jobKind: string
  service: string
  /** counters read while the job has not completed (from its item tables), instead of the stored `stats` */
  liveStats?: (jobId: string) => Dataset['stats']
  /** the service's own rows of a dataset's job (e.g. its judged items), dropped with the record */
  deleteJobItems?: (jobId: string) => void
}

/**
 * Dataset records of one kind: a row per dataset in the service's SQLite, whose status and
 * error come from its job record. Creating one submits the job that builds its files.
 */
export class DatasetRecords {
  constructor (private readonly o: DatasetRecordsOptions) {}

  async create (d: NewDataset): Promise<Accepted> {
    // An idempotency key maps to fixed ids, so a retried POST finds the first job.
    const suffix = d.idempotencyKey ? textSha256(`${this.o.kind}:${d.idempotencyKey}`).slice(0, 20) : null
    const id = suffix ? `${this.o.idPrefix}_${suffix}` : newId(this.o.idPrefix)
    const jobId = suffix ? `job_${suffix}` : newId('job')
    this.o.db.prepare(`INSERT OR IGNORE INTO ${this.o.table} (id, kind, job_id, source_id, source_name, params, prompt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(id, this.o.kind, jobId, d.source.id, d.source.name, JSON.stringify(d.params), JSON.stringify(d.prompt), new Date().toISOString())
    const row = this.row(id)
    if (suffix && !sameRequest(row, d)) {
      throw new ServiceError('UNPROCESSABLE', `Idempotency-Key "${d.idempotencyKey}" was already used for another request (dataset ${id}); send a new key to build a different dataset`)
    }
    try {
      const job = await this.o.jobs.submit({
        id: row.job_id,
        kind: this.o.jobKind,
        service: this.o.service,
        params: { ...d.params, ...d.jobParams, dataset_id: id, source_id: d.source.id },
        resource: { type: 'dataset', id },
        unit: 'questions'
      })
      return { id, job_id: job.id, status: job.status }
    } catch (err) {
      // No job, no dataset: a record whose job never existed would stay queued forever.
      if (!(await this.o.jobs.get(row.job_id).catch(() => null))) this.o.db.prepare(`DELETE FROM ${this.o.table} WHERE id = ?`).run(id)
      throw err
    }
  }

  complete (id: string, r: DatasetResult): void {
    this.o.db.prepare(`UPDATE ${this.o.table} SET counts = ?, dropped = ?, token_stats = ?, stats = ?, files = ?, manifest = ?, finished_at = ? WHERE id = ?`)
      .run(JSON.stringify(r.counts), JSON.stringify(r.dropped), JSON.stringify(r.token_stats), JSON.stringify(r.stats ?? {}), JSON.stringify(r.files), JSON.stringify(r.manifest), new Date().toISOString(), id)
  }

  async get (id: string): Promise<Dataset> {
    const row = this.row(id)
    return this.toDataset(row, await this.o.jobs.get(row.job_id))
  }

  async list (): Promise<{ items: Dataset[], total: number }> {
    const rows = this.o.db.prepare(`SELECT * FROM ${this.o.table} ORDER BY created_at DESC`).all() as DatasetRow[]
    const items = await Promise.all(rows.map(async (row) => this.toDataset(row, await this.o.jobs.get(row.job_id))))
    return { items, total: items.length }
  }

  /**
   * Deletes the record (and its job's item rows) in one transaction, then its files. 409 while
   * its own job or a training job that reads it has not ended; a dataset not there is no error.
   */
  async delete (id: string): Promise<void> {
    const row = this.o.db.prepare(`SELECT * FROM ${this.o.table} WHERE id = ?`).get(id) as DatasetRow | undefined
    if (row === undefined) return
    refuseWhileUsed(`dataset ${id}`, await activeJobsUsing(this.o.jobs, (j) => j.id === row.job_id || j.params.dataset === id || j.params.dataset_id === id))
    this.o.db.transaction(() => {
      this.o.db.prepare(`DELETE FROM ${this.o.table} WHERE id = ?`).run(id)
      deleteJobRows(this.o.db, row.job_id)
      this.o.deleteJobItems?.(row.job_id)
    })()
    await this.o.jobs.remove(row.job_id, { force: true })
    await removeTree(artifactDir(this.o.dataDir, 'datasets', id))
  }

  /** Removes the folders and job records of this kind's datasets whose record is gone (a delete cut short by a crash). */
  async sweep (): Promise<string[]> {
    const has = this.o.db.prepare(`SELECT 1 FROM ${this.o.table} WHERE id = ?`).pluck()
    const exists = (id: string) => has.get(id) !== undefined
    await sweepOrphanJobs(this.o.jobs, 'dataset', (id) => !id.startsWith(`${this.o.idPrefix}_`) || exists(id))
    return await sweepOrphans(join(this.o.dataDir, 'artifacts', 'datasets'), this.o.idPrefix, exists)
  }

  /** Where a split's JSONL is, relative to DATA_DIR; only once the dataset has succeeded. */
  async file (id: string, split: 'train' | 'test'): Promise<DatasetFile> {
    const status = (await this.o.jobs.get(this.row(id).job_id))?.status ?? 'queued'
    if (status !== 'succeeded') throw new ServiceError('CONFLICT', `dataset ${id} is ${status}; its files exist once it has succeeded`)
    const path = join(artifactDir(this.o.dataDir, 'datasets', id), `${split}.jsonl`)
    return { path: relative(this.o.dataDir, path), bytes: statSync(path).size }
  }

  private row (id: string): DatasetRow {
    const row = this.o.db.prepare(`SELECT * FROM ${this.o.table} WHERE id = ?`).get(id) as DatasetRow | undefined
    if (!row) throw new ServiceError('NOT_FOUND', `dataset ${id} not found`)
    return row
  }

  private toDataset (row: DatasetRow, job: JobRecord | null): Dataset {
    return {
      id: row.id,
      kind: row.kind,
      status: job?.status ?? 'queued',
      job_id: row.job_id,
      source: { id: row.source_id, name: row.source_name },
      params: JSON.parse(row.params),
      prompt: JSON.parse(row.prompt),
      counts: row.counts ? JSON.parse(row.counts) : null,
      dropped: JSON.parse(row.dropped),
      token_stats: row.token_stats ? JSON.parse(row.token_stats) : null,
      stats: this.o.liveStats !== undefined && row.finished_at === null ? this.o.liveStats(row.job_id) : JSON.parse(row.stats),
      files: JSON.parse(row.files),
      manifest: JSON.parse(row.manifest),
      error: job?.status === 'failed' || job?.status === 'cancelled' ? job.error : null,
      created_at: row.created_at,
      finished_at: row.finished_at ?? job?.finished_at ?? null
    }
  }
}

/** JSON with its object keys sorted, so that two requests differing only in key order compare equal. */
function canonicalJson (value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v)
}

/** Whether a retried create (same idempotency key) asks for what the recorded dataset was built from. */
function sameRequest (row: DatasetRow, d: NewDataset): boolean {
  return row.source_id === d.source.id && canonicalJson(JSON.parse(row.params)) === canonicalJson(d.params)
}

const ById = Type.Object({ id: Type.String({ minLength: 1 }) })
const SplitFile = Type.Object({ id: Type.String({ minLength: 1 }), split: Type.Union([Type.Literal('train'), Type.Literal('test')]) })

/**
 * The dataset verbs a service answers on NATS: `create` with its own request schema (plus
 * the gateway's idempotency key) and handler; get, list and file from its records.
 */
export function datasetEndpoints<B> (records: DatasetRecords, body: TObject, create: (b: B & { idempotency_key?: string }) => Promise<Accepted>): Endpoints {
  // One flat object (not allOf): with removeAdditional each allOf branch would strip the other's fields.
  const Create = Type.Object({ ...body.properties, idempotency_key: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false })
  return {
    [DATASET_VERBS.create]: { input: Create, handler: create },
    [DATASET_VERBS.get]: { input: ById, handler: async ({ id }: { id: string }) => await records.get(id) },
    [DATASET_VERBS.list]: { handler: async () => await records.list() },
    [DATASET_VERBS.file]: { input: SplitFile, handler: async ({ id, split }: { id: string, split: 'train' | 'test' }) => await records.file(id, split) },
    [DATASET_VERBS.delete]: { input: ById, handler: async ({ id }: { id: string }) => { await records.delete(id); return null } }
  }
}
