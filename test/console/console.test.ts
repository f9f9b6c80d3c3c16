// The web console end to end: Debian's Chromium (playwright-core) against a real stack
// (nats-server, the dataset, evaluator and trainer services as processes, the gateway on a
// real port). Every step goes through the page; every number checked is read back from the API.
// Any console error, page error, failed request or unexpected HTTP error fails the test.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { buildDemo, DEMO_DIR } from '../../scripts/build-demo.js'
import { FAKE_PYTHON, writeFakeScript } from '../fake-trainer/index.js'
import { hasChromium, openBrowser, type Session } from '../helpers/browser.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'
import { buildConsole } from '../../scripts/build-console.js'

const KEY = AUTH.authorization.slice('Bearer '.length)
const demo = JSON.parse(readFileSync(join(DEMO_DIR, 'dev.json'), 'utf8')) as { db_id: string, SQL: string }[]
// Two deterministic prediction files in the official format: gold SQL except where `wrong`
// picks an index, which gets a query with an empty result (every demo gold query returns rows).
const predictions = (wrong: (i: number) => boolean) =>
  Object.fromEntries(demo.map((q, i) => [String(i), `${wrong(i) ? 'SELECT 1 WHERE 0' : q.SQL}\t----- bird -----\t${q.db_id}`]))
const BASELINE_WRONG = (i: number) => i % 3 === 0
const TUNED_WRONG = (i: number) => i % 5 === 0

describe('web console in Chromium against a real stack', { skip: !hasChromium() && 'no Chromium at /usr/bin/chromium (apt-get install chromium)', timeout: 600_000 }, () => {
  let stack: Stack
  let session: Session
  let base: string
  let shots: string
  const api = async (url: string) => {
    const res = await stack.gateway.inject({ url, headers: AUTH })
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`)
    return res.json()
  }
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: process.env.T2S_CONSOLE_FULLPAGE === '1' })
  }

  before(async () => {
    buildConsole()
    shots = process.env.T2S_CONSOLE_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 't2s-console-shots-'))
    mkdirSync(shots, { recursive: true })
    const script = join(tmpdir(), `fake-trainer-console-${process.pid}.json`)
    writeFakeScript(script, { default: { step_ms: 30 }, 'slow-model': { step_ms: 250, total_steps: 2000 } })
    stack = await startStack(['dataset', 'evaluator', 'trainer'], { T2S_TRAINER_PYTHON: FAKE_PYTHON, T2S_FAKE_TRAINER_SCRIPT: script })
    assert.equal(buildDemo(join(stack.dataDir, 'demo')).built, true)
    await stack.gateway.listen({ host: '127.0.0.1', port: 0 })
    base = `http://127.0.0.1:${(stack.gateway.server.address() as AddressInfo).port}`
    session = await openBrowser()
  })

  after(async () => {
    await session?.close()
    await stack?.stop()
    if (!process.env.T2S_CONSOLE_SCREENSHOTS && shots) console.log(`# screenshots in ${shots}`)
  })

  test('sign in, register the demo, build a dataset, train, score two files, browse, compare', async () => {
    const { page } = session
    await page.goto(`${base}/console/`)

    // Sign-in: a wrong key is refused with a clear message; the right one is kept in sessionStorage only.
    await session.expecting(401, async () => {
      await page.getByLabel('API key').fill('not-a-key')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor()
    })
    await page.getByLabel('API key').fill(KEY)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Jobs' }).waitFor()
    assert.equal(await page.evaluate("sessionStorage.getItem('t2s.apiKey')"), KEY)
    assert.ok(!page.url().includes(KEY))

    // Sources: register the demo through the form, then its questions, filters and a schema.
    await page.getByRole('link', { name: 'Sources' }).click()
    await page.locator('summary', { hasText: 'Register a source' }).click()
    const reg = page.getByRole('form', { name: 'register a source' })
    await reg.locator('input[name=name]').fill('demo')
    await reg.locator('input[name=questions]').fill('demo/dev.json')
    await reg.locator('input[name=databases]').fill('demo/dev_databases')
    await reg.getByRole('button', { name: 'Register' }).click()
    await page.getByRole('heading', { name: 'demo', exact: true }).waitFor()
    const source = (await api('/v1/sources')).items[0]
    assert.equal(source.name, 'demo')
    const sourceRow = page.getByRole('table', { name: 'sources' }).getByRole('row').nth(1)
    assert.equal(await sourceRow.locator('td').nth(2).innerText(), String(source.question_count))
    await page.getByRole('table', { name: 'questions' }).waitFor()
    await page.getByLabel('database filter').selectOption('library')
    await page.getByLabel('difficulty filter').selectOption('simple')
    const questions = (await api(`/v1/sources/${source.id}/questions?limit=1000`)).items as { db_id: string, difficulty: string }[]
    const expectedRows = questions.filter((q) => q.db_id === 'library' && q.difficulty === 'simple').length
    assert.equal(await page.getByRole('table', { name: 'questions' }).locator('tbody tr').count(), expectedRows)
    const schema = await api(`/v1/sources/${source.id}/databases/library/schema`)
    await page.getByLabel('schema').waitFor()
    assert.equal(await page.getByLabel('schema').innerText(), schema.schema)
    await shot(page, 'sources')

    // Datasets: build an SFT dataset through the form; the page's counts are the API's.
    await page.getByRole('link', { name: 'Datasets' }).click()
    await page.locator('summary', { hasText: 'Build an SFT dataset' }).click()
    await page.getByRole('form', { name: 'build an SFT dataset' }).getByRole('button', { name: 'Build' }).click()
    await page.locator('h2 .badge', { hasText: 'succeeded' }).waitFor({ timeout: 120_000 })
    const dsId = decodeURIComponent(page.url().split('#/datasets/')[1])
    const ds = await api(`/v1/datasets/${dsId}`)
    for (const [k, v] of Object.entries(ds.counts as Record<string, number>)) {
      assert.equal(await page.locator(`[data-count=${k}] .big`).innerText(), String(v), k)
    }
    assert.equal(await page.getByRole('img', { name: 'train token-length histogram' }).count(), 1)
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: /^Download train/ }).click()
    const file = await download
    assert.equal(file.suggestedFilename(), `${dsId}-train.jsonl`)
    assert.equal(readFileSync((await file.path())!, 'utf8').trim().split('\n').length, ds.counts.train)
    await shot(page, 'datasets')

    // Training (the scripted trainer): one run to the end, and one followed live, then cancelled from the Jobs page.
    const start = async (body: object) => {
      const res = await stack.gateway.inject({ method: 'POST', url: '/v1/training-jobs', headers: AUTH, payload: body })
      assert.equal(res.statusCode, 202, res.body)
      return res.json()
    }
    const done = await start({ dataset: dsId, adapter_name: 'demo-lora', hyperparameters: { num_epochs: 3, save_steps: 4 } })
    await stack.waitJob(done.job_id)
    const slow = await start({ dataset: dsId, base_model: 'slow-model', adapter_name: 'demo-lora-live' })
    await page.goto(`${base}/console/#/training/${slow.id}`)
    // Steps beyond the first reach the page only through the event stream (the record is read once).
    await page.locator('[data-card=step] .big').filter({ hasText: /^([3-9]|\d\d+) \/ 2000$/ }).waitFor({ timeout: 60_000 })
    await page.getByRole('link', { name: 'Jobs' }).click()
    const jobRow = page.locator(`tr[data-job="${slow.job_id}"]`)
    await jobRow.getByRole('button', { name: 'Cancel…' }).click()
    await jobRow.getByRole('button', { name: 'Yes, cancel' }).click()
    await jobRow.locator('.badge', { hasText: 'cancelled' }).waitFor({ timeout: 60_000 })
    await page.goto(`${base}/console/#/training/${done.id}`)
    const trained = await api(`/v1/training-jobs/${done.id}`)
    const last = trained.loss[trained.loss.length - 1]
    await page.locator('h2 .badge', { hasText: 'succeeded' }).waitFor()
    assert.equal(await page.locator('[data-card=loss] .big').innerText(), last.loss.toFixed(4))
    assert.equal(await page.getByRole('img', { name: 'loss and grad_norm by step' }).count(), 1)
    await shot(page, 'training')

    // Evaluations: score two predictions files through the file form.
    const evIds: string[] = []
    for (const [name, wrong] of [['baseline', BASELINE_WRONG], ['tuned', TUNED_WRONG]] as const) {
      const path = join(shots, `predict_${name}.json`)
      writeFileSync(path, JSON.stringify(predictions(wrong)))
      await page.goto(`${base}/console/#/evaluations`)
      await page.locator('summary', { hasText: 'Score a predictions file' }).click()
      const form = page.getByRole('form', { name: 'score a predictions file' })
      await form.locator('input[type=file]').setInputFiles(path)
      await form.getByRole('button', { name: 'Score' }).click()
      await page.locator('h1 .badge', { hasText: 'succeeded' }).waitFor({ timeout: 120_000 })
      evIds.push(decodeURIComponent(page.url().split('#/evaluations/')[1].split('?')[0]))
      rmSync(path)
    }
    const ev = await api(`/v1/evaluations/${evIds[0]}`)
    const wrongCount = demo.filter((_, i) => BASELINE_WRONG(i)).length
    assert.equal(ev.statuses.correct, demo.length - wrongCount)
    assert.equal(ev.ex.total.toFixed(2), (100 * (demo.length - wrongCount) / demo.length).toFixed(2))
    await page.goto(`${base}/console/#/evaluations/${evIds[0]}`)
    await page.getByRole('table', { name: 'scored questions' }).waitFor()
    for (const c of ['simple', 'moderate', 'challenging', 'total'] as const) {
      assert.equal(await page.locator(`[data-cell=ex-${c}]`).innerText(), ev.ex[c].toFixed(2), `EX ${c}`)
      assert.equal(await page.locator(`[data-cell=f1-${c}]`).innerText(), ev.soft_f1[c].toFixed(2), `Soft-F1 ${c}`)
    }
    assert.equal(await page.locator('[data-cell=count-total]').innerText(), String(ev.counts.total))
    assert.equal(await page.locator('[data-status=wrong_result] .big').innerText(), String(ev.statuses.wrong_result))

    // Filter the wrong results, open one question, run both queries in the sandbox.
    await page.getByLabel('status filter').selectOption('wrong_result')
    const wrongItems = (await api(`/v1/evaluations/${evIds[0]}/items?status=wrong_result&limit=5000`)).items
    assert.equal(await page.getByTestId('match-count').innerText(), `${wrongItems.length} of ${demo.length} questions`)
    assert.equal(await page.getByRole('table', { name: 'scored questions' }).locator('tbody tr').count(), wrongItems.length)
    const first = wrongItems[0]
    await page.locator(`tr[data-index="${first.index}"] td a`).first().click()
    const article = page.getByRole('article', { name: `question ${first.index}` })
    await article.waitFor()
    assert.equal(await article.getByLabel('predicted SQL').innerText(), first.sql)
    assert.equal(await article.getByLabel('gold SQL').innerText(), first.gold_sql)
    await article.getByRole('button', { name: 'Run prediction' }).click()
    await article.getByRole('button', { name: 'Run gold' }).click()
    await article.getByRole('table', { name: 'gold result' }).waitFor()
    await article.getByRole('table', { name: 'prediction result' }).waitFor()
    assert.equal(await article.getByRole('table', { name: 'prediction result' }).locator('tbody tr').count(), 0)
    await article.screenshot({ path: join(shots, 'question.png') })
    // The deep link reopens the same question with the same filter.
    const deep = page.url()
    assert.match(deep, new RegExp(`status=wrong_result.*q=${first.index}|q=${first.index}.*status=wrong_result`))
    await page.reload()
    await page.getByRole('article', { name: `question ${first.index}` }).waitFor()
    await shot(page, 'evaluation')

    // Compare: both evaluations, the table and the flips equal the API's; a flip opens side by side.
    await page.goto(`${base}/console/#/evaluations`)
    for (const id of evIds) await page.getByLabel(`compare ${id}`).check()
    await page.getByRole('button', { name: 'Compare selected (2)' }).click()
    await page.getByRole('table', { name: 'comparison' }).waitFor()
    const cmp = await api(`/v1/evaluations/compare?ids=${evIds.join(',')}`)
    for (const run of cmp.evaluations) {
      for (const b of ['simple', 'moderate', 'challenging', 'total']) {
        assert.equal(await page.locator(`[data-cell="ex-${run.id}-${b}"]`).innerText(), run.buckets[b].ex.value.toFixed(2), `${run.id} EX ${b}`)
      }
    }
    const pair = cmp.pairs[0]
    const pText = (p: number) => p < 0.001 ? '< 0.001' : p.toFixed(3)
    assert.equal(await page.locator(`[data-cell="p-${pair.a}-${pair.b}-total"]`).innerText(), pText(pair.buckets.total.mcnemar_p))
    // Baseline wrong where i % 3 = 0, tuned where i % 5 = 0: 5 right → wrong, 11 wrong → right.
    assert.equal(pair.buckets.total.right_to_wrong, demo.filter((_, i) => !BASELINE_WRONG(i) && TUNED_WRONG(i)).length)
    assert.equal(pair.buckets.total.wrong_to_right, demo.filter((_, i) => BASELINE_WRONG(i) && !TUNED_WRONG(i)).length)
    const flips = (await api(`/v1/evaluations/compare/flips?a=${pair.a}&b=${pair.b}&limit=5000`)).items
    assert.equal(flips.length, pair.buckets.total.right_to_wrong + pair.buckets.total.wrong_to_right)
    assert.equal(await page.getByTestId('flip-count').innerText(), `${flips.length} flipped`)
    await shot(page, 'compare')
    await page.getByRole('table', { name: 'flipped questions' }).getByRole('link', { name: String(flips[0].index), exact: true }).click()
    const side = page.getByRole('article', { name: `question ${flips[0].index}` })
    await side.waitFor()
    assert.equal(await side.getByLabel('predicted SQL').innerText(), flips[0].a.sql)
    assert.equal(await side.getByLabel('b', { exact: true }).innerText(), flips[0].b.sql)
    // The report's intervals come from the same code as the comparison's.
    await page.goto(`${base}/console/#/evaluations/${evIds[0]}`)
    const run0 = cmp.evaluations.find((r: { id: string }) => r.id === evIds[0])
    const ex = run0.buckets.total.ex
    await page.locator('[data-interval=ex-total]').filter({ hasText: '[' }).waitFor()
    assert.equal(await page.locator('[data-interval=ex-total]').innerText(), `[${ex.low.toFixed(1)}, ${ex.high.toFixed(1)}]`)

    // Jobs: every job of the API, newest first.
    await page.getByRole('link', { name: 'Jobs' }).click()
    const jobs = (await api('/v1/jobs?limit=500')).items as { id: string }[]
    await page.locator(`tr[data-job="${jobs[0].id}"]`).waitFor()
    assert.deepEqual(await page.locator('tr[data-job]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job'))), jobs.slice(0, 50).map((j) => j.id))
    await shot(page, 'jobs')

    assert.deepEqual(session.problems, [])
  })
})
