// GET /v1/sources/{id}/databases/{db_id}/schema: the schema text of the prompt, from core's
// prompt builder, on the demo source (library has description CSVs, school has none).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { PromptBuilder } from '@t2s/core/prompts'
import { buildDemo } from '../../scripts/build-demo.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

describe('database schema as the prompt sees it', { timeout: 120_000 }, () => {
  let stack: Stack
  let dbFile: (dbId: string) => string
  const get = async (url: string) => await stack.gateway.inject({ url, headers: AUTH })

  before(async () => {
    stack = await startStack(['dataset'])
    buildDemo(join(stack.dataDir, 'demo'))
    await stack.registerSource('demo', 'demo/dev.json', 'demo/dev_databases')
    dbFile = (dbId) => join(stack.dataDir, 'demo', 'dev_databases', dbId, `${dbId}.sqlite`)
  })
  after(async () => { await stack?.stop() })

  test("the recipe's schema: every CREATE TABLE text in sqlite_master order, nothing else", async () => {
    const res = await get('/v1/sources/demo/databases/library/schema')
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    const db = new Database(dbFile('library'), { readonly: true })
    const ddl = (db.prepare("SELECT sql FROM sqlite_master WHERE type='table'").pluck().all() as string[]).join('\n\n')
    db.close()
    assert.deepEqual(body, {
      source_id: body.source_id,
      db_id: 'library',
      prompt_version: 'cookbook-1',
      sample_rows: 0,
      column_descriptions: false,
      has_descriptions: true,
      schema: ddl
    })
  })

  test('sample rows and column descriptions render as the prompt builder renders them', async () => {
    const res = await get('/v1/sources/demo/databases/library/schema?sample_rows=2&column_descriptions=true')
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    assert.equal(body.prompt_version, 'cookbook-1+rows2+desc')
    assert.equal(body.schema, new PromptBuilder({ preset: 'cookbook', options: { sample_rows: 2, column_descriptions: true } }).schema(dbFile('library')))
    assert.notEqual(body.schema, (await get('/v1/sources/demo/databases/library/schema')).json().schema)
    assert.equal((await get('/v1/sources/demo/databases/school/schema')).json().has_descriptions, false)
  })

  test('unknown source or database: 404 naming it; a bad option: 400', async () => {
    const noDb = await get('/v1/sources/demo/databases/nope/schema')
    assert.equal(noDb.statusCode, 404)
    assert.match(noDb.json().detail, /source "demo" has no database "nope"/)
    const noSource = await get('/v1/sources/nope/databases/library/schema')
    assert.equal(noSource.statusCode, 404)
    assert.match(noSource.json().detail, /source "nope" not found/)
    const bad = await get('/v1/sources/demo/databases/library/schema?sample_rows=99')
    assert.equal(bad.statusCode, 400)
    assert.match(bad.json().detail, /sample_rows/)
    const unknown = await get('/v1/sources/demo/databases/library/schema?rows=2')
    assert.equal(unknown.statusCode, 400)
  })
})
