import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  SYSTEM_PROMPTS, cotMessages, evalMessages, sftMessages, teacherPrompt, PROMPT_VERSION, promptVersion
} from '../../src/prompts/index.js'
import { recipeFormats } from './helpers.js'

const PLAIN = 'You are a text to SQL query translator. Using the SQLite DB Schema and the External Knowledge, translate the following text question into a SQLite SQL select statement.'
const REASONING = 'You are a text to SQL query translator. Using the SQLite DB Schema and the External Knowledge, generate the step-by-step reasoning and then the final SQLite SQL select statement from the text question.'
const COT = 'You are a text to SQL query translator. Using the SQLite DB Schema and the External Knowledge, generate the step-by-step reasoning and the final SQLite SQL select statement from the text question.'

const schema = 'CREATE TABLE a (x INTEGER)\n\nCREATE TABLE sqlite_sequence(name,seq)'
const input = { schema, evidence: 'x refers to a.x', question: 'How many x?' }

test('system prompts are the recipe strings, "and then" only for reasoning eval', () => {
  assert.equal(SYSTEM_PROMPTS.plain, PLAIN)
  assert.equal(SYSTEM_PROMPTS.reasoning, REASONING)
  assert.equal(SYSTEM_PROMPTS.cot, COT)
})

test('SFT example: prefixed schema, blank-line separators, gold SQL untouched', () => {
  const sql = ' SELECT COUNT(x) FROM a -- $& $1\n'
  assert.deepEqual(sftMessages({ ...input, sql }), [
    { role: 'system', content: PLAIN },
    {
      role: 'user',
      content: '-- DB Schema: CREATE TABLE a (x INTEGER)\n\nCREATE TABLE sqlite_sequence(name,seq)\n\n-- External Knowledge: x refers to a.x\n\n-- Question: How many x?'
    },
    { role: 'assistant', content: sql }
  ])
})

test('eval prompts: same user layout, plain / reasoning / cot system prompts', () => {
  const user = '-- DB Schema: CREATE TABLE a (x INTEGER)\n\nCREATE TABLE sqlite_sequence(name,seq)\n\n-- External Knowledge: \n\n-- Question: How many x?'
  const empty = { ...input, evidence: '' }
  assert.deepEqual(evalMessages(empty), [{ role: 'system', content: PLAIN }, { role: 'user', content: user }])
  assert.deepEqual(evalMessages(empty, 'reasoning'), [{ role: 'system', content: REASONING }, { role: 'user', content: user }])
  assert.deepEqual(evalMessages(empty, 'cot'), [{ role: 'system', content: COT }, { role: 'user', content: user }])
  // --use_knowledge False: Python formats None
  assert.match(evalMessages({ ...input, evidence: null })[1].content, /\n\n-- External Knowledge: None\n\n-- Question: /)
})

const TEACHER_LINES = (s: string, e: string, q: string, g: string): string => [
  '',
  '        You are a text to SQL query translator. Based on the DB Schema and External Knowledge, given the Text Question Input and its Gold SQL Output below, generate the step-by-step reasoning to infer the Gold SQL Output from the Text Question Input.',
  '',
  `        -- DB Schema: ${s}`,
  `        -- External Knowledge: ${e}`,
  `        -- Text Question Input: ${q}`,
  `        -- Gold SQL Output: ${g}`,
  '',
  '        Your response should be as follows:',
  '',
  '',
  '        Let me think through this step by step:',
  '',
  '1. First, I need to consider...',
  '2. Then...',
  '3. Next...',
  '...',
  '',
  'Finally, the SQL statement for the text question is: ',
  '        ```sql ...```',
  '',
  '',
  '        '
].join('\n')

test('teacher prompt: exact template, 8-space indentation, schema without prefix, stripped gold', () => {
  const got = teacherPrompt({ ...input, goldSql: '\n\t SELECT COUNT(x) FROM a \u3000\n' })
  assert.equal(got, TEACHER_LINES(schema, 'x refers to a.x', 'How many x?', 'SELECT COUNT(x) FROM a'))
  assert.ok(got.includes('is: \n        ```sql'), 'trailing space after "is:"')
})

test('teacher prompt: chained str.replace semantics, all occurrences, no $ patterns', () => {
  const got = teacherPrompt({
    schema: 'T {external_knowledge} {question}',
    evidence: 'E {question} {gold_SQL} {db_schema}',
    question: 'Q {gold_SQL}',
    goldSql: "SELECT '$&' || '$1'"
  })
  // db_schema first; later placeholders inside earlier values are replaced too, earlier ones are not.
  const g = "SELECT '$&' || '$1'"
  assert.equal(got, TEACHER_LINES(
    `T E Q ${g} ${g} {db_schema} Q ${g}`,
    `E Q ${g} ${g} {db_schema}`,
    `Q ${g}`,
    g))
})

test('CoT example, cookbook layout: indented user text with "-- Text Question:", answer verbatim', () => {
  const answer = 'Let me think through this step by step:\n\n1. ...\n\n```sql\nSELECT COUNT(x) FROM a\n```'
  assert.deepEqual(cotMessages({ ...input, answer }), [
    { role: 'system', content: COT },
    {
      role: 'user',
      content: '\n        -- DB Schema: CREATE TABLE a (x INTEGER)\n\nCREATE TABLE sqlite_sequence(name,seq)\n        -- External Knowledge: x refers to a.x\n        -- Text Question: How many x?\n'
    },
    { role: 'assistant', content: answer }
  ])
})

test('CoT example, unified layout: the SFT/eval user text under the CoT system prompt', () => {
  const got = cotMessages({ ...input, answer: 'A' }, 'unified')
  assert.equal(got[0].content, COT)
  assert.equal(got[1].content, evalMessages(input)[1].content)
  assert.equal(got[2].content, 'A')
})

test('prompt version names every option that changes rendered text', () => {
  assert.equal(PROMPT_VERSION, 'cookbook-1')
  assert.equal(promptVersion({ preset: 'cookbook' }), 'cookbook-1')
  assert.equal(promptVersion({ preset: 'cookbook', options: { token_budget: 4096 } }), 'cookbook-1')
  assert.equal(promptVersion({ preset: 'cookbook', options: { sample_rows: 3, column_descriptions: true }, cot_layout: 'unified' }), 'cookbook-1+rows3+desc+unified')
  assert.throws(() => promptVersion({ preset: 'cookbook', options: { sample_rows: -1 } }), RangeError)
})

// The recipe text itself: the quoted strings in docs/recipe-formats.md §3 and §4.
test('prompts equal the strings quoted in docs/recipe-formats.md', () => {
  const doc = readFileSync(recipeFormats, 'utf8')
  const systems = new Set(doc.match(/"You are a text to SQL query translator\. Using[^"]*"/g)?.map((s) => s.slice(1, -1)))
  assert.deepEqual(systems, new Set([PLAIN, REASONING, COT]))
  // §3.2 is the Python repr of the template: single-quoted, only \n escapes.
  const block = /````text\n'(.*)'\n````/.exec(doc)?.[1]
  assert.ok(block, 'teacher template block in §4')
  const template = JSON.parse(`"${block}"`) as string
  const unchanged = teacherPrompt({ schema: '{db_schema}', evidence: '{external_knowledge}', question: '{question}', goldSql: '{gold_SQL}' })
  assert.equal(unchanged, template)
  const cotUser = /User \(exact f-string result, indentation included\):\n\s+`'(.*)'`/.exec(doc)?.[1]
  assert.ok(cotUser, 'CoT user f-string in §4')
  const got = cotMessages({ schema: '{db_schema}', evidence: '{external_knowledge}', question: '{question}', answer: '' })
  assert.equal(got[1].content, JSON.parse(`"${cotUser}"`))
})
