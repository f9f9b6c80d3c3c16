// A display-only SQL tokenizer for highlighting: keywords, 'strings', "identifiers", `x`,
// [x], numbers and comments. It never decides anything about the SQL (core's scanner does).

export interface Token { kind: 'kw' | 'str' | 'ident' | 'num' | 'comment' | 'text', text: string }

const KEYWORDS = new Set(('select from where and or not in is null like between group by order having limit offset as on join ' +
  'inner left right outer cross natural union all intersect except distinct case when then else end with asc desc ' +
  'exists cast count sum avg min max iif over partition substr strftime length round coalesce ifnull').split(' '))

const PATTERN = /(--[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?|`[^`]*`?|\[[^\]]*\]?)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*)/g

export function tokenizeSql (sql: string): Token[] {
  const out: Token[] = []
  let last = 0
  for (const m of sql.matchAll(PATTERN)) {
    const at = m.index ?? 0
    if (at > last) out.push({ kind: 'text', text: sql.slice(last, at) })
    const [text, comment, str, ident, num, word] = m
    if (comment) out.push({ kind: 'comment', text })
    else if (str) out.push({ kind: 'str', text })
    else if (ident) out.push({ kind: 'ident', text })
    else if (num) out.push({ kind: 'num', text })
    else if (word && KEYWORDS.has(word.toLowerCase())) out.push({ kind: 'kw', text })
    else out.push({ kind: 'text', text })
    last = at + text.length
  }
  if (last < sql.length) out.push({ kind: 'text', text: sql.slice(last) })
  return out
}
