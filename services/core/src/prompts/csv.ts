// Minimal RFC 4180 reader for BIRD's database_description CSVs: quoted fields with embedded
// commas, doubled quotes and newlines; CRLF, LF or CR line ends; a leading BOM is dropped.
export function parseCsv (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const endRow = (): void => {
    row.push(field)
    // A blank line is no record (Python's csv module skips it as well).
    if (row.length > 1 || row[0] !== '') rows.push(row)
    row = []
    field = ''
  }
  for (; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c !== '"') field += c
      else if (text[i + 1] === '"') { field += '"'; i++ } else quoted = false
    } else if (c === '"') {
      quoted = true
    } else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++
      endRow()
    } else {
      field += c
    }
  }
  if (field !== '' || row.length > 0) endRow()
  return rows
}

// BIRD ships most CSVs as UTF-8, some as Windows-1252 (bytes like 0x95 "•", 0x96 "–").
// Decoded by hand: Node 20's TextDecoder('windows-1252') is really ISO-8859-1 (0x95 -> U+0095).
const CP1252_80_9F = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178
]

export function decodeText (bytes: Uint8Array): { text: string, encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }
  } catch {
    let text = ''
    for (const b of bytes) text += String.fromCharCode(b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : b)
    return { text, encoding: 'windows-1252' }
  }
}
