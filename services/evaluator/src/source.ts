import type { NatsConnection } from '@nats-io/transport-node'
import { SOURCE_VERBS, type ResolvedSource } from '@t2s/core/contracts'
import { badRequest, ServiceError } from '@t2s/core'
import { callService } from '@t2s/core/nats'

/** A registered source by id or name, from the dataset service; an unknown one is the caller's 400. */
export async function resolveSource (nc: NatsConnection, source: string): Promise<ResolvedSource> {
  try {
    return await callService<ResolvedSource>(nc, 'dataset', SOURCE_VERBS.resolve, { id: source })
  } catch (err) {
    if (err instanceof ServiceError && err.codeName === 'NOT_FOUND') throw badRequest(`source "${source}" not found`)
    throw err
  }
}
