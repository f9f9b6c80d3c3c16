import type { Command } from 'commander'
import { ctxOf, print } from '../context.js'
import { unwrap, withDefaults } from '../client.js'
import { EXIT } from '../errors.js'
import { table } from '../format.js'
import { int } from './datasets.js'

export function sqlCommand (program: Command): void {
  program.command('sql')
    .argument('<source>', 'source id or name').argument('<db_id>', 'database of the source').argument('<sql>', 'one read-only statement')
    .option('--max-rows <n>', 'rows to return', int, 100)
    .option('--timeout-ms <n>', 'time limit', int)
    .description('Run one read-only query on a source database in the sandbox')
    .action(async (source: string, dbId: string, sql: string, o: { maxRows: number, timeoutMs?: number }, cmd: Command) => {
      const ctx = ctxOf(cmd)
      const body = { source, db_id: dbId, sql, max_rows: o.maxRows, ...(o.timeoutMs === undefined ? {} : { timeout_ms: o.timeoutMs }) }
      const r = await unwrap(ctx.client.POST('/v1/sql/execute', { body: withDefaults<'/v1/sql/execute'>(body) }))
      print(ctx, r, () => r.status === 'ok'
        ? `${table(r.columns, r.rows.map((row) => row.map((v) => v === null ? 'NULL' : String(v))))}\n(${r.rows.length} row${r.rows.length === 1 ? '' : 's'}${r.truncated ? ', truncated' : ''}, ${r.elapsed_ms.toFixed(1)} ms)`
        : `${r.status}: ${r.error ?? ''}`)
      // The query's own failure is the user's input at fault: exit 2, like a refused request.
      process.exitCode = r.status === 'ok' ? EXIT.ok : EXIT.usage
    })
}
