/**
 * Llama 3 token lengths of the 1,534 BIRD dev prompts in the recipe's format (core PromptBuilder,
 * preset cookbook), on the real schemas as the generated databases carry them, alone and with
 * column_descriptions (the 75 real database_description CSVs) and/or sample_rows (3 rows of the
 * generated data): how many pass the recipe's max_seq_length of 4,096, which trl 0.19 cuts
 * silently. Counts both the SFT example (system, user, gold SQL answer: what training sees)
 * and the evaluation prompt (system, user, generation prompt: what the model is asked).
 *
 *   npx tsx bench/bird-scale/prompt-lengths.ts [--rows 3]
 */
import { parseArgs } from 'node:util'
import { PromptBuilder, llama3Counter } from '@t2s/core/prompts'
import { machine } from '../machine.js'
import { dbPath, devQuestions, digests, percentile, requireDatabases, sameDigests } from './common.js'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '3' } } })
requireDatabases()
const rows = Number(values.rows)
const LIMIT = 4096
const questions = devQuestions()
const before = digests()
console.log(`machine: ${machine()}`)
const variants: Array<[string, { sample_rows?: number, column_descriptions?: boolean }]> = [
  ['recipe (cookbook, schema only)', {}],
  ['+ column_descriptions', { column_descriptions: true }],
  [`+ sample_rows ${rows}`, { sample_rows: rows }],
  ['+ both', { column_descriptions: true, sample_rows: rows }]
]
console.log(`| prompt | kind | min | p50 | p90 | p99 | max | > ${LIMIT.toLocaleString('en')} tokens |`)
console.log('|---|---|---:|---:|---:|---:|---:|---:|')
const perDb = new Map<string, number[]>()
for (const [label, options] of variants) {
  const builder = new PromptBuilder({ preset: 'cookbook', options })
  const sft: number[] = []
  const ev: number[] = []
  for (const q of questions) {
    const item = { dbPath: dbPath(q.db_id), question: q.question, evidence: q.evidence }
    const s = llama3Counter.countChatTokens(builder.sft({ ...item, sql: q.SQL }))
    sft.push(s)
    ev.push(llama3Counter.countChatTokens(builder.eval(item)))
    if (label.startsWith('+ both')) perDb.set(q.db_id, [...(perDb.get(q.db_id) ?? []), s])
  }
  for (const [kind, list] of [['SFT example', sft], ['eval prompt', ev]] as const) {
    const sorted = [...list].sort((a, b) => a - b)
    const over = sorted.filter((n) => n > LIMIT).length
    console.log(`| ${label} | ${kind} | ${sorted[0]} | ${percentile(sorted, 50)} | ${percentile(sorted, 90)} | ${percentile(sorted, 99)} | ${sorted.at(-1)} | ${over} (${(100 * over / sorted.length).toFixed(1)} %) |`)
  }
}
console.log('\nSFT example tokens per database, with column_descriptions and sample_rows (min-max):')
for (const [db, list] of [...perDb].sort()) console.log(`  ${db}: ${Math.min(...list)}-${Math.max(...list)}, ${list.filter((n) => n > LIMIT).length} of ${list.length} over ${LIMIT}`)
console.log(`database files unchanged (sha256): ${sameDigests(before, digests())}`)
