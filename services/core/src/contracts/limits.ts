/**
 * The size bounds of every text that enters the suite, in characters, in one place: the
 * HTTP contracts, source registration and predictions all check against these before any
 * expensive work (tokenising, prompting, executing). BIRD's longest question is ~400
 * characters, its longest evidence ~1,600 and its longest gold SQL ~2,900; the bounds
 * leave ample room for other benchmarks while keeping one item far from the tokenizer's
 * and the NATS payload's limits (a 5 MB question once overflowed the tokenizer's stack).
 */
export const TEXT_LIMITS = {
  question: 10_000,
  evidence: 20_000,
  sql: 100_000,
  /** A source id or name, a model name. */
  name: 256
} as const

/** "questions[3].question is 5000000 characters; the limit is 10000". */
export const overLimit = (field: string, length: number, limit: number) =>
  `${field} is ${length} characters; the limit is ${limit}`
