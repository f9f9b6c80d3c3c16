// Prompt builder: one versioned contract for SFT data, teacher CoT data, CoT training and eval.
// Preset 'cookbook' reproduces the Llama cookbook text2sql recipe byte for byte
// (docs/recipe-formats.md §2-§4, §6); options beyond it are off by default.
//
//   PROMPT_VERSION, promptVersion(spec)         'cookbook-1', plus '+rows3', '+desc', '+unified'
//   new PromptBuilder(spec?, { renderer?, counter? })
//     .schema(dbPath) .sft(item & {sql}) .eval(item, system?) .teacher(item & {goldSql})
//     .cot(item & {answer}) .check(id, messages) .budget?.report()   item = {dbPath, question, evidence}
//   new SchemaRenderer({ descriptionDir?, maxEntries? }).render(dbPath, options?)
//     DDL joined by "\n\n", no "-- DB Schema: " prefix; cached per file (path, mtime, size, options)
//   sftMessages({schema, evidence, question, sql})            system 'plain', gold SQL as-is
//   evalMessages({schema, evidence, question}, 'plain' | 'reasoning' | 'cot')
//   teacherPrompt({schema, evidence, question, goldSql})       one user turn, no system prompt
//   cotMessages({schema, evidence, question, answer}, 'cookbook' | 'unified')
//   SYSTEM_PROMPTS.plain | .reasoning ("and then the final") | .cot ("and the final")
//   toRecipeJsonl(messages)   the recipe's JSONL line, pandas escaping; toJsonl: same value, UTF-8
//   countTokens(text), countChatTokens(messages, {addGenerationPrompt?, dateString?})
//     Llama 3 tokenizer + Llama 3.1 chat template; TokenCounter, llama3Counter, renderLlama31Chat
//   new TokenBudget(limit).check(id, messages) -> {tokens, over}; .report() lists over-length ones
//   loadColumnDescriptions(dir), parseDescriptionCsv(bytes), renderColumnComments(...)
// Messages are {role: 'system'|'user'|'assistant', content}. `evidence: null` renders "None",
// as the recipe does with --use_knowledge False.
export { PROMPT_VERSION, promptVersion, type PromptOptions, type PromptSpec } from './version.js'
export { SYSTEM_PROMPTS, type SystemPromptName } from './system-prompts.js'
export {
  sftMessages, evalMessages, teacherPrompt, cotMessages, userPrompt,
  type ChatMessage, type ChatRole, type PromptInput, type CotLayout
} from './messages.js'
export { SchemaRenderer, defaultDescriptionDir, type SchemaRendererOptions } from './schema.js'
export {
  loadColumnDescriptions, parseDescriptionCsv, renderColumnComments,
  type ColumnDescription, type TableDescription
} from './column-descriptions.js'
export { toRecipeJsonl, toJsonl } from './jsonl.js'
export {
  countTokens, countChatTokens, renderLlama31Chat, llama3Counter, Llama3Counter, LLAMA31_DATE_STRING,
  type TokenCounter, type ChatCountOptions
} from './tokens.js'
export { TokenBudget, type BudgetCheck, type BudgetReport, type OverLength } from './budget.js'
export { PromptBuilder, type PromptItem } from './builder.js'
