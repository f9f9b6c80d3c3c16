import assert from 'node:assert/strict'
import { mkdirSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const data = sharedData()

describe('sources through gateway → NATS → dataset service', { skip: data ? false : SKIP_NO_DATA, timeout: 120_000 }, () => {
  let stack: Stack
  const post = async (payload: object) => await stack.gateway.inject({ method: 'POST', url: '/v1/sources', headers: AUTH, payload })

  before(async () => { stack = await startStack(['dataset'], { T2S_SOURCE_ROOTS: data! }) })
  after(async () => { await stack?.stop() })

  test('/readyz reports NATS and the dataset service', async () => {
    const res = await stack.gateway.inject('/readyz')
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json().services, { dataset: true })
  })

  test('registers bird-sample dev: 714 questions, 14 databases, 173/302/239', async () => {
    const res = await post({ name: 'bird-sample-dev', questions: 'bird-sample/dev.json', databases: 'bird-sample/dev_databases' })
    assert.equal(res.statusCode, 201, res.body)
    const src = res.json()
    assert.equal(src.question_count, 714)
    assert.equal(src.database_count, 14)
    assert.deepEqual(src.difficulty_counts, { simple: 173, moderate: 302, challenging: 239, unknown: 0 })
    assert.match(src.id, /^src_/)
    const byName = await stack.gateway.inject({ url: '/v1/sources/bird-sample-dev', headers: AUTH })
    assert.equal(byName.json().id, src.id)
    const page = await stack.gateway.inject({ url: `/v1/sources/${src.id}/questions?offset=10&limit=5`, headers: AUTH })
    assert.equal(page.statusCode, 200)
    assert.equal(page.json().items.length, 5)
    assert.equal(page.json().items[0].index, 10)
    assert.equal(page.json().total, 714)
    const again = await post({ name: 'bird-sample-dev', questions: 'bird-sample/dev.json', databases: 'bird-sample/dev_databases' })
    assert.equal(again.statusCode, 409)
  })

  test('accepts Spider-format questions (query as SQL, no evidence)', async () => {
    const res = await post({ name: 'spider-train', questions: join(data!, 'spider-sample', 'train_spider.json'), databases: join(data!, 'spider-sample', 'database') })
    assert.equal(res.statusCode, 201, res.body)
    assert.equal(res.json().question_count, 367)
    assert.equal(res.json().difficulty_counts.unknown, 367)
  })

  test('a questions file with one broken item gets a 400 naming that item', async () => {
    const items = JSON.parse((await import('node:fs')).readFileSync(join(data!, 'bird-sample', 'dev.json'), 'utf8')).slice(0, 20)
    items[12].db_id = 'foo'
    const dir = join(stack.dataDir, 'broken')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'dev.json'), JSON.stringify(items))
    const res = await post({ name: 'broken', questions: 'broken/dev.json', databases: join(data!, 'bird-sample', 'dev_databases') })
    assert.equal(res.statusCode, 400)
    assert.equal(res.json().detail, 'questions[12].db_id "foo": no foo/foo.sqlite under databases')
    items[12].db_id = items[11].db_id
    delete items[3].SQL
    writeFileSync(join(dir, 'dev.json'), JSON.stringify(items))
    const res2 = await post({ name: 'broken', questions: 'broken/dev.json', databases: join(data!, 'bird-sample', 'dev_databases') })
    assert.equal(res2.statusCode, 400)
    assert.match(res2.json().detail, /^questions\[3\]\.SQL/)
  })

  test('paths outside the allowed roots are refused', async () => {
    const outside = join(stack.dataDir, 'link-out')
    symlinkSync('/etc', outside)
    const db = join(stack.dataDir, 'dbs', 'x')
    mkdirSync(db, { recursive: true })
    symlinkSync('/etc/hostname', join(db, 'x.sqlite'))
    writeFileSync(join(stack.dataDir, 'q.json'), JSON.stringify([{ db_id: 'x', question: 'q', SQL: 'SELECT 1' }]))
    const cases: Array<[object, RegExp]> = [
      [{ questions: '../../etc/passwd', databases: 'dbs' }, /questions must not contain '\.\.'/],
      [{ questions: '/etc/passwd', databases: 'dbs' }, /questions is outside the allowed source roots/],
      [{ questions: 'q.json', databases: '/etc' }, /databases is outside/],
      [{ questions: 'link-out/passwd', databases: 'dbs' }, /symlink/],
      [{ questions: 'q.json', databases: 'link-out' }, /symlink/],
      [{ questions: 'q.json', databases: 'dbs' }, /questions\[0\]\.db_id "x"/],
      [{ questions: 'q.json\u0000', databases: 'dbs' }, /NUL/],
      [{ questions: '%2e%2e/%2e%2e/etc/passwd', databases: 'dbs' }, /not found/],
      [{ questions: 'nope.json', databases: 'dbs' }, new RegExp(`^questions "nope\\.json": not found under the allowed source roots \\(DATA_DIR, ${data}\\); a relative path is looked up in each$`)]
    ]
    for (const [paths, why] of cases) {
      const res = await post({ name: 'evil', ...paths })
      assert.equal(res.statusCode, 400, JSON.stringify(paths))
      assert.match(res.json().detail, why)
      assert.doesNotMatch(res.json().detail, new RegExp(stack.dataDir))
    }
  })

  test('the registry survives a restart of the dataset service', async () => {
    copyFileSync(join(data!, 'bird-sample', 'train.json'), join(stack.dataDir, 'train.json'))
    const res = await post({ name: 'train', questions: 'train.json', databases: join(data!, 'bird-sample', 'train_databases') })
    assert.equal(res.statusCode, 201, res.body)
    await stack.procs.get('dataset')!.kill('SIGTERM')
    await stack.startService('dataset')
    const list = await stack.gateway.inject({ url: '/v1/sources', headers: AUTH })
    assert.equal(list.statusCode, 200)
    assert.ok(list.json().items.some((s: { name: string, question_count: number }) => s.name === 'train' && s.question_count === 367))
  })
})
