/**
 * The statement policy of the sandbox: which prepared statements may run.
 *
 * The decisive check is SQLite's own classification (`reader && readonly`): it refuses
 * writes, ATTACH/DETACH, transactions, VACUUM and pragma assignments, none of which a
 * read-only connection reliably stops (ARCHITECTURE.md §5). The text checks below are
 * defence in depth for reads that are still unwanted.
 */
import type Database from 'better-sqlite3'
import { NOT_ALLOWED_FUNCTION } from './messages.js'

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

/**
 * The SQL functions a query may call: SQLite's core, date/time, math, JSON and window
 * functions. Everything else the library was built with (FTS3/5 internals such as
 * fts3_tokenizer, which returns a native pointer; R-Tree and Geopoly; load_extension;
 * sqlite_compileoption_* and sqlite_log) is replaced per connection by a function that refuses.
 */
export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set(`
  -> ->> abs acos acosh asin asinh atan atan2 atanh avg ceil ceiling char coalesce concat concat_ws
  cos cosh count cume_dist current_date current_time current_timestamp date datetime degrees
  dense_rank exp first_value floor format glob group_concat hex if ifnull iif instr
  json json_array json_array_insert json_array_length json_error_position json_extract
  json_group_array json_group_object json_insert json_object json_patch json_pretty json_quote
  json_remove json_replace json_set json_type json_valid jsonb jsonb_array jsonb_array_insert
  jsonb_extract jsonb_group_array jsonb_group_object jsonb_insert jsonb_object jsonb_patch
  jsonb_remove jsonb_replace jsonb_set julianday lag last_value lead length like likelihood likely
  ln log log10 log2 lower ltrim max median min mod nth_value ntile nullif octet_length
  percent_rank percentile percentile_cont percentile_disc pi pow power printf quote radians random
  randomblob rank replace round row_number rtrim sign sin sinh soundex sqlite_version sqrt strftime
  string_agg substr substring sum tan tanh time timediff total trim trunc typeof unhex unicode
  unistr unistr_quote unixepoch unlikely upper zeroblob
`.trim().split(/\s+/))

/** Overrides, on one connection, every function of the build that is not allowed. */
export function denyFunctions (db: Database.Database): void {
  const listed = db.prepare('SELECT DISTINCT name, narg FROM pragma_function_list').all() as Array<{ name: string, narg: number }>
  for (const { name, narg } of listed) {
    if (ALLOWED_FUNCTIONS.has(name.toLowerCase())) continue
    const refuse = (): never => { throw new Error(`${name}() ${NOT_ALLOWED_FUNCTION}`) }
    // An application function of the same name and arity takes precedence over the built-in one.
    if (narg < 0) db.function(name, { varargs: true }, refuse)
    else db.function(name, Object.defineProperty(refuse, 'length', { value: narg }))
  }
}
