import type { Dataset } from '@t2s/core/contracts/datasets'
import type { JobRecord } from '@t2s/core/contracts/common'
import { ServiceError } from '@t2s/core/errors'
import type { StateDb } from '@t2s/core/state-db'

interface DatasetRow {
  id: string
  kind: 'sft' | 'cot'
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

export type DatasetResult = Pick<Dataset, 'counts' | 'dropped' | 'token_stats' | 'stats' | 'files' | 'manifest'>

/** SFT dataset records; the status and error come from the job record. */
export class DatasetRepository {
  constructor (private readonly db: StateDb) {}

  insert (d: { id: string, job_id: string, source_id: string, source_name: string, params: object, prompt: object }): void {
    this.db.prepare('INSERT OR IGNORE INTO datasets (id, kind, job_id, source_id, source_name, params, prompt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(d.id, 'sft', d.job_id, d.source_id, d.source_name, JSON.stringify(d.params), JSON.stringify(d.prompt), new Date().toISOString())
  }

  complete (id: string, r: DatasetResult): void {
    this.db.prepare('UPDATE datasets SET counts = ?, dropped = ?, token_stats = ?, stats = ?, files = ?, manifest = ?, finished_at = ? WHERE id = ?')
      .run(JSON.stringify(r.counts), JSON.stringify(r.dropped), JSON.stringify(r.token_stats), JSON.stringify(r.stats), JSON.stringify(r.files), JSON.stringify(r.manifest), new Date().toISOString(), id)
  }

  row (id: string): DatasetRow {
    const row = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined
    if (!row) throw new ServiceError('NOT_FOUND', `dataset ${id} not found`)
    return row
  }

  all (): DatasetRow[] {
    return this.db.prepare('SELECT * FROM datasets ORDER BY created_at DESC').all() as DatasetRow[]
  }

  static toDataset (row: DatasetRow, job: JobRecord | null): Dataset {
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
      stats: JSON.parse(row.stats),
      files: JSON.parse(row.files),
      manifest: JSON.parse(row.manifest),
      error: job?.status === 'failed' || job?.status === 'cancelled' ? job.error : null,
      created_at: row.created_at,
      finished_at: row.finished_at ?? job?.finished_at ?? null
    }
  }
}
