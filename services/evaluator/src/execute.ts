import type { SqlSandbox } from '@t2s/core/sql'

/** The sandbox's one method the evaluator uses (tests pass a counting wrapper). */
export type Executor = Pick<SqlSandbox, 'execute'>
