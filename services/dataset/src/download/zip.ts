import { constants as fsc, createReadStream } from 'node:fs'
import { mkdir, open, type FileHandle } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
// zlib.crc32 (Node ≥ 20.15): zip's CRC-32, continued chunk by chunk from the previous value.
import { crc32, createInflateRaw } from 'node:zlib'

/**
 * A zip reader for archives that may be hostile. It trusts the central directory only
 * after checking it whole (names, types, sizes, ratios, overlaps) and writes nothing
 * before every check passed; while inflating it still counts every byte, so a header
 * that lies about sizes is caught after at most one chunk.
 * Supports stored and deflated entries and zip64; refuses encryption, links, special
 * files, names that leave the target, and multi-disk archives.
 */

export class ZipError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ZipError'
  }
}

export interface ZipEntry {
  /** Name as stored in the archive. */
  name: string
  /** Normalised relative path ('a/b.txt'); directories have no trailing slash. */
  path: string
  isDir: boolean
  method: number
  compressedSize: number
  size: number
  crc32: number
  localHeaderOffset: number
}

export interface ZipLimits {
  /** Bytes all file entries may unpack to. */
  maxBytes: number
  /** Entries the archive may hold. */
  maxFiles: number
  /** Largest uncompressed:compressed ratio of an entry of `ratioFloor` bytes or more. */
  maxRatio: number
  ratioFloor?: number
}

export interface ExtractOptions {
  limits: ZipLimits
  signal?: AbortSignal
  /** Entries whose path this returns true for are not written (e.g. `__MACOSX/`). */
  skip?: (path: string) => boolean
  /** Called as bytes are written, with the running total of this archive. */
  onBytes?: (written: number) => void
  /** Shown in error messages instead of the archive's file name. */
  label?: string
  /** Called with the checked entries before anything is written (free-space checks, progress); may throw to stop. */
  onEntries?: (entries: ZipEntry[]) => void | Promise<void>
}

export interface ExtractResult { files: number, dirs: number, bytes: number, entries: ZipEntry[] }

const SIG_EOCD = 0x06054b50
const SIG_EOCD64 = 0x06064b50
const SIG_EOCD64_LOCATOR = 0x07064b50
const SIG_CENTRAL = 0x02014b50
const SIG_LOCAL = 0x04034b50
const MAX_CENTRAL_DIRECTORY = 256 * 1024 * 1024
const MAX_NAME = 4096
const S_IFMT = 0o170000
const S_IFREG = 0o100000
const S_IFDIR = 0o040000
const S_IFLNK = 0o120000
const HOSTS_WITH_UNIX_MODES = new Set([3, 19]) // UNIX, OS X

/** Reads and checks the central directory; throws ZipError naming the first problem. */
export async function readZip (file: string, limits: ZipLimits, label = 'archive'): Promise<ZipEntry[]> {
  const fh = await open(file, 'r')
  try {
    const { size } = await fh.stat()
    const cd = await locateCentralDirectory(fh, size, label)
    if (cd.entries > limits.maxFiles) throw new ZipError(`${label} has ${cd.entries} entries, more than the limit of ${limits.maxFiles}`)
    if (cd.size > MAX_CENTRAL_DIRECTORY) throw new ZipError(`${label}: central directory of ${cd.size} bytes is too large`)
    if (cd.offset + cd.size > size) throw new ZipError(`${label} is truncated or not a zip archive (central directory past the end)`)
    const buf = await readAt(fh, cd.offset, cd.size)
    const entries = parseCentralDirectory(buf, cd.entries, label)
    await checkEntries(fh, entries, cd.offset, limits, label)
    return entries
  } finally {
    await fh.close()
  }
}

/**
 * Unpacks `file` into the existing folder `target`. Files are created exclusively
 * (O_EXCL, O_NOFOLLOW): an entry never replaces or follows anything already there.
 */
export async function extractZip (file: string, target: string, opts: ExtractOptions): Promise<ExtractResult> {
  const label = opts.label ?? 'archive'
  const entries = await readZip(file, opts.limits, label)
  await opts.onEntries?.(entries)
  const fh = await open(file, 'r')
  let written = 0
  let files = 0
  let dirs = 0
  try {
    for (const entry of entries) {
      opts.signal?.throwIfAborted()
      if (opts.skip?.(entry.path)) continue
      const dest = join(target, entry.path)
      if (entry.isDir) {
        await mkdir(dest, { recursive: true })
        dirs++
        continue
      }
      await mkdir(dirname(dest), { recursive: true })
      const start = await dataStart(fh, entry, label)
      written += await extractEntry(file, start, entry, dest, label, opts, written)
      files++
    }
  } finally {
    await fh.close()
  }
  return { files, dirs, bytes: written, entries }
}

async function extractEntry (file: string, start: number, entry: ZipEntry, dest: string, label: string, opts: ExtractOptions, before: number): Promise<number> {
  let out: FileHandle
  try {
    out = await open(dest, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o644)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ZipError(`${label}: entry "${entry.name}" would overwrite an existing file`)
    throw err
  }
  let count = 0
  let crc = 0
  // Counts and checksums what inflates; stops at the first byte past the declared size.
  const guard = new Transform({
    transform (chunk: Buffer, _enc, done) {
      count += chunk.length
      if (count > entry.size) {
        done(new ZipError(`${label}: entry "${entry.name}" inflates past its declared ${entry.size} bytes; refusing a likely zip bomb`))
        return
      }
      crc = crc32(chunk, crc)
      opts.onBytes?.(before + count)
      done(null, chunk)
    }
  })
  try {
    if (entry.compressedSize > 0) {
      // The stream closes the handle when it finishes or fails.
      const sink = out.createWriteStream()
      const source = createReadStream(file, { start, end: start + entry.compressedSize - 1, highWaterMark: 256 * 1024 })
      if (entry.method === 8) {
        await pipeline(source, createInflateRaw(), guard, sink, { signal: opts.signal })
      } else {
        await pipeline(source, guard, sink, { signal: opts.signal })
      }
    }
  } catch (err) {
    if (err instanceof ZipError || opts.signal?.aborted) throw err
    if ((err as { code?: string }).code?.startsWith('Z_')) throw new ZipError(`${label}: entry "${entry.name}" is corrupt (${(err as Error).message})`)
    throw err
  } finally {
    await out.close()
  }
  if (count !== entry.size) throw new ZipError(`${label}: entry "${entry.name}" unpacked to ${count} bytes, not the declared ${entry.size}`)
  if (crc !== entry.crc32) throw new ZipError(`${label}: entry "${entry.name}" fails its CRC-32 check`)
  return count
}

async function locateCentralDirectory (fh: FileHandle, size: number, label: string): Promise<{ entries: number, size: number, offset: number }> {
  const notZip = () => new ZipError(`${label} is not a zip archive (no end of central directory record)`)
  if (size < 22) throw notZip()
  const tailLen = Math.min(size, 22 + 0xffff)
  const tail = await readAt(fh, size - tailLen, tailLen)
  let at = -1
  for (let i = tail.length - 22; i >= 0; i--) {
    // The comment length must reach exactly to the end: a signature inside a comment does not count.
    if (tail.readUInt32LE(i) === SIG_EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) { at = i; break }
  }
  if (at < 0) throw notZip()
  const disk = tail.readUInt16LE(at + 4)
  const cdDisk = tail.readUInt16LE(at + 6)
  let entries = tail.readUInt16LE(at + 10)
  let cdSize = tail.readUInt32LE(at + 12)
  let cdOffset = tail.readUInt32LE(at + 16)
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const eocdPos = size - tailLen + at
    if (eocdPos < 20) throw new ZipError(`${label}: zip64 locator missing`)
    const loc = await readAt(fh, eocdPos - 20, 20)
    if (loc.readUInt32LE(0) !== SIG_EOCD64_LOCATOR) throw new ZipError(`${label}: zip64 locator missing`)
    if (loc.readUInt32LE(16) > 1) throw new ZipError(`${label} spans several disks, which is not supported`)
    const recPos = safe(loc.readBigUInt64LE(8), label)
    if (recPos + 56 > size) throw new ZipError(`${label}: zip64 end record past the end of the file`)
    const rec = await readAt(fh, recPos, 56)
    if (rec.readUInt32LE(0) !== SIG_EOCD64) throw new ZipError(`${label}: zip64 end record missing`)
    if (rec.readUInt32LE(16) !== 0 || rec.readUInt32LE(20) !== 0) throw new ZipError(`${label} spans several disks, which is not supported`)
    entries = safe(rec.readBigUInt64LE(32), label)
    cdSize = safe(rec.readBigUInt64LE(40), label)
    cdOffset = safe(rec.readBigUInt64LE(48), label)
  } else if (disk !== 0 || cdDisk !== 0) {
    throw new ZipError(`${label} spans several disks, which is not supported`)
  }
  return { entries, size: cdSize, offset: cdOffset }
}

function parseCentralDirectory (buf: Buffer, expected: number, label: string): ZipEntry[] {
  const entries: ZipEntry[] = []
  let p = 0
  while (p < buf.length) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== SIG_CENTRAL) throw new ZipError(`${label}: damaged central directory at entry ${entries.length}`)
    const madeBy = buf.readUInt16LE(p + 4)
    const flags = buf.readUInt16LE(p + 8)
    const method = buf.readUInt16LE(p + 10)
    const crc = buf.readUInt32LE(p + 16)
    let compressedSize = buf.readUInt32LE(p + 20)
    let size = buf.readUInt32LE(p + 24)
    const nameLen = buf.readUInt16LE(p + 28)
    const extraLen = buf.readUInt16LE(p + 30)
    const commentLen = buf.readUInt16LE(p + 32)
    const diskStart = buf.readUInt16LE(p + 34)
    const external = buf.readUInt32LE(p + 38)
    let offset = buf.readUInt32LE(p + 42)
    const end = p + 46 + nameLen + extraLen + commentLen
    if (end > buf.length) throw new ZipError(`${label}: damaged central directory at entry ${entries.length}`)
    // Bit 11: the name is UTF-8; otherwise CP437, whose ASCII part is all that matters for the checks.
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1')
    const extra = buf.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen)
    if (size === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff) {
      const z = zip64Extra(extra, { size: size === 0xffffffff, compressed: compressedSize === 0xffffffff, offset: offset === 0xffffffff }, name, label)
      size = z.size ?? size
      compressedSize = z.compressed ?? compressedSize
      offset = z.offset ?? offset
    }
    if (diskStart !== 0 && diskStart !== 0xffff) throw new ZipError(`${label} spans several disks, which is not supported`)
    const isDirName = name.endsWith('/')
    const path = safePath(name, label)
    const mode = HOSTS_WITH_UNIX_MODES.has(madeBy >> 8) ? (external >>> 16) & S_IFMT : 0
    if (mode === S_IFLNK) throw new ZipError(`${label}: entry "${name}" is a symbolic link; links are refused`)
    if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) throw new ZipError(`${label}: entry "${name}" is not a regular file or folder`)
    const isDir = isDirName || mode === S_IFDIR
    if (flags & 0x1) throw new ZipError(`${label}: entry "${name}" is encrypted`)
    if (!isDir && method !== 0 && method !== 8) throw new ZipError(`${label}: entry "${name}" uses compression method ${method}; only stored (0) and deflate (8) are supported`)
    if (!isDir && method === 0 && size !== compressedSize) throw new ZipError(`${label}: stored entry "${name}" declares different packed and unpacked sizes`)
    if (isDir && size !== 0) throw new ZipError(`${label}: folder entry "${name}" has content`)
    entries.push({ name, path, isDir, method, compressedSize, size, crc32: crc, localHeaderOffset: offset })
    p = end
  }
  if (entries.length !== expected) throw new ZipError(`${label}: central directory lists ${entries.length} entries, its end record says ${expected}`)
  return entries
}

function zip64Extra (extra: Buffer, need: { size: boolean, compressed: boolean, offset: boolean }, name: string, label: string): { size?: number, compressed?: number, offset?: number } {
  let p = 0
  while (p + 4 <= extra.length) {
    const id = extra.readUInt16LE(p)
    const len = extra.readUInt16LE(p + 2)
    if (id === 0x0001) {
      const body = extra.subarray(p + 4, p + 4 + len)
      let q = 0
      const next = () => {
        if (q + 8 > body.length) throw new ZipError(`${label}: entry "${name}" has a short zip64 field`)
        const v = safe(body.readBigUInt64LE(q), label)
        q += 8
        return v
      }
      // Fields appear in this fixed order, each only when its 32-bit slot is saturated.
      const out: { size?: number, compressed?: number, offset?: number } = {}
      if (need.size) out.size = next()
      if (need.compressed) out.compressed = next()
      if (need.offset) out.offset = next()
      return out
    }
    p += 4 + len
  }
  throw new ZipError(`${label}: entry "${name}" needs a zip64 field that is missing`)
}

/** Turns an entry name into a relative path, refusing anything that could leave the target. */
export function safePath (name: string, label = 'archive'): string {
  const bad = (why: string) => new ZipError(`${label}: entry "${name.slice(0, 200)}" ${why}; refusing the archive`)
  if (name.length === 0) throw bad('has an empty name')
  if (name.length > MAX_NAME) throw bad('has a name longer than 4096 characters')
  if (name.includes('\0')) throw bad('contains a NUL byte')
  if (name.includes('\\')) throw bad('contains a backslash')
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw bad('is an absolute path')
  const parts = name.split('/').filter((s) => s !== '' && s !== '.')
  if (parts.includes('..')) throw bad("leaves the target folder ('..')")
  if (parts.length === 0) throw bad('names no file')
  if (parts.some((s) => Buffer.byteLength(s) > 255)) throw bad('has a path component longer than 255 bytes')
  return parts.join('/')
}

/** Whole-archive checks, all before the first byte is written. */
async function checkEntries (fh: FileHandle, entries: ZipEntry[], cdOffset: number, limits: ZipLimits, label: string): Promise<void> {
  const floor = limits.ratioFloor ?? 1024 * 1024
  let total = 0
  const files = new Set<string>()
  const dirs = new Set<string>()
  for (const e of entries) {
    if (e.isDir) { dirs.add(e.path); continue }
    if (files.has(e.path)) throw new ZipError(`${label}: entry "${e.name}" appears twice`)
    files.add(e.path)
    total += e.size
    if (total > limits.maxBytes) throw new ZipError(`${label} unpacks to more than the limit of ${limits.maxBytes} bytes; refusing a likely zip bomb`)
    if (e.size >= floor && e.size > limits.maxRatio * Math.max(1, e.compressedSize)) {
      const ratio = Math.round(e.size / Math.max(1, e.compressedSize))
      throw new ZipError(`${label}: entry "${e.name}" expands ${ratio}:1 (${e.compressedSize} → ${e.size} bytes), past the limit of ${limits.maxRatio}:1; refusing a likely zip bomb`)
    }
    const parts = e.path.split('/')
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'))
  }
  for (const f of files) if (dirs.has(f)) throw new ZipError(`${label}: "${f}" is both a file and a folder`)
  // Entries whose data overlap are how the densest zip bombs reuse one compressed stream.
  const spans: Array<[number, number, string]> = []
  for (const e of entries) {
    if (e.isDir && e.compressedSize === 0) continue
    spans.push([e.localHeaderOffset, (await dataStart(fh, e, label)) + e.compressedSize, e.name])
  }
  spans.sort((a, b) => a[0] - b[0])
  for (let i = 0; i < spans.length; i++) {
    const limit = i + 1 < spans.length ? spans[i + 1][0] : cdOffset
    if (spans[i][1] > limit) throw new ZipError(`${label}: entry "${spans[i][2]}" overlaps the next entry or the central directory; refusing a likely zip bomb`)
  }
}

const starts = new WeakMap<ZipEntry, number>()

/** Offset of an entry's data, after its local header (whose name must match the central one). */
async function dataStart (fh: FileHandle, e: ZipEntry, label: string): Promise<number> {
  const known = starts.get(e)
  if (known !== undefined) return known
  const head = await readAt(fh, e.localHeaderOffset, 30)
  if (head.length < 30 || head.readUInt32LE(0) !== SIG_LOCAL) throw new ZipError(`${label}: entry "${e.name}" has no local header where the directory says`)
  const nameLen = head.readUInt16LE(26)
  const extraLen = head.readUInt16LE(28)
  const localName = await readAt(fh, e.localHeaderOffset + 30, nameLen)
  if (localName.toString('utf8') !== e.name && localName.toString('latin1') !== e.name) {
    throw new ZipError(`${label}: entry "${e.name}" has a different name in its local header`)
  }
  const start = e.localHeaderOffset + 30 + nameLen + extraLen
  starts.set(e, start)
  return start
}

async function readAt (fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length)
  let got = 0
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  return got === length ? buf : buf.subarray(0, got)
}

function safe (v: bigint, label: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError(`${label}: a zip64 size or offset is out of range`)
  return Number(v)
}
