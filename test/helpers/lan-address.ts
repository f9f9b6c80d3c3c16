// A non-loopback address of this machine for browser tests: Chromium treats every
// 127.0.0.0/8 origin as secure, so plain-HTTP behaviour (mixed content, upgrade-insecure-
// requests, HSTS) only shows on another address. A veth pair gets one end in a fresh network
// namespace and the other here with 192.0.2.1 (TEST-NET-1, RFC 5737: never routed).
import { spawnSync } from 'node:child_process'

export interface LanAddress { address: string, remove: () => void }

const ip = (...args: string[]) => {
  const r = spawnSync('ip', args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`)
}

/** Creates the pair, or returns the reason it cannot (no root, no iproute2, no veth support). */
export function makeLanAddress (): LanAddress | string {
  const tag = `t2s${process.pid % 100000}`
  const ns = `${tag}ns`
  const host = `${tag}a`
  const peer = `${tag}b`
  const remove = () => {
    spawnSync('ip', ['link', 'del', host])
    spawnSync('ip', ['netns', 'del', ns])
  }
  try {
    ip('netns', 'add', ns)
    ip('link', 'add', host, 'type', 'veth', 'peer', 'name', peer)
    ip('link', 'set', peer, 'netns', ns)
    ip('addr', 'add', '192.0.2.1/24', 'dev', host)
    ip('link', 'set', host, 'up')
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', '192.0.2.2/24', 'dev', peer)
    ip('netns', 'exec', ns, 'ip', 'link', 'set', peer, 'up')
    return { address: '192.0.2.1', remove }
  } catch (err) {
    remove()
    return (err as Error).message
  }
}
