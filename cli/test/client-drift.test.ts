import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { renderClientTypes, renderOpenApi } from '../../gateway/scripts/export-openapi.js'

test('the CLI client types are generated from the gateway\'s current OpenAPI document', async () => {
  const committed = readFileSync(new URL('../src/generated/api.ts', import.meta.url), 'utf8')
  assert.equal(committed, await renderClientTypes(await renderOpenApi()), 'cli/src/generated/api.ts is stale: run npm run openapi:export')
})
