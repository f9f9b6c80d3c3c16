import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type ExecResult, SANDBOX_CLOSED, SandboxUnavailable, throwIfUnavailable } from '@t2s/core/sql'
import { finalSql, goldVerdict, judge, type RunSql } from '../src/verdict.js'

const ok = (rows: ExecResult['rows'], truncated = false): ExecResult => ({ status: 'ok', columns: ['c'], rows, truncated, elapsed_ms: 1 })
const fail = (status: ExecResult['status'], error: string): ExecResult => ({ status, columns: [], rows: [], truncated: false, error, elapsed_ms: 1 })
const answer = (...blocks: string[]) => `Let me think.\n\n${blocks.map((b) => `\`\`\`sql\n${b}\n\`\`\``).join('\n\nThen:\n')}`

/** A fake sandbox: each SQL text maps to its result. */
const runner = (results: Record<string, ExecResult>): RunSql & { ran: string[] } => {
  const ran: string[] = []
  const run = async (sql: string) => {
    ran.push(sql)
    return results[sql] ?? fail('error', 'no such table: x')
  }
  return Object.assign(run, { ran })
}

describe('finalSql', () => {
  test('the last closed fence wins; no fence, bare SQL or an unterminated fence give none', () => {
    assert.equal(finalSql(answer('SELECT 1', 'SELECT 2')), 'SELECT 2')
    assert.equal(finalSql('so:\n```SQL\nSELECT a FROM t\n```'), 'SELECT a FROM t')
    assert.equal(finalSql('SELECT 1'), null)
    assert.equal(finalSql('no sql here'), null)
    assert.equal(finalSql('```sql\nSELECT 1 FROM t WHERE'), null)
  })
})

describe('judge', () => {
  const gold = { sql: 'SELECT a FROM t', rows: [[1], [2]] }

  test('execution keeps an equivalent query (row order and duplicates ignored, 1 == 1.0)', async () => {
    const run = runner({ 'SELECT a FROM t ORDER BY a DESC': ok([[2], [1.0], [2]]) })
    assert.deepEqual(await judge(answer('SELECT 1', 'SELECT a FROM t ORDER BY a DESC'), 'execution', gold, run), { ok: true })
    assert.deepEqual(run.ran, ['SELECT a FROM t ORDER BY a DESC'], 'only the final block runs')
  })

  test('execution names each way an answer fails', async () => {
    const run = runner({
      'SELECT b FROM t': ok([[3]]),
      'DELETE FROM t': fail('rejected', 'only read-only queries are allowed'),
      'SELECT slow': fail('timeout', 'the query exceeded its time limit'),
      'SELECT big': ok([[1], [2]], true)
    })
    const reason = async (text: string) => { const v = await judge(text, 'execution', gold, run); return v.ok ? 'kept' : v.reason }
    assert.equal(await reason(answer('SELECT b FROM t')), 'wrong_result')
    assert.equal(await reason(answer('SELECT nope FROM x')), 'error')
    assert.equal(await reason(answer('DELETE FROM t')), 'rejected')
    assert.equal(await reason(answer('SELECT slow')), 'timeout')
    assert.equal(await reason(answer('SELECT big')), 'error')
    assert.equal(await reason('The answer is SELECT a FROM t'), 'no_sql')
  })

  test('exact follows the recipe: the first block, newlines deleted, spaces squeezed, equal to the stripped gold', async () => {
    const run = runner({})
    const g = { sql: '  SELECT a FROM t  ' }
    assert.deepEqual(await judge(answer('SELECT a\n FROM t'), 'exact', g, run), { ok: true })
    const draftFirst = await judge(answer('SELECT 1', 'SELECT a FROM t'), 'exact', g, run)
    assert.equal(draftFirst.ok ? 'kept' : draftFirst.reason, 'rejected')
    const glued = await judge(answer('SELECT a\nFROM t'), 'exact', g, run)
    assert.equal(glued.ok, false, "the recipe's newline deletion glues 'a' and 'FROM'")
    const none = await judge('no fence', 'exact', g, run)
    assert.equal(none.ok ? 'kept' : none.reason, 'no_sql')
    assert.deepEqual(await judge('SELECT a FROM t', 'exact', g, run), { ok: true }, 'no fence: the whole answer is compared, as the recipe does')
    assert.deepEqual(run.ran, [], 'exact runs nothing')
  })

  test('none keeps any fenced answer without running it', async () => {
    const run = runner({})
    assert.deepEqual(await judge(answer('SELECT whatever'), 'none', gold, run), { ok: true })
    const v = await judge('plain text', 'none', gold, run)
    assert.equal(v.ok ? 'kept' : v.reason, 'no_sql')
    assert.deepEqual(run.ran, [])
  })

  test('a sandbox that cannot run queries throws instead of judging', async () => {
    assert.throws(() => throwIfUnavailable(fail('error', SANDBOX_CLOSED)), SandboxUnavailable)
    const run = async () => throwIfUnavailable(fail('error', SANDBOX_CLOSED))
    await assert.rejects(judge(answer('SELECT a FROM t'), 'execution', gold, run), SandboxUnavailable)
  })

  test('gold verdicts', () => {
    assert.deepEqual(goldVerdict(ok([[1]])), { ok: true })
    assert.deepEqual(goldVerdict(fail('timeout', 'the query exceeded its time limit')), { ok: false, reason: 'gold_timeout', detail: 'the query exceeded its time limit' })
    const big = goldVerdict(ok([[1]], true))
    assert.equal(big.ok ? 'kept' : big.reason, 'gold_error')
  })
})
