// Swagger UI and the console over plain HTTP at a non-loopback address, in Chromium: the
// security headers must not ask the browser to upgrade requests to https (the page would
// stay blank), and the console's CSP must still let its own scripts and styles run.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { AddressInfo } from 'node:net'
import { hasChromium, openBrowser, type Session } from '../helpers/browser.js'
import { makeLanAddress, type LanAddress } from '../helpers/lan-address.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'
import { buildConsole } from '../../scripts/build-console.js'

const KEY = AUTH.authorization.slice('Bearer '.length)
const lan = hasChromium() ? makeLanAddress() : 'no Chromium at /usr/bin/chromium'
const skip = typeof lan === 'string' && `cannot make a non-loopback address (${lan}); run as root with iproute2 and veth support`

describe('over plain HTTP at a non-loopback address', { skip, timeout: 180_000 }, () => {
  let stack: Stack
  let session: Session
  let base: string

  before(async () => {
    buildConsole()
    // nats-server and the gateway only: the sign-in reads the job list, nothing needs a service.
    stack = await startStack([])
    await stack.gateway.listen({ host: (lan as LanAddress).address, port: 0 })
    base = `http://${(lan as LanAddress).address}:${(stack.gateway.server.address() as AddressInfo).port}`
    session = await openBrowser()
  })

  after(async () => {
    await session?.close()
    await stack?.stop()
    if (typeof lan !== 'string') lan.remove()
  })

  test('no upgrade-insecure-requests or HSTS in the headers', async () => {
    for (const path of ['/docs/', '/console/']) {
      const res = await fetch(`${base}${path}`)
      assert.equal(res.status, 200, path)
      assert.equal(res.headers.get('strict-transport-security'), null, path)
      assert.doesNotMatch(res.headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/, path)
    }
  })

  test('Swagger UI renders the API in Chromium, from an insecure origin', async () => {
    const { page } = session
    await page.goto(`${base}/docs/`)
    assert.equal(await page.evaluate('window.isSecureContext'), false)
    await page.getByText('Text-to-SQL fine-tuning suite').first().waitFor()
    await page.locator('.opblock-tag', { hasText: 'evaluations' }).first().waitFor()
    assert.deepEqual(session.problems, [])
  })

  test('the console loads, signs in and refuses a wrong key, from an insecure origin', async () => {
    const { page } = session
    await page.goto(`${base}/console/`)
    assert.equal(await page.evaluate('window.isSecureContext'), false)
    await session.expecting(401, async () => {
      await page.getByLabel('API key').fill('wrong')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor()
    })
    await page.getByLabel('API key').fill(KEY)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Jobs' }).waitFor()
    await page.getByRole('table', { name: 'jobs' }).waitFor()
    // The stylesheet applied (the header bar is dark): CSS came through the CSP.
    assert.equal(await page.locator('.shell > header').evaluate((el) => (globalThis as unknown as { getComputedStyle: (e: unknown) => { backgroundColor: string } }).getComputedStyle(el).backgroundColor), 'rgb(31, 45, 61)')
    assert.deepEqual(session.problems, [])
  })
})
