import type { ExecuteSqlBody, SqlResultJson } from '@t2s/core/contracts/sql'
import { ServiceError } from '@t2s/core/errors'
import { databaseFile } from '@t2s/core/sources/questions'
import type { SqlSandbox, SqlValue } from '@t2s/core/sql/sandbox'
import type { SourceRegistry } from '../sources/registry.js'

/** JSON has no bigint or bytes: big integers travel as decimal strings, BLOBs as base64. */
export function jsonValue (v: SqlValue): unknown {
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Uint8Array) return { base64: Buffer.from(v).toString('base64') }
  return v
}

/** Runs one query of a registered source's database in the sandbox. */
export async function executeSql (sources: SourceRegistry, sandbox: SqlSandbox, body: ExecuteSqlBody): Promise<SqlResultJson> {
  const src = sources.resolve(body.source)
  if (!src.db_ids.includes(body.db_id)) throw new ServiceError('NOT_FOUND', `source "${src.name}" has no database "${body.db_id}"`)
  const r = await sandbox.execute(databaseFile(src.databases_path, body.db_id), body.sql, { timeoutMs: body.timeout_ms, maxRows: body.max_rows })
  return { ...r, rows: r.rows.map((row) => row.map(jsonValue)) }
}
