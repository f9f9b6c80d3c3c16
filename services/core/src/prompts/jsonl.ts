// JSON Lines as the recipe writes them: HF datasets' Dataset.to_json(orient="records") calls
// pandas' DataFrame.to_json(orient="records", lines=True) batch by batch, so each line is
// pandas' ujson output: no spaces, messages as {"content":…,"role":…} (content first), and
// pandas' default force_ascii=True escaping: every non-ASCII character as \uXXXX (lowercase
// hex, UTF-16 surrogate pairs above U+FFFF) and "/" as "\/". Control characters come out as
// JSON.stringify writes them (\b \t \n \f \r, else \u00XX), which is what ujson writes too.
// "Byte for byte" therefore means: toRecipeJsonl lines joined by "\n", with a final "\n", are the
// recipe's file bytes. toJsonl gives the same JSON value in plain UTF-8 (what we store): both
// parse to identical objects, so either feeds TRL.
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

// Same record, same key order, UTF-8 and unescaped slashes (JSON.stringify).
export function toJsonl (messages: readonly ChatMessage[]): string {
  return keyOrdered(messages)
}
