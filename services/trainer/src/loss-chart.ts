export interface LossChartInput {
  title: string
  subtitle?: string
  points: Array<{ step: number, loss: number | null, reward_mean?: number | null, accuracy?: number | null }>
  totalSteps: number | null
}

const W = 760
const H = 400
const M = { left: 64, right: 24, top: 60, bottom: 48 }
const MAX_DRAWN = 2000
/** TensorBoard's default smoothing (debiased, so the curve starts at the first value), less on short series. */
const smoothingFor = (n: number) => Math.min(0.6, Math.max(0, 1 - 10 / n))

type Pt = { step: number, loss: number }
const finite = (pts: Array<{ step: number, v: number | null | undefined }>): Pt[] =>
  pts.filter((p) => typeof p.v === 'number' && Number.isFinite(p.v)).map((p) => ({ step: p.step, loss: p.v as number }))

/**
 * The loss curve as a standalone SVG: each logged step (light) and its smoothed trend
 * (dark) against the step axis, which spans the whole run so progress shows as well. A GRPO
 * run's mean reward is drawn in a second panel beside the loss, on the same step axis.
 */
export function renderLossSvg (input: LossChartInput): string {
  const loss = finite(input.points.map((p) => ({ step: p.step, v: p.loss })))
  const reward = finite(input.points.map((p) => ({ step: p.step, v: p.reward_mean })))
  const panels = reward.length > 0 ? 2 : 1
  const width = W * panels
  const lastStep = Math.max(loss.at(-1)?.step ?? 0, reward.at(-1)?.step ?? 0)
  const xMax = Math.max(input.totalSteps ?? 0, lastStep, 1)
  const out: string[] = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="system-ui, sans-serif" font-size="12">`)
  out.push(`<title>${esc(input.title)}</title>`)
  out.push(`<rect width="${width}" height="${H}" fill="#ffffff"/>`)
  out.push(`<text x="${M.left}" y="24" font-size="16" font-weight="600" fill="#111">${esc(input.title)}</text>`)
  if (input.subtitle) out.push(`<text x="${M.left}" y="44" fill="#555">${esc(input.subtitle)}</text>`)
  drawPanel(out, 0, loss, xMax, input.totalSteps, { axis: 'training loss', name: 'loss', empty: 'no loss logged yet', light: '#9ecae1', dark: '#08519c' })
  if (panels === 2) drawPanel(out, W, reward, xMax, input.totalSteps, { axis: 'mean reward of the rollouts', name: 'reward', empty: '', light: '#a1d99b', dark: '#006d2c' })
  out.push('</svg>')
  return out.join('\n') + '\n'
}

interface PanelStyle { axis: string, name: string, empty: string, light: string, dark: string }

function drawPanel (out: string[], x0: number, pts: Pt[], xMax: number, totalSteps: number | null, st: PanelStyle): void {
  // From 0 (or below, for a GRPO loss, which may be negative).
  const lo = Math.min(0, ...pts.map((p) => p.loss))
  const yTicks = niceTicks(lo, Math.max(...pts.map((p) => p.loss), lo) || lo + 1)
  const yMin = yTicks[0]
  const yMax = yTicks.at(-1)!
  const xTicks = niceTicks(0, xMax).filter((t) => t <= xMax)
  const plotW = W - M.left - M.right
  const plotH = H - M.top - M.bottom
  const left = x0 + M.left
  const x = (step: number) => left + (step / xMax) * plotW
  const y = (v: number) => M.top + plotH - ((v - yMin) / (yMax - yMin || 1)) * plotH
  for (const t of yTicks) {
    out.push(`<line x1="${left}" x2="${x0 + W - M.right}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${left - 8}" y="${f(y(t) + 4)}" text-anchor="end" fill="#444">${fmt(t)}</text>`)
  }
  for (const t of xTicks) {
    out.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${M.top + plotH}" y2="${M.top + plotH + 5}" stroke="#888"/>`)
    out.push(`<text x="${f(x(t))}" y="${M.top + plotH + 18}" text-anchor="middle" fill="#444">${fmt(t)}</text>`)
  }
  out.push(`<line x1="${left}" x2="${x0 + W - M.right}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="#888"/>`)
  out.push(`<line x1="${left}" x2="${left}" y1="${M.top}" y2="${M.top + plotH}" stroke="#888"/>`)
  out.push(`<text x="${left + plotW / 2}" y="${H - 10}" text-anchor="middle" fill="#222">optimizer step</text>`)
  out.push(`<text transform="translate(${x0 + 16} ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#222">${esc(st.axis)}</text>`)
  if (pts.length === 0) {
    out.push(`<text x="${left + plotW / 2}" y="${M.top + plotH / 2}" text-anchor="middle" fill="#777" font-size="14">${esc(st.empty)}</text>`)
    return
  }
  const smooth = ema(pts)
  out.push(`<polyline fill="none" stroke="${st.light}" stroke-width="1.2" points="${thin(pts).map((p) => `${f(x(p.step))},${f(y(p.loss))}`).join(' ')}"/>`)
  out.push(`<polyline fill="none" stroke="${st.dark}" stroke-width="2" points="${thin(smooth).map((p) => `${f(x(p.step))},${f(y(p.loss))}`).join(' ')}"/>`)
  out.push(`<line x1="${left + 12}" x2="${left + 32}" y1="${M.top + 14}" y2="${M.top + 14}" stroke="${st.light}" stroke-width="2"/><text x="${left + 38}" y="${M.top + 18}" fill="#444">each logged step</text>`)
  out.push(`<line x1="${left + 12}" x2="${left + 32}" y1="${M.top + 32}" y2="${M.top + 32}" stroke="${st.dark}" stroke-width="2"/><text x="${left + 38}" y="${M.top + 36}" fill="#444">smoothed</text>`)
  const last = pts.at(-1)!
  out.push(`<circle cx="${f(x(last.step))}" cy="${f(y(last.loss))}" r="3" fill="${st.dark}"/>`)
  const label = `step ${last.step}${totalSteps ? ` of ${totalSteps}` : ''}: ${st.name} ${last.loss.toPrecision(4)} (smoothed ${smooth.at(-1)!.loss.toPrecision(4)})`
  out.push(`<text x="${x0 + W - M.right}" y="${M.top - 8}" text-anchor="end" fill="${st.dark}">${esc(label)}</text>`)
}

function ema (pts: Array<{ step: number, loss: number }>): Array<{ step: number, loss: number }> {
  const w = smoothingFor(pts.length)
  let acc = 0
  return pts.map((p, i) => {
    acc = acc * w + (1 - w) * p.loss
    return { step: p.step, loss: acc / (1 - w ** (i + 1)) }
  })
}

const thin = <T>(pts: T[]): T[] => spread(pts, MAX_DRAWN)

/** At most `max` items, evenly spread, the first and the last always kept. */
export function spread<T> (items: T[], max: number): T[] {
  if (items.length <= max) return items
  const stride = (items.length - 1) / (max - 1)
  return Array.from({ length: max }, (_v, i) => items[Math.round(i * stride)])
}

/** Round tick values from lo to at least hi (steps of 1, 2 or 5 × 10^k). */
export function niceTicks (lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1
  const raw = span / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!
  const ticks: number[] = []
  for (let t = Math.floor(lo / step) * step; t < hi + step - 1e-9; t += step) ticks.push(Number(t.toPrecision(12)))
  return ticks
}

const f = (n: number) => n.toFixed(1)
const fmt = (n: number) => Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)))
const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
