/** A FIFO counting semaphore: bounds how many async tasks run at once. */
export class Semaphore {
  private active = 0
  private readonly waiters: Array<() => void> = []

  constructor (private limit: number) {
    if (!(limit >= 1)) throw new RangeError('semaphore limit must be >= 1')
  }

  get inUse (): number { return this.active }
  get waiting (): number { return this.waiters.length }

  async acquire (): Promise<void> {
    if (this.active < this.limit) {
      this.active++
      return
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve))
  }

  release (): void {
    const next = this.waiters.shift()
    if (next) next()
    else this.active--
  }

  async run<T> (fn: () => Promise<T>): Promise<T> {
    await this.acquire()
    try {
      return await fn()
    } finally {
      this.release()
    }
  }
}

export const sleep = async (ms: number, signal?: AbortSignal) => await new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms)
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve() }, { once: true })
})
