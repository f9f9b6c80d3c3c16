import { cpus, totalmem } from 'node:os'

/** One line naming the machine a benchmark ran on, for bench/README.md. */
export function machine (): string {
  const c = cpus()
  return `${c[0]?.model ?? 'unknown CPU'} × ${c.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`
}
