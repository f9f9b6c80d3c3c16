import type { TestContext } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildGateway, type GatewayOptions } from '../src/app.js'

export const KEY = 'test-key-0123456789'
export const auth = { authorization: `Bearer ${KEY}` }

/** Builds the gateway app (never listening) and closes it after the test. */
export async function build (t: TestContext, opts: Partial<GatewayOptions> = {}): Promise<FastifyInstance> {
  const app = await buildGateway({ apiKeys: [KEY], ...opts })
  t.after(async () => await app.close())
  await app.ready()
  return app
}
