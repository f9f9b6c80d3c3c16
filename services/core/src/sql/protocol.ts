import type { ExecResult } from './types.js'

/** Parent → child: one query. */
export interface QueryRequest {
  id: number
  dbPath: string
  sql: string
  maxRows: number
  maxBytes: number
}

/** Child → parent. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'result', id: number, result: Omit<ExecResult, 'elapsed_ms'> }
