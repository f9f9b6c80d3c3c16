/**
 * The statement policy of the sandbox: which prepared statements may run.
 *
 * The decisive check is SQLite's own classification (`reader && readonly`): it refuses
 * writes, ATTACH/DETACH, transactions, VACUUM and pragma assignments, none of which a
 * read-only connection reliably stops (docs/design-notes.md §2). The text checks below are
 * defence in depth for reads that are still unwanted.
 */
export const ONLY_QUERIES = 'only a single read-only SELECT/WITH query is allowed'

export interface StatementFlags {
  reader: boolean
  readonly: boolean
}

// Skips whitespace and comments so that the first keyword can be read.
const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$))*/
const QUERY_START = /^(?:select|with|values)\b/i
// load_extension is refused by better-sqlite3 at run time already; refusing it here keeps
// it from running at all. pragma_database_list would reveal absolute server paths.
const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bload_extension\b/i, 'load_extension() is not allowed'],
  [/\bpragma_\w+/i, 'PRAGMA functions are not allowed']
]

/** Why the statement must not run, or undefined when it may. */
export function refusal (sql: string, stmt: StatementFlags): string | undefined {
  if (!(stmt.reader && stmt.readonly)) return ONLY_QUERIES
  if (!QUERY_START.test(sql.replace(LEADING_NOISE, ''))) return ONLY_QUERIES
  for (const [pattern, message] of FORBIDDEN) {
    if (pattern.test(sql)) return message
  }
  return undefined
}
