// Column meanings from BIRD's <db_dir>/database_description/<table>.csv, rendered as SQL comments.
// The recipe never reads these files; this is the `column_descriptions` option.
//
// Format (one line per described column, in the table's column order, right after its DDL):
//   -- <column>[ (<column_name>)][: <column_description>][ | values: <value_description>]
// - <column> is the database's spelling; CSV rows match it trimmed and case-insensitively
//   (BIRD has "wins " for `wins`), and rows naming no real column are dropped.
// - The alias is left out when it only repeats the column; the description when it repeats
//   either. data_format is left out: the DDL already carries the type.
// - Line breaks inside a field become "; " (or " " after punctuation) and runs of blanks one
//   space, so every entry stays on one comment line. A column with nothing to add gets no line.
// - Text in unnamed extra CSV columns is appended to the value description.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeText, parseCsv } from './csv.js'

export type ColumnDescription = {
  column: string
  name: string
  description: string
  format: string
  values: string
}

export type TableDescription = { file: string, encoding: 'utf-8' | 'windows-1252', columns: ColumnDescription[] }

const FIELDS = ['original_column_name', 'column_name', 'column_description', 'data_format', 'value_description'] as const

export function parseDescriptionCsv (bytes: Uint8Array): Omit<TableDescription, 'file'> {
  const { text, encoding } = decodeText(bytes)
  const [header = [], ...rows] = parseCsv(text)
  const names = header.map((h) => h.trim().toLowerCase())
  // Columns by header name; a file without the usual header falls back to BIRD's column order.
  const at = FIELDS.map((f, i) => names.includes(f) ? names.indexOf(f) : i)
  // Text in unnamed extra columns belongs to the value description (financial/account.csv).
  const isExtra = (i: number): boolean => !at.includes(i) && (names[i] ?? '') === ''
  const columns = rows
    .map((r) => {
      const [column, name, description, format, value] = at.map((i) => r[i] ?? '')
      const values = [value, ...r.filter((_, i) => isExtra(i))].filter((v) => v.trim() !== '').join('\n')
      return { column: column.trim(), name, description, format, values }
    })
    .filter((c) => c.column !== '')
  return { encoding, columns }
}

// Keyed by lower-cased table name (file names follow the table names, case aside).
// A missing directory gives an empty map: descriptions are optional.
export function loadColumnDescriptions (dir: string): Map<string, TableDescription> {
  const out = new Map<string, TableDescription>()
  let files: string[]
  try {
    files = readdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return out
    throw err
  }
  for (const f of files.sort()) {
    if (!f.toLowerCase().endsWith('.csv')) continue
    const file = join(dir, f)
    out.set(f.slice(0, -4).toLowerCase(), { file, ...parseDescriptionCsv(readFileSync(file)) })
  }
  return out
}

function oneLine (s: string): string {
  let out = ''
  for (const part of s.split(/\r\n|\r|\n/)) {
    const p = part.replace(/\s+/g, ' ').trim()
    if (p === '') continue
    out += out === '' ? p : (/[.,:;!?]$/.test(out) ? ' ' : '; ') + p
  }
  return out
}

// dbColumns: the table's real columns in order; null renders every CSV row in file order.
export function renderColumnComments (described: ColumnDescription[], dbColumns: string[] | null): string[] {
  const byName = new Map<string, ColumnDescription>()
  for (const c of described) {
    const key = c.column.toLowerCase()
    if (!byName.has(key)) byName.set(key, c)
  }
  const order = dbColumns ?? described.map((c) => c.column)
  const lines: string[] = []
  for (const column of order) {
    const d = byName.get(column.toLowerCase())
    if (d === undefined) continue
    const alias = oneLine(d.name)
    const desc = oneLine(d.description)
    const values = oneLine(d.values)
    const seen = [column.toLowerCase(), alias.toLowerCase()]
    let line = `-- ${column}`
    if (alias !== '' && alias.toLowerCase() !== column.toLowerCase()) line += ` (${alias})`
    if (desc !== '' && !seen.includes(desc.toLowerCase())) line += `: ${desc}`
    if (values !== '') line += ` | values: ${values}`
    if (line !== `-- ${column}`) lines.push(line)
  }
  return lines
}
