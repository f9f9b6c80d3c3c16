import type { SftDatasetBody } from '@t2s/core/contracts/datasets'
import type { Accepted } from '@t2s/core/contracts/common'
import type { DatasetRecords } from '@t2s/core/datasets/records'
import { checkSplitLimit } from '@t2s/core/datasets/split'
import { promptVersion } from '@t2s/core/prompts/index'
import type { SourceRegistry } from '../sources/registry.js'

/** Creates SFT datasets: checks the request against its source, then records it and submits its job. */
export class SftDatasets {
  constructor (
    private readonly records: DatasetRecords,
    private readonly sources: SourceRegistry
  ) {}

  async create (body: SftDatasetBody & { idempotency_key?: string }): Promise<Accepted> {
    const source = this.sources.get(body.source)
    checkSplitLimit(body.limit)
    const { idempotency_key: idempotencyKey, ...params } = body
    return await this.records.create({
      source,
      params,
      prompt: { preset: body.prompt.preset, version: promptVersion(body.prompt), options: body.prompt.options },
      idempotencyKey
    })
  }
}
