import type { Question } from '@t2s/core/contracts'
import { badRequest } from '@t2s/core'

/** The official separator between SQL and db_id: tab, five dashes, " bird ", five dashes, tab. */
export const BIRD_SEPARATOR = '\t----- bird -----\t'

const INDEX_KEY = /^(0|[1-9][0-9]*)$/

/** One official predictions entry: the SQL and db_id the official scripts read from it. */
export function birdEntry (sql: string | null, dbId: string): string {
  return `${sql ?? ''}${BIRD_SEPARATOR}${dbId}`
}

/**
 * The predictions of the first `n` questions, by position (null = blank), from either form:
 * - the official object `{"0": "SQL\t----- bird -----\tdb_id", …}`: keys must be the
 *   positions; a non-string value is a blank prediction (the official scripts run it as
 *   " "); a string without the separator is all SQL (as Mini-Dev reads it). The db_id must
 *   be the question's: a different one means the file is not aligned with this source;
 * - a list `[{question_id, sql}]`, paired by question_id (the index where the source has none).
 * Any mismatch is a 400 naming the entry; nothing is silently dropped or truncated.
 */
export function parsePredictions (input: unknown, questions: Question[], n: number, limited: boolean): Array<string | null> {
  return Array.isArray(input) ? fromList(input as Array<{ question_id: number, sql: string | null }>, questions, n) : fromObject(input as Record<string, unknown>, questions, n, limited)
}

function fromObject (input: Record<string, unknown>, questions: Question[], n: number, limited: boolean): Array<string | null> {
  const keys = Object.keys(input)
  for (const key of keys) {
    if (!INDEX_KEY.test(key)) throw badRequest(`predictions["${clip(key)}"]: keys must be question positions "0".."${questions.length - 1}"`)
  }
  if (keys.length !== n && !(limited && keys.length > n)) {
    throw badRequest(`predictions has ${keys.length} entries but ${n} questions are evaluated: send one entry per question${keys.length < n ? `, or set limit to ${keys.length}` : ''}`)
  }
  const out: Array<string | null> = []
  for (let i = 0; i < n; i++) {
    const key = String(i)
    if (!Object.hasOwn(input, key)) throw badRequest(`predictions["${key}"] is missing`)
    const value = input[key]
    if (typeof value !== 'string') {
      out.push(null)
      continue
    }
    const at = value.lastIndexOf(BIRD_SEPARATOR)
    if (at < 0) {
      out.push(value)
      continue
    }
    const dbId = value.slice(at + BIRD_SEPARATOR.length).trim()
    if (dbId !== questions[i].db_id) {
      throw badRequest(`predictions["${key}"]: db_id "${clip(dbId)}" is not question ${i}'s db_id "${questions[i].db_id}" (entries pair with questions by position)`)
    }
    out.push(value.slice(0, at))
  }
  return out
}

function fromList (input: Array<{ question_id: number, sql: string | null }>, questions: Question[], n: number): Array<string | null> {
  const byId = new Map<number, number>()
  for (const q of questions) byId.set(q.question_id ?? q.index, q.index)
  const out: Array<string | null | undefined> = new Array(n).fill(undefined)
  input.forEach((entry, i) => {
    const index = byId.get(entry.question_id)
    if (index === undefined) throw badRequest(`predictions[${i}].question_id ${entry.question_id} is not a question of this source`)
    if (index >= n) return
    if (out[index] !== undefined) throw badRequest(`predictions[${i}].question_id ${entry.question_id} appears more than once`)
    out[index] = entry.sql
  })
  const missing = out.findIndex((v) => v === undefined)
  if (missing >= 0) throw badRequest(`predictions has no entry for question_id ${questions[missing].question_id ?? missing} (question ${missing})`)
  return out as Array<string | null>
}

const clip = (s: string) => s.length > 40 ? `${s.slice(0, 40)}…` : s
