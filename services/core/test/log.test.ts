import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatLine, logDestination } from '@t2s/core'

test('a JSON log line becomes one readable line: time, level, service, message, fields', () => {
  const time = Date.UTC(2026, 0, 2, 3, 4, 5, 6)
  const line = JSON.stringify({ level: 30, time, service: 'dataset', pid: 1, name: 'dataset', port: 4222, path: 'a b', n: { x: 1 }, msg: 'ready' })
  assert.equal(formatLine(line), '03:04:05.006 INFO  dataset   ready  port=4222 path="a b" n={"x":1}\n')
  const err = JSON.stringify({ level: 50, time, service: 'gateway', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (x.ts:1:1)' }, msg: 'failed' })
  assert.equal(formatLine(err), '03:04:05.006 ERROR gateway   failed  err="boom"\n    at f (x.ts:1:1)\n')
  assert.equal(formatLine('not json'), 'not json')
})

test('JSON unless asked for pretty lines or on a terminal', () => {
  assert.equal(logDestination('json'), undefined)
  assert.ok(logDestination('pretty'))
  // The test runner's stdout is not a terminal.
  assert.equal(logDestination('auto'), undefined)
})
