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
import { skipToken } from './tokens.js'

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
    const t = skipToken(sql, i)
    if (t === undefined) {
      out += c
      i++
      continue
    }
    const end = t.end
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
