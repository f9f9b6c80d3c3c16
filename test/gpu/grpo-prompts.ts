/**
 * The GPU test's prompt file: bird-sample train questions of the named databases as the SFT dataset
 * builds them (the recipe's system + user + gold assistant messages, core's PromptBuilder), each line
 * with the question_id GRPO asks the reward API about.
 *
 *   npx tsx test/gpu/grpo-prompts.ts --questions train.json --databases train_databases --db farm --out prompts.jsonl
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { PromptBuilder } from '@t2s/core/prompts'
import { databaseFile, parseQuestionsFile } from '@t2s/core/sources'

const { values } = parseArgs({ options: { questions: { type: 'string' }, databases: { type: 'string' }, db: { type: 'string', multiple: true }, out: { type: 'string' } } })
const builder = new PromptBuilder({ preset: 'cookbook' })
const lines = parseQuestionsFile(values.questions!).questions
  .filter((q) => values.db === undefined || values.db.includes(q.db_id))
  .map((q) => JSON.stringify({
    messages: builder.sft({ dbPath: databaseFile(values.databases!, q.db_id), question: q.question, evidence: q.evidence, sql: q.sql }),
    question_id: q.question_id ?? q.index
  }))
writeFileSync(values.out!, lines.join('\n') + '\n')
console.log(`${lines.length} prompts → ${values.out}`)
