// The CLI as a user outside the repository gets it: `npm pack` of the cli workspace, then
// `npm install -g --prefix DIR` of the tarball with no registry to reach (--offline, and the
// registry set to a closed port), then DIR/bin/t2s run from elsewhere against a running stack.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, describe, test } from 'node:test'
import { freePort } from '@t2s/core/util'
import { AUTH, startStack, type Stack } from '../../test/helpers/stack.js'
import { startCli } from './run-cli.js'

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url))
const KEY = AUTH.authorization.slice('Bearer '.length)
const run = promisify(execFile)

describe('npm pack and npm install -g: a t2s that needs neither the repository nor a registry', { timeout: 300_000 }, () => {
  let stack: Stack
  let url: string
  let dir: string

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 't2s-install-'))
    stack = await startStack(['evaluator'])
    url = await stack.gateway.listen({ port: 0, host: '127.0.0.1' })
  })
  after(async () => {
    await stack?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  test('the tarball holds the bundle and no dependencies; the installed t2s prints its help and the stack status', async () => {
    // HOME in the scratch folder: no user .npmrc or cache takes part.
    const npmEnv = { PATH: process.env.PATH!, HOME: dir, npm_config_cache: join(dir, 'cache'), npm_config_update_notifier: 'false' }
    const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: CLI_DIR, env: npmEnv })
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string, files: Array<{ path: string, mode: number }> }>
    assert.deepEqual(info.files.map((f) => f.path).sort(), ['bin/t2s.js', 'dist/THIRD-PARTY-LICENSES.txt', 'dist/t2s.js', 'package.json'])
    assert.ok((info.files.find((f) => f.path === 'bin/t2s.js')!.mode & 0o111) !== 0, 'the bin is executable')
    assert.equal(existsSync(join(CLI_DIR, 'dist')), false, 'postpack removes the bundle from the checkout')

    const prefix = join(dir, 'prefix')
    const closed = await freePort()
    await run('npm', ['install', '-g', '--prefix', prefix, join(dir, info.filename), '--offline', '--registry', `http://127.0.0.1:${closed}/`, '--no-audit', '--no-fund'], { cwd: dir, env: npmEnv })
    const installed = join(prefix, 'lib', 'node_modules', '@t2s', 'cli')
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))
    assert.deepEqual([manifest.dependencies, manifest.bin], [undefined, { t2s: 'bin/t2s.js' }])
    assert.equal(existsSync(join(installed, 'src')), false)
    const bin = join(prefix, 'bin', 't2s')
    assert.equal(realpathSync(bin), join(realpathSync(installed), 'bin', 't2s.js'))
    assert.ok((statSync(realpathSync(bin)).mode & 0o111) !== 0)

    const t2s = async (...args: string[]) => await startCli(args, { T2S_URL: url, T2S_API_KEY: KEY }, { bin, cwd: dir }).done
    const help = await t2s('--help')
    assert.equal(help.code, 0, help.stderr)
    assert.match(help.stdout, /^Usage: t2s \[options\] \[command\]\n\nCommand-line client of the text-to-SQL suite\n/)
    for (const command of ['status', 'sources', 'datasets', 'train', 'eval', 'jobs', 'sql']) assert.match(help.stdout, new RegExp(`\n {2}${command} `))
    assert.deepEqual(await t2s('--version'), { code: 0, stdout: '0.1.0\n', stderr: '' })

    const status = await t2s('status')
    assert.deepEqual(status, { code: 0, stdout: `${url}: ready\n  nats: up\n  evaluator: up\n  teacher: not configured\n  student: not configured\n`, stderr: '' })
    const asJson = await t2s('status', '--json')
    assert.equal(asJson.code, 0, asJson.stderr)
    const parsed = JSON.parse(asJson.stdout)
    assert.deepEqual([parsed.url, parsed.status, parsed.services], [url, 'ready', { evaluator: true }])
    assert.deepEqual(parsed.models.servers.map((s: { name: string, configured: boolean }) => [s.name, s.configured]), [['teacher', false], ['student', false]])
    // Errors keep their exit code and plain line in the bundle too.
    const missing = await t2s('eval', 'show', 'ev_nope')
    assert.deepEqual(missing, { code: 2, stdout: '', stderr: 't2s: 404 Not Found: evaluation ev_nope not found\n' })
  })
})
