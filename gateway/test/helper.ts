import assert from 'node:assert/strict'
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

/** Asserts an RFC 9457 problem answer with this status and returns its body. */
export function problemOf (res: { statusCode: number, headers: Record<string, unknown>, json: () => any }, status: number): { type: string, title: string, status: number, detail: string, instance?: string } {
  assert.equal(res.statusCode, status, String((res as { body?: string }).body))
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
  const body = res.json()
  assert.equal(body.status, status)
  return body
}
