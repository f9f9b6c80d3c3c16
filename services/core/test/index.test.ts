import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { loadConfig, toProblem, createLogger } from '@t2s/core'
import { ProblemSchema, DATASET_VERBS, SOURCE_VERBS } from '@t2s/core/contracts'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, string> }

test('the root entry carries errors, config and logging; the contracts have their own', () => {
  assert.equal(toProblem(415, 'x').title, 'Unsupported Media Type')
  assert.equal(typeof createLogger, 'function')
  assert.equal(typeof loadConfig, 'function')
  assert.equal(SOURCE_VERBS.resolve, 'resolve_source')
  assert.equal(DATASET_VERBS.create, 'create_dataset')
  assert.deepEqual(ProblemSchema.required, ['type', 'title', 'status', 'detail'])
})

// The public surface is one index per area (as nats.js exposes mod.ts); a module behind it is
// internal, so a deep path must not resolve from outside the package.
test('every entry point of @t2s/core resolves, and a path behind one does not', async () => {
  const entries = Object.keys(pkg.exports)
  assert.deepEqual(entries.filter((k) => k.includes('*')), [])
  for (const key of entries) {
    const mod = await import(key === '.' ? '@t2s/core' : `@t2s/core/${key.slice(2)}`) as Record<string, unknown>
    assert.ok(Object.keys(mod).length > 0, `${key} exports something`)
  }
  const deep = '@t2s/core/sql/sandbox'
  await assert.rejects(import(deep), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' })
})
