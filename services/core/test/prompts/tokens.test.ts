import assert from 'node:assert/strict'
import { test } from 'node:test'
import llama3Tokenizer from 'llama3-tokenizer-js'
import {
  Llama3Counter, PromptBuilder, SYSTEM_PROMPTS, TokenBudget, countChatTokens, countTokens, renderLlama31Chat,
  type ChatMessage
} from '../../src/prompts/index.js'
import { birdSampleItems, noBirdSample } from './helpers.js'

const encode = (s: string): number[] => llama3Tokenizer.encode(s, { bos: false, eos: false })

test('countTokens: known Llama 3 counts, no BOS/EOS', () => {
  assert.deepEqual(encode('Hello world!'), [9906, 1917, 0])
  assert.equal(countTokens('Hello world!'), 3)
  assert.equal(countTokens(''), 0)
  assert.equal(countTokens(SYSTEM_PROMPTS.plain), 31)
})

test('countChatTokens: Llama 3.1 template overhead, date header included', () => {
  // <|begin_of_text|> + system header (3) + "\n\nCutting Knowledge Date: December 2023\nToday
  // Date: 26 Jul 2024\n\n" (21) + <|eot_id|> = 26; user turn 3 + "\n\n" + <|eot_id|> = 5;
  // generation prompt <|start_header_id|>assistant<|end_header_id|>\n\n = 4.
  assert.equal(countChatTokens([{ role: 'system', content: '' }, { role: 'user', content: '' }]), 35)
  assert.equal(countChatTokens([{ role: 'user', content: '' }]), 35)
  assert.equal(countChatTokens([{ role: 'system', content: '' }, { role: 'user', content: '' }, { role: 'assistant', content: '' }]), 36)
  assert.equal(countChatTokens([{ role: 'user', content: '' }], { addGenerationPrompt: false }), 31)
  const sft: ChatMessage[] = [
    { role: 'system', content: SYSTEM_PROMPTS.plain },
    { role: 'user', content: 'Hello world!' },
    { role: 'assistant', content: 'SELECT 1' }
  ]
  assert.equal(countChatTokens(sft), 36 + 31 + 3 + countTokens('SELECT 1'))
  // The template trims every message: the CoT layout's leading "\n        " costs nothing.
  assert.equal(countChatTokens([{ role: 'user', content: '\n        Hello world!\n' }]), 35 + 3)
  assert.equal(
    renderLlama31Chat(sft),
    '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n' +
    SYSTEM_PROMPTS.plain + '<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello world!<|eot_id|>' +
    '<|start_header_id|>assistant<|end_header_id|>\n\nSELECT 1<|eot_id|>')
  // Llama 3.2 templates print today's date instead; every "%d %b %Y" date costs the same.
  for (const m of ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']) {
    assert.equal(countChatTokens(sft, { dateString: `05 ${m} 2026` }), countChatTokens(sft))
  }
})

// Deterministic pseudo-random text: blocks of 0-700 characters joined by newline runs, so that
// both long cached segments and short merged ones occur, around every kind of line start.
function fuzzText (seed: number, length: number): string {
  const pieces = [' ', '  ', '\t', '\r', 'CREATE', ' TABLE', 'x', 'é', '中', '😀', '(', ')', ',', '--', '12345', "'s", '"', '`', '<|eot_id|>', '\u00a0', '\ufeff', '\u0085', '.', ':']
  const joins = ['\n', '\n\n', '\n\n\n', '\r\n\r\n', ' \n\n', ')\n\n', '\n\n ', '\n\n\t', '\n \n', '\n\n\u00a0', '\n\n\ufeff', '\n\n\u0085']
  let x = seed
  const next = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648
    return x % n
  }
  let s = ''
  while (s.length < length) {
    const end = s.length + next(700)
    while (s.length < end) s += pieces[next(pieces.length)]
    s += joins[next(joins.length)]
  }
  return s
}

test('countTokens: cached segmentation equals one-shot encoding (fuzz)', () => {
  const counter = new Llama3Counter({ maxCachedChars: 20_000, maxCachedChunks: 50 })
  for (let seed = 1; seed <= 200; seed++) {
    const text = fuzzText(seed, 200 + (seed * 37) % 6000)
    assert.equal(counter.countTokens(text), encode(text).length, `seed ${seed}`)
  }
})

test('countChatTokens equals encoding the rendered template, every layout on bird-sample', { skip: noBirdSample }, () => {
  const items = birdSampleItems()
  const layouts = [
    new PromptBuilder(),
    new PromptBuilder({ preset: 'cookbook', options: { sample_rows: 3 }, cot_layout: 'unified' })
  ]
  let checked = 0
  for (const [i, it] of items.entries()) {
    if (i % 7 !== 0) continue // every 7th question: all 20 databases, a few seconds
    const item = { dbPath: it.dbPath, question: it.question, evidence: it.evidence }
    for (const b of layouts) {
      const examples: ChatMessage[][] = [
        b.sft({ ...item, sql: it.SQL }),
        b.eval(item, 'reasoning'),
        b.cot({ ...item, answer: `Let me think through this step by step:\n\n1. ...\n\n\`\`\`sql\n${it.SQL}\n\`\`\`` }),
        [{ role: 'user', content: b.teacher({ ...item, goldSql: it.SQL }) }]
      ]
      for (const m of examples) {
        assert.equal(countChatTokens(m), encode(renderLlama31Chat(m)).length)
        checked++
      }
    }
  }
  assert.ok(checked > 1000)
})

test('token budget: over-length examples are reported with their excess, nothing is cut', () => {
  const budget = new TokenBudget(40)
  const short: ChatMessage[] = [{ role: 'user', content: 'Hello world!' }]
  const long: ChatMessage[] = [{ role: 'user', content: 'Hello world! '.repeat(10) }]
  const copy = structuredClone(long)
  assert.deepEqual(budget.check('q1', short), { tokens: 38, over: false })
  const l = budget.check('q2', long)
  assert.equal(l.over, true)
  assert.deepEqual(long, copy)
  assert.deepEqual(budget.report(), {
    limit: 40, checked: 2, overCount: 1, maxTokens: l.tokens, over: [{ id: 'q2', tokens: l.tokens, excess: l.tokens - 40 }]
  })
  assert.throws(() => new TokenBudget(0), RangeError)
})

test('token budget through the builder on real prompts: worst first', { skip: noBirdSample }, () => {
  const b = new PromptBuilder({ preset: 'cookbook', options: { token_budget: 600 } })
  assert.ok(b.budget)
  for (const [i, it] of birdSampleItems().entries()) {
    b.check(`q${i}`, b.sft({ dbPath: it.dbPath, question: it.question, evidence: it.evidence, sql: it.SQL }))
  }
  const r = b.budget.report()
  assert.equal(r.checked, 1081)
  assert.ok(r.overCount > 0 && r.overCount < r.checked, `${r.overCount} over`)
  assert.equal(r.over[0].tokens, r.maxTokens)
  for (const o of r.over) assert.equal(o.excess, o.tokens - 600)
  assert.ok(new PromptBuilder().check('x', [{ role: 'user', content: 'Hello world!' }]).tokens === 38)
})
