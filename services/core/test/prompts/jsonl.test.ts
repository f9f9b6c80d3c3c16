import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { toJsonl, toRecipeJsonl, type ChatMessage } from '../../src/prompts/index.js'

const messages: ChatMessage[] = [
  { role: 'system', content: 'a/b é 中 😀 \u2028 "q" \\ \n\t\u0001\u007f <&>' },
  { role: 'user', content: '-- DB Schema: CREATE TABLE t (x)\n\n-- Question: 1/2?' },
  { role: 'assistant', content: 'SELECT 1' }
]

test('recipe JSONL: content before role, no spaces, pandas escaping of non-ASCII and "/"', () => {
  const line = toRecipeJsonl(messages)
  assert.equal(line,
    '{"messages":[' +
    '{"content":"a\\/b \\u00e9 \\u4e2d \\ud83d\\ude00 \\u2028 \\"q\\" \\\\ \\n\\t\\u0001\u007f <&>","role":"system"},' +
    '{"content":"-- DB Schema: CREATE TABLE t (x)\\n\\n-- Question: 1\\/2?","role":"user"},' +
    '{"content":"SELECT 1","role":"assistant"}]}')
  assert.ok(/^[\x20-\x7f]*$/.test(line), 'pure ASCII, one line')
})

test('recipe JSONL and plain JSONL parse to the same record, keys in recipe order', () => {
  const expected = { messages: messages.map((m) => ({ content: m.content, role: m.role })) }
  for (const line of [toRecipeJsonl(messages), toJsonl(messages)]) {
    const parsed = JSON.parse(line) as typeof expected
    assert.deepEqual(parsed, expected)
    assert.deepEqual(Object.keys(parsed.messages[0]), ['content', 'role'])
  }
  assert.equal(toJsonl(messages).includes('é 中 😀'), true)
})

// Written by pandas 3.0.6 / pyarrow 25.0.1 (the datasets Dataset.to_json path:
// Arrow table -> to_pandas() -> to_json(orient="records", lines=True)) on a struct type
// (content, role). Re-serialising each parsed record must give pandas' bytes back.
test('recipe JSONL equals pandas to_json output byte for byte', () => {
  const file = readFileSync(new URL('./fixtures/pandas-to-json.jsonl', import.meta.url), 'utf8')
  assert.ok(file.endsWith('\n'))
  const lines = file.slice(0, -1).split('\n')
  assert.equal(lines.length, 9)
  for (const line of lines) {
    const { messages } = JSON.parse(line) as { messages: ChatMessage[] }
    assert.equal(toRecipeJsonl(messages), line)
  }
})
