// Token-counting throughput on ~10k real prompts: `npx tsx services/core/test/prompts/bench-count.ts`.
// bird-sample (Spider schemas, with their SQLite files) and real BIRD dev questions on real BIRD
// schemas rebuilt from dev_tables.json (+ column descriptions, the longest prompts we can make).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import llama3Tokenizer from 'llama3-tokenizer-js'
import { Llama3Counter, PromptBuilder, SchemaRenderer, renderLlama31Chat, type ChatMessage } from '../../src/prompts/index.js'
import { birdOfficial, birdOfficialDbs, birdSampleItems } from './helpers.js'

type DevItem = { db_id: string, question: string, evidence: string, SQL: string }

function time<T> (fn: () => T): [T, number] {
  const t0 = performance.now()
  const out = fn()
  return [out, (performance.now() - t0) / 1000]
}

function bench (name: string, examples: ChatMessage[][]): void {
  const chars = examples.reduce((n, m) => n + m.reduce((k, x) => k + x.content.length, 0), 0)
  const cold = new Llama3Counter()
  const [total, tCold] = time(() => examples.reduce((n, m) => n + cold.countChatTokens(m), 0))
  const [, tWarm] = time(() => examples.reduce((n, m) => n + cold.countChatTokens(m), 0))
  // Baseline: one encode() of the whole rendered template per example, no cache.
  const sample = examples.filter((_, i) => i % 10 === 0)
  const [, tRaw] = time(() => sample.reduce((n, m) => n + llama3Tokenizer.encode(renderLlama31Chat(m), { bos: false, eos: false }).length, 0))
  const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en')} examples/s`
  console.log(`${name}: ${examples.length} examples, ${Math.round(chars / examples.length)} chars and ${Math.round(total / examples.length)} tokens on average`)
  console.log(`  countChatTokens, fresh cache: ${tCold.toFixed(2)} s = ${rate(examples.length, tCold)}`)
  console.log(`  countChatTokens, warm cache:  ${tWarm.toFixed(2)} s = ${rate(examples.length, tWarm)}`)
  console.log(`  uncached encode of the rendered template: ${rate(sample.length, tRaw)} (on ${sample.length})`)
}

const sample = birdSampleItems()
const builder = new PromptBuilder()
const spider: ChatMessage[][] = []
for (let i = 0; spider.length < 10_000; i++) {
  const it = sample[i % sample.length]
  spider.push(builder.sft({ dbPath: it.dbPath, question: it.question, evidence: it.evidence, sql: it.SQL }))
}
bench('bird-sample SFT (cookbook)', spider)

const dir = mkdtempSync(join(tmpdir(), 't2s-bench-'))
try {
  const dbs = new Map(birdOfficialDbs(dir).map((d) => [d.dbId, d]))
  const renderer = new SchemaRenderer({ descriptionDir: (p) => [...dbs.values()].find((d) => d.dbPath === p)?.descriptionDir ?? '' })
  const b = new PromptBuilder({ preset: 'cookbook', options: { column_descriptions: true } }, { renderer })
  const dev = JSON.parse(readFileSync(join(birdOfficial, 'dev.json'), 'utf8')) as DevItem[]
  const bird: ChatMessage[][] = []
  for (let i = 0; bird.length < 10_000; i++) {
    const it = dev[i % dev.length]
    const dbPath = dbs.get(it.db_id)?.dbPath ?? ''
    bird.push(b.sft({ dbPath, question: it.question, evidence: it.evidence, sql: it.SQL }))
  }
  bench('BIRD dev SFT (dev_tables.json schemas + column descriptions)', bird)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
