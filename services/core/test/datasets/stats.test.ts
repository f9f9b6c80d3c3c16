import assert from 'node:assert/strict'
import { test } from 'node:test'
import { tokenStats } from '../../src/datasets/stats.js'

test('token stats: a histogram in bins of 128 tokens, up to the longest example', () => {
  const s = tokenStats([0, 127, 128, 300, 4096, 4097])
  assert.deepEqual(s.histogram.counts.length, 33)
  assert.equal(s.histogram.bin_width, 128)
  assert.deepEqual(s.histogram.counts.slice(0, 3), [2, 1, 1])
  assert.equal(s.histogram.counts[32], 2)
  assert.equal(s.histogram.counts.reduce((a, b) => a + b, 0), 6)
  assert.equal(s.over_4096, 1)
})

test('token stats of an empty split: an empty histogram', () => {
  assert.deepEqual(tokenStats([]).histogram, { bin_width: 128, counts: [] })
})
