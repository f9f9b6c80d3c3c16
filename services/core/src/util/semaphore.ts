import { setTimeout as delay } from 'node:timers/promises'

/**
 * A FIFO counting semaphore whose waiters can give up: bounds how many async tasks run at
 * once (items of a job, requests to an endpoint, creations of a resource).
 */
export class Semaphore {
  private active = 0
  private readonly waiters: Array<{ grant: () => void }> = []

  constructor (readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${limit}`)
  }

  /** slots held now */
  get inUse (): number { return this.active }
  /** callers waiting for a slot */
  get queued (): number { return this.waiters.length }

  /**
   * Resolves with a release function once a slot is free (first come, first served).
   * If `signal` aborts while waiting, rejects with its reason and leaves the queue at once.
   * The release function is idempotent.
   */
  acquire (signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    if (this.active < this.limit) {
      this.active++
      return Promise.resolve(this.releaser())
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve(this.releaser())
        }
      }
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter)
        if (i >= 0) this.waiters.splice(i, 1)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(waiter)
    })
  }

  /** Runs `fn` holding a slot. */
  async run<T> (fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire()
    try {
      return await fn()
    } finally {
      release()
    }
  }

  private releaser (): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiters.shift()
      // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      if (next !== undefined) next.grant()
      else this.active--
    }
  }
}

/** Waits `ms`, or less when `signal` aborts first (then resolves too: the caller checks why it woke). */
export async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch((err: unknown) => { if (signal?.aborted !== true) throw err })
}

/**
 * A counting semaphore shared by several parties (jobs): waiters are granted slots by
 * turns between parties, so a party with one waiter is never queued behind another's hundreds.
 */
export class FairSemaphore {
  private active = 0
  // Insertion order is the turn order: a party that was granted moves to the back.
  private readonly waiters = new Map<string, Array<() => void>>()

  constructor (readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${limit}`)
  }

  get inUse (): number { return this.active }
  /** callers waiting for a slot, all parties together */
  get queued (): number {
    let n = 0
    for (const list of this.waiters.values()) n += list.length
    return n
  }

  /** Resolves with an idempotent release function; rejects with the signal's reason if it aborts first. */
  acquire (party: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    if (this.active < this.limit && this.waiters.size === 0) {
      this.active++
      return Promise.resolve(this.releaser())
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve(this.releaser())
      }
      const onAbort = (): void => {
        const list = this.waiters.get(party)
        const i = list?.indexOf(grant) ?? -1
        if (i >= 0) list!.splice(i, 1)
        if (list?.length === 0) this.waiters.delete(party)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      let list = this.waiters.get(party)
      if (list === undefined) this.waiters.set(party, list = [])
      list.push(grant)
      if (this.active < this.limit) this.grantNext()
    })
  }

  private grantNext (): boolean {
    for (const [party, list] of this.waiters) {
      const next = list.shift()
      this.waiters.delete(party)
      if (list.length > 0) this.waiters.set(party, list)
      if (next !== undefined) {
        this.active++
        next()
        return true
      }
    }
    return false
  }

  private releaser (): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      this.active--
      this.grantNext()
    }
  }
}
