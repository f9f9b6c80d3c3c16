import { INTERACTIVE_QUEUE_WAIT_MS, type ExecuteSqlBody, type SqlResultJson } from '@t2s/core/contracts'
import { ServiceError, unavailable } from '@t2s/core'
import { databaseFile } from '@t2s/core/sources'
import { SANDBOX_UNAVAILABLE, type SqlSandbox, type SqlValue } from '@t2s/core/sql'
import type { SourceRegistry } from '../sources/registry.js'

/** JSON has no bigint or bytes: big integers travel as decimal strings, BLOBs as base64. */
export function jsonValue (v: SqlValue): unknown {
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Uint8Array) return { base64: Buffer.from(v).toString('base64') }
  return v
}

/**
 * Runs one query of a registered source's database in the sandbox, as an interactive
 * caller: ahead of batch work, dropped if no process frees up before its caller would give
 * up or its caller goes away (`signal`: dropped from the queue, or killed if it runs), and
 * cut to `maxBytes` of JSON rows so the reply always fits one NATS message.
 */
export async function executeSql (sources: SourceRegistry, sandbox: SqlSandbox, body: ExecuteSqlBody, maxBytes: number, signal?: AbortSignal): Promise<SqlResultJson> {
  const src = sources.resolve(body.source)
  if (!src.db_ids.includes(body.db_id)) throw new ServiceError('NOT_FOUND', `source "${src.name}" has no database "${body.db_id}"`)
  const r = await sandbox.execute(databaseFile(src.databases_path, body.db_id), body.sql, {
    timeoutMs: body.timeout_ms,
    maxRows: body.max_rows,
    interactive: true,
    queueWaitMs: INTERACTIVE_QUEUE_WAIT_MS,
    signal
  })
  if (r.status === 'error' && SANDBOX_UNAVAILABLE.has(r.error ?? '')) throw unavailable(`${r.error ?? 'the SQL sandbox is unavailable'}; retry later`)
  const { rows, cut } = fitRows(r.rows, maxBytes - Buffer.byteLength(JSON.stringify({ ...r, rows: [] })))
  if (cut) return { ...r, rows, truncated: true, truncated_reason: 'max_bytes' }
  return { ...r, rows }
}

/** The leading rows whose JSON fits `budget` bytes. */
function fitRows (rows: SqlValue[][], budget: number): { rows: unknown[][], cut: boolean } {
  const out: unknown[][] = []
  let used = 0
  for (const row of rows) {
    const json = row.map(jsonValue)
    used += Buffer.byteLength(JSON.stringify(json)) + 1
    if (used > budget) return { rows: out, cut: true }
    out.push(json)
  }
  return { rows: out, cut: false }
}
