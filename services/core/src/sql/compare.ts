/**
 * Result comparison exactly as the official BIRD scripts do it in Python
 * (docs/bird-evaluation.md): EX is `set(pred) == set(gold)` over row tuples, and Soft-F1
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
      // A safe integer prints the same digits as its BigInt (String(-0) is '0'); BigInt only beyond.
      return Number.isSafeInteger(v) ? `i${v}` : Number.isInteger(v) ? `i${BigInt(v)}` : `f${v}`
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

/** A result keyed once: its distinct rows' value keys, first occurrence first, and the set of row keys. */
interface KeyedRows { distinct: string[][], keys: Set<string> }

// dict.fromkeys(rows): first occurrence wins, order kept.
function keyRows (rows: SqlValue[][]): KeyedRows {
  const keys = new Set<string>()
  const distinct: string[][] = []
  for (const row of rows) {
    const values = row.map(valueKey)
    const key = JSON.stringify(values)
    if (keys.has(key)) continue
    keys.add(key)
    distinct.push(values)
  }
  return { distinct, keys }
}

function sameKeys (left: Set<string>, right: Set<string>): boolean {
  if (left.size !== right.size) return false
  for (const key of left) if (!right.has(key)) return false
  return true
}

/** EX: equality of the two results as sets of rows (order and duplicates ignored). */
export function sameResultSet (a: SqlValue[][], b: SqlValue[][]): boolean {
  return sameKeys(keyRows(a).keys, keyRows(b).keys)
}

/**
 * Soft-F1 of one question in [0, 1], as Mini-Dev's evaluation_f1.py: rows de-duplicated,
 * paired by position; within a pair, values match by membership (`in` on the tuple), and
 * every count is divided by the gold row's width.
 */
export function softF1 (pred: SqlValue[][], gold: SqlValue[][]): number {
  return keyedSoftF1(keyRows(pred).distinct, keyRows(gold).distinct)
}

/**
 * EX and Soft-F1 of one question with every row keyed once (the evaluator's per-question
 * path; gold results reach 100,000 rows), and whether some prediction row is not a gold row.
 */
export function compareResultSets (pred: SqlValue[][], gold: SqlValue[][]): { same: boolean, softF1: number, predOutsideGold: boolean } {
  const p = keyRows(pred)
  const g = keyRows(gold)
  let predOutsideGold = false
  for (const key of p.keys) if (!g.keys.has(key)) { predOutsideGold = true; break }
  return { same: !predOutsideGold && p.keys.size === g.keys.size, softF1: keyedSoftF1(p.distinct, g.distinct), predOutsideGold }
}

function keyedSoftF1 (p: string[][], g: string[][]): number {
  if (p.length === 0 && g.length === 0) return 1
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
