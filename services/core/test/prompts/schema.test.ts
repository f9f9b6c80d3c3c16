import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { SchemaRenderer } from '../../src/prompts/index.js'
import { makeDb, noPython, recipeSchemaPy, tempDir } from './helpers.js'

const ORDER_DDL = 'CREATE TABLE "order" (\n  id INTEGER PRIMARY KEY AUTOINCREMENT, -- row id\n  item TEXT,\n  price REAL,\n  data BLOB\n)'
const CUSTOMER_DDL = 'CREATE TABLE customer (id integer, name text)'

function shopDb (dir: string): string {
  const path = join(dir, 'shop.sqlite')
  makeDb(path, `
    ${ORDER_DDL};
    ${CUSTOMER_DDL};
    CREATE INDEX customer_name ON customer(name);
    CREATE VIEW v AS SELECT * FROM customer;
    INSERT INTO "order" (item, price, data) VALUES ('pen', 1.0, NULL), ('bookshelf', 12.5, x'00ff27'), ('café', 1e20, NULL);
    INSERT INTO customer VALUES (1, 'Ann'), (NULL, 'Bob');
  `)
  return path
}

test('schema: sqlite_master order, sqlite_sequence kept, verbatim DDL, no indexes or views', (t) => {
  const path = shopDb(tempDir(t))
  assert.equal(new SchemaRenderer().render(path),
    `${ORDER_DDL}\n\nCREATE TABLE sqlite_sequence(name,seq)\n\n${CUSTOMER_DDL}`)
})

test('schema: opened read-only, file untouched, missing file is an error', (t) => {
  const dir = tempDir(t)
  const path = shopDb(dir)
  const before = readFileSync(path)
  new SchemaRenderer().render(path, { sample_rows: 2 })
  assert.deepEqual(readFileSync(path), before)
  assert.deepEqual(readdirSync(dir), ['shop.sqlite'])
  assert.throws(() => new SchemaRenderer().render(join(dir, 'missing.sqlite')), /ENOENT/)
  assert.deepEqual(readdirSync(dir), ['shop.sqlite'])
})

test('schema: cached per file and options, re-rendered when the file changes', (t) => {
  const path = shopDb(tempDir(t))
  const r = new SchemaRenderer()
  const first = r.render(path)
  assert.equal(r.render(path), first)
  assert.deepEqual(r.stats, { hits: 1, misses: 1, entries: 1 })
  r.render(path, { sample_rows: 1 })
  assert.deepEqual(r.stats, { hits: 1, misses: 2, entries: 2 })
  const db = new Database(path)
  db.exec('CREATE TABLE added (a); INSERT INTO added VALUES (randomblob(5000))')
  db.close()
  assert.equal(r.render(path), `${first}\n\nCREATE TABLE added (a)`)
  assert.equal(r.stats.misses, 3)
})

test('sample rows: the recipe format, right-justified, Python str() of values, `order` backticked', (t) => {
  const path = shopDb(tempDir(t))
  const order = [
    '/* ',
    ' 2 example rows: ',
    ' SELECT * FROM `order` LIMIT 2; ',
    ' id      item price         data ',
    ' 1       pen   1.0         None ',
    ' 2 bookshelf  12.5 b"\\x00\\xff\'"  ',
    ' */'
  ].join('\n')
  const seq = '/* \n 2 example rows: \n SELECT * FROM sqlite_sequence LIMIT 2; \n  name seq \norder   3  \n */'
  const customer = '/* \n 2 example rows: \n SELECT * FROM customer LIMIT 2; \n   id name \n   1  Ann \nNone  Bob  \n */'
  assert.equal(new SchemaRenderer().render(path, { sample_rows: 2 }), [
    `${ORDER_DDL} \n ${order}`,
    `CREATE TABLE sqlite_sequence(name,seq) \n ${seq}`,
    `${CUSTOMER_DDL} \n ${customer}`
  ].join('\n\n'))
})

test('sample rows: names that need quoting are queried safely; empty tables keep the header', (t) => {
  const path = join(tempDir(t), 'odd.sqlite')
  makeDb(path, 'CREATE TABLE "we""ird name" (a); CREATE TABLE "group" (b)')
  assert.equal(new SchemaRenderer().render(path, { sample_rows: 1 }), [
    'CREATE TABLE "we""ird name" (a) \n /* \n 1 example rows: \n SELECT * FROM `we"ird name` LIMIT 1; \n a \n \n */',
    'CREATE TABLE "group" (b) \n /* \n 1 example rows: \n SELECT * FROM `group` LIMIT 1; \n b \n \n */'
  ].join('\n\n'))
})

test('schema and sample rows equal the recipe\'s Python on an AUTOINCREMENT db with `order`', { skip: noPython }, (t) => {
  const path = shopDb(tempDir(t))
  const r = new SchemaRenderer()
  for (const n of [0, 2, 5]) {
    const py = JSON.parse(execFileSync('python3', [recipeSchemaPy, String(n), path]).toString()) as Record<string, string>
    assert.equal('-- DB Schema: ' + r.render(path, { sample_rows: n }), py[path], `sample_rows=${n}`)
  }
  assert.ok(existsSync(path))
})
