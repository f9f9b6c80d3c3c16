import * as zlib from 'node:zlib'

let table: Uint32Array | undefined

/** CRC-32 as zip uses it, continued from `value`. zlib's native one exists from Node 20.15; older 20.x use the table. */
export function crc32 (data: Uint8Array, value = 0): number {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(data, value)
  table ??= makeTable()
  let c = ~value >>> 0
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8)
  return ~c >>> 0
}

function makeTable (): Uint32Array {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
}
