import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Accepted } from '@t2s/core/contracts/common'
import type { CotDatasetBody, Dataset, DatasetFile } from '@t2s/core/contracts/datasets'
import type { ResolvedSource } from '@t2s/core/contracts/sources'
import { artifactDir } from '@t2s/core/datasets/artifacts'
import { ServiceError } from '@t2s/core/errors'
import { newId, type JobStore } from '@t2s/core/jobs/store'
import { callService } from '@t2s/core/nats/client'
import { promptVersion } from '@t2s/core/prompts/index'
import { COT_JOB_KIND, type CotJobParams } from './cot-job.js'
import type { CotRepository } from './repository.js'

export interface TeacherSettings {
  /** unset: the service runs, but refuses new CoT datasets */
  baseUrl: string | null
  model: string
}

/** The CoT dataset verbs: create (a job), get, list, and where a split's file is. */
export class CotDatasets {
  constructor (
    private readonly repo: CotRepository,
    private readonly nc: NatsConnection,
    private readonly jobs: JobStore,
    private readonly dataDir: string,
    private readonly teacher: TeacherSettings
  ) {}

  async create (body: CotDatasetBody & { idempotency_key?: string }): Promise<Accepted> {
    if (!this.teacher.baseUrl) {
      throw new ServiceError('UNAVAILABLE', 'no teacher model is configured: set TEACHER_BASE_URL (the teacher\'s OpenAI-compatible URL, e.g. http://vllm-teacher:8000/v1) for the reasoning service')
    }
    if (body.limit !== undefined && body.limit < 2) throw new ServiceError('BAD_REQUEST', 'body.limit must be >= 2: both splits need an example')
    const source = await callService<ResolvedSource>(this.nc, 'dataset', 'resolve_source', { id: body.source })
    // An idempotency key maps to fixed ids, so a retried POST finds the first job.
    const suffix = body.idempotency_key ? createHash('sha256').update(`cot:${body.idempotency_key}`).digest('hex').slice(0, 20) : null
    const id = suffix ? `cot_${suffix}` : newId('cot')
    const jobId = suffix ? `job_${suffix}` : newId('job')
    const { idempotency_key: _key, ...request } = body
    const teacher = { ...request.teacher, model: request.teacher.model ?? this.teacher.model }
    const filled = { ...request, teacher }
    this.repo.insert({
      id,
      job_id: jobId,
      source_id: source.id,
      source_name: source.name,
      params: filled,
      prompt: { preset: 'cookbook', version: promptVersion({ preset: 'cookbook', cot_layout: body.layout }), options: {} }
    })
    const row = this.repo.row(id)
    const jobParams: CotJobParams = { ...filled, dataset_id: id, source_id: source.id }
    try {
      const job = await this.jobs.submit({ id: row.job_id, kind: COT_JOB_KIND, service: 'reasoning', params: jobParams, resource: { type: 'dataset', id }, unit: 'questions' })
      return { id, job_id: job.id, status: job.status }
    } catch (err) {
      // No job, no dataset: a record whose job never existed would stay queued forever.
      if (!(await this.jobs.get(row.job_id).catch(() => null))) this.repo.remove(id)
      throw err
    }
  }

  async get (id: string): Promise<Dataset> {
    const row = this.repo.row(id)
    return this.repo.toDataset(row, await this.jobs.get(row.job_id))
  }

  async list (): Promise<{ items: Dataset[], total: number }> {
    const items = await Promise.all(this.repo.all().map(async (row) => this.repo.toDataset(row, await this.jobs.get(row.job_id))))
    return { items, total: items.length }
  }

  async file (id: string, split: 'train' | 'test'): Promise<DatasetFile> {
    const d = await this.get(id)
    if (d.status !== 'succeeded') throw new ServiceError('CONFLICT', `dataset ${id} is ${d.status}; its files exist once it has succeeded`)
    const path = join(artifactDir(this.dataDir, 'datasets', id), `${split}.jsonl`)
    return { path: relative(this.dataDir, path), bytes: statSync(path).size }
  }
}
