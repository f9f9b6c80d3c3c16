// Canned answer scripts for the fake OpenAI server (a TEST STAND-IN for vLLM, never a feature).
// They let a person drive the suite end to end on a laptop, and give tests a sensible default.
import type { FakeAnswer, FakeMessage } from './server.js'

/** Text of a message whether `content` is a string or an array of `{ type: 'text', text }` parts. */
export function messageText (message: FakeMessage): string {
  const content = message.content
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content.map((part) => (part !== null && typeof part === 'object' && typeof part.text === 'string') ? part.text : '').join('')
  }
  return ''
}

// The teacher prompt (docs/recipe-formats.md §4) carries the gold SQL on its own line, followed by a blank line.
const GOLD_RE = /-- Gold SQL Output: (.*?)(?:\n[ \t]*\n|$)/s

/**
 * `gold`: for a teacher-style prompt, a step-by-step explanation ending in a ```sql block that holds
 * the prompt's gold SQL (so the recipe's exact-match filter keeps it); otherwise ```sql SELECT 1```.
 */
export const goldAnswer: FakeAnswer = ({ messages }) => {
  const prompt = messages.map(messageText).join('\n')
  const gold = GOLD_RE.exec(prompt)?.[1]?.trim()
  if (gold === undefined || gold === '') return '```sql\nSELECT 1\n```'
  return [
    'Let me think through this step by step:',
    '',
    '1. First, I need to consider which tables hold the columns the question asks about.',
    '2. Then, I need to join them on their keys and apply the conditions from the external knowledge.',
    '3. Next, I select and aggregate the requested values.',
    '',
    'Finally, the SQL statement for the text question is: ',
    '```sql',
    gold,
    '```'
  ].join('\n')
}

/** `echo`: the last user message, verbatim (handy to inspect prompts). */
const echoAnswer: FakeAnswer = ({ messages }) => {
  const user = messages.filter((m) => m.role === 'user').at(-1)
  return user === undefined ? '' : messageText(user)
}

/** `flaky`: like `gold`, but about one call in five answers 503 (to watch retries locally). */
const flakyAnswer: FakeAnswer = (req) => {
  if (req.index === 0 && req.call % 5 === 4) return { status: 503 }
  return goldAnswer(req)
}

export const scripts: Record<string, FakeAnswer> = { gold: goldAnswer, echo: echoAnswer, flaky: flakyAnswer }
