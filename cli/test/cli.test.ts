import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { freePort } from '@t2s/core/util'
import { startFakeOpenAI, type FakeOpenAI } from '../../test/fake-openai/server.js'
import { FAKE_PYTHON, writeFakeScript } from '../../test/fake-trainer/index.js'
import { makeZip, startArchiveServer, type ArchiveServer } from '../../test/integration/download-fixtures.js'
import { sharedData, SKIP_NO_DATA } from '../../test/helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../../test/helpers/stack.js'
import { startCli } from './run-cli.js'

const data = sharedData()
const REFERENCE = fileURLToPath(new URL('../../services/core/test/stats/compare_reference.py', import.meta.url))
const KEY = AUTH.authorization.slice('Bearer '.length)
const SEP = '\t----- bird -----\t'
const N = 120

interface Q { db_id: string, SQL: string }

describe('the t2s CLI as a child process against a real stack', { skip: data ? false : SKIP_NO_DATA, timeout: 600_000 }, () => {
  let stack: Stack
  let url: string
  let student: FakeOpenAI
  let archives: ArchiveServer
  let dir: string
  let questions: Q[]
  const outputs: string[] = []

  /** Runs `t2s …` with the stack's URL and key in the environment; resolves when it exits. */
  const start = (args: string[], env: Record<string, string> = {}) => startCli(args, { T2S_URL: url, T2S_API_KEY: KEY, ...env }, { seen: outputs })
  const t2s = async (...args: string[]) => await start(args).done
  const json = async (...args: string[]) => {
    const r = await t2s(...args, '--json')
    assert.equal(r.code, 0, `t2s ${args.join(' ')}: ${r.stderr}`)
    return JSON.parse(r.stdout)
  }
  const api = async (path: string) => (await stack.gateway.inject({ url: path, headers: AUTH })).json()
  const predictionsFile = (name: string, wrong: number[]) => {
    const file = join(dir, name)
    writeFileSync(file, JSON.stringify(Object.fromEntries(questions.slice(0, N).map((q, i) => [String(i), `${wrong.includes(i) ? 'SELECT -987654321' : q.SQL}${SEP}${q.db_id}`]))))
    return file
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 't2s-cli-'))
    questions = JSON.parse(readFileSync(join(data!, 'bird-sample', 'dev.json'), 'utf8'))
    student = await startFakeOpenAI({ apiKey: 'student-key' })
    const script = join(dir, 'fake-trainer.json')
    writeFakeScript(script, { default: { step_ms: 15 }, 'slow-model': { step_ms: 150, total_steps: 400 }, 'oom-model': { error_at_step: 3, error_type: 'oom', error_message: 'OutOfMemoryError: CUDA out of memory (scripted)' } })
    stack = await startStack(['dataset', 'evaluator', 'trainer'], {
      T2S_SOURCE_ROOTS: data!,
      T2S_TRAINER_PYTHON: FAKE_PYTHON,
      T2S_FAKE_TRAINER_SCRIPT: script,
      STUDENT_BASE_URL: student.url,
      STUDENT_API_KEY: 'student-key',
      T2S_TRAINER_GPUS: '1'
    })
    url = await stack.gateway.listen({ port: 0, host: '127.0.0.1' })
    const questionsJson = JSON.stringify([{ question_id: 0, db_id: 'shop', question: 'How many items?', evidence: '', SQL: 'SELECT count(*) FROM item', difficulty: 'simple' }])
    const db = join(dir, 'shop.sqlite')
    spawnSync('python3', ['-c', `import sqlite3; c = sqlite3.connect(${JSON.stringify(db)}); c.execute('CREATE TABLE item (id INTEGER PRIMARY KEY)'); c.execute('INSERT INTO item VALUES (1), (2)'); c.commit()`])
    writeFileSync(join(dir, 'mini.json'), JSON.stringify({ 0: `SELECT count(*) FROM item${SEP}shop` }))
    archives = await startArchiveServer({ 'mini.zip': makeZip([{ name: 'mini/dev.json', data: Buffer.from(questionsJson) }, { name: 'mini/dev_databases/shop/shop.sqlite', data: readFileSync(db) }]) })
  })
  after(async () => {
    await stack?.stop()
    await student?.close()
    await archives?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    // The key is never printed, by any command.
    assert.ok(outputs.length > 0 && outputs.every((o) => !o.includes(KEY)))
  })

  test('status, sources add|list|show|download, sql; usage and HTTP errors exit 2 with the problem detail', async () => {
    const status = await json('status')
    assert.equal(status.status, 'ready')
    assert.deepEqual(status.services, { dataset: true, evaluator: true, trainer: true })
    assert.equal(status.models.student.available, true)
    assert.match((await t2s('status')).stdout, /: ready\n {2}nats: up\n {2}dataset: up/)

    const added = await json('sources', 'add', 'dev', '--questions', 'bird-sample/dev.json', '--databases', 'bird-sample/dev_databases')
    assert.deepEqual([added.name, added.question_count, added.database_count], ['dev', 714, 14])
    assert.deepEqual((await json('sources', 'list')).items.map((s: any) => s.name), ['dev'])
    assert.match((await t2s('sources', 'show', 'dev')).stdout, /^dev \(src_\w+\): 714 questions, 14 databases/)

    const dl = await t2s('sources', 'download', 'mini', '--from', archives.url('mini.zip'))
    assert.equal(dl.code, 0, dl.stderr)
    assert.match(dl.stdout, /^mini \(src_\w+\): 1 questions, 1 databases/)
    assert.match(dl.stderr, /100% \| \d+\/\d+ bytes/)

    const rows = await json('sql', 'mini', 'shop', 'SELECT count(*) AS n FROM item')
    assert.deepEqual([rows.status, rows.columns, rows.rows], ['ok', ['n'], [[2]]])
    assert.match((await t2s('sql', 'mini', 'shop', 'SELECT id FROM item ORDER BY id')).stdout, /^id\n1\n2\n\(2 rows, \d+\.\d ms\)\n$/)
    const badSql = await t2s('sql', 'mini', 'shop', 'DELETE FROM item')
    assert.equal(badSql.code, 2)

    const missing = await t2s('sources', 'show', 'nope')
    assert.deepEqual([missing.code, missing.stdout], [2, ''])
    assert.equal(missing.stderr, 't2s: 404 Not Found: source "nope" not found\n')
    const usage = await t2s('eval', '--source', 'dev')
    assert.deepEqual([usage.code, usage.stderr], [2, 't2s: eval needs exactly one of --predictions FILE or --model NAME (and/or --server NAME)\n'])
    const unknown = await t2s('jobs', 'frobnicate')
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /unknown command 'frobnicate'/)
    const noKey = await start(['sources', 'list'], { T2S_API_KEY: '' }).done
    assert.equal(noKey.code, 2)
    assert.match(noKey.stderr, /^t2s: 401 Unauthorized: /)
    // Beside a local suite the key comes from DATA_DIR/api-key.
    writeFileSync(join(dir, 'api-key'), `${KEY}\n`)
    const fromFile = await start(['sources', 'list', '--json'], { T2S_API_KEY: '', DATA_DIR: dir }).done
    assert.equal(fromFile.code, 0, fromFile.stderr)
    const closed = await freePort()
    const down = await start(['status'], { T2S_URL: `http://127.0.0.1:${closed}` }).done
    assert.deepEqual([down.code, down.stderr], [2, `t2s: cannot reach the API at http://127.0.0.1:${closed}: connect ECONNREFUSED 127.0.0.1:${closed}\n`])
  })

  test('eval with a progress bar to 100 %, eval show (official table, items), eval compare equal to the API and the Python reference', async () => {
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '{"0": "SELECT')
    const refused = await t2s('eval', '--source', 'dev', '--predictions', broken)
    assert.equal(refused.code, 2)
    assert.match(refused.stderr, /^t2s: 400 Bad Request: the predictions file is not JSON/)
    const wrongA = [3, 10, 50]
    const wrongB = [10, 20, 30, 40, 60, 70, 80, 90]
    const first = await t2s('eval', '--source', 'dev', '--predictions', predictionsFile('a.json', wrongA), '--limit', String(N))
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stderr, new RegExp(`100% \\| ${N}/${N} questions \\| [0-9.]+/s \\| ETA`))
    const id = /^(ev_\w+) succeeded/.exec(first.stdout)![1]
    assert.match(first.stdout, /\n {21}simple {15}moderate {13}challenging {10}total\ncount {16}\d+ +\d+ +\d+ +120\n=+ {4}EX {4}=+\nEX {19}[0-9.]+ +[0-9.]+ +[0-9.]+ +97\.50\n=+ {4}Soft-F1 {4}=+\nSoft-F1 /)
    const second = await json('eval', '--source', 'dev', '--predictions', predictionsFile('b.json', wrongB), '--limit', String(N))
    assert.deepEqual([second.status, second.counts.total, second.statuses.correct], ['succeeded', N, N - wrongB.length])

    const shown = await json('eval', 'show', id)
    assert.deepEqual(shown, await api(`/v1/evaluations/${id}`))
    const items = await json('eval', 'show', id, '--items', '--status', 'wrong_result')
    assert.deepEqual(items.items.items.map((i: any) => i.index), wrongA)
    assert.match((await t2s('eval', 'show', id, '--items', '--status', 'wrong_result')).stdout, /3 questions wrong_result:\n#\s+DB\s+DIFFICULTY\s+STATUS\s+SQL\n3 /)

    const cmp = await json('eval', 'compare', id, second.id, '--flips', '20')
    const fromApi = await api(`/v1/evaluations/compare?ids=${id},${second.id}`)
    const { flips, ...figures } = cmp
    assert.deepEqual(figures, fromApi)
    const flipped = [20, 30, 40, 60, 70, 80, 90, 3, 50].sort((x, y) => x - y)
    assert.deepEqual(flips[0].items.map((f: any) => f.index), flipped)
    const t = fromApi.pairs[0].buckets.total
    assert.deepEqual([t.right_to_wrong, t.wrong_to_right], [7, 2])
    const scores = async (e: string) => (await api(`/v1/evaluations/${e}/items?limit=5000`)).items.map((i: any) => ({ difficulty: i.difficulty, correct: i.correct, soft_f1: i.soft_f1 }))
    const ref = spawnSync('python3', [REFERENCE], { input: JSON.stringify({ runs: [await scores(id), await scores(second.id)], resamples: 2000, seed: 2026 }), encoding: 'utf8' })
    assert.equal(ref.status, 0, ref.stderr)
    const expected = JSON.parse(ref.stdout)
    assert.deepEqual(cmp.evaluations.map((e: any) => e.buckets), expected.runs)
    assert.deepEqual(cmp.pairs[0].buckets, expected.pairs[0].buckets)
    assert.equal(t.mcnemar_p, 2 * (1 + 9 + 36) / 512)

    const text = (await t2s('eval', 'compare', id, second.id)).stdout
    assert.match(text, new RegExp(`^120 of 120 questions of dev compared\n {2}A = ${id} \\(predictions file, succeeded\\)\n {2}B = ${second.id} `))
    assert.match(text, new RegExp(`\nMcNemar p A/B +\\S+ +\\S+ +\\S+ +${(2 * 46 / 512).toFixed(4)}\n`))
    assert.match(text, /\nflips A→B +-\d+ \+\d+ +-\d+ \+\d+ +-\d+ \+\d+ +-7 \+2\n/)
    assert.match(text, /\nFirst flipped questions A→B \(9 of 9\):\n {2}#3 \S+ \w+ wrong→right\n {4}A wrong_result: SELECT -987654321\n {4}B correct: /)
    const one = await t2s('eval', 'compare', id)
    assert.deepEqual([one.code, one.stderr], [2, 't2s: 400 Bad Request: ids must name 2 to 8 evaluations, comma-separated; got 1\n'])
  })

  test('datasets create|pull, train with step and loss, --no-wait, jobs list|watch|cancel, Ctrl-C detaches, a failed job exits 1', async () => {
    const ds = await json('datasets', 'create', '--kind', 'sft', '--source', 'dev', '--limit', '40')
    assert.deepEqual([ds.status, ds.counts.questions], ['succeeded', 40])
    const out = join(dir, 'train.jsonl')
    const pulled = await json('datasets', 'pull', ds.id, '--split', 'train', '-o', out)
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    assert.equal(lines.length, ds.counts.train)
    assert.equal(pulled.bytes, Buffer.byteLength(readFileSync(out)))
    assert.equal(JSON.parse(lines[0]).messages.length, 3)
    assert.deepEqual((await json('datasets', 'list')).items.map((d: any) => d.id), [ds.id])

    const trained = await t2s('train', '--dataset', ds.id, '--epochs', '2')
    assert.equal(trained.code, 0, trained.stderr)
    assert.match(trained.stderr, /100% \| (\d+)\/\1 steps \| [0-9.]+\/s \| ETA \S+ \| loss \d\.\d{4} \| \d+ tok\/s/)
    assert.match(trained.stdout, /^tj_\w+ succeeded: adapter \S+, \d+ steps/)

    // Ctrl-C without a terminal detaches: the job goes on.
    const slow = start(['train', '--dataset', ds.id, '--base-model', 'slow-model'])
    let stderr = ''
    slow.child.stderr!.on('data', (c) => { stderr += c })
    while (!/\| \d+\/400 steps/.test(stderr)) await new Promise((resolve) => setTimeout(resolve, 100))
    slow.child.kill('SIGINT')
    const detached = await slow.done
    assert.equal(detached.code, 0, detached.stderr)
    const jobId = /job (job_\w+)/.exec(detached.stderr)![1]
    assert.match(detached.stderr, new RegExp(`detached: job ${jobId} goes on \\(running\\); follow it with: t2s jobs watch ${jobId}`))
    const running = await json('jobs', 'list', '--status', 'running')
    assert.deepEqual(running.items.map((j: any) => j.id), [jobId])
    const watcher = start(['jobs', 'watch', jobId])
    const cancelled = await json('jobs', 'cancel', jobId)
    assert.equal(cancelled.id, jobId)
    const watched = await watcher.done
    assert.equal(watched.code, 1, watched.stderr)
    assert.match(watched.stdout, new RegExp(`^job ${jobId} cancelled`))
    assert.equal((await t2s('jobs', 'watch', jobId)).code, 1)

    const failed = await t2s('train', '--dataset', ds.id, '--base-model', 'oom-model')
    assert.equal(failed.code, 1)
    assert.match(failed.stdout, /^job job_\w+ failed: .*out of memory/i)

    const queued = await json('eval', '--source', 'mini', '--predictions', join(dir, 'mini.json'), '--no-wait')
    assert.match(queued.job_id, /^job_/)
    const watchedEval = await json('jobs', 'watch', queued.job_id)
    assert.deepEqual([watchedEval.status, watchedEval.progress], ['succeeded', { done: 1, total: 1, unit: 'questions' }])
    assert.ok((await json('jobs', 'list', '--kind', 'evaluation.run')).items.some((j: any) => j.id === queued.job_id))
  })
})
