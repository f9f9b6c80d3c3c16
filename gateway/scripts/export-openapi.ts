/**
 * Writes openapi/openapi.json from the gateway itself (no NATS needed), and the CLI's typed
 * client types generated from it (openapi-typescript), so the two never drift apart:
 *   npm run openapi:export
 * Tests fail when either committed file differs from what this renders.
 */
import { writeFileSync } from 'node:fs'
import openapiTS, { astToString } from 'openapi-typescript'
import { buildGateway } from '../src/app.js'

export async function renderOpenApi (): Promise<string> {
  const app = await buildGateway({ apiKeys: ['export'] })
  await app.ready()
  const doc = JSON.stringify(app.swagger(), null, 2) + '\n'
  await app.close()
  return doc
}

/** TypeScript types of every path, operation and schema of the document, for openapi-fetch. */
export async function renderClientTypes (doc: string): Promise<string> {
  const ast = await openapiTS(JSON.parse(doc), { alphabetize: false })
  return '// Generated from openapi/openapi.json by `npm run openapi:export` (openapi-typescript); do not edit.\n' + astToString(ast)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const doc = await renderOpenApi()
  const target = new URL('../../openapi/openapi.json', import.meta.url)
  writeFileSync(target, doc)
  console.log(`wrote ${target.pathname}`)
  const types = new URL('../../cli/src/generated/api.ts', import.meta.url)
  writeFileSync(types, await renderClientTypes(doc))
  console.log(`wrote ${types.pathname}`)
}
