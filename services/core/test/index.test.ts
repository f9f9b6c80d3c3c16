import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as core from '@t2s/core'

test('the package entry ("." export) resolves and carries errors, config, logging and the contracts', () => {
  assert.equal(core.toProblem(415, 'x').title, 'Unsupported Media Type')
  assert.equal(core.SOURCE_VERBS.resolve, 'resolve_source')
  assert.equal(core.DATASET_VERBS.create, 'create_dataset')
  assert.equal(typeof core.createLogger, 'function')
  assert.equal(typeof core.loadConfig, 'function')
  assert.deepEqual(core.ProblemSchema.required, ['type', 'title', 'status', 'detail'])
})
