import { rowKey, type SqlValue } from '@t2s/core/sql'

export interface Ballot {
  /** Whether the candidate ran (and was not cut at the row limit). */
  executable: boolean
  rows: SqlValue[][]
}

/**
 * Majority vote over execution results (self-consistency): candidates whose results are
 * equal as sets of rows (EX's own equality) form one group; the largest group wins, a tie
 * goes to the group with the earliest candidate, and the group's earliest candidate is the
 * answer. Returns -1 when no candidate ran.
 */
export function majorityVote (ballots: Ballot[]): number {
  const groups = new Map<string, { first: number, size: number }>()
  ballots.forEach((b, i) => {
    if (!b.executable) return
    const key = JSON.stringify([...new Set(b.rows.map(rowKey))].sort())
    const g = groups.get(key)
    if (g === undefined) groups.set(key, { first: i, size: 1 })
    else g.size++
  })
  let best: { first: number, size: number } | undefined
  for (const g of groups.values()) {
    if (best === undefined || g.size > best.size || (g.size === best.size && g.first < best.first)) best = g
  }
  return best?.first ?? -1
}
