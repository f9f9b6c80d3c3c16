// Offline Llama 3 token counts (docs/architecture.md §6): llama3-tokenizer-js for text, plus the exact
// cost of the Llama 3.1/3.3 Instruct chat template. That template renders
//   <|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n
//   Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<system|trim><|eot_id|>
//   then per message <|start_header_id|><role><|end_header_id|>\n\n<content|trim><|eot_id|>
//   and, for generation, <|start_header_id|>assistant<|end_header_id|>\n\n
// The system block is emitted (with an empty message) even without a system message, and
// `trim` strips every message, so the CoT layout's leading "\n        " never reaches the model.
// Cross-checked once against transformers 5.17 apply_chat_template with the Llama 3.1 template
// and HF tokenizers (fed this library's vocab and merges): equal rendered text, ids and counts
// on 1,850 real prompts of every layout. The vocabulary itself could not be checked offline.
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

// llama3-tokenizer-js's own two splits: special tokens first, then the Llama 3 pre-tokenizer
// regex (its JS form of "(?i:'s|'t|'re|'ve|'m|'ll|'d)|…"). BPE runs inside each chunk alone, so
// a chunk's count never depends on its neighbours and can be cached across calls (the library
// caches only within one call).
const SPECIAL = /<\|(?:begin_of_text|end_of_text|start_header_id|end_header_id|eot_id|eom_id|python_tag|finetune_right_pad_id|reserved_special_token_(?:[0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-3][0-9]|24[0-7]))\|>/g
const PRETOKEN = /(?:'([sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]))|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu

// Segments at least this long are cached whole; shorter text is counted chunk by chunk.
const MIN_SEGMENT = 256
const isSpace = (c: string | undefined): boolean => c === undefined || /\s/.test(c)

// Exact and fast, with two caches:
// - chunks: the count of every pre-tokenizer chunk seen (words, numbers, blank runs);
// - segments: no chunk crosses a point that follows "\n" and precedes a non-blank character
//   (no alternative of the regex matches past it), so text can be cut there and the pieces
//   counted alone. Cutting after each "\n\n" gives one piece per CREATE TABLE, and those
//   repeat across every question on a database.
export class Llama3Counter implements TokenCounter {
  readonly #segments = new Map<string, number>()
  readonly #chunks = new Map<string, number>()
  readonly #maxChars: number
  readonly #maxChunks: number
  #chars = 0

  constructor (opts: { maxCachedChars?: number, maxCachedChunks?: number } = {}) {
    this.#maxChars = opts.maxCachedChars ?? 16_000_000
    this.#maxChunks = opts.maxCachedChunks ?? 500_000
  }

  countTokens (text: string): number {
    if (text.length < 2 * MIN_SEGMENT) return this.#countText(text)
    let total = 0
    let pending = 0
    let start = 0
    const take = (end: number): void => {
      if (end - start >= MIN_SEGMENT) {
        if (pending < start) total += this.#countText(text.slice(pending, start))
        total += this.#segment(text.slice(start, end))
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
    if (pending < text.length) total += this.#countText(text.slice(pending))
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
    return this.#segment(prefix) + this.countTokens(content)
  }

  #segment (segment: string): number {
    const hit = this.#segments.get(segment)
    if (hit !== undefined) return hit
    const n = this.#countText(segment)
    this.#segments.set(segment, n)
    this.#chars += segment.length
    // Map keeps insertion order: drop the oldest entries first.
    for (const [k] of this.#segments) {
      if (this.#chars <= this.#maxChars) break
      this.#segments.delete(k)
      this.#chars -= k.length
    }
    return n
  }

  #countText (text: string): number {
    if (!text.includes('<|')) return this.#countPlain(text)
    let n = 0
    let last = 0
    for (const m of text.matchAll(SPECIAL)) {
      n += this.#countPlain(text.slice(last, m.index)) + 1
      last = m.index + m[0].length
    }
    return n + this.#countPlain(text.slice(last))
  }

  #countPlain (text: string): number {
    let n = 0
    let last = 0
    for (const m of text.matchAll(PRETOKEN)) {
      // The regex matches every character; a gap would be a pre-token of its own, as in the library.
      if (m.index > last) n += this.#chunk(text.slice(last, m.index))
      n += this.#chunk(m[0])
      last = m.index + m[0].length
    }
    if (last < text.length) n += this.#chunk(text.slice(last))
    return n
  }

  #chunk (chunk: string): number {
    let n = this.#chunks.get(chunk)
    if (n === undefined) {
      n = encodeLength(chunk)
      if (this.#chunks.size >= this.#maxChunks) this.#chunks.clear()
      this.#chunks.set(chunk, n)
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
