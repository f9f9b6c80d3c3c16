// Model servers: any OpenAI-compatible endpoint registered through the API and evaluated like
// the student. Two fake servers that answer differently give two different, correct reports;
// the registered key reaches the server but never a response, a log line or a manifest.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { messageText } from '../fake-openai/scripts.js'
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server.js'
import { addOneDbSource } from '../helpers/sources.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const N = 12
const goldOf = (i: number) => `SELECT name FROM pet WHERE id % ${N} = ${i} ORDER BY id`
const questionOf = (text: string) => Number(/-- (?:Text )?Question(?: Input)?: question (\d+)\b/.exec(text)?.[1] ?? -1)
const SECRET = 'sk-model-server-secret-7f3a9c'

describe('model servers', { timeout: 180_000 }, () => {
  let stack: Stack
  let right: FakeOpenAI
  let half: FakeOpenAI
  const answers: string[] = []
  const inject = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const res = await stack.gateway.inject({ method, url, headers: AUTH, payload })
    answers.push(res.body)
    return res
  }
  const evaluate = async (payload: object) => {
    const res = await inject('POST', '/v1/evaluations', { source: 'pets', ...payload })
    assert.equal(res.statusCode, 202, res.body)
    const { id, job_id: jobId } = res.json() as { id: string, job_id: string }
    const job = await stack.waitJob(jobId, 90_000)
    assert.equal(job.status, 'succeeded', JSON.stringify(job))
    return (await inject('GET', `/v1/evaluations/${id}`)).json()
  }

  before(async () => {
    // The student answers every question right; the registered server only the even ones.
    right = await startFakeOpenAI({ models: ['student'], answer: ({ messages }) => '```sql\n' + goldOf(questionOf(messageText(messages.at(-1)!))) + '\n```' })
    half = await startFakeOpenAI({
      models: ['big-model'],
      apiKey: SECRET,
      answer: ({ messages }) => {
        const q = questionOf(messageText(messages.at(-1)!))
        return '```sql\n' + (q % 2 === 0 ? goldOf(q) : 'SELECT kind FROM pet') + '\n```'
      }
    })
    stack = await startStack(['dataset', 'evaluator', 'reasoning'], { STUDENT_BASE_URL: right.url, STUDENT_MODEL: 'student' })
    const questions = Array.from({ length: N }, (_, i) => ({ question_id: i, db_id: 'pets', question: `question ${i}`, evidence: '', SQL: goldOf(i), difficulty: ['simple', 'moderate', 'challenging'][i % 3] }))
    await addOneDbSource(stack, 'pets', 'pets', (db) => {
      db.exec('CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT, kind TEXT)')
      const insert = db.prepare('INSERT INTO pet (name, kind) VALUES (?, ?)')
      for (let i = 0; i < 60; i++) insert.run(`pet${i}`, ['dog', 'cat', 'fish'][i % 3])
    }, questions)
  })
  after(async () => {
    await stack?.stop()
    await right?.close()
    await half?.close()
  })

  test('registration probes the server: a wrong key or an unserved default model is a 422 naming the problem, nothing stored', async () => {
    const wrongKey = await inject('POST', '/v1/model-servers', { name: 'big', base_url: half.url, api_key: 'not-the-key' })
    assert.equal(wrongKey.statusCode, 422, wrongKey.body)
    assert.match(wrongKey.headers['content-type'] as string, /application\/problem\+json/)
    assert.match(wrongKey.json().detail, /model server "big" at http:\/\/127\.0\.0\.1:\d+\/v1 did not list its models/)
    const unserved = await inject('POST', '/v1/model-servers', { name: 'big', base_url: half.url, api_key: SECRET, default_model: 'nope' })
    assert.equal(unserved.statusCode, 422, unserved.body)
    assert.match(unserved.json().detail, /does not serve default_model "nope" \(it serves: big-model\)/)
    const list = (await inject('GET', '/v1/model-servers')).json()
    assert.deepEqual(list.items.map((s: { name: string }) => s.name), ['teacher', 'student'])
    const bad = await inject('POST', '/v1/model-servers', { name: 'Big Server', base_url: 'ftp://x' })
    assert.equal(bad.statusCode, 400, bad.body)
    const envName = await inject('POST', '/v1/model-servers', { name: 'student', base_url: half.url })
    assert.equal(envName.statusCode, 409, envName.body)
    assert.match(envName.json().detail, /configured by the environment/)
  })

  test('the same questions against two servers give two different, correct reports; the manifest names server and model', async () => {
    const created = await inject('POST', '/v1/model-servers', { name: 'big', base_url: half.url, api_key: SECRET, default_model: 'big-model', concurrency: 4 })
    assert.equal(created.statusCode, 201, created.body)
    const server = created.json()
    assert.equal(server.api_key_set, true)
    assert.equal(server.origin, 'api')
    assert.equal('api_key' in server, false)
    assert.equal((await inject('POST', '/v1/model-servers', { name: 'big', base_url: half.url, api_key: SECRET })).statusCode, 409)

    const student = await evaluate({ model: 'student' })
    const big = await evaluate({ server: 'big' })
    assert.equal(student.ex.total, 100)
    assert.equal(big.ex.total, 50)
    assert.deepEqual([student.server, student.model], ['student', 'student'])
    assert.deepEqual([big.server, big.model], ['big', 'big-model'])
    assert.equal(big.manifest.server, 'big')
    assert.equal(big.manifest.model, 'big-model')
    assert.equal(big.statuses.wrong_result, N / 2)
    assert.ok(half.calls.length >= N, 'the registered server was asked')

    const models = (await inject('GET', '/v1/models')).json()
    assert.deepEqual(models.servers.map((s: { name: string, available: boolean }) => [s.name, s.available]), [['teacher', false], ['student', true], ['big', true]])
    assert.deepEqual(models.servers[2].models.map((m: { id: string }) => m.id), ['big-model'])

    const generated = await inject('POST', '/v1/sql/generate', { source: 'pets', db_id: 'pets', question: 'question 3', server: 'big' })
    assert.equal(generated.statusCode, 200, generated.body)
    assert.deepEqual([generated.json().server, generated.json().model, generated.json().sql], ['big', 'big-model', 'SELECT kind FROM pet'])
  })

  test('a CoT dataset asks the server it names (the teacher is unset here): only its right answers are kept', async () => {
    const unset = await inject('POST', '/v1/datasets', { source: 'pets', kind: 'cot' })
    assert.equal(unset.statusCode, 503, unset.body)
    assert.match(unset.json().detail, /no teacher model is configured/)
    const res = await inject('POST', '/v1/datasets', { source: 'pets', kind: 'cot', teacher: { server: 'big' } })
    assert.equal(res.statusCode, 202, res.body)
    const { id, job_id: jobId } = res.json()
    const job = await stack.waitJob(jobId, 90_000)
    assert.equal(job.status, 'succeeded', JSON.stringify(job))
    const d = (await inject('GET', `/v1/datasets/${id}`)).json()
    assert.deepEqual(d.params.teacher, { server: 'big', model: 'big-model', temperature: 0 })
    assert.equal(d.stats.kept, N / 2)
  })

  test('PATCH re-probes and changes; an unknown server is a 400; DELETE is idempotent', async () => {
    const broken = await inject('PATCH', '/v1/model-servers/big', { api_key: 'wrong' })
    assert.equal(broken.statusCode, 422, broken.body)
    const patched = await inject('PATCH', '/v1/model-servers/big', { concurrency: 8 })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.equal(patched.json().concurrency, 8)
    assert.equal(patched.json().api_key_set, true, 'a failed PATCH changed nothing')
    assert.equal((await inject('PATCH', '/v1/model-servers/teacher', { concurrency: 2 })).statusCode, 409)
    assert.equal((await inject('GET', '/v1/model-servers/nothere')).statusCode, 404)

    const unknown = await inject('POST', '/v1/evaluations', { source: 'pets', server: 'nothere' })
    assert.equal(unknown.statusCode, 400, unknown.body)
    assert.match(unknown.json().detail, /model server "nothere" is not registered/)

    assert.equal((await inject('DELETE', '/v1/model-servers/big')).statusCode, 204)
    assert.equal((await inject('DELETE', '/v1/model-servers/big')).statusCode, 204)
    assert.equal((await inject('GET', '/v1/model-servers/big')).statusCode, 404)
    const gone = await inject('POST', '/v1/evaluations', { source: 'pets', server: 'big' })
    assert.equal(gone.statusCode, 400, gone.body)
  })

  test('the key is in no response, no log line and no state file', () => {
    for (const body of answers) assert.equal(body.includes(SECRET), false, `a response holds the key: ${body.slice(0, 200)}`)
    for (const [name, proc] of stack.procs) assert.equal(proc.output().includes(SECRET), false, `${name}'s log holds the key`)
    for (const file of ['state.db', 'state.db-wal']) {
      const path = join(stack.dataDir, 'evaluator', file)
      if (existsSync(path)) assert.equal(readFileSync(path).includes(SECRET), false, `the evaluator's ${file} holds the key`)
    }
  })
})
