import assert from 'node:assert/strict'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { requoteAsString, unresolvedQuotedName } from '../../src/sql/dqs.js'

test('reads the unresolved name from SQLite\'s message', () => {
  const db = new Database(':memory:')
  try {
    const message = (sql: string): string => {
      try {
        db.prepare(sql)
        return ''
      } catch (err) {
        return (err as Error).message
      }
    }
    assert.equal(unresolvedQuotedName(message('SELECT "JetBlue Airways"')), 'JetBlue Airways')
    assert.equal(unresolvedQuotedName(message('SELECT "a""b"')), 'a"b')
    assert.equal(unresolvedQuotedName(message("SELECT \"it's\"")), "it's")
    assert.equal(unresolvedQuotedName(message('SELECT * FROM nope')), undefined)
    assert.equal(unresolvedQuotedName(message('SELECT t.x FROM (SELECT 1) t')), undefined)
  } finally {
    db.close()
  }
})

test('requotes only the matching double-quoted tokens', () => {
  assert.equal(requoteAsString('SELECT * FROM t WHERE a = "x" AND b = "y"', 'x'), 'SELECT * FROM t WHERE a = \'x\' AND b = "y"')
  assert.equal(requoteAsString('SELECT "x", "x" FROM t', 'x'), "SELECT 'x', 'x' FROM t")
  assert.equal(requoteAsString('SELECT "a""b"', 'a"b'), "SELECT 'a\"b'")
  assert.equal(requoteAsString("SELECT \"it's\"", "it's"), "SELECT 'it''s'")
  assert.equal(requoteAsString('SELECT "xy" FROM t', 'x'), 'SELECT "xy" FROM t')
})

test('leaves strings, comments and other identifier quotes alone', () => {
  const sql = `SELECT 'say "x"', \`x\`, [x] -- "x"
    /* "x" */ FROM t WHERE c = "x"`
  assert.equal(requoteAsString(sql, 'x'), `SELECT 'say "x"', \`x\`, [x] -- "x"
    /* "x" */ FROM t WHERE c = 'x'`)
  assert.equal(requoteAsString("SELECT 'it''s \"x\"', \"x\"", 'x'), "SELECT 'it''s \"x\"', 'x'")
  assert.equal(requoteAsString('SELECT "x', 'x'), 'SELECT "x')
  assert.equal(requoteAsString('SELECT 1 /* "x"', 'x'), 'SELECT 1 /* "x"')
})
