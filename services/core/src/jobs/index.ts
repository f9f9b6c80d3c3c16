/**
 * The public surface of @t2s/core/jobs: the job store, worker, kinds and JetStream set-up.
 * The names used outside core, by module; the package exports nothing deeper, so the rest of
 * the area is internal. A name newly needed outside core is added to this list.
 * Listed by the core surface codemod (issue 13).
 */
export type { FanOutJobKind, Item, JobContext, JobKind, SingleJobKind } from './kinds.js'
export { ensureJetStream } from './setup.js'
export type { ConsumerTuning } from './setup.js'
export { JobStore, newId } from './store.js'
export type { JobEvent } from './store.js'
export { ITEM_BATCH, JobWorker } from './worker.js'
