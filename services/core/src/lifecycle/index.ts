/**
 * The public surface of @t2s/core/lifecycle: deletion rules, retention, disk usage.
 * The names used outside core, by module; the package exports nothing deeper, so the rest of
 * the area is internal. A name newly needed outside core is added to this list.
 * Listed by the core surface codemod (issue 13).
 */
export { activeJobsUsing, paramsName, refuseWhileUsed, removeTree, sweepOrphanJobs, sweepOrphans } from './deletion.js'
export { removeExpiredJobs, retentionMs } from './retention.js'
export { diskSpace, entriesBytes, freeBytesSync, minFreeBytes, treeBytes } from './usage.js'
