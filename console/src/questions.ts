import { get } from './api.js'
import type { Question } from './types.js'

const PAGE = 1000
const cache = new Map<string, Promise<Question[]>>()

/** Every question of a source (pages of 1,000; BIRD dev is two), fetched once per source and kept for the tab. */
export function allQuestions (sourceId: string): Promise<Question[]> {
  let p = cache.get(sourceId)
  if (!p) {
    p = (async () => {
      const out: Question[] = []
      for (;;) {
        const page = await get<{ items: Question[], total: number }>(`/v1/sources/${encodeURIComponent(sourceId)}/questions?offset=${out.length}&limit=${PAGE}`)
        out.push(...page.items)
        if (page.items.length === 0 || out.length >= page.total) return out
      }
    })()
    p.catch(() => cache.delete(sourceId))
    cache.set(sourceId, p)
  }
  return p
}
