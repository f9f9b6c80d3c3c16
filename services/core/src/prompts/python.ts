// Python semantics the recipe's prompts depend on, so that TypeScript output matches its bytes.

// Characters for which Python's str.isspace() is true; str.strip() and Jinja's `trim` remove these.
// JS's trim() differs: it also strips U+FEFF and keeps U+001C-U+001F and U+0085.
export const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g')

export function pyStrip (s: string): string {
  return s.replace(PY_STRIP, '')
}

// str.replace(old, new): every non-overlapping occurrence, left to right, no `$` patterns.
export function pyReplace (s: string, from: string, to: string): string {
  return s.split(from).join(to)
}

// Python's str() of a value as sqlite3 returns it: int, float, str, bytes or None.
export function pyStr (value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return pyFloatRepr(value)
  if (typeof value === 'string') return value
  if (value instanceof Uint8Array) return pyBytesRepr(value)
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  return String(value)
}

// repr(float): shortest round-trip digits (as JS), but Python's layout: '1.0', '1e+16', '1e-05'.
export function pyFloatRepr (x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (x === Infinity) return 'inf'
  if (x === -Infinity) return '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const [mantissa, expText] = Math.abs(x).toExponential().split('e')
  const exp = Number(expText)
  const digits = mantissa.replace('.', '')
  let body: string
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? '.' + digits.slice(1) : ''
    body = `${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  } else if (exp >= 0) {
    body = digits.length <= exp + 1
      ? digits + '0'.repeat(exp + 1 - digits.length) + '.0'
      : digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1)
  } else {
    body = '0.' + '0'.repeat(-exp - 1) + digits
  }
  return (x < 0 ? '-' : '') + body
}

// repr(bytes): b'...' (or b"..." when the bytes hold ' but no "), \xhh for non-printables.
export function pyBytesRepr (bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'"
  let out = 'b' + quote
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\'
    else if (b === quote.charCodeAt(0)) out += '\\' + quote
    else if (b === 0x09) out += '\\t'
    else if (b === 0x0a) out += '\\n'
    else if (b === 0x0d) out += '\\r'
    else if (b < 0x20 || b >= 0x7f) out += '\\x' + b.toString(16).padStart(2, '0')
    else out += String.fromCharCode(b)
  }
  return out + quote
}

// str.rjust(width): Python counts code points, not UTF-16 units.
export function pyRjust (s: string, width: number): string {
  const len = pyLen(s)
  return len >= width ? s : ' '.repeat(width - len) + s
}

export function pyLen (s: string): number {
  let n = s.length
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++ }
    }
  }
  return n
}
