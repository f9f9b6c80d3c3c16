// JSON Lines as the recipe writes them. HF datasets' Dataset.to_json(orient="records") turns each
// batch into pandas and calls DataFrame.to_json(orient="records", lines=True), so a line is
// pandas' ujson output: no spaces; {"content":…,"role":…} (content first, as the recipe's files
// show); force_ascii=True, i.e. every non-ASCII character as \uXXXX (lowercase hex, surrogate
// pairs above U+FFFF); "/" as "\/"; \b \t \n \f \r or \u00XX for control characters, DEL raw.
//
// "Byte for byte" here means: toRecipeJsonl lines joined by "\n", ending in "\n", are what pandas
// writes for the same records (checked against pandas 3.0.6 / pyarrow 25 on 1,850 real records,
// see test/prompts/fixtures). toJsonl is the same JSON value in plain UTF-8 without "\/": both
// parse to identical objects, which is all TRL reads.
// Caveat: which key comes first in a real run depends on the Arrow struct type the recipe's
// environment inferred; current pyarrow keeps dict order (role first for the recipe's dicts).
// The parsed records are equal either way.
import type { ChatMessage } from './messages.js'

function keyOrdered (messages: readonly ChatMessage[]): string {
  return JSON.stringify({ messages: messages.map((m) => ({ content: m.content, role: m.role })) })
}

// One record, no trailing newline, escaped exactly as pandas does.
export function toRecipeJsonl (messages: readonly ChatMessage[]): string {
  // The keys and punctuation are ASCII without "/", so only string contents are rewritten.
  return keyOrdered(messages).replace(/[/\u0080-\uffff]/g, (c) =>
    c === '/' ? '\\/' : '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
}

// Same record and key order, UTF-8 and unescaped slashes (JSON.stringify).
export function toJsonl (messages: readonly ChatMessage[]): string {
  return keyOrdered(messages)
}
