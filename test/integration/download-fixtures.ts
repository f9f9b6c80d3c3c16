import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { crc32, deflateRawSync } from 'node:zlib'

/** One entry of a zip made by `makeZip`; the optional fields forge hostile archives. */
export interface ZipSpec {
  name: string
  data?: Buffer
  /** 0 stored, 8 deflate (default for non-empty data). */
  method?: 0 | 8
  /** A unix mode (e.g. 0o120777 for a symlink) stored in the external attributes. */
  unixMode?: number
  /** Lie about the unpacked size in both headers. */
  declaredSize?: number
  /** Lie about the CRC-32. */
  declaredCrc?: number
}

/**
 * Writes a zip archive in memory, as zip tools lay it out: local headers and data, then
 * the central directory and its end record. `zip64` forces the zip64 fields everywhere
 * (saturated 32-bit slots, extra fields, zip64 end record and locator).
 */
export function makeZip (specs: ZipSpec[], opts: { zip64?: boolean } = {}): Buffer {
  const z64 = opts.zip64 ?? false
  const parts: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const s of specs) {
    const data = s.data ?? Buffer.alloc(0)
    const method = s.method ?? (data.length > 0 ? 8 : 0)
    const packed = method === 8 ? deflateRawSync(data, { level: 9 }) : data
    const size = s.declaredSize ?? data.length
    const crc = s.declaredCrc ?? crc32(data)
    const name = Buffer.from(s.name, 'utf8')
    const localExtra = z64 ? zip64Field([size, packed.length]) : Buffer.alloc(0)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(z64 ? 45 : 20, 4)
    local.writeUInt16LE(0x800, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(z64 ? 0xffffffff : packed.length, 18)
    local.writeUInt32LE(z64 ? 0xffffffff : size, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(localExtra.length, 28)
    parts.push(local, name, localExtra, packed)
    const centralExtra = z64 ? zip64Field([size, packed.length, offset]) : Buffer.alloc(0)
    const c = Buffer.alloc(46)
    c.writeUInt32LE(0x02014b50, 0)
    c.writeUInt16LE(s.unixMode !== undefined ? (3 << 8) | 20 : 20, 4)
    c.writeUInt16LE(z64 ? 45 : 20, 6)
    c.writeUInt16LE(0x800, 8)
    c.writeUInt16LE(method, 10)
    c.writeUInt32LE(crc, 16)
    c.writeUInt32LE(z64 ? 0xffffffff : packed.length, 20)
    c.writeUInt32LE(z64 ? 0xffffffff : size, 24)
    c.writeUInt16LE(name.length, 28)
    c.writeUInt16LE(centralExtra.length, 30)
    c.writeUInt32LE(s.unixMode !== undefined ? (s.unixMode << 16) >>> 0 : 0, 38)
    c.writeUInt32LE(z64 ? 0xffffffff : offset, 42)
    central.push(c, name, centralExtra)
    offset += 30 + name.length + localExtra.length + packed.length
  }
  const cd = Buffer.concat(central)
  const tail: Buffer[] = []
  if (z64) {
    const rec = Buffer.alloc(56)
    rec.writeUInt32LE(0x06064b50, 0)
    rec.writeBigUInt64LE(44n, 4)
    rec.writeUInt16LE(45, 12)
    rec.writeUInt16LE(45, 14)
    rec.writeBigUInt64LE(BigInt(specs.length), 24)
    rec.writeBigUInt64LE(BigInt(specs.length), 32)
    rec.writeBigUInt64LE(BigInt(cd.length), 40)
    rec.writeBigUInt64LE(BigInt(offset), 48)
    const loc = Buffer.alloc(20)
    loc.writeUInt32LE(0x07064b50, 0)
    loc.writeBigUInt64LE(BigInt(offset + cd.length), 8)
    loc.writeUInt32LE(1, 16)
    tail.push(rec, loc)
  }
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(z64 ? 0xffff : specs.length, 8)
  end.writeUInt16LE(z64 ? 0xffff : specs.length, 10)
  end.writeUInt32LE(z64 ? 0xffffffff : cd.length, 12)
  end.writeUInt32LE(z64 ? 0xffffffff : offset, 16)
  return Buffer.concat([...parts, cd, ...tail, end])
}

function zip64Field (values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length)
  b.writeUInt16LE(0x0001, 0)
  b.writeUInt16LE(8 * values.length, 2)
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i))
  return b
}

export interface ServedRequest { path: string, range: string | null, ifRange: string | null, status: number, sent: number }

export interface ArchiveServer {
  url: (name: string) => string
  requests: ServedRequest[]
  /** The next response for `name` closes the connection after `bytes` body bytes. */
  dropNext: (name: string, bytes: number) => void
  /** The next response for `name` sends `bytes` body bytes, then nothing, keeping the connection open. */
  stallNext: (name: string, bytes: number) => void
  /** The next request for `name` is answered with this status and no body. */
  failNext: (name: string, status: number) => void
  /** Replaces a file (its ETag changes with it). */
  put: (name: string, body: Buffer) => void
  close: () => Promise<void>
}

/** A local HTTP file server with Range, If-Range and ETag, that can drop a transfer halfway. */
export async function startArchiveServer (files: Record<string, Buffer>): Promise<ArchiveServer> {
  const requests: ServedRequest[] = []
  const drops = new Map<string, number>()
  const stalls = new Map<string, number>()
  const failures = new Map<string, number>()
  const etag = (v: Buffer) => `"${createHash('sha256').update(v).digest('hex').slice(0, 16)}"`
  const etags = new Map(Object.entries(files).map(([k, v]) => [k, etag(v)]))
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1))
    const body = files[name]
    const rec: ServedRequest = { path: name, range: req.headers.range ?? null, ifRange: (req.headers['if-range'] as string | undefined) ?? null, status: 0, sent: 0 }
    requests.push(rec)
    if (!body) { rec.status = 404; res.writeHead(404).end(); return }
    const fail = failures.get(name)
    if (fail !== undefined) { failures.delete(name); rec.status = fail; res.writeHead(fail).end(); return }
    let start = 0
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    const rangeOk = m !== null && (rec.ifRange === null || rec.ifRange === etags.get(name))
    if (rangeOk) {
      start = Number(m[1])
      if (start >= body.length) { rec.status = 416; res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end(); return }
      rec.status = 206
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, etag: etags.get(name), 'accept-ranges': 'bytes' })
    } else {
      rec.status = 200
      res.writeHead(200, { 'content-length': body.length, etag: etags.get(name), 'accept-ranges': 'bytes' })
    }
    const drop = drops.get(name)
    drops.delete(name)
    const stall = stalls.get(name)
    stalls.delete(name)
    const cut = drop ?? stall
    const end = cut !== undefined ? Math.min(body.length, start + cut) : body.length
    let pos = start
    // Written in slices with backpressure, like a real file server.
    const pump = () => {
      while (pos < end) {
        const next = Math.min(end, pos + 256 * 1024)
        const chunk = body.subarray(pos, next)
        rec.sent += chunk.length
        pos = next
        if (!res.write(chunk)) { res.once('drain', pump); return }
      }
      if (drop !== undefined) res.socket?.destroy()
      else if (stall === undefined) res.end()
    }
    pump()
  }
  const server: Server = createServer(handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    requests,
    dropNext: (name, bytes) => { drops.set(name, bytes) },
    stallNext: (name, bytes) => { stalls.set(name, bytes) },
    failNext: (name, status) => { failures.set(name, status) },
    put: (name, body) => { files[name] = body; etags.set(name, etag(body)) },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
