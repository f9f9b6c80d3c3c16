import type { SftDatasetBody, Accepted } from '@t2s/core/contracts'
import { type DatasetRecords, checkSplitLimit } from '@t2s/core/datasets'
import { promptVersion } from '@t2s/core/prompts'
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
