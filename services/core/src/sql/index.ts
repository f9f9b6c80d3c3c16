/**
 * The public surface of @t2s/core/sql: the SQL sandbox and result comparison.
 * The names used outside core, by module; the package exports nothing deeper, so the rest of
 * the area is internal. A name newly needed outside core is added to this list.
 * Listed by the core surface codemod (issue 13).
 */
export { compareResultSets, rowKey, sameResultSet } from './compare.js'
export { prepareLikePython } from './dqs.js'
export { NO_STATEMENT, SANDBOX_CLOSED, SANDBOX_FAILURES, SANDBOX_UNAVAILABLE, SandboxUnavailable, throwIfUnavailable } from './messages.js'
export { SANDBOX_ENV, startSandbox } from './sandbox-env.js'
export { SqlSandbox } from './sandbox.js'
export type { SandboxStats } from './sandbox.js'
export type { ExecResult, SqlValue } from './types.js'
