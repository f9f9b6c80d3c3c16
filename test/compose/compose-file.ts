import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

export const ROOT = new URL('../../', import.meta.url).pathname

/** `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`; `$$` is a literal `$`. */
const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^}])*))?\}/g

export interface VariableUse { name: string, op: string | null, fallback: string | null }

/** Every variable reference in a text, as docker compose reads them. */
export function variablesIn (text: string): VariableUse[] {
  const out: VariableUse[] = []
  for (const m of text.matchAll(VARIABLE)) {
    if (m[0] === '$$') continue
    out.push({ name: m[1], op: m[2] ?? null, fallback: m[3] ?? null })
  }
  return out
}

/** Compose's interpolation of one scalar, with `env` standing for the shell and .env. */
function interpolate (text: string, env: Record<string, string>): string {
  return text.replace(VARIABLE, (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (whole === '$$') return '$'
    const value = env[name!]
    const unset = value === undefined
    const empty = unset || value === ''
    if (op === ':-') return empty ? arg! : value!
    if (op === '-') return unset ? arg! : value!
    if (op === ':?' && empty) throw new Error(`${name}: ${arg}`)
    if (op === '?' && unset) throw new Error(`${name}: ${arg}`)
    return value ?? ''
  })
}

function walk (value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, env)
  if (Array.isArray(value)) return value.map((v) => walk(v, env))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, env)]))
  return value
}

export const composeText = () => readFileSync(`${ROOT}compose.yaml`, 'utf8')

/** compose.yaml parsed (YAML merge keys on, as compose does) and interpolated with `env`. */
export function loadCompose (env: Record<string, string> = {}): any {
  const raw = parse(composeText(), { merge: true, maxAliasCount: 1000 })
  return walk(raw, env)
}

/** KEY=value lines of .env.example (comments and blanks skipped). */
export function envExample (): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of readFileSync(`${ROOT}.env.example`, 'utf8').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim())
    if (m) out[m[1]] = m[2]
  }
  return out
}

/** Variables .env.example documents, including those shown commented out (`# KEY=value`). */
export function envExampleNames (): Set<string> {
  const names = new Set<string>()
  for (const line of readFileSync(`${ROOT}.env.example`, 'utf8').split('\n')) {
    const m = /^#?\s*([A-Z_][A-Z0-9_]*)=/.exec(line.trim())
    if (m) names.add(m[1])
  }
  return names
}
