// A scripted teacher for the reasoning tests: deterministic answers of six kinds, chosen by a
// hash of (question, gold), so a test can compute what each question's answer is and what
// each validation mode must keep. Test-only; it drives the fake OpenAI server.
import { createHash } from 'node:crypto'
import type { FakeAnswer } from '../../../test/fake-openai/server.js'
import { messageText } from '../../../test/fake-openai/scripts.js'

export const KINDS = ['gold', 'draft', 'equivalent', 'wrong', 'error', 'nofence'] as const
export type AnswerKind = typeof KINDS[number]

const hash = (text: string) => createHash('sha256').update(text).digest().readUInt32BE(0)

export function answerKind (question: string, gold: string): AnswerKind {
  return KINDS[hash(`${question}\u0000${gold}`) % KINDS.length]
}

/** About one question in three gets a 503 on its first request. */
export const flaky = (question: string, gold: string) => hash(`flaky\u0000${question}\u0000${gold}`) % 3 === 0

const bare = (gold: string) => gold.trim().replace(/;\s*$/, '')

/** The SQL an answer of this kind ends with, or null for an answer without a fence. */
export function finalSqlOf (kind: AnswerKind, gold: string): string | null {
  switch (kind) {
    case 'gold': case 'draft': return gold
    case 'equivalent': return `SELECT * FROM (${bare(gold)})`
    case 'wrong': return `SELECT * FROM (${bare(gold)}) LIMIT 0`
    case 'error': return `SELECT no_such_column_xyz FROM (${bare(gold)})`
    case 'nofence': return null
  }
}

const STEPS = 'Let me think through this step by step:\n\n1. First, I need to consider the tables the question names.\n2. Then, the columns and conditions it asks for.\n3. Next, how to aggregate or order them.\n\n'

/** The teacher's whole answer; `draft` puts a wrong first ```sql block before the gold one. */
export function answerText (question: string, gold: string, kind: AnswerKind = answerKind(question, gold)): string {
  const sql = finalSqlOf(kind, gold)
  if (sql === null) return `${STEPS}Finally, the SQL statement for the text question is: ${gold}`
  const draft = kind === 'draft' ? 'A first draft, before checking the joins:\n```sql\nSELECT 1\n```\n\n' : ''
  return `${STEPS}${draft}Finally, the SQL statement for the text question is: \n\`\`\`sql\n${sql}\n\`\`\``
}

const QUESTION_RE = /-- Text Question Input: (.*?)\n {8}-- Gold SQL Output: /s
const GOLD_RE = /-- Gold SQL Output: (.*?)\n[ \t]*\n/s

/** Reads question and gold back from the teacher prompt (docs/recipe-formats.md §4). */
function parseTeacherPrompt (prompt: string): { question: string, gold: string } | null {
  const q = QUESTION_RE.exec(prompt)
  const g = GOLD_RE.exec(prompt)
  return q && g ? { question: q[1], gold: g[1] } : null
}

/**
 * The fake teacher: `answerText` for every teacher prompt; a 503 on the first request of a
 * flaky question when `failFirst` is on; models listed in `badRequest` answer 400 for every
 * other question (never retried), models in `down` answer 503 for every other question, every
 * time (retried until the budget is spent); models in `goldWhenWarm` answer with the gold SQL whenever
 * the temperature is above 0 (what a re-ask at 0.7 may bring).
 */
export function scriptedTeacher (opts: { failFirst?: Set<string>, badRequest?: Set<string>, down?: Set<string>, goldWhenWarm?: Set<string>, delayMs?: number } = {}): FakeAnswer {
  const seen = new Set<string>()
  return ({ messages, model, temperature }) => {
    const parsed = parseTeacherPrompt(messages.map(messageText).join('\n'))
    if (!parsed) return { status: 400, body: { object: 'error', message: 'not a teacher prompt', type: 'BadRequestError', param: null, code: 400 } }
    const { question, gold } = parsed
    if (opts.failFirst?.has(model) && flaky(question, gold) && !seen.has(`${model}\u0000${question}\u0000${gold}`)) {
      seen.add(`${model}\u0000${question}\u0000${gold}`)
      return { status: 503 }
    }
    if (opts.badRequest?.has(model) && hash(question) % 2 === 0) return { status: 400 }
    if (opts.down?.has(model) && hash(question) % 2 === 0) return { status: 503 }
    const warm = opts.goldWhenWarm?.has(model) === true && (temperature ?? 0) > 0
    return { text: answerText(question, gold, warm ? 'gold' : undefined), ...(opts.delayMs ? { delayMs: opts.delayMs } : {}) }
  }
}

/**
 * The recipe's create_reasoning_dataset.py (docs/recipe-formats.md §4), written independently in
 * Python: for each question and the teacher's answer, its keep/drop rule and the CoT record,
 * serialised as HF datasets' to_json writes it (no spaces, ASCII escapes, "/" as "\/").
 * `execution` is the official BIRD comparison of the answer's final SQL with the gold
 * (`set(pred) == set(gold)` on Python's sqlite3): kept, wrong_result, error or no_sql.
 * Input: a JSON list of {answer, final} aligned with the questions file.
 */
export const RECIPE_COT = String.raw`
import json, re, sqlite3, sys
questions, db_root, answers_path = sys.argv[1], sys.argv[2], sys.argv[3]
answers = json.load(open(answers_path))
def execution(db_path, gold, final):
    if final is None:
        return "no_sql"
    conn = sqlite3.connect('file:' + db_path + '?mode=ro', uri=True)
    gold_rows = conn.execute(gold).fetchall()
    try:
        rows = conn.execute(final).fetchall()
    except sqlite3.Error:
        return "error"
    return "kept" if set(rows) == set(gold_rows) else "wrong_result"
def generate_schema_prompt(db_path):
    conn = sqlite3.connect('file:' + db_path + '?mode=ro', uri=True)
    cursor = conn.cursor()
    cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
    schemas = {}
    for table in cursor.fetchall():
        cursor.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='{}';".format(table[0]))
        schemas[table[0]] = cursor.fetchone()[0]
    return "\n\n".join(schemas.values())
system = "You are a text to SQL query translator. Using the SQLite DB Schema and the External Knowledge, generate the step-by-step reasoning and the final SQLite SQL select statement from the text question."
out = []
for i, item in enumerate(json.load(open(questions))):
    db_path = db_root + "/" + item["db_id"] + "/" + item["db_id"] + ".sqlite"
    db_schema = generate_schema_prompt(db_path)
    gold_SQL = item["SQL"].strip()
    response = answers[i]["answer"]
    match = re.search(r"${'```'}sql\n*(.*?)${'```'}", response, re.DOTALL)
    if match:
        gene_SQL = match.group(1).replace("\n", "").strip()
        gene_SQL = re.sub(r"\s{2,}", " ", gene_SQL)
    else:
        gene_SQL = response
    user = f"""
        -- DB Schema: {db_schema}
        -- External Knowledge: {item['evidence']}
        -- Text Question: {item['question']}
"""
    record = {"messages": [{"content": system, "role": "system"}, {"content": user, "role": "user"}, {"content": response, "role": "assistant"}]}
    out.append({"exact": gold_SQL == gene_SQL, "execution": execution(db_path, item["SQL"], answers[i]["final"]), "line": json.dumps(record, separators=(",", ":")).replace("/", "\\/")})
print(json.dumps(out))
`
