// Runs the real `t2s` as a child process (node bin/t2s.js …), as a user's shell would.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../bin/t2s.js', import.meta.url))

export interface Run { code: number | null, stdout: string, stderr: string }

/**
 * Starts `t2s …` (or another executable `bin`) with only PATH and `env` in its environment;
 * `done` resolves when it exits. Every output is passed to `seen` (tests check the key is never printed).
 */
export function startCli (args: string[], env: Record<string, string>, opts: { bin?: string, cwd?: string, seen?: string[] } = {}): { child: ChildProcess, done: Promise<Run> } {
  const [cmd, argv] = opts.bin === undefined ? [process.execPath, [BIN, ...args]] : [opts.bin, args]
  const child = spawn(cmd, argv, { env: { PATH: process.env.PATH!, ...env }, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''; let stderr = ''
  child.stdout!.on('data', (c) => { stdout += c })
  child.stderr!.on('data', (c) => { stderr += c })
  const done = new Promise<Run>((resolve) => child.on('close', (code) => {
    opts.seen?.push(stdout, stderr)
    resolve({ code, stdout, stderr })
  }))
  return { child, done }
}
