// Cross-check of the recipe rules against Python itself: the same inputs go through the recipe's
// regexes in python3, and the answers must be identical. Skipped when python3 is absent.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { extractSql, recipeExactMatch, recipeTeacherSql } from '../../src/llm/extract-sql.js'
import { pyStrip } from '../../src/prompts/python.js'
import { seededRandom as prng } from '../../src/datasets/split.js'

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' })
const skip = python.status !== 0 ? 'python3 is not available' : false

// The recipe's code paths, verbatim in spirit: llama_text2sql.py (eval) and create_reasoning_dataset.py (teacher filter).
const RECIPE_PY = String.raw`
import json, re, sys
items = json.load(sys.stdin)
out = []
for it in items:
    answer = it["answer"]
    matches = re.compile(r"${'```'}sql\n*(.*?)${'```'}", re.DOTALL).findall(answer)
    cookbook = matches[0] if matches else answer
    gold_SQL = it["gold"].strip()
    sql_pattern = r"${'```'}sql\n*(.*?)${'```'}"
    match = re.search(sql_pattern, answer, re.DOTALL)
    if match:
        gene_SQL = match.group(1).replace("\n", "").strip()
        gene_SQL = re.sub(r"\s{2,}", " ", gene_SQL)
    else:
        gene_SQL = answer
    out.append({"cookbook": cookbook, "teacher": gene_SQL, "keep": gold_SQL == gene_SQL})
print(json.dumps(out))
`

function runPython (script: string, input: unknown): unknown {
  const res = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  assert.equal(res.status, 0, res.stderr)
  return JSON.parse(res.stdout)
}

const PIECES = [
  '```', '```sql', '```SQL', '```sql\n', '```sql\n\n', '\n', '\r\n', ' ', '  ', '\t', '\v', '\f', ';',
  'SELECT', 'select', 'a', 'FROM t', 'WHERE x = 1', "'a;b'", '`', 'sql', 'é', '😀',
  '\u00a0', '\u2003', '\u3000', '\u2028', '\x1c', '\x1f', '\x85', '\ufeff', '\u180e', '\u200b'
]

function randomText (rand: () => number, maxPieces: number): string {
  const n = Math.floor(rand() * maxPieces)
  let s = ''
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)]
  return s
}

const FIXED = [
  { answer: '```sql\nSELECT a\nFROM t\n```', gold: 'SELECT aFROM t' },
  { answer: 'Reasoning\n```sql\n  SELECT  a ,  b FROM t  \n```\n```sql\nSELECT 2\n```', gold: ' SELECT a , b FROM t ' },
  { answer: '```SQL\nSELECT 1\n```', gold: '```SQL\nSELECT 1\n```' },
  { answer: 'no fence', gold: 'no fence' },
  { answer: '```sql```', gold: '' },
  { answer: '```sql\n\u00a0\u00a0SELECT\u2003\u3000a\u00a0```', gold: 'SELECT a' },
  { answer: '```sql\n\ufeffSELECT 1\ufeff```', gold: '\ufeffSELECT 1\ufeff' },
  { answer: '```sql\n\x1c\x85SELECT\x1d\x1e1\x1f```', gold: 'SELECT 1' },
  { answer: '', gold: '' }
]

test('recipe rules match python3 on fixed and 3 000 random answers', { skip }, () => {
  const rand = prng(20251125)
  const items = [...FIXED]
  for (let i = 0; i < 3000; i++) {
    const answer = randomText(rand, 24)
    // Half the golds are what the answer's fence holds (so `keep` is often true), half are random.
    const gold = rand() < 0.5 ? ` ${recipeTeacherSql(answer)}\n` : randomText(rand, 6)
    items.push({ answer, gold })
  }
  const expected = runPython(RECIPE_PY, items) as Array<{ cookbook: string, teacher: string, keep: boolean }>
  assert.equal(expected.length, items.length)
  let kept = 0
  items.forEach((item, i) => {
    const ours = extractSql(item.answer, 'cookbook')
    const label = JSON.stringify(item)
    assert.equal(ours.sql ?? '', expected[i].cookbook, `cookbook ${label}`)
    assert.equal(recipeTeacherSql(item.answer), expected[i].teacher, `teacher ${label}`)
    assert.equal(recipeExactMatch(item.gold, item.answer), expected[i].keep, `keep ${label}`)
    if (expected[i].keep) kept++
  })
  assert.ok(kept > 100, `only ${kept} kept: the corpus does not exercise the keep path`)
})

test('whitespace sets: pyStrip = str.strip(), our \\s{2,} = Python\'s \\s, over all of Unicode', { skip }, () => {
  const lists = runPython(String.raw`
import json, re, sys
json.load(sys.stdin)
space = [c for c in range(0x110000) if chr(c).isspace()]
resp = [c for c in range(0x110000) if re.fullmatch(r"\s", chr(c))]
print(json.dumps({"isspace": space, "re_s": resp}))
`, null) as { isspace: number[], re_s: number[] }
  assert.deepEqual(lists.isspace, lists.re_s, 'in Python 3.11 both sets agree')
  assert.ok(lists.isspace.every((c) => c < 0x10000))
  const isspace = new Set(lists.isspace)
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c)
    assert.equal(pyStrip(`${ch}x${ch}`) === 'x', isspace.has(c), `strip U+${c.toString(16)}`)
    assert.equal(recipeTeacherSql(`${'```'}sql\na${ch}${ch}b${'```'}`) === 'a b', isspace.has(c) && c !== 0x0a, `\\s U+${c.toString(16)}`)
  }
})
