/**
 * Result comparison exactly as the official BIRD scripts do it in Python
 * (docs: bird-evaluation.md): EX is `set(pred) == set(gold)` over row tuples, and Soft-F1
 * is Mini-Dev's evaluation_f1.py. Values compare with Python equality, which the keys
 * below reproduce: 1 == 1.0, '1' != 1, None == None, floats exact, bytes != str.
 */
import type { SqlValue } from './types.js'

export type { SqlValue } from './types.js'

/**
 * Canonical key of one value. Any integral number (INTEGER, or REAL with an integral
 * value) keys as its exact decimal integer, so 2**53 as a float equals 2**53 as a bigint
 * while 2**53 + 1 as a bigint does not, as in Python.
 */
export function valueKey (v: SqlValue): string {
  if (v === null) return 'n'
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? `i${BigInt(v)}` : `f${v}`
    case 'bigint':
      return `i${v}`
    case 'string':
      return `s${v}`
    default:
      return `b${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`
  }
}

/** Canonical key of a row (a tuple: column order matters). */
export function rowKey (row: SqlValue[]): string {
  return JSON.stringify(row.map(valueKey))
}

/** EX: equality of the two results as sets of rows (order and duplicates ignored). */
export function sameResultSet (a: SqlValue[][], b: SqlValue[][]): boolean {
  const left = new Set(a.map(rowKey))
  const right = new Set(b.map(rowKey))
  if (left.size !== right.size) return false
  for (const key of left) if (!right.has(key)) return false
  return true
}

// dict.fromkeys(rows): first occurrence wins, order kept.
function distinctRows (rows: SqlValue[][]): string[][] {
  const seen = new Set<string>()
  const out: string[][] = []
  for (const row of rows) {
    const keys = row.map(valueKey)
    const key = JSON.stringify(keys)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(keys)
  }
  return out
}

/**
 * Soft-F1 of one question in [0, 1], as Mini-Dev's evaluation_f1.py: rows de-duplicated,
 * paired by position; within a pair, values match by membership (`in` on the tuple), and
 * every count is divided by the gold row's width.
 */
export function softF1 (pred: SqlValue[][], gold: SqlValue[][]): number {
  if (pred.length === 0 && gold.length === 0) return 1
  const p = distinctRows(pred)
  const g = distinctRows(gold)
  // Summed in the script's order (Python 3.11's sum() adds left to right).
  let tp = 0
  let fp = 0
  let fn = 0
  for (let i = 0; i < g.length; i++) {
    const goldRow = g[i]
    if (i >= p.length) {
      fn += 1
      continue
    }
    const predRow = p[i]
    // The script divides by len(gold_row) and scores its ZeroDivisionError as 0.
    if (goldRow.length === 0) return 0
    const inGold = new Set(goldRow)
    const inPred = new Set(predRow)
    let matches = 0
    for (const v of predRow) if (inGold.has(v)) matches++
    let goldOnly = 0
    for (const v of goldRow) if (!inPred.has(v)) goldOnly++
    tp += matches / goldRow.length
    fp += (predRow.length - matches) / goldRow.length
    fn += goldOnly / goldRow.length
  }
  for (let i = g.length; i < p.length; i++) fp += 1
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
}
