import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { rowKey, sameResultSet, softF1, valueKey } from '../../src/sql/compare.js'

describe('rowKey: Python equality of values', () => {
  test('an integral float equals the int of the same value, exactly', () => {
    assert.equal(valueKey(1), valueKey(1.0))
    assert.equal(valueKey(2 ** 53), valueKey(9007199254740992n))
    assert.notEqual(valueKey(2 ** 53), valueKey(9007199254740993n))
    assert.equal(valueKey(2 ** 62), valueKey(4611686018427387904n))
    assert.notEqual(valueKey(2 ** 63), valueKey(9223372036854775807n))
    assert.equal(valueKey(-0), valueKey(0))
    assert.equal(valueKey(-5), valueKey(-5n))
  })

  test('floats compare exactly, without rounding', () => {
    assert.notEqual(valueKey(0.1 + 0.2), valueKey(0.3))
    assert.equal(valueKey(0.1 + 0.2), valueKey(0.30000000000000004))
    assert.notEqual(valueKey(1.5), valueKey(1))
    assert.notEqual(valueKey(1e-300), valueKey(0))
  })

  test('text is not a number, is case-sensitive, and is not bytes', () => {
    assert.notEqual(valueKey('1'), valueKey(1))
    assert.notEqual(valueKey('1.0'), valueKey(1))
    assert.notEqual(valueKey('abc'), valueKey('ABC'))
    assert.notEqual(valueKey('a'), valueKey(Uint8Array.of(97)))
    assert.notEqual(valueKey(''), valueKey(null))
    assert.notEqual(valueKey(0), valueKey(null))
  })

  test('bytes compare by content; NULL equals NULL', () => {
    assert.equal(valueKey(Buffer.from([1, 2])), valueKey(Uint8Array.of(1, 2)))
    assert.equal(valueKey(new Uint8Array(Uint8Array.of(9, 1, 2).buffer, 1, 2)), valueKey(Uint8Array.of(1, 2)))
    assert.notEqual(valueKey(Uint8Array.of(1)), valueKey(Uint8Array.of(1, 0)))
    assert.equal(valueKey(null), valueKey(null))
  })

  test('rows are tuples: order and width matter, and keys cannot collide', () => {
    assert.equal(rowKey([1, 'a', null]), rowKey([1.0, 'a', null]))
    assert.notEqual(rowKey([1, 2]), rowKey([2, 1]))
    assert.notEqual(rowKey([1]), rowKey([1, null]))
    assert.notEqual(rowKey(['a","sb']), rowKey(['a', 'b']))
    assert.notEqual(rowKey(['a,b']), rowKey(['a', 'b']))
    assert.notEqual(rowKey([]), rowKey([null]))
  })
})

describe('sameResultSet: BIRD EX', () => {
  test('ignores row order and duplicates', () => {
    assert.equal(sameResultSet([[1], [2]], [[2], [1]]), true)
    assert.equal(sameResultSet([[1], [1], [2]], [[2], [1]]), true)
    assert.equal(sameResultSet([], []), true)
  })

  test('compares values as Python does', () => {
    assert.equal(sameResultSet([[1]], [[1.0]]), true)
    assert.equal(sameResultSet([[1]], [['1']]), false)
    assert.equal(sameResultSet([[null]], [[null]]), true)
    assert.equal(sameResultSet([[9007199254740993n]], [[9007199254740992]]), false)
  })

  test('column order and width matter', () => {
    assert.equal(sameResultSet([[1, 2]], [[2, 1]]), false)
    assert.equal(sameResultSet([[1, 2]], [[1]]), false)
    assert.equal(sameResultSet([[1]], []), false)
    assert.equal(sameResultSet([[1], [2]], [[1], [3]]), false)
  })
})

describe('softF1: Mini-Dev evaluation_f1.py', () => {
  const close = (actual: number, expected: number): void => {
    assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`)
  }

  test('both empty is 1; one side empty is 0', () => {
    assert.equal(softF1([], []), 1)
    assert.equal(softF1([], [[1]]), 0)
    assert.equal(softF1([[1]], []), 0)
  })

  test('identical, duplicated, and column-swapped results score 1', () => {
    assert.equal(softF1([[1, 'a'], [2, 'b']], [[1, 'a'], [2, 'b']]), 1)
    assert.equal(softF1([[1], [1], [2]], [[1], [2], [2]]), 1)
    assert.equal(softF1([['a', 1]], [[1, 'a']]), 1)
    assert.equal(softF1([[1.0]], [[1]]), 1)
  })

  test('rows pair by position after de-duplication, so row order matters', () => {
    assert.equal(softF1([[1], [2]], [[2], [1]]), 0)
    // [[1],[1],[2]] de-duplicates to [[1],[2]], which lines up with gold.
    assert.equal(softF1([[1], [1], [2]], [[1], [2]]), 1)
  })

  test('counts are divided by the width of the gold row', () => {
    // Extra predicted column: tp 1, fp 1/2, fn 0 → P 2/3, R 1.
    close(softF1([[1, 2, 3]], [[1, 2]]), 0.8)
    // Missing columns: tp 1/3, fp 0, fn 2/3 → P 1, R 1/3.
    close(softF1([[1]], [[1, 2, 3]]), 0.5)
    // Repeated predicted value counts twice (membership, not multiset).
    close(softF1([[1, 1]], [[1, 2]]), 0.8)
  })

  test('unpaired rows cost a whole row', () => {
    close(softF1([[1], [2], [3]], [[1]]), 0.5)
    close(softF1([[1]], [[1], [2]]), 2 / 3)
  })

  test('a zero-width gold row scores 0, like the script\'s ZeroDivisionError', () => {
    assert.equal(softF1([[1]], [[]]), 0)
  })
})
