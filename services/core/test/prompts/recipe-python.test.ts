// Byte equality with the recipe's Python generate_schema_prompt on every bird-sample database.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { SchemaRenderer } from '../../src/prompts/index.js'
import { birdSampleDbs, noBirdSample, noPython, recipeSchemaPy } from './helpers.js'

const skip = noBirdSample || noPython

for (const rows of [0, 3]) {
  test(`bird-sample dev+train schemas equal the recipe's Python (sample_rows=${rows})`, { skip }, () => {
    const dbs = birdSampleDbs()
    assert.equal(dbs.length, 20)
    const py = JSON.parse(execFileSync('python3', [recipeSchemaPy, String(rows), ...dbs], { maxBuffer: 256 << 20 }).toString()) as Record<string, string>
    const r = new SchemaRenderer()
    for (const db of dbs) assert.equal('-- DB Schema: ' + r.render(db, { sample_rows: rows }), py[db], db)
  })
}
