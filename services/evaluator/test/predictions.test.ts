import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Question } from '@t2s/core/contracts'
import { ServiceError } from '@t2s/core'
import { birdEntry, BIRD_SEPARATOR, parsePredictions } from '../src/predictions.js'

const q = (index: number, dbId: string, questionId: number | null = index): Question =>
  ({ index, question_id: questionId, db_id: dbId, question: `q${index}`, evidence: '', sql: 'SELECT 1', difficulty: 'simple' })
const questions = [q(0, 'a'), q(1, 'a'), q(2, 'b')]

const rejects = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (err: unknown) => err instanceof ServiceError && err.code === 400 && pattern.test(err.message))

test('the official object pairs by position, splits the separator and checks the db_id', () => {
  const preds = { 0: `SELECT 1${BIRD_SEPARATOR}a`, 1: `SELECT x\nFROM t${BIRD_SEPARATOR}a`, 2: `SELECT 2${BIRD_SEPARATOR}b` }
  assert.deepEqual(parsePredictions(preds, questions, 3, false), ['SELECT 1', 'SELECT x\nFROM t', 'SELECT 2'])
  rejects(() => parsePredictions({ ...preds, 2: `SELECT 2${BIRD_SEPARATOR}a` }, questions, 3, false), /predictions\["2"\]: db_id "a" is not question 2's db_id "b"/)
})

test('non-string values are blank; a string without the separator is all SQL (as Mini-Dev reads it)', () => {
  assert.deepEqual(parsePredictions({ 0: null, 1: 0, 2: 'SELECT 3' }, questions, 3, false), [null, null, 'SELECT 3'])
})

test('wrong counts, keys and gaps are 400s naming the entry', () => {
  rejects(() => parsePredictions({ 0: 'x', 1: 'y' }, questions, 3, false), /has 2 entries but 3 questions are evaluated.*set limit to 2/)
  rejects(() => parsePredictions({ 0: 'x', 1: 'y', foo: 'z' }, questions, 3, false), /predictions\["foo"\]: keys must be question positions/)
  rejects(() => parsePredictions({ 0: 'x', 1: 'y', 3: 'z' }, questions, 3, false), /predictions\["2"\] is missing/)
  rejects(() => parsePredictions({ 0: 'x', 1: 'y', '02': 'z' }, questions, 3, false), /"02"/)
  // With a limit, later entries may be present and are ignored.
  assert.deepEqual(parsePredictions({ 0: 'x', 1: 'y', 2: 'z' }, questions, 2, true), ['x', 'y'])
})

test('the list form pairs by question_id, or by index where the file has none', () => {
  const list = [{ question_id: 2, sql: 'C' }, { question_id: 0, sql: 'A' }, { question_id: 1, sql: null }]
  assert.deepEqual(parsePredictions(list, questions, 3, false), ['A', null, 'C'])
  const ids = [q(0, 'a', 10), q(1, 'a', 11)]
  assert.deepEqual(parsePredictions([{ question_id: 11, sql: 'B' }, { question_id: 10, sql: 'A' }], ids, 2, false), ['A', 'B'])
  rejects(() => parsePredictions([{ question_id: 0, sql: 'A' }, { question_id: 0, sql: 'B' }, { question_id: 2, sql: 'C' }], questions, 3, false), /predictions\[1\]\.question_id 0 appears more than once/)
  rejects(() => parsePredictions([{ question_id: 7, sql: 'A' }], questions, 3, false), /predictions\[0\]\.question_id 7 is not a question/)
  rejects(() => parsePredictions([{ question_id: 0, sql: 'A' }], questions, 3, false), /no entry for question_id 1/)
})

test('birdEntry writes what the official scripts split', () => {
  assert.equal(birdEntry('SELECT 1', 'db'), 'SELECT 1\t----- bird -----\tdb')
  assert.equal(birdEntry(null, 'db'), '\t----- bird -----\tdb')
})
