import assert from 'node:assert/strict'
import { test } from 'node:test'
import { goldAnswer } from '../../../../test/fake-openai/scripts.js'
import { cutStatement, extractSql, recipeExactMatch, recipeTeacherSql, type ExtractedSql } from '../../src/llm/extract-sql.js'

const robust: Array<[string, string, ExtractedSql]> = [
  ['one sql fence', '```sql\nSELECT 1\n```', { sql: 'SELECT 1', how: 'fence' }],
  ['the last fence wins (CoT draft first)', 'Draft:\n```sql\nSELECT a FROM t\n```\nWait, b.\n```sql\nSELECT b FROM t\n```\nDone.', { sql: 'SELECT b FROM t', how: 'fence' }],
  ['SQL tag in capitals', 'So:\n```SQL\nselect a from t;\n```', { sql: 'select a from t;', how: 'fence' }],
  ['sqlite tag', '```sqlite\nSELECT count(*) FROM t\n```', { sql: 'SELECT count(*) FROM t', how: 'fence' }],
  ['bare fence with SELECT', '```\nSELECT 1\n```', { sql: 'SELECT 1', how: 'fence' }],
  ['bare fence with WITH', '```\n  with x as (select 1) select * from x\n```', { sql: 'with x as (select 1) select * from x', how: 'fence' }],
  ['bare fence with prose is not SQL', '```\nfoo bar\n```', { sql: null, how: 'none' }],
  ['a later python fence is skipped', '```sql\nSELECT 1\n```\nTo run it:\n```python\nprint(cur.execute(q))\n```', { sql: 'SELECT 1', how: 'fence' }],
  ['other tag whose content is a SELECT', '```postgresql\nSELECT 2\n```', { sql: 'SELECT 2', how: 'fence' }],
  ['inline fence with the tag on the same line', 'Answer: ```sql SELECT 1```', { sql: 'SELECT 1', how: 'fence' }],
  ['inline fence without tag', 'Answer: ```SELECT 1```', { sql: 'SELECT 1', how: 'fence' }],
  ['CRLF line ends', '```sql\r\nSELECT 1\r\n```', { sql: 'SELECT 1', how: 'fence' }],
  ['empty final fence falls back to the previous one', '```sql\nSELECT 1\n```\n```sql\n```', { sql: 'SELECT 1', how: 'fence' }],
  ['unterminated final fence (cut at max_tokens)', 'Step 1...\n```sql\nSELECT a FROM t WHERE x = 1', { sql: 'SELECT a FROM t WHERE x = 1', how: 'unterminated_fence' }],
  ['unterminated fence after a draft wins', '```sql\nSELECT 1\n```\nbetter:\n```sql\nSELECT 2;\n\nThis returns two.', { sql: 'SELECT 2;', how: 'unterminated_fence' }],
  ['empty unterminated fence falls back', '```sql SELECT 1```\n```sql\n', { sql: 'SELECT 1', how: 'fence' }],
  ['unterminated non-SQL fence falls back', '```sql\nSELECT 1\n```\n```python\nprint(', { sql: 'SELECT 1', how: 'fence' }],
  ['bare SELECT cut at the semicolon', '  select a from t;\n\nThis query selects a.', { sql: 'select a from t;', how: 'bare' }],
  ['bare WITH', 'WITH x AS (SELECT 1) SELECT * FROM x', { sql: 'WITH x AS (SELECT 1) SELECT * FROM x', how: 'bare' }],
  ['bare SELECT cut at a blank line', 'SELECT a\nFROM t\n  \nExplanation: …', { sql: 'SELECT a\nFROM t', how: 'bare' }],
  ['semicolon inside a string does not end it', "SELECT 'a;b' FROM t; trailing", { sql: "SELECT 'a;b' FROM t;", how: 'bare' }],
  ['doubled quote escape', "SELECT 'it''s; fine' FROM t; x", { sql: "SELECT 'it''s; fine' FROM t;", how: 'bare' }],
  ['quoted identifiers', 'SELECT "a;b", `c;d` FROM [x;y]; rest', { sql: 'SELECT "a;b", `c;d` FROM [x;y];', how: 'bare' }],
  ['comments', 'SELECT a -- pick a; really\n/* ; */ FROM t; rest', { sql: 'SELECT a -- pick a; really\n/* ; */ FROM t;', how: 'bare' }],
  ['SELECTION is not SELECT', 'SELECTION of rows', { sql: null, how: 'none' }],
  ['SQL in the middle of prose is not bare', 'The answer is SELECT 1', { sql: null, how: 'none' }],
  ['no SQL at all', 'I cannot answer this question.', { sql: null, how: 'none' }],
  ['empty text', '', { sql: null, how: 'none' }]
]

for (const [name, text, expected] of robust) {
  test(`robust: ${name}`, () => {
    assert.deepEqual(extractSql(text), expected)
    assert.deepEqual(extractSql(text, 'robust'), expected)
  })
}

const cookbook: Array<[string, string, ExtractedSql]> = [
  ['first match, not stripped', '```sql\nSELECT 1\n```\n```sql\nSELECT 2\n```', { sql: 'SELECT 1\n', how: 'fence' }],
  ['leading newlines consumed by \\n*', '```sql\n\n\nSELECT 1```', { sql: 'SELECT 1', how: 'fence' }],
  ['a space after the tag is kept', '```sql SELECT 1```', { sql: ' SELECT 1', how: 'fence' }],
  ['case-sensitive tag: whole text', '```SQL\nSELECT 1\n```', { sql: '```SQL\nSELECT 1\n```', how: 'whole_text' }],
  ['unterminated: whole text', 'x\n```sql\nSELECT 1', { sql: 'x\n```sql\nSELECT 1', how: 'whole_text' }],
  ['bare SQL: whole text', 'SELECT 1', { sql: 'SELECT 1', how: 'whole_text' }],
  ['empty fence', '```sql```', { sql: '', how: 'fence' }],
  ['CRLF after the tag is content', '```sql\r\nSELECT 1\r\n```', { sql: '\r\nSELECT 1\r\n', how: 'fence' }],
  ['empty text', '', { sql: null, how: 'none' }]
]

for (const [name, text, expected] of cookbook) {
  test(`cookbook: ${name}`, () => assert.deepEqual(extractSql(text, 'cookbook'), expected))
}

test('recipeTeacherSql: newline deletion glues tokens, runs of whitespace become one space', () => {
  assert.equal(recipeTeacherSql('```sql\nSELECT a\nFROM t\n```'), 'SELECT aFROM t')
  assert.equal(recipeTeacherSql('```sql\nSELECT  a,   b\tFROM t\n```'), 'SELECT a, b\tFROM t')
  assert.equal(recipeTeacherSql('```sql\n  SELECT a \r\n FROM t  \n```'), 'SELECT a FROM t')
  assert.equal(recipeTeacherSql('```sql\nSELECT a\r\nFROM t\n```'), 'SELECT a\rFROM t')
  assert.equal(recipeTeacherSql('```sql\nSELECT\u00a0\u00a0a\u2003\u3000b\n```'), 'SELECT a b')
  // Python's strip() removes U+001C..U+001F and U+0085 but not U+FEFF; JS trim() is the reverse.
  assert.equal(recipeTeacherSql('```sql\n\x1c\x85SELECT 1\x1f```'), 'SELECT 1')
  assert.equal(recipeTeacherSql('```sql\n\ufeffSELECT 1\ufeff```'), '\ufeffSELECT 1\ufeff')
  assert.equal(recipeTeacherSql('no fence  at\nall  '), 'no fence  at\nall  ')
  assert.equal(recipeTeacherSql('```sql\nSELECT 1\n```\n```sql\nSELECT 2\n```'), 'SELECT 1')
})

test('recipeExactMatch: strip the gold, compare exactly', () => {
  assert.equal(recipeExactMatch('  SELECT a FROM t \n', 'Reasoning…\n```sql\nSELECT a FROM t\n```'), true)
  assert.equal(recipeExactMatch('SELECT a FROM t', '```sql\nSELECT  a FROM t;\n```'), false)
  // A gold that spans lines can never match: the answer's newlines are deleted.
  assert.equal(recipeExactMatch('SELECT a\nFROM t', '```sql\nSELECT a\nFROM t\n```'), false)
  // Without a fence the whole answer is compared.
  assert.equal(recipeExactMatch('SELECT 1', 'SELECT 1'), true)
  assert.equal(recipeExactMatch('SELECT 1', 'SELECT 1\n'), false)
})

test('the fake\'s gold script passes the recipe filter', () => {
  const gold = 'SELECT COUNT(*) FROM frpm WHERE `County Name` = \'Alameda\''
  const prompt = `\n        You are a text to SQL query translator...\n\n        -- DB Schema: CREATE TABLE frpm (...)\n        -- External Knowledge: \n        -- Text Question Input: How many?\n        -- Gold SQL Output: ${gold}\n\n        Your response should be as follows:\n`
  const answer = goldAnswer({ model: 'teacher', messages: [{ role: 'user', content: prompt }], temperature: 0, max_tokens: undefined, n: 1, index: 0, call: 0, stream: false, body: {} })
  assert.equal(typeof answer, 'string')
  assert.equal(recipeExactMatch(gold, answer as string), true)
  assert.deepEqual(extractSql(answer as string), { sql: gold, how: 'fence' })
})

test('cutStatement: unterminated quote or comment keeps the rest', () => {
  assert.equal(cutStatement("SELECT 'abc"), "SELECT 'abc")
  assert.equal(cutStatement('SELECT 1 /* open'), 'SELECT 1 /* open')
  assert.equal(cutStatement('SELECT 1 -- tail'), 'SELECT 1 -- tail')
  assert.equal(cutStatement('SELECT 1\n```\nmore'), 'SELECT 1')
})

// A quadratic scan of these inputs takes minutes: the test's own timeout is the guard.
test('100 kB answers (with and without fences) extract without quadratic blow-up', { timeout: 30_000 }, () => {
  const big = [
    'x'.repeat(100_000),
    '```sql\n'.repeat(15_000),
    '```'.repeat(35_000),
    'SELECT ' + "'a".repeat(50_000),
    ('word ' + '```sql x ').repeat(8_000)
  ]
  for (const text of big) {
    for (const mode of ['robust', 'cookbook'] as const) {
      const r = extractSql(text, mode)
      assert.ok(r.sql === null || typeof r.sql === 'string')
    }
    recipeTeacherSql(text)
  }
})
