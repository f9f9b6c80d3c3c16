// Whether a teacher answer is kept, and why not: the three validation modes of a CoT job.
import { extractSql, recipeExactMatch } from '@t2s/core/llm'
import { sameResultSet, type ExecResult } from '@t2s/core/sql'

export type Validation = 'execution' | 'exact' | 'none'

/** Why a question has no example; `gold_*` means its own gold SQL failed, so nothing could be checked. */
export type DropReason =
  | 'no_sql' | 'rejected' | 'error' | 'timeout' | 'wrong_result' | 'llm_error'
  | 'gold_error' | 'gold_timeout' | 'gold_rejected'

export type Verdict = { ok: true } | { ok: false, reason: DropReason, detail: string }

/**
 * Runs one query against the question's database (the sandbox, bound to its file). It
 * throws SandboxUnavailable (throwIfUnavailable) when the sandbox could not run it at all:
 * the item is then retried, never judged on that.
 */
export type RunSql = (sql: string) => Promise<ExecResult>

/**
 * The answer's final SQL: its last closed fenced block tagged sql/sqlite (or untagged and
 * starting with SELECT/WITH). An unterminated fence (a generation cut at max_tokens) or bare
 * SQL does not count: the example must end the way the teacher prompt asks.
 */
export function finalSql (answer: string): string | null {
  const found = extractSql(answer, 'robust')
  return found.how === 'fence' ? found.sql : null
}

/** The gold's result, or why the question cannot be checked by execution. */
export function goldVerdict (r: ExecResult): Verdict {
  if (r.status === 'ok' && !r.truncated) return { ok: true }
  if (r.status === 'ok') return { ok: false, reason: 'gold_error', detail: `the gold result has more than ${r.rows.length} rows; too large to compare` }
  return { ok: false, reason: `gold_${r.status}`, detail: r.error ?? r.status }
}

/**
 * Judges one answer. `execution`: its final SQL must return the gold's result set under
 * BIRD's comparison (`goldRows` is the gold's result, already checked with goldVerdict);
 * `exact`: the recipe's rule (first ```sql block, newlines deleted, spaces squeezed, string
 * equality with the stripped gold); `none`: any answer with a fenced SQL block is kept.
 */
export async function judge (answer: string, mode: Validation, gold: { sql: string, rows?: ExecResult['rows'] }, run: RunSql): Promise<Verdict> {
  if (mode === 'exact') {
    if (recipeExactMatch(gold.sql, answer)) return { ok: true }
    return finalSql(answer) === null && !answer.includes('```sql')
      ? { ok: false, reason: 'no_sql', detail: 'no ```sql block in the answer' }
      : { ok: false, reason: 'rejected', detail: 'the first ```sql block differs from the gold SQL under the recipe rule' }
  }
  const sql = finalSql(answer)
  if (sql === null) return { ok: false, reason: 'no_sql', detail: 'no closed ```sql block in the answer' }
  if (mode === 'none') return { ok: true }
  const r = await run(sql)
  if (r.status !== 'ok') return { ok: false, reason: r.status, detail: r.error ?? r.status }
  if (r.truncated) return { ok: false, reason: 'error', detail: `the answer's result has more than ${r.rows.length} rows; too large to compare` }
  if (!sameResultSet(r.rows, gold.rows ?? [])) return { ok: false, reason: 'wrong_result', detail: `${r.rows.length} rows that differ from the gold result` }
  return { ok: true }
}
