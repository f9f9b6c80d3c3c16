import type { NatsConnection } from '@nats-io/transport-node'
import type { Accepted } from '@t2s/core/contracts/common'
import type { CotDatasetBody } from '@t2s/core/contracts/datasets'
import type { ResolvedSource } from '@t2s/core/contracts/sources'
import type { DatasetRecords } from '@t2s/core/datasets/records'
import { checkSplitLimit } from '@t2s/core/datasets/split'
import { ServiceError } from '@t2s/core/errors'
import { callService } from '@t2s/core/nats/client'
import { SOURCE_VERBS } from '@t2s/core/contracts/sources'
import { promptVersion } from '@t2s/core/prompts/index'

export interface TeacherSettings {
  /** unset: the service runs, but refuses new CoT datasets */
  baseUrl: string | null
  model: string
}

/** Creates CoT datasets: checks the teacher and the source, then records the dataset and submits its job. */
export class CotDatasets {
  constructor (
    private readonly records: DatasetRecords,
    private readonly nc: NatsConnection,
    private readonly teacher: TeacherSettings
  ) {}

  async create (body: CotDatasetBody & { idempotency_key?: string }): Promise<Accepted> {
    if (!this.teacher.baseUrl) {
      throw new ServiceError('UNAVAILABLE', 'no teacher model is configured: set TEACHER_BASE_URL (the teacher\'s OpenAI-compatible URL, e.g. http://vllm-teacher:8000/v1) for the reasoning service')
    }
    checkSplitLimit(body.limit)
    const source = await callService<ResolvedSource>(this.nc, 'dataset', SOURCE_VERBS.resolve, { id: body.source })
    const { idempotency_key: idempotencyKey, ...request } = body
    const teacher = { ...request.teacher, model: request.teacher.model ?? this.teacher.model }
    return await this.records.create({
      source,
      params: { ...request, teacher },
      prompt: { preset: 'cookbook', version: promptVersion({ preset: 'cookbook', cot_layout: body.layout }), options: {} },
      idempotencyKey
    })
  }
}
