// Recipe prompt layouts (docs/recipe-formats.md §3-§4). `schema` is always the DDL text
// WITHOUT the "-- DB Schema: " prefix (SchemaRenderer.render's output); the layouts add it.
import { pyReplace, pyStrip } from './python.js'
import { SYSTEM_PROMPTS, type SystemPromptName } from './system-prompts.js'

export type ChatRole = 'system' | 'user' | 'assistant'
export type ChatMessage = { role: ChatRole, content: string }

// evidence null reproduces Python formatting None: the recipe's `--use_knowledge False` prints "None".
export type PromptInput = { schema: string, evidence: string | null, question: string }

export type CotLayout = 'cookbook' | 'unified'

const fmt = (v: string | null): string => v ?? 'None'

// "-- DB Schema: <DDL…>\n\n-- External Knowledge: <evidence>\n\n-- Question: <question>"
export function userPrompt ({ schema, evidence, question }: PromptInput): string {
  return `-- DB Schema: ${schema}\n\n-- External Knowledge: ${fmt(evidence)}\n\n-- Question: ${question}`
}

// Gold SQL goes in as-is: the recipe neither strips it nor adds a fence or semicolon.
export function sftMessages (input: PromptInput & { sql: string }): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM_PROMPTS.plain },
    { role: 'user', content: userPrompt(input) },
    { role: 'assistant', content: input.sql }
  ]
}

// 'plain' for base models, 'reasoning' as the recipe evaluates fine-tunes, 'cot' to evaluate a
// CoT model with the exact system prompt it was trained on (pair with cotMessages 'unified').
export function evalMessages (input: PromptInput, system: SystemPromptName = 'plain'): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM_PROMPTS[system] },
    { role: 'user', content: userPrompt(input) }
  ]
}

// The triple-quoted template: note the 8-space indentation and the trailing space after "is:".
const TEACHER_TEMPLATE = '\n        You are a text to SQL query translator. Based on the DB Schema and External Knowledge, given the Text Question Input and its Gold SQL Output below, generate the step-by-step reasoning to infer the Gold SQL Output from the Text Question Input.\n\n        -- DB Schema: {db_schema}\n        -- External Knowledge: {external_knowledge}\n        -- Text Question Input: {question}\n        -- Gold SQL Output: {gold_SQL}\n\n        Your response should be as follows:\n\n\n        Let me think through this step by step:\n\n1. First, I need to consider...\n2. Then...\n3. Next...\n...\n\nFinally, the SQL statement for the text question is: \n        ```sql ...```\n\n\n        '

// Chained str.replace as in the recipe: a placeholder text inside an earlier value is replaced too.
export function teacherPrompt (input: PromptInput & { goldSql: string }): string {
  let prompt = pyReplace(TEACHER_TEMPLATE, '{db_schema}', input.schema)
  prompt = pyReplace(prompt, '{external_knowledge}', fmt(input.evidence))
  prompt = pyReplace(prompt, '{question}', input.question)
  return pyReplace(prompt, '{gold_SQL}', pyStrip(input.goldSql))
}

// 'cookbook': the recipe's CoT layout (indented, "-- Text Question:"), which eval never uses.
// 'unified': the SFT/eval user layout under the CoT system prompt, so train and eval match.
export function cotMessages (input: PromptInput & { answer: string }, layout: CotLayout = 'cookbook'): ChatMessage[] {
  const user = layout === 'unified'
    ? userPrompt(input)
    : `\n        -- DB Schema: ${input.schema}\n        -- External Knowledge: ${fmt(input.evidence)}\n        -- Text Question: ${input.question}\n`
  return [
    { role: 'system', content: SYSTEM_PROMPTS.cot },
    { role: 'user', content: user },
    { role: 'assistant', content: input.answer }
  ]
}
