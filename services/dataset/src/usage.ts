import { join } from 'node:path'
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { SERVICE_NAMES, USAGE_VERBS, type Usage, type UsageKind } from '@t2s/core/contracts'
import { diskSpace, entriesBytes, minFreeBytes, treeBytes } from '@t2s/core/lifecycle'
import { callService } from '@t2s/core/nats'

const TOP = 100

const kindOf = (kind: UsageKind['kind'], items: Array<{ id: string, bytes: number }>, note: string | null = null): UsageKind =>
  ({ kind, bytes: items.reduce((s, i) => s + i.bytes, 0), items: items.slice(0, TOP), note })

/**
 * What DATA_DIR holds, by kind and item: dataset files, published adapters and models, training
 * runs (checkpoints), downloaded sources, each service's state DB, the NATS JetStream store, and
 * (rows inside the evaluator's DB) each evaluation. The dataset service answers it because the
 * files are on the volume every service shares; evaluations come from the evaluator.
 */
export async function diskUsage (nc: NatsConnection, dataDir: string): Promise<Usage> {
  const artifacts = join(dataDir, 'artifacts')
  const [datasets, adapters, models, runs, downloads, stateDbs, nats, evaluations, space] = await Promise.all([
    entriesBytes(join(artifacts, 'datasets')),
    entriesBytes(join(artifacts, 'adapters')),
    entriesBytes(join(artifacts, 'models')),
    entriesBytes(join(dataDir, 'trainer', 'runs')),
    entriesBytes(join(dataDir, 'sources')),
    Promise.all(SERVICE_NAMES.map(async (s) => ({
      id: s,
      bytes: (await Promise.all(['state.db', 'state.db-wal', 'state.db-shm'].map(async (f) => await treeBytes(join(dataDir, s, f))))).reduce((a, b) => a + b, 0)
    }))),
    natsStore(nc),
    callService<{ items: Array<{ id: string, bytes: number }> }>(nc, 'evaluator', USAGE_VERBS.evaluations, {}, { timeout: 10_000 })
      .then((r) => kindOf('evaluations', r.items, 'rows inside the evaluator state DB (counted there too)'))
      .catch((err: Error) => kindOf('evaluations', [], `the evaluator did not answer: ${err.message}`)),
    diskSpace(dataDir)
  ])
  const kinds = [
    kindOf('datasets', datasets),
    kindOf('adapters', adapters),
    kindOf('models', models),
    kindOf('training_runs', runs),
    kindOf('downloads', downloads.filter((d) => d.id !== '.partial')),
    kindOf('state_dbs', stateDbs.filter((d) => d.bytes > 0).sort((a, b) => b.bytes - a.bytes)),
    nats,
    evaluations
  ]
  const min = minFreeBytes()
  return {
    data_dir: { ...space, min_free_bytes: min, low: space.free_bytes !== null && space.free_bytes < min },
    kinds,
    total_bytes: kinds.filter((k) => k.kind !== 'evaluations').reduce((s, k) => s + k.bytes, 0)
  }
}

/** Bytes of each JetStream stream (the KV buckets are streams too), as the server counts them. */
async function natsStore (nc: NatsConnection): Promise<UsageKind> {
  try {
    const jsm = await jetstreamManager(nc)
    const items: Array<{ id: string, bytes: number }> = []
    for await (const s of jsm.streams.list()) items.push({ id: s.config.name, bytes: s.state.bytes })
    return kindOf('nats_store', items.sort((a, b) => b.bytes - a.bytes), null)
  } catch (err) {
    return kindOf('nats_store', [], `JetStream did not answer: ${(err as Error).message}`)
  }
}
