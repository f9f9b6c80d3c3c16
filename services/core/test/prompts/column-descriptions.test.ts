import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { SchemaRenderer, loadColumnDescriptions, parseDescriptionCsv, renderColumnComments } from '../../src/prompts/index.js'
import { parseCsv } from '../../src/prompts/csv.js'
import { birdOfficial, birdOfficialDbs, makeDb, noBirdOfficial, tempDir } from './helpers.js'

test('CSV: quotes, doubled quotes, embedded newlines, CRLF/LF/CR, BOM, blank lines', () => {
  const text = '\ufeffa,b,c\r\n1,"x, ""y""\r\nz",3\n\n4,,"6"\r7,8,9'
  assert.deepEqual(parseCsv(text), [['a', 'b', 'c'], ['1', 'x, "y"\r\nz', '3'], ['4', '', '6'], ['7', '8', '9']])
})

test('description CSV: Windows-1252 fallback, header by name, extra unnamed column kept as values', () => {
  const header = 'original_column_name,column_name,column_description,data_format,value_description,\r\n'
  const bytes = Buffer.concat([
    Buffer.from(header + 'rate ,,work rate,text,"commonsense: \r\n', 'latin1'),
    Buffer.from([0x95, 0x20, 0x68, 0x69, 0x67, 0x68, 0x96]), // "• high–" in cp1252
    Buffer.from('",\r\nfrequency,,,text,,"""A"" monthly\n""B"" weekly"\r\n', 'latin1')
  ])
  const parsed = parseDescriptionCsv(bytes)
  assert.equal(parsed.encoding, 'windows-1252')
  assert.deepEqual(parsed.columns, [
    { column: 'rate', name: '', description: 'work rate', format: 'text', values: 'commonsense: \r\n\u2022 high\u2013' },
    { column: 'frequency', name: '', description: '', format: 'text', values: '"A" monthly\n"B" weekly' }
  ])
  assert.deepEqual(renderColumnComments(parsed.columns, ['Frequency', 'rate', 'other']), [
    '-- Frequency | values: "A" monthly; "B" weekly',
    '-- rate: work rate | values: commonsense: \u2022 high\u2013'
  ])
})

test('comments: alias and description left out when they only repeat the column', () => {
  const c = (column: string, name: string, description: string, values = ''): { column: string, name: string, description: string, format: string, values: string } =>
    ({ column, name, description, format: 'integer', values })
  assert.deepEqual(renderColumnComments([
    c('A2', 'district_name', 'district_name'),
    c('id', 'ID', 'id'),
    c('loan_id', '', 'the id number identifying the loan data'),
    c('status', 'Status', 'repayment status', 'A: contract finished, no problems;\nB: contract finished, loan not paid')
  ], null), [
    '-- A2 (district_name)',
    '-- loan_id: the id number identifying the loan data',
    '-- status: repayment status | values: A: contract finished, no problems; B: contract finished, loan not paid'
  ])
})

test('column descriptions: all 75 real BIRD CSVs parse, cp1252 files decoded', { skip: noBirdOfficial }, () => {
  const root = join(birdOfficial, 'dev_databases')
  let files = 0
  const cp1252: string[] = []
  for (const db of readdirSync(root).sort()) {
    const tables = loadColumnDescriptions(join(root, db, 'database_description'))
    for (const [table, d] of tables) {
      files++
      assert.ok(d.columns.length > 0, `${db}/${table} has columns`)
      for (const c of d.columns) assert.equal(c.column, c.column.trim())
      if (d.encoding === 'windows-1252') cp1252.push(`${db}/${table}`)
    }
  }
  assert.equal(files, 75)
  assert.deepEqual(cp1252.sort(), ['european_football_2/player_attributes', 'european_football_2/team_attributes', 'formula_1/qualifying', 'student_club/budget'])
  const pa = loadColumnDescriptions(join(root, 'european_football_2', 'database_description')).get('player_attributes')
  assert.match(pa?.columns.find((c) => c.column === 'attacking_work_rate')?.values ?? '', /\u2022 high: implies/)
})

test('column descriptions on real BIRD schemas: every table matched, comments after each DDL', { skip: noBirdOfficial }, (t) => {
  const dbs = birdOfficialDbs(tempDir(t))
  assert.equal(dbs.length, 11)
  for (const { dbId, dbPath, descriptionDir } of dbs) {
    const r = new SchemaRenderer({ descriptionDir: () => descriptionDir })
    const plain = r.render(dbPath)
    const described = r.render(dbPath, { column_descriptions: true })
    const blocks = described.split('\n\n')
    assert.equal(blocks.length, plain.split('\n\n').length, dbId)
    for (const b of blocks) {
      const [ddl, ...comments] = b.split('\n')
      assert.match(ddl, /^CREATE TABLE /, dbId)
      assert.ok(comments.length > 0, `${dbId}: ${ddl.slice(0, 40)} has comments`)
      for (const line of comments) assert.match(line, /^-- \S/)
    }
  }
  const financial = dbs.find((d) => d.dbId === 'financial')
  assert.ok(financial)
  const text = new SchemaRenderer({ descriptionDir: () => financial.descriptionDir }).render(financial.dbPath, { column_descriptions: true })
  assert.ok(text.startsWith([
    'CREATE TABLE "account" ("account_id" integer, "district_id" integer, "frequency" text, "date" date)',
    '-- account_id (account id): the id of the account',
    '-- district_id (location of branch)',
    '-- frequency: frequency of the acount | values: "POPLATEK MESICNE" stands for monthly issuance; "POPLATEK TYDNE" stands for weekly issuance; "POPLATEK PO OBRATU" stands for issuance after transaction',
    '-- date: the creation date of the account | values: in the form YYMMDD',
    '',
    'CREATE TABLE "card"'
  ].join('\n')), text.slice(0, 600))
  // formula_1 constructors.csv spells its names with trailing blanks ("constructorId ") and
  // describes a "wins " column the table does not have: matched trimmed, the stray row dropped.
  const f1 = dbs.find((d) => d.dbId === 'formula_1')
  assert.ok(f1)
  const f1Text = new SchemaRenderer({ descriptionDir: () => f1.descriptionDir }).render(f1.dbPath, { column_descriptions: true })
  const constructors = f1Text.split('\n\n').find((b) => b.startsWith('CREATE TABLE "constructors"')) ?? ''
  assert.deepEqual(constructors.split('\n').slice(1), [
    '-- constructorId (constructor Id): the unique identification number identifying constructors',
    '-- constructorRef (Constructor Reference name)',
    '-- name: full name of the constructor',
    '-- nationality: nationality of the constructor',
    '-- url: the introduction website of the constructor | values: commonsense evidence: How to find out the detailed introduction of the constructor: through its url'
  ])
})

test('column descriptions: missing directory or file changes nothing; default dir is BIRD layout', (t) => {
  const dir = tempDir(t)
  mkdirSync(join(dir, 'shop', 'database_description'), { recursive: true })
  const dbPath = join(dir, 'shop', 'shop.sqlite')
  makeDb(dbPath, 'CREATE TABLE a (x int); CREATE TABLE b (y int)')
  writeFileSync(join(dir, 'shop', 'database_description', 'A.csv'), 'original_column_name,column_name,column_description,data_format,value_description\nx,,the x,integer,\n')
  const r = new SchemaRenderer()
  assert.equal(r.render(dbPath, { column_descriptions: true }), 'CREATE TABLE a (x int)\n-- x: the x\n\nCREATE TABLE b (y int)')
  const elsewhere = new SchemaRenderer({ descriptionDir: () => join(dir, 'nowhere') })
  assert.equal(elsewhere.render(dbPath, { column_descriptions: true }), r.render(dbPath))
  assert.equal(readFileSync(join(dir, 'shop', 'database_description', 'A.csv'), 'utf8').length > 0, true)
})
