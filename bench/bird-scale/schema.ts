/** The 11 BIRD dev schemas as dev_tables.json states them, and the DDL the generator writes. */
import { readFileSync } from 'node:fs'

export type ColumnType = 'integer' | 'real' | 'text' | 'date' | 'datetime'
export interface Column { table: string, name: string, type: ColumnType }
export interface Table {
  name: string
  columns: Column[]
  primaryKey: string[]
  foreignKeys: Array<{ column: string, refTable: string, refColumn: string }>
  /** Columns other foreign keys reference, outside the primary key: UNIQUE, as SQLite requires of a parent key. */
  unique: string[]
}
export interface DbSchema { dbId: string, tables: Table[] }

interface TablesJson {
  db_id: string
  table_names_original: string[]
  column_names_original: Array<[number, string]>
  column_types: string[]
  primary_keys: Array<number | number[]>
  foreign_keys: Array<[number, number]>
}

export function loadSchemas (devTablesPath: string): DbSchema[] {
  const entries = JSON.parse(readFileSync(devTablesPath, 'utf8')) as TablesJson[]
  return entries.map((e) => {
    const tables: Table[] = e.table_names_original.map((name) => ({ name, columns: [], primaryKey: [], foreignKeys: [], unique: [] }))
    const cols = e.column_names_original.map(([t, name], i) => (t < 0 ? null : { table: tables[t].name, name, type: e.column_types[i] as ColumnType, t }))
    for (const c of cols) if (c !== null) tables[c.t].columns.push({ table: c.table, name: c.name, type: c.type })
    for (const pk of e.primary_keys) {
      const ids = Array.isArray(pk) ? pk : [pk]
      const t = cols[ids[0]]!.t
      tables[t].primaryKey = ids.map((i) => cols[i]!.name)
    }
    for (const [from, to] of e.foreign_keys) {
      const a = cols[from]!; const b = cols[to]!
      tables[a.t].foreignKeys.push({ column: a.name, refTable: b.table, refColumn: b.name })
      const parent = tables[b.t]
      if (!(parent.primaryKey.length === 1 && parent.primaryKey[0] === b.name) && !parent.unique.includes(b.name)) parent.unique.push(b.name)
    }
    return { dbId: e.db_id, tables }
  })
}

const SQL_WORDS = new Set(['order', 'group', 'by', 'select', 'from', 'where', 'table', 'index', 'set', 'values', 'to'])

/** BIRD's DDL quotes awkward names with backticks; so do we. */
export function ident (name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !SQL_WORDS.has(name.toLowerCase()) ? name : '`' + name.replaceAll('`', '``') + '`'
}

/**
 * CREATE TABLE in the layout of the real BIRD files: one column a line, names padded to one
 * width, "not null primary key" on single keys, "null" on the others, key and reference clauses
 * last. The real files' spacing varies by table and is not reproduced, so prompt token counts over
 * this DDL are close to, not equal to, BIRD's (bench/README.md gives the difference for one database).
 */
/** The table's single-column keys: its primary key when it has one column, and its UNIQUE columns. */
export function singleKeys (t: Table): string[] {
  return [...(t.primaryKey.length === 1 ? t.primaryKey : []), ...t.unique]
}

export function createTable (t: Table): string {
  const width = Math.max(...t.columns.map((c) => ident(c.name).length))
  const lines = t.columns.map((c) => {
    const single = t.primaryKey.length === 1 && t.primaryKey[0] === c.name
    return `    ${ident(c.name).padEnd(width)} ${c.type.toUpperCase()}${single ? ' not null\n        primary key' : t.unique.includes(c.name) ? ' not null unique' : ' null'}`
  })
  if (t.primaryKey.length > 1) lines.push(`    primary key (${t.primaryKey.map(ident).join(', ')})`)
  for (const fk of t.foreignKeys) lines.push(`    foreign key (${ident(fk.column)}) references ${ident(fk.refTable)} (${ident(fk.refColumn)})`)
  return `CREATE TABLE ${ident(t.name)}\n(\n${lines.join(',\n')}\n)`
}
