import { readdirSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve, sep } from 'node:path'
import { SERVICE_NAMES } from './contracts/subjects.js'
import { ServiceError } from './errors.js'

/**
 * Resolves a user-supplied path inside the allowed roots (DATA_DIR first, then
 * T2S_SOURCE_ROOTS). `..` segments, NUL bytes, absolute paths outside every root and
 * symlinks whose target leaves its root are refused with BAD_REQUEST; nothing is
 * opened, only stat'ed. `field` names the request field in the message; the roots are
 * named as configured (DATA_DIR, T2S_SOURCE_ROOTS), never as resolved paths.
 */
export function resolveInsideRoots (input: string, roots: string[], field: string, kind: 'file' | 'dir'): string {
  if (input.includes('\0')) throw bad(field, 'contains a NUL byte')
  if (input.split(/[\\/]+/).includes('..')) throw bad(field, "must not contain '..'")
  const allowed = roots
    .map((r) => ({ given: resolve(r), real: safeRealpath(resolve(r)) }))
    .filter((r): r is { given: string, real: string } => r.real !== null)
  let candidates: string[]
  if (isAbsolute(input)) {
    const abs = resolve(input)
    if (!allowed.some((r) => within(abs, r.given) || within(abs, r.real))) {
      throw bad(field, `is outside the allowed source roots (${rootList(roots)})`)
    }
    candidates = [abs]
  } else {
    candidates = allowed.map((r) => join(r.real, input))
  }
  // The suite's own files under DATA_DIR (roots[0]) answer exactly as a missing path does,
  // so registering a source cannot probe which of them exist.
  const hidden = allowed.length > 0 && allowed[0].given === resolve(roots[0]) ? privateDataPaths(allowed[0].real) : []
  for (const candidate of candidates) {
    const real = safeRealpath(candidate)
    if (real === null || hidden.some((h) => within(real, h))) continue
    if (!allowed.some((r) => within(real, r.real))) throw bad(field, 'resolves outside the allowed source roots (a symlink pointing out?)')
    const st = statSync(real)
    if (kind === 'file' && !st.isFile()) throw bad(field, 'is not a file')
    if (kind === 'dir' && !st.isDirectory()) throw bad(field, 'is not a folder')
    return real
  }
  throw new ServiceError('BAD_REQUEST', `${field} "${input}": not found under the allowed source roots (${rootList(roots)}); a relative path is looked up in each`)
}

/**
 * What lives in DATA_DIR but is no source: the API key, the NATS store, each service's
 * state, and dot-folders (a download's `.partial` work).
 */
export function privateDataPaths (dataDir: string): string[] {
  const names = ['api-key', 'nats', 'gateway', ...SERVICE_NAMES]
  let dots: string[] = []
  try { dots = readdirSync(dataDir).filter((n) => n.startsWith('.')) } catch {}
  return [...names, ...dots, join('sources', '.partial')].map((n) => join(dataDir, n))
}

function within (path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

function safeRealpath (p: string): string | null {
  try { return realpathSync(p) } catch { return null }
}

/**
 * The roots for a message: DATA_DIR (always the first) by its name, so the server's own
 * layout is not told; T2S_SOURCE_ROOTS as configured, which is what the caller may point into.
 */
const rootList = (roots: string[]) => ['DATA_DIR', ...roots.slice(1)].join(', ')

const bad = (field: string, why: string) => new ServiceError('BAD_REQUEST', `${field} ${why}`)
