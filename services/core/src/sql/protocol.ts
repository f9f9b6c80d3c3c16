import type { ExecResult } from './types.js'
import type { Special, WireValue } from './wire.js'

/** Parent → child: one query. */
export interface QueryRequest {
  id: number
  dbPath: string
  sql: string
  maxRows: number
  maxBytes: number
}

export type WireResult = Omit<ExecResult, 'elapsed_ms' | 'rows'> & { rows: WireValue[][], special: Special[] }

/** Child → parent. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'result', id: number, result: WireResult }
