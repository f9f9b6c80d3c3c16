import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'

export interface Proc {
  child: ChildProcess
  output: () => string
  kill: (signal?: NodeJS.Signals) => Promise<void>
}

/** Starts a TypeScript entry point with tsx and resolves once it prints `readyLine` (if given). */
export async function startTs (entry: string, env: Record<string, string>, readyLine?: RegExp, timeoutMs = 60_000): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d) => { out += d })
  child.stderr!.on('data', (d) => { out += d })
  if (readyLine) {
    const deadline = Date.now() + timeoutMs
    while (!readyLine.test(out)) {
      if (child.exitCode !== null) throw new Error(`${entry} exited ${child.exitCode}:\n${out}`)
      if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`${entry} not ready in ${timeoutMs} ms:\n${out}`) }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
  return {
    child,
    output: () => out,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill(signal)
      await exited
    }
  }
}

export async function waitFor<T> (fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const v = await fn()
      if (v) return v
    } catch (err) { last = err }
    await new Promise((resolve) => setTimeout(resolve, stepMs))
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`)
}
