import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  PromptBuilder, SYSTEM_PROMPTS, SchemaRenderer, cotMessages, evalMessages, sftMessages, teacherPrompt
} from '../../src/prompts/index.js'
import { birdSampleItems, noBirdSample } from './helpers.js'

test('builder: one spec renders the same schema for every stage', { skip: noBirdSample }, () => {
  const it = birdSampleItems().find((x) => x.db_id === 'world_1')
  assert.ok(it)
  const renderer = new SchemaRenderer()
  const b = new PromptBuilder({ preset: 'cookbook' }, { renderer })
  assert.equal(b.version, 'cookbook-1')
  assert.equal(b.budget, null)
  const item = { dbPath: it.dbPath, question: it.question, evidence: it.evidence }
  const schema = b.schema(it.dbPath)
  assert.match(schema, /\n\nCREATE TABLE sqlite_sequence\(name,seq\)\n\n/)
  assert.deepEqual(b.sft({ ...item, sql: it.SQL }), sftMessages({ ...item, schema, sql: it.SQL }))
  assert.deepEqual(b.eval(item), evalMessages({ ...item, schema }, 'plain'))
  assert.deepEqual(b.eval(item, 'reasoning'), evalMessages({ ...item, schema }, 'reasoning'))
  assert.equal(b.teacher({ ...item, goldSql: it.SQL }), teacherPrompt({ ...item, schema, goldSql: it.SQL }))
  assert.deepEqual(b.cot({ ...item, answer: 'A' }), cotMessages({ ...item, schema, answer: 'A' }, 'cookbook'))
  // rendered once, then served from the cache
  assert.deepEqual(renderer.stats, { hits: 5, misses: 1, entries: 1 })
})

test('builder: unified CoT layout trains and evaluates on the same prompt', { skip: noBirdSample }, () => {
  const it = birdSampleItems()[0]
  const b = new PromptBuilder({ preset: 'cookbook', cot_layout: 'unified', options: { sample_rows: 2 } })
  assert.equal(b.version, 'cookbook-1+rows2+unified')
  const item = { dbPath: it.dbPath, question: it.question, evidence: it.evidence }
  const train = b.cot({ ...item, answer: 'A' })
  const evaluate = b.eval(item)
  assert.equal(evaluate[0].content, SYSTEM_PROMPTS.cot)
  assert.deepEqual(evaluate, train.slice(0, 2))
  assert.match(train[1].content, /\/\* \n 2 example rows: \n SELECT \* FROM /)
})
