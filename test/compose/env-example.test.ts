import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { composeText, envExample, loadCompose, ROOT, variablesIn } from './compose-file.js'

// .env.example shows each variable's default in its comment; these checks keep those
// numbers equal to what the code and compose.yaml actually use.

/** `NAME: Type.X({ … default: <literal> … })` in the environment schemas of the gateway and services. */
function codeDefaults (): Map<string, string> {
  const out = new Map<string, string>()
  const files = [join(ROOT, 'gateway/src/config.ts'), join(ROOT, 'services/core/src/config.ts')]
  for (const dir of readdirSync(join(ROOT, 'services'))) {
    const src = join(ROOT, 'services', dir, 'src')
    for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) if (/(^|\/)(main|config|sandbox-env)\.ts$/.test(f)) files.push(join(src, f))
  }
  const DECL = /^\s*([A-Z][A-Z0-9_]+): Type\.\w+\(\{.*?\bdefault: ('[^']*'|[0-9_.]+)[,} ]/gm
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(DECL)) {
      const value = m[2].startsWith("'") ? m[2].slice(1, -1) : m[2].replaceAll('_', '')
      const seen = out.get(m[1])
      assert.ok(seen === undefined || seen === value, `${m[1]} has one default in the code (${seen} and ${value} in ${file})`)
      out.set(m[1], value)
    }
  }
  return out
}

/** What an empty .env value means: compose's non-empty `${NAME:-x}` fallback, else the code's default. */
function effectiveDefaults (): Map<string, string> {
  const out = codeDefaults()
  const compose = new Map<string, string>()
  for (const v of variablesIn(composeText())) {
    if (v.op !== ':-' || v.fallback === null || v.fallback === '') continue
    const seen = compose.get(v.name)
    assert.ok(seen === undefined || seen === v.fallback, `compose.yaml gives ${v.name} one default (${seen}, ${v.fallback})`)
    compose.set(v.name, v.fallback)
  }
  for (const [name, value] of compose) out.set(name, value)
  return out
}

/** .env.example as blocks: the comment lines and then the variables that follow them. */
function exampleBlocks (): Array<{ comment: string, names: string[] }> {
  const blocks: Array<{ comment: string, names: string[] }> = []
  let comment: string[] = []
  let names: string[] = []
  const flush = () => { if (names.length > 0) blocks.push({ comment: comment.join(' '), names }); comment = []; names = [] }
  for (const raw of readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n')) {
    const line = raw.trim()
    const variable = /^([A-Z_][A-Z0-9_]*)=/.exec(line)
    if (variable) { names.push(variable[1]); continue }
    if (names.length > 0) flush()
    if (line.startsWith('#')) comment.push(line.replace(/^#\s?/, ''))
    else comment = []
  }
  flush()
  return blocks
}

/** The values a comment shows in parentheses, e.g. "(300000), retries (8)" → 300000, 8; "(2, 512)" → 2, 512. */
function shownValues (comment: string): string[] {
  return [...comment.matchAll(/\(([^()]*)\)/g)].flatMap((m) => m[1].split(', ').map((s) => s.trim()))
}

const NUMBER = /^[0-9]+(\.[0-9]+)?$/

describe('.env.example', () => {
  const defaults = effectiveDefaults()
  const blocks = exampleBlocks()

  test('the reference data of these checks is there', () => {
    assert.equal(defaults.get('TEACHER_RETRIES'), '8')
    assert.equal(defaults.get('T2S_SERVICES'), 'dataset,reasoning,evaluator', "compose's fallback wins over the gateway's own")
    assert.deepEqual(shownValues('Per-request timeout ms (300000), retries (8), in flight (256).'), ['300000', '8', '256'])
    assert.ok(blocks.some((b) => b.names.includes('TEACHER_RETRIES')))
  })

  test("every default a comment shows is the one that applies, and every number it shows is some variable's default", () => {
    let checked = 0
    const problems: string[] = []
    for (const { comment, names } of blocks) {
      const shown = shownValues(comment)
      const own = names.map((n) => defaults.get(n)).filter((d): d is string => d !== undefined && d !== '')
      for (const name of names) {
        const d = defaults.get(name)
        if (d === undefined || d === '') continue
        if (!shown.includes(d)) problems.push(`${name}: the comment above it should show its default (${d}); it shows ${JSON.stringify(shown)}`)
        checked++
      }
      for (const value of shown.filter((s) => NUMBER.test(s))) {
        if (!own.includes(value)) problems.push(`${names.join(', ')}: the comment shows ${value}, which is none of their defaults (${own.join(', ')})`)
      }
    }
    assert.deepEqual(problems, [])
    assert.ok(checked >= 25, `checked ${checked} defaults`)
  })
})

describe('.env.example for a CPU-only start (docker compose up, no profile)', () => {
  // The one documented change: delete the block "Model servers and trainer".
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8')
  const start = text.indexOf('# --- Model servers and trainer')
  const end = text.indexOf('# --- ', start + 1)
  const cpuOnly = text.slice(0, start) + text.slice(end)
  const env = Object.fromEntries([...cpuOnly.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]))

  test('the block is there, and holds exactly what points at the GPU profile', () => {
    assert.ok(start > 0 && end > start)
    const removed = Object.keys(envExample()).filter((k) => !(k in env))
    assert.deepEqual(removed.sort(), ['STUDENT_BASE_URL', 'T2S_SERVICES', 'TEACHER_BASE_URL'])
  })

  test('without the block, no service points at a GPU container and /readyz waits only for services that run', () => {
    const services = loadCompose(env).services
    const running = Object.keys(services).filter((name) => services[name].profiles === undefined)
    assert.deepEqual(services.gateway.environment.T2S_SERVICES.split(',').sort(), ['dataset', 'evaluator', 'reasoning'])
    for (const s of services.gateway.environment.T2S_SERVICES.split(',')) assert.ok(running.includes(s), `${s} runs without a profile`)
    assert.equal(services.reasoning.environment.TEACHER_BASE_URL, '')
    assert.equal(services.evaluator.environment.STUDENT_BASE_URL, '')
    for (const name of running) {
      assert.doesNotMatch(JSON.stringify(services[name].environment ?? {}), /vllm-(teacher|student)/, `${name} names no GPU container`)
    }
  })

  test('with the block (as shipped), the GPU profile is wired', () => {
    const services = loadCompose(envExample()).services
    assert.equal(services.reasoning.environment.TEACHER_BASE_URL, 'http://vllm-teacher:8000/v1')
    assert.equal(services.evaluator.environment.STUDENT_BASE_URL, 'http://vllm-student:8000/v1')
    assert.ok(services.gateway.environment.T2S_SERVICES.split(',').includes('trainer'))
  })
})
