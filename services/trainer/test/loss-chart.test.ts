import assert from 'node:assert/strict'
import { test } from 'node:test'
import { niceTicks, renderLossSvg, spread } from '../src/loss-chart.js'

test('nice ticks cover the range in steps of 1, 2 or 5 × 10^k', () => {
  assert.deepEqual(niceTicks(0, 2.37), [0, 0.5, 1, 1.5, 2, 2.5])
  assert.deepEqual(niceTicks(0, 450), [0, 100, 200, 300, 400, 500])
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1])
})

test('the chart has both curves over the whole run and escapes its text', () => {
  const points = Array.from({ length: 120 }, (_v, i) => ({ step: i + 1, loss: 2 * Math.exp(-i / 30) + 0.1 }))
  const svg = renderLossSvg({ title: 'a<b & "c"', subtitle: 'm · running', points, totalSteps: 450 })
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  assert.match(svg, /<\/svg>\n$/)
  assert.match(svg, /a&lt;b &amp; &quot;c&quot;/)
  assert.doesNotMatch(svg, /a<b/)
  const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) => m[1].split(' '))
  assert.equal(lines.length, 2)
  assert.equal(lines[0].length, 120)
  // Step 120 of 450 sits about a quarter of the way along the x axis.
  const lastX = Number(lines[0].at(-1)!.split(',')[0])
  assert.ok(lastX > 64 + 0.25 * 672 && lastX < 64 + 0.28 * 672, String(lastX))
  assert.match(svg, /step 120 of 450: loss 0\.1379/)
})

test('a run with no loss yet, or a huge one, still draws', () => {
  assert.match(renderLossSvg({ title: 't', points: [], totalSteps: null }), /no loss logged yet/)
  const many = Array.from({ length: 50_000 }, (_v, i) => ({ step: i + 1, loss: i % 7 === 0 ? null : 1 / (i + 1) }))
  const svg = renderLossSvg({ title: 't', points: many, totalSteps: 50_000 })
  const drawn = svg.match(/<polyline [^>]*points="([^"]+)"/)![1].split(' ').length
  assert.equal(drawn, 2000)
  assert.ok(!svg.includes('NaN'))
})

test('a long loss series is spread evenly over at most the limit, first and last kept', () => {
  const steps = Array.from({ length: 10_001 }, (_v, i) => i + 1)
  const kept = spread(steps, 1000)
  assert.equal(kept.length, 1000)
  assert.equal(kept[0], 1)
  assert.equal(kept.at(-1), 10_001)
  assert.ok(kept.every((s, i) => i === 0 || s > kept[i - 1]))
  assert.equal(spread([1, 2, 3], 1000).length, 3)
})
