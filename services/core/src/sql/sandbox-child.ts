/**
 * The sandbox's child program: runs one query at a time for the parent (sandbox.ts) over
 * IPC. It is disposable by design: the parent SIGKILLs it at a query's deadline, because a
 * running better-sqlite3 query cannot be interrupted any other way.
 */
import { statSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { prepareLikePython } from './dqs.js'
import { denyFunctions, ONLY_QUERIES, refusal } from './guard.js'
import { DB_NOT_FOUND, NOT_ALLOWED_FUNCTION, NO_STATEMENT } from './messages.js'
import type { ChildMessage, QueryRequest, WireResult } from './protocol.js'
import { encodeValue, type Special, type WireValue } from './wire.js'

const MAX_CONNECTIONS = 32

interface Connection {
  db: Database.Database
  identity: string
}

const connections = new Map<string, Connection>()

function open (file: string): Database.Database | undefined {
  let identity: string
  try {
    const st = statSync(file)
    if (!st.isFile()) return undefined
    identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`
  } catch {
    return undefined
  }
  const cached = connections.get(file)
  connections.delete(file)
  if (cached?.identity === identity) {
    connections.set(file, cached)
    return cached.db
  }
  cached?.db.close()
  const db = new Database(file, { readonly: true, fileMustExist: true })
  db.pragma('query_only = ON')
  denyFunctions(db)
  connections.set(file, { db, identity })
  if (connections.size > MAX_CONNECTIONS) {
    const [oldest, conn] = connections.entries().next().value!
    conn.db.close()
    connections.delete(oldest)
  }
  return db
}

function failure (status: 'error' | 'rejected', error: string): WireResult {
  return { status, columns: [], rows: [], special: [], truncated: false, error }
}

// Approximate in-memory size of a value, to cap a result before it is sent.
function sizeOf (v: unknown): number {
  if (typeof v === 'string') return 2 * v.length
  if (v instanceof Uint8Array) return v.byteLength
  return 8
}

function run (req: QueryRequest): WireResult {
  let db: Database.Database | undefined
  try {
    db = open(req.dbPath)
  } catch (err) {
    return failure('error', `cannot open database: ${(err as Error).message}`)
  }
  if (db === undefined) return failure('error', DB_NOT_FOUND)

  let stmt: Database.Statement
  let text: string
  try {
    ({ stmt, text } = prepareLikePython(db, req.sql))
  } catch (err) {
    const message = (err as Error).message
    if (err instanceof RangeError && message.includes('more than one statement')) {
      return failure('rejected', `${ONLY_QUERIES} (found more than one statement)`)
    }
    if (err instanceof RangeError && message.includes('no statements')) return failure('error', NO_STATEMENT)
    return failure('error', message)
  }
  const why = refusal(text, stmt)
  if (why !== undefined) return failure('rejected', why)

  try {
    stmt.raw(true).safeIntegers(true)
    const columns = stmt.columns().map((c) => c.name)
    const rows: WireValue[][] = []
    const special: Special[] = []
    let bytes = 0
    let reason: WireResult['truncated_reason']
    for (const raw of stmt.iterate() as IterableIterator<unknown[]>) {
      if (rows.length >= req.maxRows) {
        reason = 'max_rows'
        break
      }
      for (const v of raw) bytes += sizeOf(v)
      if (bytes > req.maxBytes) {
        reason = 'max_bytes'
        break
      }
      const r = rows.length
      rows.push(raw.map((v, c) => encodeValue(v, r, c, special)))
    }
    return { status: 'ok', columns, rows, special, truncated: reason !== undefined, ...(reason === undefined ? {} : { truncated_reason: reason }) }
  } catch (err) {
    const message = (err as Error).message
    // A function outside the allow-list is a refusal of the query, not a failure of it.
    if (message.includes(NOT_ALLOWED_FUNCTION)) return failure('rejected', message)
    return failure('error', message)
  }
}

// If the parent dies without killing us (SIGKILL, crash) while a query runs, the main
// thread is stuck inside SQLite and cannot notice; this thread can, and ends the process.
function watchParent (): void {
  const source = `
    const { workerData } = require('node:worker_threads')
    setInterval(() => {
      if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL')
    }, 500)
  `
  new Worker(source, { eval: true, workerData: process.ppid }).unref()
}

function send (msg: ChildMessage): void {
  process.send!(msg)
}

if (process.send === undefined) {
  console.error('sandbox-child must be started by SqlSandbox (child_process.fork)')
  process.exit(1)
}
watchParent()
process.on('disconnect', () => process.exit(0))
process.on('message', (req: QueryRequest) => {
  send({ type: 'result', id: req.id, result: run(req) })
})
send({ type: 'ready' })
