// The recipe's dormant `num_rows` format (docs/recipe-formats.md §2), which this reproduces:
//   <DDL> \n /* \n <n> example rows: \n SELECT * FROM <t> LIMIT <n>; \n <table> \n */
// where <table> is a header line and one line per row, each cell right-justified to its
// column's width (code points) and followed by one space, values as Python's str() prints
// them (None, 1.0, b'..'). <t> is shown as the recipe writes it: backticked when the name is
// order/by/group. Names the recipe could not query at all (spaces, quotes, other keywords)
// are backticked too, a choice of ours; the query itself always uses a quoted identifier.
import type Database from 'better-sqlite3'
import { pyRjust, pyLen, pyStr } from './python.js'

const RECIPE_QUOTED = new Set(['order', 'by', 'group'])

export function displayTableName (name: string): string {
  if (RECIPE_QUOTED.has(name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return '`' + name.replaceAll('`', '``') + '`'
  return name
}

export function quoteIdent (name: string): string {
  return '"' + name.replaceAll('"', '""') + '"'
}

export function niceLookTable (columns: string[], rows: unknown[][]): string {
  const cells = rows.map((r) => r.map(pyStr))
  const widths = columns.map((c, i) => Math.max(pyLen(c), ...cells.map((r) => pyLen(r[i]))))
  const line = (vals: string[]): string => vals.map((v, i) => pyRjust(v, widths[i]) + ' ').join('')
  return line(columns) + '\n' + cells.map(line).join('\n')
}

export function sampleRowsBlock (db: Database.Database, table: string, n: number): string {
  // safeIntegers: INTEGER comes back as bigint, so a number is always a REAL (printed like a float).
  const stmt = db.prepare(`SELECT * FROM ${quoteIdent(table)} LIMIT ?`).raw(true).safeIntegers(true)
  const rows = stmt.all(n) as unknown[][]
  const columns = stmt.columns().map((c) => c.name)
  const shown = displayTableName(table)
  return `/* \n ${n} example rows: \n SELECT * FROM ${shown} LIMIT ${n}; \n ${niceLookTable(columns, rows)} \n */`
}
