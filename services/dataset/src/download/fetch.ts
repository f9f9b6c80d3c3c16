import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, readFile, rename, stat, truncate, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

/** A download that cannot succeed by retrying (HTTP 404, a changed file that cannot resume, …). */
export class DownloadError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'DownloadError'
  }
}

export interface FetchOptions {
  url: string
  /** The partial file; it grows in place and survives crashes, so a later attempt resumes. */
  file: string
  signal: AbortSignal
  onProgress?: (done: number, total: number | null) => void | Promise<void>
  onLog?: (message: string, data?: Record<string, unknown>) => void | Promise<void>
  /** A connection that delivers nothing for this long is dropped and resumed. */
  stallMs?: number
  /** Consecutive attempts without a single new byte before giving up. */
  maxAttempts?: number
  retryDelayMs?: (attempt: number) => number
  progressEveryMs?: number
}

export interface FetchResult {
  bytes: number
  sha256: string
  /** How many times the transfer resumed with a Range request. */
  resumed: number
}

/** Validators of the first response, kept beside the partial file so a resume asks for the same file. */
interface Meta { url: string, etag: string | null, last_modified: string | null, total: number | null }

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504])

/**
 * Streams `url` into `file` and returns its size and sha256. An interrupted transfer
 * (dropped connection, stall, crash of the process) continues with a Range request
 * guarded by If-Range, so a file changed on the server restarts instead of mixing.
 */
export async function fetchResumable (opts: FetchOptions): Promise<FetchResult> {
  const metaFile = `${opts.file}.meta.json`
  const stallMs = opts.stallMs ?? 60_000
  const maxAttempts = opts.maxAttempts ?? 8
  const delay = opts.retryDelayMs ?? ((n: number) => Math.min(30_000, 500 * 2 ** n))
  const every = opts.progressEveryMs ?? 500
  let meta = await readMeta(metaFile)
  let have = await sizeOf(opts.file)
  if (have > 0 && meta?.url !== opts.url) {
    await truncate(opts.file, 0)
    have = 0
    meta = null
  }
  let hash = createHash('sha256')
  let hashed = 0
  if (have > 0) {
    await opts.onLog?.(`resuming a partial download at ${have} bytes`, { bytes: have })
    hashed = await hashPrefix(opts.file, hash, have)
  }
  if (have > 0 && meta?.total === have) {
    await opts.onProgress?.(have, have)
    return { bytes: have, sha256: hash.digest('hex'), resumed: 0 }
  }
  // Every failure names the host: which mirror or proxy failed is the first thing to check.
  const host = new URL(opts.url).host
  let resumed = 0
  let failures = 0
  let lastProgress = 0
  const report = async (force = false) => {
    if (!force && Date.now() - lastProgress < every) return
    lastProgress = Date.now()
    await opts.onProgress?.(have, meta?.total ?? null)
  }

  for (;;) {
    opts.signal.throwIfAborted()
    const attempt = new AbortController()
    const signal = AbortSignal.any([opts.signal, attempt.signal])
    let lastByte = Date.now()
    const watchdog = setInterval(() => { if (Date.now() - lastByte > stallMs) attempt.abort(new Error(`no data for ${stallMs} ms`)) }, Math.min(5000, stallMs / 2))
    const startedAt = have
    try {
      const headers: Record<string, string> = { 'accept-encoding': 'identity' }
      if (have > 0) {
        headers.range = `bytes=${have}-`
        const validator = meta?.etag && !meta.etag.startsWith('W/') ? meta.etag : meta?.last_modified
        if (validator) headers['if-range'] = validator
      }
      const res = await fetch(opts.url, { headers, signal, redirect: 'follow' })
      if (res.status === 416 && have > 0 && meta?.total === have) {
        await res.body?.cancel()
        break
      }
      if (res.status === 206 && have > 0) {
        const range = parseContentRange(res.headers.get('content-range'))
        if (!range || range.start !== have) {
          await res.body?.cancel()
          throw new DownloadError(`${host} answered a resume at byte ${have} with range ${res.headers.get('content-range') ?? '(none)'}`)
        }
        resumed++
        await opts.onLog?.(`resumed at ${have} bytes`, { bytes: have, total: range.total })
        if (meta && range.total !== null) meta.total = range.total
      } else if (res.status === 200) {
        if (have > 0) {
          await opts.onLog?.('the server sent the whole file instead of the rest (no range support, or the file changed); starting over', { bytes: have })
          await truncate(opts.file, 0)
          have = 0
          hash = createHash('sha256')
          hashed = 0
        }
        const length = res.headers.get('content-length')
        meta = { url: opts.url, etag: res.headers.get('etag'), last_modified: res.headers.get('last-modified'), total: length !== null && /^\d+$/.test(length) ? Number(length) : null }
        await writeMeta(metaFile, meta)
        await opts.onLog?.('download started', { total: meta.total })
      } else {
        await res.body?.cancel()
        if (RETRYABLE_STATUS.has(res.status)) throw new Error(`HTTP ${res.status}`)
        throw new DownloadError(`${host} answered HTTP ${res.status} for the archive`)
      }
      await report(true)
      if (res.body) {
        const out = await open(opts.file, 'a')
        try {
          for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
            lastByte = Date.now()
            // Hash and size follow exactly what was written: a failed write throws before either moves.
            await out.write(chunk)
            hash.update(chunk)
            hashed += chunk.length
            have += chunk.length
            await report()
          }
        } finally {
          await out.close()
        }
      }
      const total = meta?.total ?? null
      if (total !== null && have < total) throw new Error(`connection closed at ${have} of ${total} bytes`)
      if (total !== null && have > total) throw new DownloadError(`${host} sent ${have} bytes, more than the announced ${total}`)
      break
    } catch (err) {
      if (opts.signal.aborted) throw err
      if (err instanceof DownloadError) throw err
      // A write may have landed partly before the error: the file decides where to resume.
      have = await sizeOf(opts.file)
      if (hashed !== have) {
        hash = createHash('sha256')
        hashed = await hashPrefix(opts.file, hash, have)
      }
      failures = have > startedAt ? 1 : failures + 1
      const reason = attempt.signal.aborted ? String((attempt.signal.reason as Error)?.message ?? attempt.signal.reason) : describe(err)
      if (failures > maxAttempts) throw new DownloadError(`download from ${host} failed after ${maxAttempts} attempts without progress: ${reason}`)
      const wait = delay(failures)
      await opts.onLog?.(`transfer interrupted at ${have} bytes (${reason}); resuming in ${Math.round(wait / 100) / 10} s`, { bytes: have })
      await sleep(wait, undefined, { signal: opts.signal })
    } finally {
      clearInterval(watchdog)
    }
  }
  await report(true)
  return { bytes: have, sha256: hash.digest('hex'), resumed }
}

function parseContentRange (value: string | null): { start: number, total: number | null } | null {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '')
  if (!m) return null
  return { start: Number(m[1]), total: m[3] === '*' ? null : Number(m[3]) }
}

function describe (err: unknown): string {
  const e = err as { message?: string, cause?: { message?: string, code?: string } }
  const cause = e.cause?.code ?? e.cause?.message
  return cause ? `${e.message ?? 'error'}: ${cause}` : e.message ?? String(err)
}

async function hashPrefix (file: string, hash: Hash, length: number): Promise<number> {
  if (length === 0) return 0
  let n = 0
  for await (const chunk of createReadStream(file, { start: 0, end: length - 1, highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer)
    n += (chunk as Buffer).length
  }
  return n
}

async function sizeOf (file: string): Promise<number> {
  try { return (await stat(file)).size } catch { return 0 }
}

async function readMeta (file: string): Promise<Meta | null> {
  try { return JSON.parse(await readFile(file, 'utf8')) as Meta } catch { return null }
}

async function writeMeta (file: string, meta: Meta): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(meta))
  await rename(`${file}.tmp`, file)
}
