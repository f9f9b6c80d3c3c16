/**
 * Values on the IPC channel. JSON serialization is used because Node 20's 'advanced'
 * (structured clone) IPC costs about 8x more per small message, which dominated the
 * sandbox's overhead; the few values JSON cannot carry travel as strings, listed in
 * `special` so the parent can restore them.
 */
import type { SqlValue } from './types.js'

export type WireValue = number | string | null

/** [row, column, kind]: 'i' integer beyond 2^53 (decimal), 'b' blob (base64), 'f' non-finite real. */
export type Special = [number, number, 'i' | 'b' | 'f']

/** Encodes one raw better-sqlite3 value (safeIntegers on); records specials at (r, c). */
export function encodeValue (v: unknown, r: number, c: number, special: Special[]): WireValue {
  switch (typeof v) {
    case 'bigint':
      if (v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER) return Number(v)
      special.push([r, c, 'i'])
      return v.toString()
    case 'number':
      if (Number.isFinite(v)) return v
      special.push([r, c, 'f'])
      return String(v)
    case 'string':
      return v
    default:
      if (v === null) return null
      special.push([r, c, 'b'])
      return Buffer.from(v as Uint8Array).toString('base64')
  }
}

/** Restores the special cells in place. */
export function decodeRows (rows: WireValue[][], special: Special[]): SqlValue[][] {
  const out = rows as SqlValue[][]
  for (const [r, c, kind] of special) {
    const text = rows[r][c] as string
    out[r][c] = kind === 'i' ? BigInt(text) : kind === 'f' ? Number(text) : Uint8Array.from(Buffer.from(text, 'base64'))
  }
  return out
}
