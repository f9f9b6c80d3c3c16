// Schema text as the recipe builds it (docs/recipe-formats.md §2): every sqlite_master row of type
// 'table' in row order (no ORDER BY), sqlite_sequence included since the recipe's skip never
// fires, each row's verbatim CREATE TABLE text, joined by "\n\n". No "-- DB Schema: " prefix:
// the prompt layouts add it. Rendered once per database file and options, then cached.
import { statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { loadColumnDescriptions, renderColumnComments } from './column-descriptions.js'
import { sampleRowsBlock } from './sample-rows.js'
import { normalizeOptions, type PromptOptions } from './version.js'

export type SchemaRendererOptions = {
  // Where a database's description CSVs live; BIRD's layout by default.
  descriptionDir?: (dbPath: string) => string
  // Cached renderings kept (least recently used go first).
  maxEntries?: number
}

export const defaultDescriptionDir = (dbPath: string): string => join(dirname(dbPath), 'database_description')

export class SchemaRenderer {
  readonly #cache = new Map<string, string>()
  readonly #descriptionDir: (dbPath: string) => string
  readonly #maxEntries: number
  #hits = 0
  #misses = 0

  constructor (opts: SchemaRendererOptions = {}) {
    this.#descriptionDir = opts.descriptionDir ?? defaultDescriptionDir
    this.#maxEntries = opts.maxEntries ?? 256
  }

  render (dbPath: string, options: PromptOptions = {}): string {
    const path = resolve(dbPath)
    const st = statSync(path)
    const opts = normalizeOptions(options)
    // A rewritten file changes mtime or size, and so misses the cache.
    const key = JSON.stringify([path, st.mtimeMs, st.size, opts.sample_rows, opts.column_descriptions])
    const hit = this.#cache.get(key)
    if (hit !== undefined) {
      this.#hits++
      this.#cache.delete(key)
      this.#cache.set(key, hit)
      return hit
    }
    this.#misses++
    const text = renderSchema(path, opts, this.#descriptionDir)
    this.#cache.set(key, text)
    if (this.#cache.size > this.#maxEntries) this.#cache.delete(this.#cache.keys().next().value as string)
    return text
  }

  get stats (): { hits: number, misses: number, entries: number } {
    return { hits: this.#hits, misses: this.#misses, entries: this.#cache.size }
  }

  clear (): void {
    this.#cache.clear()
  }
}

function renderSchema (path: string, opts: ReturnType<typeof normalizeOptions>, descriptionDir: (p: string) => string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type='table'").all() as { name: string, sql: string | null }[]
    const described = opts.column_descriptions ? loadColumnDescriptions(descriptionDir(path)) : null
    const columnsOf = db.prepare('SELECT name FROM pragma_table_info(?)').pluck()
    return tables.map(({ name, sql }) => {
      if (sql === null) throw new Error(`${path}: table ${JSON.stringify(name)} has no CREATE TABLE text`)
      let text = sql
      const desc = described?.get(name.toLowerCase())
      if (desc !== undefined) {
        const lines = renderColumnComments(desc.columns, columnsOf.all(name) as string[])
        if (lines.length > 0) text += '\n' + lines.join('\n')
      }
      if (opts.sample_rows > 0) text += ' \n ' + sampleRowsBlock(db, name, opts.sample_rows)
      return text
    }).join('\n\n')
  } finally {
    db.close()
  }
}
