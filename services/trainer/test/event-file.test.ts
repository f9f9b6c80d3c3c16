import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { EventFileTail, readEventFile } from '../src/event-file.js'

const dir = mkdtempSync(join(tmpdir(), 't2s-event-file-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('a tail returns each complete line once, from its start offset, and keeps a cut line for later', () => {
  const file = join(dir, 'tail.jsonl')
  writeFileSync(file, 'of an earlier run\n')
  const tail = new EventFileTail(file, Buffer.byteLength('of an earlier run\n'))
  assert.deepEqual(tail.read(), [])
  appendFileSync(file, 'one\ntw')
  assert.deepEqual(tail.read(), ['one'])
  appendFileSync(file, 'o\nthree')
  assert.deepEqual(tail.read(), ['two'])
  assert.deepEqual(tail.read(), [])
  assert.equal(tail.rest(), 'three')
  assert.equal(tail.rest(), '')
})

test('a character split between two reads comes out whole', () => {
  const file = join(dir, 'utf8.jsonl')
  const bytes = Buffer.from('{"m":"é€"}\n')
  writeFileSync(file, bytes.subarray(0, 7)) // inside "€"
  const tail = new EventFileTail(file)
  assert.deepEqual(tail.read(), [])
  appendFileSync(file, bytes.subarray(7))
  assert.deepEqual(tail.read(), ['{"m":"é€"}'])
})

test('reading a whole file: its complete lines; none for a missing file', () => {
  const file = join(dir, 'whole.jsonl')
  writeFileSync(file, 'a\nb\ncut')
  assert.deepEqual(readEventFile(file), ['a', 'b'])
  assert.deepEqual(readEventFile(join(dir, 'missing.jsonl')), [])
})
