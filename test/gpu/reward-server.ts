/**
 * The reward API without the rest of the suite, for the trainer's GPU tests (the GPU machine runs no
 * nats-server): POST /v1/rewards on loopback, answered by the evaluator's own RewardService, Scorer,
 * SQL sandbox and gold cache over one questions file. Not a stand-in: the same code scores, only the
 * source registry is a file given on the command line.
 *
 *   node reward-server.mjs --questions train.json --databases train_databases --name bird-train --port 0
 *
 * Prints `{"listening": port}` on stdout once ready; SIGTERM stops it.
 */
import { createServer } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { RewardRequestSchema, type ResolvedSource, compileSchema } from '@t2s/core/contracts'
import { badRequest, ServiceError, createLogger } from '@t2s/core'
import { parseQuestionsFile } from '@t2s/core/sources'
import { SqlSandbox } from '@t2s/core/sql'
import { openEvaluatorDb } from '../../services/evaluator/src/db.js'
import { GoldCache } from '../../services/evaluator/src/gold-cache.js'
import { RewardService } from '../../services/evaluator/src/rewards.js'
import { Scorer } from '../../services/evaluator/src/score.js'

const { values } = parseArgs({ options: { questions: { type: 'string' }, databases: { type: 'string' }, name: { type: 'string', default: 'bird-train' }, port: { type: 'string', default: '0' }, sandbox: { type: 'string', default: '4' } } })
if (values.questions === undefined || values.databases === undefined) throw new Error('--questions and --databases are required')
const parsed = parseQuestionsFile(values.questions)
const source: ResolvedSource = {
  id: 'src_file',
  name: values.name!,
  questions_path: resolve(values.questions),
  databases_path: resolve(values.databases),
  questions_sha256: parsed.sha256,
  question_count: parsed.questions.length,
  db_ids: [...new Set(parsed.questions.map((q) => q.db_id))]
}
const log = createLogger('reward-server', 'warn')
const sandbox = new SqlSandbox({ size: Number(values.sandbox), log })
await sandbox.ready()
const db = openEvaluatorDb(join(mkdtempSync(join(tmpdir(), 't2s-rewards-')), 'state.db'))
const rewards = new RewardService({
  resolve: async (name) => {
    if (name !== source.name && name !== source.id) throw badRequest(`source "${name}" not found`)
    return source
  },
  scorer: new Scorer(sandbox, new GoldCache(db)),
  maxRows: 100_000
})
const check = compileSchema(RewardRequestSchema)

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    void (async () => {
      try {
        if (req.method !== 'POST' || req.url !== '/v1/rewards') throw new ServiceError('NOT_FOUND', 'only POST /v1/rewards')
        let body: unknown
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        } catch {
          throw badRequest('body is not valid JSON')
        }
        const out = await rewards.score(check(body))
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out))
      } catch (err) {
        const e = err instanceof ServiceError ? err : new ServiceError('INTERNAL', 'internal error')
        res.writeHead(e.code, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ title: e.title, status: e.code, detail: e.message }))
      }
    })()
  })
})
server.listen(Number(values.port), '127.0.0.1', () => {
  const addr = server.address()
  process.stdout.write(JSON.stringify({ listening: typeof addr === 'object' && addr !== null ? addr.port : null }) + '\n')
})
process.on('SIGTERM', () => {
  server.close()
  void sandbox.close().then(() => { db.close(); process.exit(0) })
})
