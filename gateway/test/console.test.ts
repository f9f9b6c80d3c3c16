import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { buildGateway } from '../src/app.js'
import { CONSOLE_DIST, registerConsole } from '../src/plugins/console.js'
import { buildConsole } from '../../scripts/build-console.js'

describe('the console\'s static files', () => {
  let app: FastifyInstance
  before(async () => {
    buildConsole()
    app = await buildGateway({ apiKeys: ['k-0123456789abcdef'] })
  })
  after(async () => { await app?.close() })

  test('/console redirects to /console/, which needs no key and carries a CSP without inline code or https upgrades', async () => {
    const redirect = await app.inject('/console')
    assert.equal(redirect.statusCode, 302)
    assert.equal(redirect.headers.location, '/console/')
    const page = await app.inject('/console/')
    assert.equal(page.statusCode, 200)
    assert.match(String(page.headers['content-type']), /^text\/html/)
    assert.match(page.body, /<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js"><\/script>/)
    assert.doesNotMatch(page.body, /<script>|<script type="module">/, 'no inline script')
    const csp = String(page.headers['content-security-policy'])
    assert.match(csp, /script-src 'self'/)
    assert.match(csp, /style-src 'self'(;|$)/)
    assert.doesNotMatch(csp, /unsafe-inline|upgrade-insecure-requests/)
    assert.equal(page.headers['strict-transport-security'], undefined)
    assert.equal(page.headers['cache-control'], 'no-cache')
  })

  test('hashed assets are served immutable; an unknown file is a 404', async () => {
    const js = readdirSync(join(CONSOLE_DIST, 'assets')).find((f) => f.endsWith('.js'))!
    const asset = await app.inject(`/console/assets/${js}`)
    assert.equal(asset.statusCode, 200)
    assert.match(String(asset.headers['content-type']), /javascript/)
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable')
    assert.equal((await app.inject('/console/assets/nope.js')).statusCode, 404)
  })

  test('without a build: a 503 naming the command that makes one', async () => {
    const empty = mkdtempSync(join(tmpdir(), 't2s-no-console-'))
    const bare = Fastify()
    await registerConsole(bare, empty)
    const res = await bare.inject('/console/')
    assert.equal(res.statusCode, 503)
    assert.match(res.json().detail, /npm run console:build/)
    await bare.close()
    rmSync(empty, { recursive: true, force: true })
  })
})
