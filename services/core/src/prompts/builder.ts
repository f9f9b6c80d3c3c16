// One spec, every stage: the dataset, reasoning and evaluator services build their prompts
// through a PromptBuilder so they all render the same schema text under the same version.
import {
  cotMessages, evalMessages, sftMessages, teacherPrompt, type ChatMessage, type CotLayout
} from './messages.js'
import { SchemaRenderer } from './schema.js'
import type { SystemPromptName } from './system-prompts.js'
import { TokenBudget, type BudgetCheck } from './budget.js'
import { llama3Counter, type TokenCounter } from './tokens.js'
import { normalizeOptions, promptVersion, type PromptOptions, type PromptSpec } from './version.js'

// A benchmark row: dbPath = <db_root>/<db_id>/<db_id>.sqlite.
export type PromptItem = { dbPath: string, question: string, evidence: string | null }

export class PromptBuilder {
  readonly spec: PromptSpec
  readonly version: string
  // Present when spec.options.token_budget is set.
  readonly budget: TokenBudget | null
  readonly #renderer: SchemaRenderer
  readonly #options: PromptOptions
  readonly #layout: CotLayout
  readonly #counter: TokenCounter

  constructor (spec: PromptSpec = { preset: 'cookbook' }, deps: { renderer?: SchemaRenderer, counter?: TokenCounter } = {}) {
    this.spec = spec
    this.version = promptVersion(spec)
    const o = normalizeOptions(spec.options)
    this.#options = { sample_rows: o.sample_rows, column_descriptions: o.column_descriptions }
    this.#layout = spec.cot_layout ?? 'cookbook'
    this.#renderer = deps.renderer ?? new SchemaRenderer()
    this.#counter = deps.counter ?? llama3Counter
    this.budget = o.token_budget === null ? null : new TokenBudget(o.token_budget, this.#counter)
  }

  schema (dbPath: string): string {
    return this.#renderer.render(dbPath, this.#options)
  }

  sft (item: PromptItem & { sql: string }): ChatMessage[] {
    return sftMessages({ ...item, schema: this.schema(item.dbPath) })
  }

  eval (item: PromptItem, system?: SystemPromptName): ChatMessage[] {
    // A unified CoT model is evaluated with the system prompt it was trained on.
    return evalMessages({ ...item, schema: this.schema(item.dbPath) }, system ?? (this.#layout === 'unified' ? 'cot' : 'plain'))
  }

  teacher (item: PromptItem & { goldSql: string }): string {
    return teacherPrompt({ ...item, schema: this.schema(item.dbPath) })
  }

  cot (item: PromptItem & { answer: string }): ChatMessage[] {
    return cotMessages({ ...item, schema: this.schema(item.dbPath) }, this.#layout)
  }

  // Token count of a chat example; recorded in the budget report when over the limit.
  check (id: string, messages: readonly ChatMessage[]): BudgetCheck {
    if (this.budget !== null) return this.budget.check(id, messages)
    return { tokens: this.#counter.countChatTokens(messages), over: false }
  }
}
