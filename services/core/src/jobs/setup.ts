import { AckPolicy, DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream'
import { Kvm, type KV } from '@nats-io/kv'
import { nanos, type NatsConnection } from '@nats-io/transport-node'
import { EVENTS_STREAM, itemSubject, jobSubject, JOBS_BUCKET, WORK_STREAM } from '../contracts/subjects.js'

export interface ConsumerTuning {
  /** Seconds a worker may hold a message without `working()` before it is redelivered. */
  ackWaitS: number
  /** Deliveries before a message is given up (the item is then recorded as failed). */
  maxDeliver: number
  /** Messages in flight across all replicas of the service. */
  maxAckPending: number
}

export const DEFAULT_TUNING: ConsumerTuning = { ackWaitS: 30, maxDeliver: 5, maxAckPending: 256 }

/**
 * Creates (or keeps) the suite's JetStream streams and the jobs KV bucket. Idempotent,
 * called by every process at start, so no start-up order between processes matters.
 * Only nats-server 2.9 features are used (one filter subject per consumer, no per-message TTL).
 */
export async function ensureJetStream (nc: NatsConnection, replicas = 1): Promise<{ jsm: JetStreamManager, kv: KV }> {
  const jsm = await jetstreamManager(nc)
  await ensureStream(jsm, {
    name: WORK_STREAM,
    subjects: ['t2s.work.>'],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: replicas,
    duplicate_window: nanos(2 * 60_000)
  })
  await ensureStream(jsm, {
    name: EVENTS_STREAM,
    subjects: ['t2s.events.>'],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: replicas,
    max_age: nanos(7 * 24 * 3600_000),
    max_msgs_per_subject: 100_000,
    discard: DiscardPolicy.Old
  })
  const kv = await new Kvm(nc).create(JOBS_BUCKET, { history: 5, storage: StorageType.File, replicas })
  // A bucket made before T2S_NATS_REPLICAS was raised keeps its count unless told.
  await raiseReplicas(jsm, `KV_${JOBS_BUCKET}`, replicas)
  return { jsm, kv }
}

async function ensureStream (jsm: JetStreamManager, cfg: Parameters<JetStreamManager['streams']['add']>[0]): Promise<void> {
  const exists = await jsm.streams.info(cfg.name!).then(() => true, () => false)
  if (exists) {
    await raiseReplicas(jsm, cfg.name!, cfg.num_replicas ?? 1)
    return
  }
  try {
    await jsm.streams.add(cfg)
  } catch (err) {
    // Another process created it between our two calls.
    await jsm.streams.info(cfg.name!).catch(() => { throw err })
  }
}

/** Moves an existing stream to `replicas` copies (nats-server 2.9 changes R in place). */
async function raiseReplicas (jsm: JetStreamManager, name: string, replicas: number): Promise<void> {
  const info = await jsm.streams.info(name)
  if (info.config.num_replicas !== replicas) await jsm.streams.update(name, { ...info.config, num_replicas: replicas })
}

/** Durable pull consumers of one service: one for job messages, one for item messages. */
export async function ensureServiceConsumers (jsm: JetStreamManager, service: string, tuning: ConsumerTuning): Promise<{ jobs: string, items: string }> {
  const jobs = `${service}-jobs`
  const items = `${service}-items`
  for (const [durable, filter] of [[jobs, jobSubject(service)], [items, itemSubject(service)]] as const) {
    const cfg = {
      durable_name: durable,
      filter_subject: filter,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(tuning.ackWaitS * 1000),
      max_deliver: tuning.maxDeliver,
      max_ack_pending: tuning.maxAckPending
    }
    try {
      await jsm.consumers.info(WORK_STREAM, durable)
      await jsm.consumers.update(WORK_STREAM, durable, { ack_wait: cfg.ack_wait, max_deliver: cfg.max_deliver, max_ack_pending: cfg.max_ack_pending })
    } catch {
      await jsm.consumers.add(WORK_STREAM, cfg).catch(async (err) => {
        await jsm.consumers.info(WORK_STREAM, durable).catch(() => { throw err })
      })
    }
  }
  return { jobs, items }
}
