// Debian's Chromium driven by playwright-core: the real browser of the console tests.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.T2S_CHROMIUM ?? '/usr/bin/chromium'
export const hasChromium = () => existsSync(CHROMIUM)

export interface Session {
  context: BrowserContext
  page: Page
  /** Console errors, page errors, failed requests and HTTP errors seen so far. */
  problems: string[]
  /** Runs `fn` while HTTP answers with the given status are expected (e.g. a wrong key's 401). */
  expecting: <T>(status: number, fn: () => Promise<T>) => Promise<T>
  close: () => Promise<void>
}

/** A fresh headless Chromium (its own profile folder) with one page whose every problem is recorded. */
export async function openBrowser (viewport = { width: 1280, height: 800 }): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 't2s-chromium-'))
  // A persistent context is how playwright passes --user-data-dir: a fresh folder each time.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync']
  })
  const page = context.pages()[0] ?? await context.newPage()
  const problems: string[] = []
  const expected = new Set<number>()
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    // Chromium logs every non-2xx fetch as a console error; an expected status is not a problem.
    if ([...expected].some((s) => m.text().includes(`status of ${s}`))) return
    problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('requestfailed', (r) => {
    // ERR_ABORTED is the page itself abandoning a request (leaving a view aborts its fetches
    // and event streams); a server or network fault shows as another error.
    if (r.failure()?.errorText === 'net::ERR_ABORTED') return
    problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`)
  })
  page.on('response', (r) => {
    if (r.status() >= 400 && !expected.has(r.status())) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`)
  })
  return {
    context,
    page,
    problems,
    expecting: async (status, fn) => {
      expected.add(status)
      try { return await fn() } finally { expected.delete(status) }
    },
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  }
}
