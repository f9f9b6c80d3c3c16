import { createReadStream, mkdirSync, renameSync } from 'node:fs'
import { createWriteStream } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import type { NatsConnection } from '@nats-io/transport-node'
import { DATASET_VERBS, type Dataset, SOURCE_VERBS, type ResolvedSource } from '@t2s/core/contracts'
import { seededSplit } from '@t2s/core/datasets'
import { badRequest, ServiceError } from '@t2s/core'
import { callService } from '@t2s/core/nats'
import { loadRegisteredQuestions } from '@t2s/core/sources'

interface ChatLine { messages?: Array<{ role?: string, content?: unknown }> }

/**
 * GRPO's prompt file: the SFT dataset's train lines, each with the question_id its reward is
 * asked about. The SFT lines carry no id, so the dataset's own build is replayed (its source's
 * questions, minus the dropped ones, through core's seeded split with the dataset's seed and
 * test_size), and every line is checked to hold its question's text and gold SQL: a dataset that
 * cannot be paired this way has no gold SQL per prompt, and is refused.
 * Returns the source (by name) the reward API scores against.
 */
export async function writeGrpoPrompts (nc: NatsConnection, datasetId: string, trainFile: string, out: string): Promise<{ source: string, prompts: number }> {
  if (!datasetId.startsWith('ds_')) throw badRequest(`dataset "${datasetId}": GRPO trains on the prompts of an SFT dataset (ds_…), whose answers are the gold SQL of source questions`)
  const ds = await callService<Dataset>(nc, 'dataset', DATASET_VERBS.get, { id: datasetId }, { timeout: 10_000 })
  let src: ResolvedSource
  try {
    src = await callService<ResolvedSource>(nc, 'dataset', SOURCE_VERBS.resolve, { id: ds.source.id }, { timeout: 10_000 })
  } catch (err) {
    if (err instanceof ServiceError && err.codeName === 'NOT_FOUND') throw badRequest(`dataset "${datasetId}": its source "${ds.source.name}" is no longer registered`)
    throw err
  }
  const p = ds.params as { seed?: number, test_size?: number, limit?: number }
  let questions = loadRegisteredQuestions(src.questions_path, src.questions_sha256)
  if (p.limit) questions = questions.slice(0, p.limit)
  const dropped = new Set(ds.dropped.map((d) => d.index))
  const train = seededSplit(questions.filter((q) => !dropped.has(q.index)), p.test_size ?? 0, p.seed ?? 0).train

  mkdirSync(dirname(out), { recursive: true })
  const tmp = `${out}.tmp-${process.pid}`
  const sink = createWriteStream(tmp)
  let n = 0
  const mismatch = () => badRequest(`dataset "${datasetId}": its train lines do not pair with the questions of source "${src.name}" (line ${n + 1} lacks its question's gold SQL): GRPO needs the gold SQL of every prompt`)
  for await (const text of createInterface({ input: createReadStream(trainFile), crlfDelay: Infinity })) {
    if (text.trim() === '') continue
    const q = train[n]
    let line: ChatLine
    try {
      line = JSON.parse(text) as ChatLine
    } catch {
      throw mismatch()
    }
    const user = line.messages?.find((m) => m.role === 'user')?.content
    const gold = line.messages?.at(-1)
    if (q === undefined || typeof user !== 'string' || !user.includes(q.question) || gold?.role !== 'assistant' || gold.content !== q.sql) throw mismatch()
    sink.write(JSON.stringify({ ...line, question_id: q.question_id ?? q.index }) + '\n')
    n++
  }
  if (n !== train.length || n === 0) throw mismatch()
  await new Promise<void>((resolve, reject) => sink.end((err?: Error | null) => err ? reject(err) : resolve()))
  renameSync(tmp, out)
  return { source: src.name, prompts: n }
}

export const grpoPromptsFile = (dir: string) => join(dir, 'prompts.jsonl')
