import type { SftDatasetBody } from '@t2s/core/contracts/datasets'
import type { Accepted } from '@t2s/core/contracts/common'
import { artifactDir } from '@t2s/core/datasets/artifacts'
import { ServiceError } from '@t2s/core/errors'
import { newId, type JobStore } from '@t2s/core/jobs/store'
import { promptVersion } from '@t2s/core/prompts/index'
import { relative, join } from 'node:path'
import { statSync } from 'node:fs'
import { createHash } from 'node:crypto'
import type { SourceRegistry } from '../sources/registry.js'
import { DatasetRepository } from './repository.js'

/** The SFT dataset verbs: create (a job), get, list, and where a split's file is. */
export class SftDatasets {
  constructor (
    private readonly repo: DatasetRepository,
    private readonly sources: SourceRegistry,
    private readonly jobs: JobStore,
    private readonly dataDir: string
  ) {}

  async create (body: SftDatasetBody & { idempotency_key?: string }): Promise<Accepted> {
    const source = this.sources.get(body.source)
    if (body.limit !== undefined && body.limit < 2) throw new ServiceError('BAD_REQUEST', 'body.limit must be >= 2: both splits need an example')
    // An idempotency key maps to fixed ids, so a retried POST finds the first job.
    const suffix = body.idempotency_key ? createHash('sha256').update(`sft:${body.idempotency_key}`).digest('hex').slice(0, 20) : null
    const id = suffix ? `ds_${suffix}` : newId('ds')
    const jobId = suffix ? `job_${suffix}` : newId('job')
    const { idempotency_key: _key, ...params } = body
    this.repo.insert({ id, job_id: jobId, source_id: source.id, source_name: source.name, params, prompt: { preset: body.prompt.preset, version: promptVersion(body.prompt), options: body.prompt.options } })
    const row = this.repo.row(id)
    const job = await this.jobs.submit({
      id: row.job_id,
      kind: 'dataset.sft',
      service: 'dataset',
      params: { ...params, dataset_id: id, source_id: source.id },
      resource: { type: 'dataset', id },
      unit: 'questions'
    })
    return { id, job_id: job.id, status: job.status }
  }

  async get (id: string) {
    const row = this.repo.row(id)
    return DatasetRepository.toDataset(row, await this.jobs.get(row.job_id))
  }

  async list () {
    const items = await Promise.all(this.repo.all().map(async (row) => DatasetRepository.toDataset(row, await this.jobs.get(row.job_id))))
    return { items, total: items.length }
  }

  async file (id: string, split: 'train' | 'test') {
    const d = await this.get(id)
    if (d.status !== 'succeeded') throw new ServiceError('CONFLICT', `dataset ${id} is ${d.status}; its files exist once it has succeeded`)
    const path = join(artifactDir(this.dataDir, 'datasets', id), `${split}.jsonl`)
    return { path: relative(this.dataDir, path), bytes: statSync(path).size }
  }
}
