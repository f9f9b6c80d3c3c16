// Getting the SQL out of a model's answer: the recipe's rules, byte for byte, and a robust rule of our own.
//
// `cookbook` is the recipe's evaluator (docs/recipe-formats.md §6): regex ```sql\n*(.*?)``` with DOTALL,
//   first match, not stripped; no match → the whole answer. Case-sensitive, no unterminated fence.
// `robust` (default) is what a CoT answer needs (docs/recipe-formats.md §6):
//   1. the LAST qualifying fence: tag sql / sqlite (any case), or any other or no tag whose
//      content starts with SELECT or WITH; empty fences are skipped;
//   2. a final fence that never closes (generation cut at max_tokens, or a forgotten ```) counts as
//      the last fence (`unterminated_fence`); its content is cut at the end of the first statement;
//   3. otherwise an answer that itself starts with SELECT/WITH (after whitespace): `bare`, cut at
//      the end of the first statement;
//   4. otherwise `none` (sql null): "no SQL found" stays distinct from "wrong SQL".
//   The statement's end is the first `;` (kept), blank line or ``` outside quotes and comments.
//   Results are whitespace-stripped.
import { PY_SPACE, pyStrip } from '../prompts/python.js'
import { skipToken } from '../sql/tokens.js'

export type ExtractMode = 'robust' | 'cookbook'
export type ExtractHow = 'fence' | 'unterminated_fence' | 'bare' | 'whole_text' | 'none'

export interface ExtractedSql {
  sql: string | null
  how: ExtractHow
}

// The recipe's regex, r"```sql\n*(.*?)```" with re.DOTALL; `s` is JS's DOTALL.
const RECIPE_FENCE = /```sql\n*(.*?)```/s

// Runs of Python's str.isspace() set, which is also what `\s` matches in a Python 3 str
// pattern (JS's `\s` differs).
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE}]{2,}`, 'g')

export function extractSql (text: string, mode: ExtractMode = 'robust'): ExtractedSql {
  return mode === 'cookbook' ? cookbookSql(text) : robustSql(text)
}

function cookbookSql (text: string): ExtractedSql {
  if (text === '') return { sql: null, how: 'none' }
  const match = RECIPE_FENCE.exec(text)
  return match !== null ? { sql: match[1], how: 'fence' } : { sql: text, how: 'whole_text' }
}

/**
 * The teacher filter's SQL (docs/recipe-formats.md §4): first ```sql match with every "\n" deleted (no space
 * put in, so `a\nFROM` becomes `aFROM`), Python-stripped, runs of 2+ whitespace made one space;
 * no fence → the whole response, untouched.
 */
export function recipeTeacherSql (text: string): string {
  const match = RECIPE_FENCE.exec(text)
  if (match === null) return text
  return pyStrip(match[1].split('\n').join('')).replace(PY_SPACE_RUN, ' ')
}

/** The recipe's keep/drop rule for a teacher answer: `gold_SQL.strip() == gene_SQL`, exactly. */
export function recipeExactMatch (goldSql: string, answerText: string): boolean {
  return pyStrip(goldSql) === recipeTeacherSql(answerText)
}

interface Fence { tag: string, body: string, closed: boolean }

const SQL_TAG = /^(sql|sqlite)$/i
const STARTS_SQL = /^\s*(select|with)\b/i

function robustSql (text: string): ExtractedSql {
  const fences = scanFences(text)
  for (let i = fences.length - 1; i >= 0; i--) {
    const fence = fences[i]
    if (!SQL_TAG.test(fence.tag) && !STARTS_SQL.test(fence.body)) continue
    const sql = fence.closed ? fence.body.trim() : cutStatement(fence.body)
    if (sql !== '') return { sql, how: fence.closed ? 'fence' : 'unterminated_fence' }
  }
  if (STARTS_SQL.test(text)) {
    const sql = cutStatement(text)
    if (sql !== '') return { sql, how: 'bare' }
  }
  return { sql: null, how: 'none' }
}

/** Every ``` … ``` block in order; a last opening without a closing runs to the end of the text. */
function scanFences (text: string): Fence[] {
  const fences: Fence[] = []
  const tagRe = /[^\s`]*/y
  let pos = 0
  for (;;) {
    const open = text.indexOf('```', pos)
    if (open < 0) break
    tagRe.lastIndex = open + 3
    let tag = tagRe.exec(text)?.[0] ?? ''
    // "```SELECT 1```" has no tag: the word is the SQL.
    if (/^(select|with)$/i.test(tag)) tag = ''
    const start = open + 3 + tag.length
    const close = text.indexOf('```', start)
    if (close < 0) {
      fences.push({ tag, body: text.slice(start), closed: false })
      break
    }
    fences.push({ tag, body: text.slice(start, close), closed: true })
    pos = close + 3
  }
  return fences
}

/**
 * The first statement of `text`, trimmed: up to and including the first `;`, or up to a blank line
 * or a ``` — whichever comes first outside '…', "…", `…`, […], -- and /* *\/ comments.
 * An unclosed quote or comment runs to the end (a cut-off answer keeps what it has).
 */
export function cutStatement (text: string): string {
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i]
    if (c === ';') return text.slice(0, i + 1).trim()
    if (c === '`' && text.startsWith('```', i)) break
    const t = skipToken(text, i)
    if (t !== undefined) {
      // An unclosed quote or comment runs to the end.
      if (!t.closed) return text.trim()
      i = t.end
      continue
    }
    if (c === '\n') {
      let k = i + 1
      while (text[k] === ' ' || text[k] === '\t' || text[k] === '\r') k++
      if (text[k] === '\n') break
    }
    i++
  }
  return text.slice(0, i).trim()
}
