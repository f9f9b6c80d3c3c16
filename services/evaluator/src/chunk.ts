/**
 * Cuts a page of rows to what fits in one NATS message (the server's max_payload, 1 MB by
 * default): callers page on with `next_offset`. A single row too big on its own is passed
 * to `shrink`, which must make it fit.
 */
export function fitToPayload<T> (rows: T[], budgetBytes: number, shrink: (row: T, maxBytes: number) => T): { items: T[], cut: boolean } {
  const items: T[] = []
  let used = 64
  for (const row of rows) {
    let size = Buffer.byteLength(JSON.stringify(row)) + 1
    let fitted = row
    if (items.length === 0 && used + size > budgetBytes) {
      fitted = shrink(row, budgetBytes - used - 256)
      size = Buffer.byteLength(JSON.stringify(fitted)) + 1
    }
    if (used + size > budgetBytes) return { items, cut: true }
    items.push(fitted)
    used += size
  }
  return { items, cut: false }
}

/** Shortens a text to about `maxBytes` UTF-8 bytes, marking the cut. */
export function clipText (text: string | null, maxBytes: number): string | null {
  if (text === null || Buffer.byteLength(text) <= maxBytes) return text
  let cut = text.slice(0, Math.max(0, Math.floor(maxBytes / 3)))
  while (Buffer.byteLength(cut) > maxBytes && cut.length > 0) cut = cut.slice(0, -1)
  return `${cut}… [cut: ${Buffer.byteLength(text)} bytes in all]`
}
