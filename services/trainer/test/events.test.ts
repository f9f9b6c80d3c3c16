import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseEventLine } from '../src/events.js'

test('lines that are not events are ignored, never fatal', () => {
  for (const line of ['', 'loading checkpoint shards: 100%', '[1, 2]', 'null', '{"event": "log"}', '{"event": "start"}', '{"event": "nope", "step": 1}', '{broken json', '{"event": "checkpoint", "step": 3}']) {
    assert.equal(parseEventLine(line), null, line)
  }
})

test('non-finite or missing numbers become null; a done without kind is an adapter', () => {
  assert.deepEqual(parseEventLine('{"event":"log","step":3,"loss":"x","lr":null}'), { event: 'log', step: 3, total_steps: null, epoch: null, loss: null, lr: null, grad_norm: null, tokens_per_s: null, gpu_mem_gb: null })
  assert.equal((parseEventLine('{"event":"done","output_path":"/o/a"}') as { output_kind: string }).output_kind, 'adapter')
  assert.deepEqual(parseEventLine('  {"event":"error"}  '), { event: 'error', message: 'the trainer reported an error without a message', error_type: 'runtime' })
})
