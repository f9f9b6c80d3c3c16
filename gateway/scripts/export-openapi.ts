/**
 * Writes openapi/openapi.json from the gateway itself (no NATS needed):
 *   npm run openapi:export
 * A test fails when the committed file differs from what the gateway serves.
 */
import { writeFileSync } from 'node:fs'
import { buildGateway } from '../src/app.js'

export async function renderOpenApi (): Promise<string> {
  const app = await buildGateway({ apiKeys: ['export'] })
  await app.ready()
  const doc = JSON.stringify(app.swagger(), null, 2) + '\n'
  await app.close()
  return doc
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = new URL('../../openapi/openapi.json', import.meta.url)
  writeFileSync(target, await renderOpenApi())
  console.log(`wrote ${target.pathname}`)
}
