import { ServiceError } from '../errors.js'
import { mulberry32 } from '../util/random.js'

/** The split's generator (util/random.ts): the rule is HF's (shuffle, test = the first ceil(n × test_size)), the stream is not numpy's. */
export const seededRandom = mulberry32

/** Fisher-Yates permutation of 0..n-1 under `seed`. */
export function seededPermutation (n: number, seed: number): number[] {
  const random = seededRandom(seed)
  const perm = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = perm[i]
    perm[i] = perm[j]
    perm[j] = t
  }
  return perm
}

/**
 * The recipe's train/test split (HF `train_test_split`): shuffle, then the first
 * ceil(n × test_size) examples are the test split and the rest train, in shuffled order.
 * Seeded here, where the recipe's was not.
 */
export function seededSplit<T> (items: readonly T[], testSize: number, seed: number): { train: T[], test: T[] } {
  const n = items.length
  const nTest = Math.ceil(n * testSize)
  if (nTest < 1 || n - nTest < 1) {
    throw new ServiceError('UNPROCESSABLE', `${n} examples cannot be split with test_size ${testSize}: each split needs at least one`)
  }
  const perm = seededPermutation(n, seed)
  return { test: perm.slice(0, nTest).map((i) => items[i]), train: perm.slice(nTest).map((i) => items[i]) }
}

/** Refuses a dataset request whose `limit` leaves too few questions for both splits. */
export function checkSplitLimit (limit: number | undefined): void {
  if (limit !== undefined && limit < 2) throw new ServiceError('BAD_REQUEST', 'body.limit must be >= 2: both splits need an example')
}
