import type { NatsConnection } from '@nats-io/transport-node'
import { type Accepted, type CotDatasetBody, type ResolvedSource, SOURCE_VERBS } from '@t2s/core/contracts'
import { badRequest } from '@t2s/core'
import { type DatasetRecords, checkSplitLimit } from '@t2s/core/datasets'
import { callService } from '@t2s/core/nats'
import type { ModelServerRegistry } from '@t2s/core/models'
import { promptVersion } from '@t2s/core/prompts'

/** Creates CoT datasets: checks the teacher and the source, then records the dataset and submits its job. */
export class CotDatasets {
  constructor (
    private readonly records: DatasetRecords,
    private readonly nc: NatsConnection,
    private readonly servers: ModelServerRegistry
  ) {}

  async create (body: CotDatasetBody & { idempotency_key?: string }): Promise<Accepted> {
    // 503 for an unset teacher, 400 for a server that is not registered.
    const server = await this.servers.resolve(body.teacher.server ?? 'teacher')
    const model = body.teacher.model ?? server.defaultModel
    if (model === null) throw badRequest(`model server "${server.name}" has no default model: name one with teacher.model`)
    checkSplitLimit(body.limit)
    const source = await callService<ResolvedSource>(this.nc, 'dataset', SOURCE_VERBS.resolve, { id: body.source })
    const { idempotency_key: idempotencyKey, ...request } = body
    const teacher = { ...request.teacher, server: server.name, model }
    return await this.records.create({
      source,
      params: { ...request, teacher },
      prompt: { preset: 'cookbook', version: promptVersion({ preset: 'cookbook', cot_layout: body.layout }), options: {} },
      idempotencyKey
    })
  }
}
