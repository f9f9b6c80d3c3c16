import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { extractZip, readZip, safePath, ZipError, type ZipLimits } from '../../services/dataset/src/download/zip.js'
import { makeZip, type ZipSpec } from './download-fixtures.js'

const LIMITS: ZipLimits = { maxBytes: 200 * 1024 * 1024, maxFiles: 1000, maxRatio: 500 }

describe('zip reader (download job)', () => {
  const root = mkdtempSync(join(tmpdir(), 't2s-zip-'))
  after(() => rmSync(root, { recursive: true, force: true }))
  let n = 0
  /** Writes the archive and an empty target folder inside a parent, so escapes are visible. */
  const setup = (specs: ZipSpec[], opts?: { zip64?: boolean }) => {
    const dir = join(root, `case-${++n}`)
    mkdirSync(join(dir, 'target'), { recursive: true })
    writeFileSync(join(dir, 'a.zip'), makeZip(specs, opts))
    return { zip: join(dir, 'a.zip'), target: join(dir, 'target'), dir }
  }
  const refuses = async (specs: ZipSpec[], why: RegExp, limits = LIMITS) => {
    const c = setup(specs)
    await assert.rejects(extractZip(c.zip, c.target, { limits }), (err: Error) => err instanceof ZipError && why.test(err.message))
    assert.deepEqual(readdirSync(c.target), [], 'nothing written in the target')
    assert.deepEqual(readdirSync(c.dir).sort(), ['a.zip', 'target'], 'nothing written beside it')
    return c
  }

  for (const zip64 of [false, true]) {
    test(`unpacks stored and deflated files and folders${zip64 ? ' (zip64)' : ''}`, async () => {
      const random = randomBytes(300_000)
      const text = Buffer.from('SELECT 1;\n'.repeat(5000))
      const c = setup([
        { name: 'top/' },
        { name: 'top/random.bin', data: random, method: 0 },
        { name: 'top/sub/text.sql', data: text },
        { name: 'top/empty.txt' },
        { name: 'top/ünïcode.json', data: Buffer.from('[]') }
      ], { zip64 })
      const r = await extractZip(c.zip, c.target, { limits: LIMITS })
      assert.equal(r.files, 4)
      assert.equal(r.bytes, random.length + text.length + 2)
      assert.deepEqual(readFileSync(join(c.target, 'top/random.bin')), random)
      assert.deepEqual(readFileSync(join(c.target, 'top/sub/text.sql')), text)
      assert.equal(statSync(join(c.target, 'top/empty.txt')).size, 0)
      assert.equal(readFileSync(join(c.target, 'top/ünïcode.json'), 'utf8'), '[]')
    })
  }

  test("refuses '../' entries, absolute paths and backslashes before writing anything", async () => {
    await refuses([{ name: 'ok.txt', data: Buffer.from('x') }, { name: '../evil.txt', data: Buffer.from('x') }], /"\.\.\/evil\.txt" leaves the target folder/)
    await refuses([{ name: 'a/../../evil.txt', data: Buffer.from('x') }], /leaves the target folder/)
    await refuses([{ name: '/etc/evil', data: Buffer.from('x') }], /absolute path/)
    await refuses([{ name: 'C:/evil', data: Buffer.from('x') }], /absolute path/)
    await refuses([{ name: '..\\evil.txt', data: Buffer.from('x') }], /backslash/)
    assert.equal(safePath('./a//b/./c.txt'), 'a/b/c.txt')
  })

  test('refuses symbolic links and special files', async () => {
    await refuses([{ name: 'link', data: Buffer.from('/etc/passwd'), method: 0, unixMode: 0o120777 }], /symbolic link/)
    await refuses([{ name: 'fifo', unixMode: 0o010644 }], /not a regular file/)
    // A regular file with unix permissions is fine.
    const c = setup([{ name: 'run.sh', data: Buffer.from('#!/bin/sh\n'), unixMode: 0o100755 }])
    await extractZip(c.zip, c.target, { limits: LIMITS })
    assert.equal(statSync(join(c.target, 'run.sh')).mode & 0o111, 0, 'no exec bits are copied')
  })

  test('refuses a 1000:1 compression bomb before inflating it', async () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024)
    const c = await refuses([{ name: 'bomb.bin', data: zeros }], /expands \d+:1 .* past the limit of 500:1; refusing a likely zip bomb/)
    const entry = (await readZip(c.zip, { ...LIMITS, maxRatio: 1100 }))[0]
    assert.ok(entry.size / entry.compressedSize > 1000, `ratio ${entry.size / entry.compressedSize}`)
  })

  test('refuses archives past the size or file-count limits', async () => {
    const files = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.bin`, data: randomBytes(1000), method: 0 as const }))
    await refuses(files, /20 entries, more than the limit of 10/, { ...LIMITS, maxFiles: 10 })
    await refuses(files, /unpacks to more than the limit of 5000 bytes/, { ...LIMITS, maxBytes: 5000 })
  })

  test('stops an entry that inflates past its declared size, writing no more than declared', async () => {
    const c = setup([{ name: 'liar.bin', data: Buffer.alloc(5 * 1024 * 1024), declaredSize: 4096 }])
    await assert.rejects(extractZip(c.zip, c.target, { limits: LIMITS }), /inflates past its declared 4096 bytes/)
    assert.ok(statSync(join(c.target, 'liar.bin')).size <= 4096)
  })

  test('refuses corrupt data, duplicates, overlaps and non-zips', async () => {
    const bad = setup([{ name: 'x.txt', data: Buffer.from('hello'), declaredCrc: 1 }])
    await assert.rejects(extractZip(bad.zip, bad.target, { limits: LIMITS }), /fails its CRC-32 check/)
    await refuses([{ name: 'a.txt', data: Buffer.from('1') }, { name: './a.txt', data: Buffer.from('2') }], /appears twice/)
    await refuses([{ name: 'a', data: Buffer.from('1') }, { name: 'a/b', data: Buffer.from('2') }], /both a file and a folder/)
    // Two directory records pointing at one local header: the overlapping-files bomb.
    const one = makeZip([{ name: 'a.bin', data: Buffer.alloc(100_000) }])
    const cdAt = one.readUInt32LE(one.length - 6)
    const cdLen = one.readUInt32LE(one.length - 10)
    const record = one.subarray(cdAt, cdAt + cdLen)
    const end = Buffer.from(one.subarray(one.length - 22))
    end.writeUInt16LE(2, 8)
    end.writeUInt16LE(2, 10)
    end.writeUInt32LE(cdLen * 2, 12)
    const twice = Buffer.concat([one.subarray(0, cdAt), record, record, end])
    const c = setup([])
    writeFileSync(c.zip, twice)
    await assert.rejects(extractZip(c.zip, c.target, { limits: LIMITS }), /appears twice|overlaps/)
    writeFileSync(c.zip, randomBytes(5000))
    await assert.rejects(readZip(c.zip, LIMITS), /not a zip archive/)
    writeFileSync(c.zip, one.subarray(0, one.length - 30))
    await assert.rejects(readZip(c.zip, LIMITS), ZipError)
  })

  test('never follows or replaces what is already in the target', async () => {
    const c = setup([{ name: 'dir/file.txt', data: Buffer.from('new') }])
    mkdirSync(join(c.target, 'dir'))
    symlinkSync(join(c.dir, 'outside.txt'), join(c.target, 'dir', 'file.txt'))
    await assert.rejects(extractZip(c.zip, c.target, { limits: LIMITS }), /would overwrite an existing file/)
    assert.equal(existsSync(join(c.dir, 'outside.txt')), false)
  })
})
