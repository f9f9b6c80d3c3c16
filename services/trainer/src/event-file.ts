import { closeSync, openSync, readSync } from 'node:fs'

/**
 * Reads the trainer's events file (its stdout, redirected there) as it grows: complete lines
 * only, each once. A file rather than a pipe because a pipe dies with the service: a trainer
 * service killed mid-run loses whatever the trainer had written and the service not yet
 * handled, while the trainer goes on writing steps and checkpoints. The file keeps them for
 * the successor to replay (see `readEventFile`).
 */
export class EventFileTail {
  private offset: number
  private partial = Buffer.alloc(0)

  /** `from`: the byte offset to start at (the file's size when the trainer was started). */
  constructor (private readonly file: string, from = 0) {
    this.offset = from
  }

  /** The complete lines written since the last call. */
  read (): string[] {
    let fd: number
    try {
      fd = openSync(this.file, 'r')
    } catch {
      return []
    }
    const chunks: Buffer[] = [this.partial]
    try {
      const buf = Buffer.alloc(64 * 1024)
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, this.offset)
        if (n === 0) break
        chunks.push(Buffer.from(buf.subarray(0, n)))
        this.offset += n
      }
    } finally {
      closeSync(fd)
    }
    // Cut at the last newline byte, so a character split between two reads is decoded whole.
    const data = Buffer.concat(chunks)
    const end = data.lastIndexOf(0x0a)
    this.partial = data.subarray(end + 1)
    return end < 0 ? [] : data.subarray(0, end).toString('utf8').split('\n')
  }

  /** What is left after the writer has exited: a last line without its newline (a trainer killed mid-write). */
  rest (): string {
    const rest = this.partial.toString('utf8')
    this.partial = Buffer.alloc(0)
    return rest
  }
}

/** Every complete line of an events file (none when it does not exist). */
export function readEventFile (file: string): string[] {
  return new EventFileTail(file).read()
}
