// Offline Llama 3 token counts (style.md §B11): llama3-tokenizer-js for text, plus the exact
// cost of the Llama 3.1/3.3 Instruct chat template. That template renders
//   <|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n
//   Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<system|trim><|eot_id|>
//   then per message <|start_header_id|><role><|end_header_id|>\n\n<content|trim><|eot_id|>
//   and, for generation, <|start_header_id|>assistant<|end_header_id|>\n\n
// The system block is emitted (with an empty message) even without a system message, and
// `trim` strips every message, so the CoT layout's leading "\n        " never reaches the model.
import llama3Tokenizer from 'llama3-tokenizer-js'
import type { ChatMessage } from './messages.js'
import { pyStrip } from './python.js'

export type ChatCountOptions = {
  // Default: true unless the last message is the assistant's (eval prompts vs training examples).
  addGenerationPrompt?: boolean
  // Llama 3.1's template default; Llama 3.2 templates put today's date here instead.
  dateString?: string
}

export interface TokenCounter {
  countTokens (text: string): number
  countChatTokens (messages: readonly ChatMessage[], opts?: ChatCountOptions): number
}

export const LLAMA31_DATE_STRING = '26 Jul 2024'

// The exact text the template renders (special tokens as text); counting it with
// countTokens gives countChatTokens' answer, only slower.
export function renderLlama31Chat (messages: readonly ChatMessage[], opts: ChatCountOptions = {}): string {
  const date = opts.dateString ?? LLAMA31_DATE_STRING
  const hasSystem = messages[0]?.role === 'system'
  let out = '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n'
  out += `Cutting Knowledge Date: December 2023\nToday Date: ${date}\n\n`
  out += (hasSystem ? pyStrip(messages[0].content) : '') + '<|eot_id|>'
  for (const m of hasSystem ? messages.slice(1) : messages) {
    out += `<|start_header_id|>${m.role}<|end_header_id|>\n\n${pyStrip(m.content)}<|eot_id|>`
  }
  if (generationPrompt(messages, opts)) out += '<|start_header_id|>assistant<|end_header_id|>\n\n'
  return out
}

function generationPrompt (messages: readonly ChatMessage[], opts: ChatCountOptions): boolean {
  return opts.addGenerationPrompt ?? messages.at(-1)?.role !== 'assistant'
}

const encodeLength = (text: string): number => llama3Tokenizer.encode(text, { bos: false, eos: false }).length

// Segments at least this long are cached; shorter runs are encoded together.
const MIN_CACHED = 256
const isSpace = (c: string | undefined): boolean => c === undefined || /\s/.test(c)

// Exact and fast. The pre-tokenizer never lets a chunk cross a point that follows "\n" and
// precedes a non-blank character (no alternative of its regex matches past it), so text can be
// cut there and the pieces counted alone. Cutting after each "\n\n" gives one piece per
// CREATE TABLE, and the pieces repeat across every question on a database: they are cached.
export class Llama3Counter implements TokenCounter {
  readonly #cache = new Map<string, number>()
  readonly #maxChars: number
  #chars = 0

  constructor (opts: { maxCachedChars?: number } = {}) {
    this.#maxChars = opts.maxCachedChars ?? 16_000_000
  }

  countTokens (text: string): number {
    if (text.length < 2 * MIN_CACHED) return encodeLength(text)
    let total = 0
    let pending = 0
    let start = 0
    const take = (end: number): void => {
      if (end - start >= MIN_CACHED) {
        if (pending < start) total += encodeLength(text.slice(pending, start))
        total += this.#cached(text.slice(start, end))
        pending = end
      }
      start = end
    }
    for (let i = text.indexOf('\n\n'); i !== -1; i = text.indexOf('\n\n', i + 2)) {
      let cut = i + 2
      while (text[cut] === '\n') cut++
      if (!isSpace(text[cut])) take(cut)
    }
    take(text.length)
    if (pending < text.length) total += encodeLength(text.slice(pending))
    return total
  }

  countChatTokens (messages: readonly ChatMessage[], opts: ChatCountOptions = {}): number {
    const date = opts.dateString ?? LLAMA31_DATE_STRING
    const hasSystem = messages[0]?.role === 'system'
    // <|begin_of_text|> + system header (3) ... <|eot_id|>
    let n = 1 + 3 + 1 + this.#afterHeader(
      `\n\nCutting Knowledge Date: December 2023\nToday Date: ${date}\n\n`,
      hasSystem ? pyStrip(messages[0].content) : '')
    for (const m of hasSystem ? messages.slice(1) : messages) {
      n += 2 + this.countTokens(m.role) + 1 + this.#afterHeader('\n\n', pyStrip(m.content))
    }
    if (generationPrompt(messages, opts)) n += 2 + this.countTokens('assistant') + this.countTokens('\n\n')
    return n
  }

  // prefix ends in "\n\n", so a content that starts non-blank starts a new chunk.
  #afterHeader (prefix: string, content: string): number {
    if (content === '' || isSpace(content[0])) return this.countTokens(prefix + content)
    return this.#cached(prefix) + this.countTokens(content)
  }

  #cached (segment: string): number {
    const hit = this.#cache.get(segment)
    if (hit !== undefined) return hit
    const n = encodeLength(segment)
    this.#cache.set(segment, n)
    this.#chars += segment.length
    // Map keeps insertion order: drop the oldest entries first.
    for (const [k] of this.#cache) {
      if (this.#chars <= this.#maxChars) break
      this.#cache.delete(k)
      this.#chars -= k.length
    }
    return n
  }
}

export const llama3Counter = new Llama3Counter()

export function countTokens (text: string): number {
  return llama3Counter.countTokens(text)
}

export function countChatTokens (messages: readonly ChatMessage[], opts?: ChatCountOptions): number {
  return llama3Counter.countChatTokens(messages, opts)
}
