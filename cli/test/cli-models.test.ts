// The CLI's served-model commands, run as child processes against a real stack whose model
// servers are fake OpenAI servers with scripted, deterministic answers: `t2s eval --model`
// and `--server` (the student and a registered server), `t2s datasets create --kind cot` (the teacher).
import assert from 'node:assert/strict'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { goldAnswer, messageText } from '../../test/fake-openai/scripts.js'
import { startFakeOpenAI, type FakeOpenAI } from '../../test/fake-openai/server.js'
import { sharedData, SKIP_NO_DATA } from '../../test/helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../../test/helpers/stack.js'
import { startCli } from './run-cli.js'

const data = sharedData()
const KEY = AUTH.authorization.slice('Bearer '.length)
const SEP = '\t----- bird -----\t'
const N = 30
const WRONG_SQL = 'SELECT -987654321'
// Questions (indices into bird-sample dev.json) each scripted server gets wrong, or answers without SQL.
const STUDENT_WRONG = [2, 11, 25]
const STUDENT_NO_SQL = [7]
const TEACHER_WRONG = [1, 4, 18]
const TEACHER_NO_FENCE = [9, 20]

interface Q { db_id: string, question: string, SQL: string, difficulty: string }

const fenced = (sql: string) => `Here is the query:\n\`\`\`sql\n${sql}\n\`\`\``
const nonZero = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0))

describe('t2s eval --model/--server and datasets create --kind cot against fake model servers', { skip: data ? false : SKIP_NO_DATA, timeout: 600_000 }, () => {
  let stack: Stack
  let url: string
  let student: FakeOpenAI
  let teacher: FakeOpenAI
  let second: FakeOpenAI
  let questions: Q[]
  const outputs: string[] = []
  const index = (question: string) => questions.findIndex((q) => q.question === question)

  const t2s = async (...args: string[]) => await startCli(args, { T2S_URL: url, T2S_API_KEY: KEY }, { seen: outputs }).done
  const json = async (...args: string[]) => {
    const r = await t2s(...args, '--json')
    assert.equal(r.code, 0, `t2s ${args.join(' ')}: ${r.stderr}`)
    return JSON.parse(r.stdout)
  }

  before(async () => {
    questions = (JSON.parse(readFileSync(join(data!, 'bird-sample', 'dev.json'), 'utf8')) as Q[]).slice(0, N)
    assert.equal(new Set(questions.map((q) => q.question)).size, N, 'the scripts tell questions apart by their text')
    // The student answers the gold SQL of the question its prompt ends with, except where scripted.
    student = await startFakeOpenAI({
      apiKey: 'student-key',
      answer: ({ messages }) => {
        const i = index(/-- Question: (.*)$/s.exec(messageText(messages.at(-1)!))?.[1] ?? '')
        if (STUDENT_NO_SQL.includes(i)) return 'I cannot answer that from this schema.'
        return fenced(STUDENT_WRONG.includes(i) ? WRONG_SQL : questions[i].SQL)
      }
    })
    // A registered server whose default model answers every question right.
    second = await startFakeOpenAI({
      models: ['big-model'],
      answer: ({ messages }) => fenced(questions[index(/-- Question: (.*)$/s.exec(messageText(messages.at(-1)!))?.[1] ?? '')].SQL)
    })
    // The teacher reasons its way to the gold SQL (the fake's default), except where scripted.
    teacher = await startFakeOpenAI({
      models: ['teacher'],
      answer: (req) => {
        const i = index(/-- Text Question Input: (.*?)\n {8}-- Gold SQL Output: /s.exec(messageText(req.messages.at(-1)!))?.[1] ?? '')
        if (TEACHER_WRONG.includes(i)) return `Let me think through this step by step:\n\n1. Count them.\n\nFinally, the SQL statement for the text question is: \n${fenced(WRONG_SQL)}`
        if (TEACHER_NO_FENCE.includes(i)) return 'Let me think through this step by step:\n\n1. I am not sure which table holds it.'
        return goldAnswer(req)
      }
    })
    stack = await startStack(['dataset', 'evaluator', 'reasoning'], {
      T2S_SOURCE_ROOTS: data!,
      STUDENT_BASE_URL: student.url,
      STUDENT_API_KEY: 'student-key',
      STUDENT_MODEL: 'student',
      TEACHER_BASE_URL: teacher.url,
      TEACHER_MODEL: 'teacher'
    })
    url = await stack.gateway.listen({ port: 0, host: '127.0.0.1' })
    await stack.registerSource('dev', 'bird-sample/dev.json', 'bird-sample/dev_databases')
    const registered = await stack.gateway.inject({ method: 'POST', url: '/v1/model-servers', headers: AUTH, payload: { name: 'second', base_url: second.url, default_model: 'big-model' } })
    assert.equal(registered.statusCode, 201, registered.body)
  })
  after(async () => {
    await stack?.stop()
    for (const fake of [student, second, teacher]) await fake?.close()
    assert.ok(outputs.length > 0 && outputs.every((o) => !o.includes(KEY)))
  })

  test('eval --model asks the student: a bar to 100 %, the verdicts a predictions file of the same SQL gets, exit 2 for a model not served', async () => {
    const run = await t2s('eval', '--source', 'dev', '--model', 'student', '--limit', String(N))
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, new RegExp(`100% \\| ${N}/${N} questions \\| [0-9.]+/s \\| ETA`))
    const id = /^(ev_\w+) succeeded: model student on server student on dev, 30\/30 questions scored\n/.exec(run.stdout)?.[1]
    assert.ok(id, run.stdout)
    const e = await json('eval', 'show', id)
    assert.deepEqual([e.model, e.server, e.counts.total, e.counts.planned], ['student', 'student', N, N])
    assert.deepEqual(nonZero(e.statuses), { correct: N - 4, wrong_result: 3, no_sql: 1 })
    assert.equal(student.calls.length, N, 'one request per question')
    const wrong = await json('eval', 'show', id, '--items', '--status', 'wrong_result')
    assert.deepEqual(wrong.items.items.map((i: { index: number, sql: string }) => [i.index, i.sql]), STUDENT_WRONG.map((i) => [i, WRONG_SQL]))

    // The same SQL as a predictions file scores the same: same figures, no flips (no_sql is a blank prediction).
    const file = join(stack.dataDir, 'same.json')
    const entries = questions.map((q, i) => [String(i), `${STUDENT_NO_SQL.includes(i) ? '' : STUDENT_WRONG.includes(i) ? WRONG_SQL : q.SQL}${SEP}${q.db_id}`])
    writeFileSync(file, JSON.stringify(Object.fromEntries(entries)))
    const fromFile = await json('eval', '--source', 'dev', '--predictions', file, '--limit', String(N))
    rmSync(file)
    assert.deepEqual([fromFile.ex, fromFile.soft_f1, fromFile.counts], [e.ex, e.soft_f1, e.counts])
    const cmp = await json('eval', 'compare', id, fromFile.id)
    assert.deepEqual([cmp.pairs[0].buckets.total.right_to_wrong, cmp.pairs[0].buckets.total.wrong_to_right, cmp.pairs[0].buckets.total.mcnemar_p], [0, 0, 1])

    const ghost = await t2s('eval', '--source', 'dev', '--model', 'ghost', '--limit', '2')
    assert.deepEqual([ghost.code, ghost.stdout], [2, ''])
    assert.match(ghost.stderr, /^t2s: 400 Bad Request: .*model "ghost" is not served by the student server/)
  })

  test('eval --server asks a registered server (its default model) and --json prints the evaluation; an unknown server exits 2', async () => {
    const e = await json('eval', '--source', 'dev', '--server', 'second', '--limit', '12')
    assert.deepEqual([e.status, e.model, e.server, e.counts.total], ['succeeded', 'big-model', 'second', 12])
    assert.deepEqual(nonZero(e.statuses), { correct: 12 })
    assert.equal(e.ex.total, 100)
    assert.equal(second.calls.length, 12)
    assert.ok(second.calls.every((c) => c.model === 'big-model'))
    const shown = await t2s('eval', 'show', e.id)
    assert.match(shown.stdout, new RegExp(`^${e.id} succeeded: model big-model on server second on dev, 12/12 questions scored\n`))

    const nope = await t2s('eval', '--source', 'dev', '--server', 'nope')
    assert.deepEqual([nope.code, nope.stdout, nope.stderr], [2, '', 't2s: 400 Bad Request: model server "nope" is not registered (GET /v1/model-servers lists them)\n'])
  })

  test('datasets create --kind cot asks the teacher: a bar to 100 %, exactly the scripted answers kept and dropped, the files pulled', async () => {
    const limit = 24
    const run = await t2s('datasets', 'create', '--kind', 'cot', '--source', 'dev', '--limit', String(limit))
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, new RegExp(`100% \\| ${limit}/${limit} questions \\| [0-9.]+/s \\| ETA`))
    const id = /^(cot_\w+) \(cot\) succeeded: /.exec(run.stdout)?.[1]
    assert.ok(id, run.stdout)
    const d = await json('datasets', 'show', id)
    const kept = limit - TEACHER_WRONG.length - TEACHER_NO_FENCE.length
    const testCount = Math.ceil(kept * 0.3)
    assert.deepEqual(d.counts, { questions: limit, kept, dropped: limit - kept, train: kept - testCount, test: testCount })
    assert.deepEqual(d.stats.dropped_by_reason, { wrong_result: 3, no_sql: 2 })
    assert.deepEqual(d.dropped.map((x: { index: number, reason: string }) => [x.index, x.reason]), [[1, 'wrong_result'], [4, 'wrong_result'], [9, 'no_sql'], [18, 'wrong_result'], [20, 'no_sql']])
    assert.equal(teacher.calls.length, limit)

    const out = join(stack.dataDir, 'cot-train.jsonl')
    const pulled = await json('datasets', 'pull', id, '--split', 'train', '-o', out)
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    assert.equal(lines.length, kept - testCount)
    assert.equal(pulled.bytes, readFileSync(out).length)
    // Each kept line ends in the reasoning and the gold SQL of its question.
    for (const line of lines) {
      const answer = line.messages.at(-1).content as string
      assert.match(answer, /^Let me think through this step by step:/)
      assert.ok(questions.some((q) => answer.includes(q.SQL)), answer)
    }

    const refused = await t2s('datasets', 'create', '--kind', 'cot', '--source', 'nope')
    assert.deepEqual([refused.code, refused.stdout, refused.stderr], [2, '', 't2s: 404 Not Found: source "nope" not found\n'])
  })
})
