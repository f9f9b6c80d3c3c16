/**
 * Where an SQL token that hides `;` and quotes from a scanner ends: a '…', "…" or `…`
 * quote (a doubled quote is an escape), a […] identifier, a -- comment (up to, not
 * including, its newline) or a /* *\/ comment. Undefined when none starts at `i`;
 * `closed` false when it runs to the end of the text unterminated.
 */
export function skipToken (sql: string, i: number): { end: number, closed: boolean } | undefined {
  const c = sql[i]
  if (c === "'" || c === '"' || c === '`') return closingQuote(sql, i + 1, c)
  if (c === '[') return after(sql, ']', i + 1, 1)
  if (c === '-' && sql[i + 1] === '-') return after(sql, '\n', i, 0)
  if (c === '/' && sql[i + 1] === '*') return after(sql, '*/', i + 2, 2)
  return undefined
}

function closingQuote (sql: string, start: number, quote: string): { end: number, closed: boolean } {
  let i = start
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return { end: i + 1, closed: true }
      i += 2
    } else {
      i++
    }
  }
  return { end: sql.length, closed: false }
}

// `needle` found from `from`: the token ends `include` characters into it.
function after (sql: string, needle: string, from: number, include: number): { end: number, closed: boolean } {
  const at = sql.indexOf(needle, from)
  return at === -1 ? { end: sql.length, closed: false } : { end: at + include, closed: true }
}
