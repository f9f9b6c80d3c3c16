// Ctrl-C on a real terminal: the CLI runs on a pseudo-terminal (python3's pty, driven by
// pty_drive.py), the keyboard's Ctrl-C reaches it through the line discipline, and the prompt is
// answered by typing. The student server holds the evaluation's last questions
// until the test lets them go, so the job is provably running while the question is asked.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, beforeEach, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { ITEM_BATCH } from '@t2s/core/jobs'
import { messageText } from '../../test/fake-openai/scripts.js'
import { startFakeOpenAI, type FakeOpenAI } from '../../test/fake-openai/server.js'
import { AUTH, startStack, type Stack } from '../../test/helpers/stack.js'
import { BIN } from './run-cli.js'

const DRIVER = fileURLToPath(new URL('./pty_drive.py', import.meta.url))
const KEY = AUTH.authorization.slice('Bearer '.length)
// Items go to workers in batches of ITEM_BATCH, and progress is reported per batch: the first
// batch is answered at once, the second (the last 8 questions) is held at the gate.
const HELD_FROM = ITEM_BATCH
const N = ITEM_BATCH + 8
const PROMPT = String.raw`Cancel job job_\w+\? \[c\]ancel / \[d\]etach \(default: detach\) `
const CTRL_C = '\u0003'

/** A gate the held questions wait at until `open` is called. */
function opened (): { promise: Promise<void>, resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((_resolve) => { resolve = _resolve })
  return { promise, resolve }
}

type Step = { expect: string, timeout?: number } | { send: string }
interface Driven { transcript: string, code: number | null, signal: number | null, failed: unknown }

describe('Ctrl-C on a terminal asks whether to cancel the job or detach', { timeout: 300_000 }, () => {
  let stack: Stack
  let url: string
  let student: FakeOpenAI
  // Opened by release(); a new gate for each test.
  let gate = opened()
  const release = () => gate.resolve()

  /** Runs `t2s ARGS` on a pseudo-terminal through the steps; `onStep(i)` once step i matched. */
  const drive = async (args: string[], steps: Step[], onStep: (i: number) => void = () => {}): Promise<Driven> => {
    const env = { PATH: process.env.PATH!, T2S_URL: url, T2S_API_KEY: KEY, TERM: 'xterm' }
    const child = spawn('python3', [DRIVER, JSON.stringify(steps), process.execPath, BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', (c) => { stdout += c })
    child.stderr.on('data', (c: Buffer) => { for (const m of String(c).matchAll(/matched (\d+)/g)) onStep(Number(m[1])) })
    const code = await new Promise((resolve) => child.on('close', resolve))
    assert.equal(code, 0, `driver: ${stdout}`)
    const driven = JSON.parse(stdout) as Driven
    assert.equal(driven.failed, null, `off script: ${JSON.stringify(driven)}`)
    assert.ok(!driven.transcript.includes(KEY))
    return driven
  }
  const evaluate = ['eval', '--source', 'shop', '--model', 'student', '--concurrency', '1']
  const jobOf = (d: Driven) => /: job (job_\w+)/.exec(d.transcript)![1]
  const job = async (id: string) => (await stack.gateway.inject({ url: `/v1/jobs/${id}`, headers: AUTH })).json()
  // The bar has drawn the first batch; the rest is held.
  const held = { expect: String.raw`${HELD_FROM}/${N} questions`, timeout: 60 }

  before(async () => {
    student = await startFakeOpenAI({
      answer: async ({ messages }) => {
        if (Number(/\((\d+)\)$/.exec(messageText(messages.at(-1)!))![1]) >= HELD_FROM) await gate.promise
        return '```sql\nSELECT count(*) FROM item\n```'
      }
    })
    stack = await startStack(['dataset', 'evaluator'], { STUDENT_BASE_URL: student.url, STUDENT_MODEL: 'student' })
    url = await stack.gateway.listen({ port: 0, host: '127.0.0.1' })
    const dir = join(stack.dataDir, 'shop')
    mkdirSync(join(dir, 'db', 'shop'), { recursive: true })
    const db = new Database(join(dir, 'db', 'shop', 'shop.sqlite'))
    db.exec('CREATE TABLE item (id INTEGER PRIMARY KEY); INSERT INTO item VALUES (1), (2)')
    db.close()
    writeFileSync(join(dir, 'questions.json'), JSON.stringify(Array.from({ length: N }, (_, i) => ({ question_id: i, db_id: 'shop', question: `How many items? (${i})`, evidence: '', SQL: 'SELECT count(*) FROM item', difficulty: 'simple' }))))
    await stack.registerSource('shop', 'shop/questions.json', 'shop/db')
  })
  beforeEach(() => {
    gate = opened()
  })
  after(async () => {
    release()
    await stack?.stop()
    await student?.close()
  })

  test('answering c cancels the job: exit 1, the job ends cancelled', async () => {
    const d = await drive(evaluate, [held, { send: CTRL_C }, { expect: PROMPT }, { send: 'c\r' }])
    const id = jobOf(d)
    assert.match(d.transcript, new RegExp(`cancelling job ${id}…`))
    assert.match(d.transcript, new RegExp(`job ${id} cancelled`))
    assert.equal(d.code, 1, d.transcript)
    assert.equal((await job(id)).status, 'cancelled')
  })

  test('answering d (or Enter, or Ctrl-D) detaches: exit 0, the job goes on', async () => {
    for (const answer of ['d\r', '\r', '\u0004']) {
      gate = opened()
      const d = await drive(evaluate, [held, { send: CTRL_C }, { expect: PROMPT }, { send: answer }])
      const id = jobOf(d)
      assert.equal(d.code, 0, d.transcript)
      assert.match(d.transcript, new RegExp(`detached: job ${id} goes on \\(running\\); follow it with: t2s jobs watch ${id}`))
      assert.equal((await job(id)).status, 'running')
      await stack.jobs.cancel(id)
      release()
      await stack.waitJob(id)
    }
  })

  test('a second Ctrl-C at the question detaches at once', async () => {
    const d = await drive(evaluate, [held, { send: CTRL_C }, { expect: PROMPT }, { send: CTRL_C }])
    const id = jobOf(d)
    assert.equal(d.code, 0, d.transcript)
    assert.match(d.transcript, new RegExp(`detached: job ${id} goes on \\(running\\)`))
    assert.equal((await job(id)).status, 'running')
    await stack.jobs.cancel(id)
    release()
    await stack.waitJob(id)
  })

  test('a job that ends while the question is open closes it: the result is printed, exit 0', async () => {
    // Once the prompt is on the terminal (step 2 matched), the held questions are answered.
    const d = await drive(evaluate, [held, { send: CTRL_C }, { expect: PROMPT }, { expect: String.raw`ev_\w+ succeeded: model student`, timeout: 60 }], (i) => { if (i === 2) release() })
    const id = jobOf(d)
    assert.equal(d.code, 0, d.transcript)
    assert.match(d.transcript, new RegExp(`job ${id} succeeded meanwhile; nothing to decide`))
    assert.equal((await job(id)).status, 'succeeded')
  })
})
