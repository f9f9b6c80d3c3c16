// Token budget: counts every example and reports the ones over the limit. It never cuts or
// drops anything (the recipe's trainer silently truncated at 4,096 tokens); callers decide.
import type { ChatMessage } from './messages.js'
import { llama3Counter, type ChatCountOptions, type TokenCounter } from './tokens.js'

export type BudgetCheck = { tokens: number, over: boolean }
export type OverLength = { id: string, tokens: number, excess: number }
export type BudgetReport = {
  limit: number
  checked: number
  overCount: number
  maxTokens: number
  // Worst first.
  over: OverLength[]
}

export class TokenBudget {
  readonly limit: number
  readonly #counter: TokenCounter
  readonly #over: OverLength[] = []
  #checked = 0
  #max = 0

  constructor (limit: number, counter: TokenCounter = llama3Counter) {
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError(`token budget must be a positive integer, got ${limit}`)
    this.limit = limit
    this.#counter = counter
  }

  check (id: string, messages: readonly ChatMessage[], opts?: ChatCountOptions): BudgetCheck {
    const tokens = this.#counter.countChatTokens(messages, opts)
    this.#checked++
    this.#max = Math.max(this.#max, tokens)
    const over = tokens > this.limit
    if (over) this.#over.push({ id, tokens, excess: tokens - this.limit })
    return { tokens, over }
  }

  report (): BudgetReport {
    const over = [...this.#over].sort((a, b) => b.tokens - a.tokens)
    return { limit: this.limit, checked: this.#checked, overCount: over.length, maxTokens: this.#max, over }
  }
}
