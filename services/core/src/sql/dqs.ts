/**
 * Double-quoted string literals, as Python's sqlite3 accepts them.
 *
 * better-sqlite3 is built with SQLITE_DQS=0, so `WHERE name = "Bob"` fails with "no such
 * column", while the SQLite behind Python's sqlite3 (and so the official BIRD scorer) reads
 * a double-quoted token that names no column as a string. A quarter of the bird-sample dev
 * gold queries rely on it. SQLite names the token it could not resolve; we requote that
 * token as a string literal and prepare again, which is what the legacy rule does.
 */
import type Database from 'better-sqlite3'

const HINT = /^no such column: "(.*)" - should this be a string literal in single-quotes\?$/s

/** The unresolved double-quoted name SQLite reports in `message`, if any. */
export function unresolvedQuotedName (message: string): string | undefined {
  return HINT.exec(message)?.[1]
}

/**
 * `sql` with every double-quoted token whose value is `name` written as a single-quoted
 * string literal. Strings, comments and other identifier quotes are left alone.
 */
export function requoteAsString (sql: string, name: string): string {
  let out = ''
  let i = 0
  while (i < sql.length) {
    const c = sql[i]
    let end: number
    if (c === "'" || c === '"' || c === '`') {
      end = closing(sql, i + 1, c)
    } else if (c === '[') {
      end = indexOrEnd(sql, ']', i + 1) + 1
    } else if (c === '-' && sql[i + 1] === '-') {
      end = indexOrEnd(sql, '\n', i)
    } else if (c === '/' && sql[i + 1] === '*') {
      end = indexOrEnd(sql, '*/', i + 2) + 2
    } else {
      out += c
      i++
      continue
    }
    const token = sql.slice(i, end)
    if (c === '"' && token.endsWith('"') && token.length >= 2 && token.slice(1, -1).replaceAll('""', '"') === name) {
      out += `'${name.replaceAll("'", "''")}'`
    } else {
      out += token
    }
    i = end
  }
  return out
}

const MAX_REQUOTES = 100

/** Prepares `sql` reading unresolvable "tokens" as strings; returns the text prepared. */
export function prepareLikePython (db: Database.Database, sql: string): { stmt: Database.Statement, text: string } {
  let text = sql
  for (let attempt = 0; ; attempt++) {
    try {
      return { stmt: db.prepare(text), text }
    } catch (err) {
      const name = unresolvedQuotedName((err as Error).message)
      if (name === undefined || attempt >= MAX_REQUOTES) throw err
      const requoted = requoteAsString(text, name)
      if (requoted === text) throw err
      text = requoted
    }
  }
}

// End (exclusive) of a quoted token opened at start - 1; a doubled quote is an escape.
function closing (sql: string, start: number, quote: string): number {
  let i = start
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1
      i += 2
    } else {
      i++
    }
  }
  return sql.length
}

function indexOrEnd (sql: string, needle: string, from: number): number {
  const at = sql.indexOf(needle, from)
  return at === -1 ? sql.length : at
}
