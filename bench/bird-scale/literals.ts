/**
 * What the gold SQL and evidence of the real BIRD dev questions say about the data: the literals
 * each column is compared with, and the column pairs that are joined. The generator seeds these
 * values into its rows so that gold queries find rows, and gives joined columns one key domain.
 */
import type { DbSchema } from './schema.js'

export type Literal = string | number
/** One condition of one query: column `table.column` compared by `op` with `value`. */
export interface Condition { table: string, column: string, op: string, value: Literal, wrapped: boolean }
export interface QueryFacts { conditions: Condition[], joins: Array<[string, string]>, tables: string[] }

type Tok = { k: 'str' | 'dq' | 'id' | 'num' | 'word' | 'op', v: string }

const TOKEN = /\s+|--[^\n]*|'((?:[^']|'')*)'|"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|\[([^\]]*)\]|(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_$]*)|(<=|>=|<>|!=|==|\|\||[=<>(),.;*+\-/%])|./gys

function lex (sql: string): Tok[] {
  const out: Tok[] = []
  for (const m of sql.matchAll(TOKEN)) {
    if (m[1] !== undefined) out.push({ k: 'str', v: m[1].replaceAll("''", "'") })
    else if (m[2] !== undefined) out.push({ k: 'dq', v: m[2].replaceAll('""', '"') })
    else if (m[3] !== undefined) out.push({ k: 'id', v: m[3].replaceAll('``', '`') })
    else if (m[4] !== undefined) out.push({ k: 'id', v: m[4] })
    else if (m[5] !== undefined) out.push({ k: 'num', v: m[5] })
    else if (m[6] !== undefined) out.push({ k: 'word', v: m[6] })
    else if (m[7] !== undefined) out.push({ k: 'op', v: m[7] })
  }
  return out
}

const COMPARE = new Set(['=', '==', '!=', '<>', '<', '>', '<=', '>='])
const KEYWORDS = new Set(['select', 'from', 'where', 'and', 'or', 'not', 'on', 'as', 'join', 'inner', 'left', 'outer', 'cross', 'group', 'order', 'by', 'having', 'limit', 'in', 'like', 'between', 'is', 'null', 'case', 'when', 'then', 'else', 'end', 'distinct', 'union', 'all', 'except', 'intersect', 'with', 'asc', 'desc', 'cast', 'offset', 'natural', 'using', 'exists', 'glob', 'real', 'integer', 'text'])

export class FactFinder {
  readonly #tables = new Map<string, { name: string, columns: Map<string, string> }>()

  constructor (schema: DbSchema) {
    for (const t of schema.tables) this.#tables.set(t.name.toLowerCase(), { name: t.name, columns: new Map(t.columns.map((c) => [c.name.toLowerCase(), c.name])) })
  }

  /** Facts of one gold query; `evidence` adds the "x refers to col = 'v'" conditions it states. */
  query (sql: string, evidence = ''): QueryFacts {
    const toks = lex(sql)
    const aliases = new Map<string, Set<string>>()
    const inQuery = new Set<string>()
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]
      const table = (t.k === 'word' || t.k === 'id' || t.k === 'dq') ? this.#tables.get(t.v.toLowerCase()) : undefined
      if (table === undefined) continue
      const prev = toks[i - 1]
      if (prev === undefined || !(prev.k === 'op' ? prev.v === ',' : /^(from|join)$/i.test(prev.v))) continue
      inQuery.add(table.name)
      let j = i + 1
      if (toks[j]?.k === 'word' && toks[j].v.toLowerCase() === 'as') j++
      const alias = toks[j]
      if (alias !== undefined && (alias.k === 'word' || alias.k === 'id') && !KEYWORDS.has(alias.v.toLowerCase())) {
        const set = aliases.get(alias.v.toLowerCase()) ?? new Set()
        set.add(table.name)
        aliases.set(alias.v.toLowerCase(), set)
      }
    }
    const facts: QueryFacts = { conditions: [], joins: [], tables: [...inQuery] }
    this.#scan(toks, aliases, inQuery, facts)
    if (evidence !== '') this.#scan(lex(evidence.replace(/(\w)'(\w)/g, '$1$2')), new Map(), inQuery, facts)
    return facts
  }

  /** The column a reference at toks[i] names, and the index after it; null if it is no column. */
  #ref (toks: Tok[], i: number, aliases: Map<string, Set<string>>, inQuery: Set<string>): { cols: Array<[string, string]>, next: number } | null {
    const a = toks[i]
    if (a === undefined || !(a.k === 'word' || a.k === 'id' || a.k === 'dq')) return null
    let qualifier: string | null = null
    let name = a.v
    let next = i + 1
    if (toks[i + 1]?.v === '.' && toks[i + 2] !== undefined && toks[i + 2].k !== 'op') {
      qualifier = a.v.toLowerCase(); name = toks[i + 2].v; next = i + 3
    } else if (a.k === 'word' && KEYWORDS.has(a.v.toLowerCase())) return null
    const candidates = qualifier !== null
      ? [...(aliases.get(qualifier) ?? []), ...(this.#tables.has(qualifier) ? [this.#tables.get(qualifier)!.name] : [])]
      : [...inQuery]
    const cols: Array<[string, string]> = []
    const lookIn = (names: Iterable<string>): void => {
      for (const tn of names) {
        const col = this.#tables.get(tn.toLowerCase())?.columns.get(name.toLowerCase())
        if (col !== undefined) cols.push([this.#tables.get(tn.toLowerCase())!.name, col])
      }
    }
    lookIn(candidates)
    if (cols.length === 0 && qualifier === null) lookIn([...this.#tables.values()].map((t) => t.name))
    if (cols.length === 0) return null
    return { cols, next }
  }

  #literal (toks: Tok[], i: number): { value: Literal, next: number } | null {
    let sign = 1
    if (toks[i]?.v === '-' && toks[i + 1]?.k === 'num') { sign = -1; i++ }
    const t = toks[i]
    if (t === undefined) return null
    if (t.k === 'num') return { value: sign * Number(t.v), next: i + 1 }
    if (t.k === 'str' || t.k === 'dq') return { value: t.v, next: i + 1 }
    return null
  }

  #scan (toks: Tok[], aliases: Map<string, Set<string>>, inQuery: Set<string>, facts: QueryFacts): void {
    const add = (cols: Array<[string, string]>, op: string, value: Literal, wrapped: boolean): void => {
      for (const [table, column] of cols) facts.conditions.push({ table, column, op, value, wrapped })
    }
    for (let i = 0; i < toks.length; i++) {
      // FUNC(... col ...) op literal: the literal constrains a function of the column (a year, a prefix).
      if (toks[i].v === ')' && COMPARE.has(toks[i + 1]?.v ?? '')) {
        const lit = this.#literal(toks, i + 2)
        if (lit !== null) {
          let depth = 0
          for (let j = i; j >= 0; j--) {
            if (toks[j].v === ')') depth++
            else if (toks[j].v === '(' && --depth === 0) {
              for (let k = j + 1; k < i; k++) {
                const r = this.#ref(toks, k, aliases, inQuery)
                if (r !== null) { add(r.cols, toks[i + 1].v, lit.value, true); k = r.next - 1 }
              }
              break
            }
          }
        }
        continue
      }
      const ref = this.#ref(toks, i, aliases, inQuery)
      if (ref === null) continue
      // Go on after the reference, so that T1.x is not read again as a bare x.
      i = ref.next - 1
      let j = ref.next
      const op = toks[j]?.v.toLowerCase()
      if (op === undefined) continue
      if (COMPARE.has(op)) {
        const other = this.#ref(toks, j + 1, aliases, inQuery)
        const otherIsCall = toks[other?.next ?? -1]?.v === '('
        if (other !== null && !otherIsCall && toks[j + 1].k !== 'dq') {
          // A join only where both sides name one column each of two tables (T1/T2 reused in
          // subqueries make some references ambiguous; guessing would merge unrelated keys).
          const [a, b] = [ref.cols, other.cols]
          if ((op === '=' || op === '==') && a.length === 1 && b.length === 1 && a[0][0] !== b[0][0]) facts.joins.push([`${a[0][0]}.${a[0][1]}`, `${b[0][0]}.${b[0][1]}`])
          continue
        }
        const lit = this.#literal(toks, j + 1)
        if (lit !== null && toks[lit.next]?.v !== '(') add(ref.cols, op, lit.value, false)
        continue
      }
      if (op === 'not') { j++ }
      const kw = toks[j]?.v.toLowerCase()
      if (kw === 'like' || kw === 'glob') {
        const lit = this.#literal(toks, j + 1)
        if (lit !== null && typeof lit.value === 'string') add(ref.cols, 'like', lit.value, false)
      } else if (kw === 'in' && toks[j + 1]?.v === '(') {
        for (let k = j + 2; k < toks.length && toks[k].v !== ')'; k++) {
          const lit = this.#literal(toks, k)
          if (lit !== null) { add(ref.cols, '=', lit.value, false); k = lit.next - 1 } else if (toks[k].v !== ',') break
        }
      } else if (kw === 'between') {
        const lo = this.#literal(toks, j + 1)
        if (lo !== null && toks[lo.next]?.v.toLowerCase() === 'and') {
          const hi = this.#literal(toks, lo.next + 1)
          add(ref.cols, '>=', lo.value, false)
          if (hi !== null) add(ref.cols, '<=', hi.value, false)
        }
      }
    }
  }
}
