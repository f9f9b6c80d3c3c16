import { existsSync, statfsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { BIRD_ARCHIVES, type DownloadResult, type DownloadSourceBody, DownloadJobParamsSchema, JOB_KINDS } from '@t2s/core/contracts'
import { JobFailure, ServiceError } from '@t2s/core'
import type { JobContext, SingleJobKind } from '@t2s/core/jobs'
import type { SourceRegistry } from '../sources/registry.js'
import { DownloadError, fetchResumable } from './fetch.js'
import { findLayout, innerArchives, LayoutError } from './layout.js'
import { extractZip, ZipError, type ZipEntry, type ZipLimits } from './zip.js'

export const DOWNLOAD_KIND = JOB_KINDS.download

export interface DownloadJobDeps {
  sources: SourceRegistry
  dataDir: string
  /** Test hooks: how long a silent connection is kept, and the pause between attempts. */
  stallMs?: number
  retryDelayMs?: (attempt: number) => number
}

/** Written into the unpacked folder; lets a redelivered job recognise its own finished unpack. */
const MANIFEST = '.t2s-download.json'

/** Where a download keeps its work: one folder per job, removed when the job ends. */
export const workDir = (dataDir: string, jobId: string) => join(dataDir, 'sources', '.partial', jobId)
export const sourceDir = (dataDir: string, name: string) => join(dataDir, 'sources', name)

/**
 * Downloads a BIRD-layout zip (resuming interrupted transfers), records its sha256,
 * unpacks it and its inner database archive under limits, moves the result to
 * DATA_DIR/sources/<name> in one rename, and registers it as a source.
 */
export function downloadJob (deps: DownloadJobDeps): SingleJobKind<typeof DownloadJobParamsSchema> {
  return {
    kind: DOWNLOAD_KIND,
    unit: 'bytes',
    params: DownloadJobParamsSchema,
    run: async (ctx) => {
      const p = ctx.params
      const url = p.url ?? BIRD_ARCHIVES[p.split ?? 'dev']
      const work = workDir(deps.dataDir, ctx.job.id)
      const final = sourceDir(deps.dataDir, p.name)
      const log = async (message: string, data: Record<string, unknown> = {}) => {
        ctx.log.info({ ...data, url }, message)
        await ctx.event('log', { message, ...data })
      }
      try {
        // A redelivery after the rename only has the registration left to do.
        const done = await readManifest(final)
        if (done !== null) {
          if (done.job_id !== ctx.job.id) throw new JobFailure(`DATA_DIR/sources/${p.name} already exists; choose another name`)
          return await register(deps, p, done, log)
        }
        if (existsSync(final)) throw new JobFailure(`DATA_DIR/sources/${p.name} already exists; choose another name`)
        await mkdir(work, { recursive: true })
        const archive = join(work, 'archive.zip')
        const fetched = await fetchResumable({
          url,
          file: archive,
          signal: ctx.signal,
          stallMs: deps.stallMs,
          retryDelayMs: deps.retryDelayMs,
          onProgress: async (bytes, total) => { await ctx.progress(bytes, total) },
          onLog: log
        })
        await log(`downloaded ${fetched.bytes} bytes`, { bytes: fetched.bytes, sha256: fetched.sha256, resumed: fetched.resumed })
        if (p.sha256 && p.sha256 !== fetched.sha256) {
          await rm(archive, { force: true })
          throw new JobFailure(`the archive's sha256 is ${fetched.sha256}, not the expected ${p.sha256}`)
        }

        const unpacked = join(work, 'unpacked')
        await rm(unpacked, { recursive: true, force: true })
        await mkdir(unpacked)
        const unpack = await unpackAll(ctx, archive, unpacked, { maxBytes: p.max_unpacked_bytes, maxFiles: p.max_files, maxRatio: p.max_ratio }, log)
        const layout = await findLayout(unpacked, { questions: p.questions, databases: p.databases })
        const manifest: Manifest = {
          job_id: ctx.job.id,
          url,
          sha256: fetched.sha256,
          archive_bytes: fetched.bytes,
          resumed: fetched.resumed,
          unpacked_bytes: unpack.bytes,
          files: unpack.files,
          questions: layout.questions,
          databases: layout.databases,
          downloaded_at: new Date().toISOString()
        }
        await writeFile(join(unpacked, `${MANIFEST}.tmp`), JSON.stringify(manifest, null, 2))
        await rename(join(unpacked, `${MANIFEST}.tmp`), join(unpacked, MANIFEST))
        await mkdir(dirname(final), { recursive: true })
        try {
          await rename(unpacked, final)
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code
          if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new JobFailure(`DATA_DIR/sources/${p.name} already exists; choose another name`)
          throw err
        }
        const result = await register(deps, p, manifest, log)
        await rm(work, { recursive: true, force: true })
        return result
      } catch (err) {
        if (ctx.signal.aborted) {
          // Cancelled: nothing of the job stays. Shut down: the partial file stays for the redelivery.
          if (ctx.signal.reason === 'cancelled') await rm(work, { recursive: true, force: true })
          throw err
        }
        if (err instanceof ZipError || err instanceof LayoutError || err instanceof DownloadError || err instanceof JobFailure) {
          await rm(work, { recursive: true, force: true })
          await log(`failed: ${err.message}`)
          throw err instanceof JobFailure ? err : new JobFailure(err.message)
        }
        throw err
      }
    }
  }
}

/** What an unpacked download keeps beside its files, so a finished one is not fetched again. */
type Manifest = Pick<DownloadResult, 'url' | 'sha256' | 'archive_bytes' | 'resumed' | 'unpacked_bytes' | 'files' | 'questions' | 'databases'> & {
  job_id: string
  downloaded_at: string
}

/**
 * The outer archive, then each zip it contained (BIRD's <split>_databases.zip) into its
 * own folder, which is then deleted as the recipe's script does. One level only: an
 * archive inside an inner archive stays as it is. Limits hold for all of it together.
 */
async function unpackAll (ctx: JobContext, archive: string, target: string, limits: ZipLimits, log: (m: string, d?: Record<string, unknown>) => Promise<void>) {
  const skip = (path: string) => path.split('/')[0] === '__MACOSX'
  // Before an archive is written: room for all of it, and a line saying how much there is.
  const announce = (what: string) => async (entries: ZipEntry[]) => {
    checkFreeSpace(target, entries.reduce((n, e) => n + e.size, 0))
    await log(what, { entries: entries.length })
  }
  let last = 0
  // Called from inside the inflate stream: never awaited, so it must not throw.
  const tick = (bytes: number, files: number) => {
    if (Date.now() - last < 2000) return
    last = Date.now()
    log(`unpacked ${bytes} bytes`, { bytes, files }).catch(() => {})
  }
  let bytes = 0
  let files = 0
  const outer = await extractZip(archive, target, { limits, signal: ctx.signal, skip, label: 'the archive', onEntries: announce('unpacking'), onBytes: (n) => { tick(n, files) } })
  bytes += outer.bytes
  files += outer.files
  for (const inner of await innerArchives(target)) {
    const label = `inner archive ${inner}`
    const path = join(target, inner)
    const remaining: ZipLimits = { ...limits, maxBytes: limits.maxBytes - bytes, maxFiles: limits.maxFiles - files }
    const base = bytes
    const r = await extractZip(path, dirname(path), { limits: remaining, signal: ctx.signal, skip, label, onEntries: announce(`unpacking ${inner}`), onBytes: (n) => { tick(base + n, files) } })
    bytes += r.bytes
    files += r.files
    await rm(path)
  }
  await log(`unpacked ${files} files, ${bytes} bytes`, { files, bytes })
  return { bytes, files }
}

function checkFreeSpace (dir: string, needed: number): void {
  const fs = statfsSync(dir)
  const free = fs.bavail * fs.bsize
  if (needed > free) throw new JobFailure(`unpacking needs ${needed} bytes but DATA_DIR has ${free} free`)
}

async function readManifest (dir: string): Promise<Manifest | null> {
  try { return JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest } catch { return null }
}

async function register (deps: DownloadJobDeps, p: DownloadSourceBody, m: Manifest, log: (m: string, d?: Record<string, unknown>) => Promise<void>): Promise<DownloadResult> {
  const questions = `sources/${p.name}/${m.questions}`
  const databases = `sources/${p.name}/${m.databases}`
  let source
  try {
    source = deps.sources.register({ name: p.name, questions, databases })
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err
    const existing = err.codeName === 'CONFLICT' ? deps.sources.get(p.name) : null
    // Registered by this job before a crash: the same paths mean the same source.
    if (existing?.questions === questions && existing.databases === databases) {
      source = existing
    } else {
      throw new JobFailure(`unpacked into DATA_DIR/sources/${p.name}, but registering it failed: ${err.message}`)
    }
  }
  await log(`registered source ${source.name}`, { source_id: source.id, questions: source.question_count, databases: source.database_count })
  return {
    source_id: source.id,
    name: source.name,
    url: m.url,
    sha256: m.sha256,
    archive_bytes: m.archive_bytes,
    resumed: m.resumed,
    unpacked_bytes: m.unpacked_bytes,
    files: m.files,
    questions,
    databases,
    question_count: source.question_count,
    database_count: source.database_count
  }
}
