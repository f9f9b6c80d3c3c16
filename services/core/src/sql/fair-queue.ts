/**
 * The sandbox's waiting room: interactive queries first, then batch queries taking turns
 * by group (a job id), so a small job never waits behind every query of a large one.
 */
export interface Queued {
  interactive: boolean
  group: string
}

export class FairQueue<T extends Queued> {
  private readonly interactive: T[] = []
  // Insertion order is the turn order: a group that was served moves to the back.
  private readonly groups = new Map<string, T[]>()
  private count = 0

  get length (): number { return this.count }
  get interactiveLength (): number { return this.interactive.length }

  push (item: T, front = false): void {
    let list = item.interactive ? this.interactive : this.groups.get(item.group)
    if (list === undefined) this.groups.set(item.group, list = [])
    if (front) list.unshift(item)
    else list.push(item)
    this.count++
  }

  /** The next query to start; batch queries only when `batchAllowed`. */
  shift (batchAllowed = true): T | undefined {
    const first = this.interactive.shift()
    if (first !== undefined) {
      this.count--
      return first
    }
    if (!batchAllowed) return undefined
    for (const [group, list] of this.groups) {
      const item = list.shift()
      this.groups.delete(group)
      if (list.length > 0) this.groups.set(group, list)
      if (item !== undefined) {
        this.count--
        return item
      }
    }
    return undefined
  }

  remove (item: T): boolean {
    const list = item.interactive ? this.interactive : this.groups.get(item.group)
    const i = list?.indexOf(item) ?? -1
    if (i < 0) return false
    list!.splice(i, 1)
    if (!item.interactive && list!.length === 0) this.groups.delete(item.group)
    this.count--
    return true
  }

  /** Empties the queue, returning what it held. */
  drain (): T[] {
    const all = [...this.interactive, ...[...this.groups.values()].flat()]
    this.interactive.length = 0
    this.groups.clear()
    this.count = 0
    return all
  }
}
