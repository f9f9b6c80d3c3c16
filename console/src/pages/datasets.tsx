import { useEffect, useMemo, useState } from 'preact/hooks'
import { download, get, post } from '../api.js'
import type { ChartConfiguration, Plugin } from '../chart.js'
import { ChartView, ErrorBox, Json, KeyValues, ListHeader, Loading, Pager, StatusBadge, fmtBytes, fmtTime, slicePage } from '../components.js'
import { errorText, useAsync, useInterval, useLiveList } from '../hooks.js'
import { href, navigate, type Route } from '../router.js'
import { TERMINAL, type Dataset, type SplitStats, type Source } from '../types.js'

const LIMIT_TOKENS = 4096

export function DatasetsPage ({ route }: { route: Route }) {
  const list = useLiveList<Dataset>('/v1/datasets', 3000)
  const id = route.path[1]
  return (
    <section>
      <ListHeader title='Datasets' what='datasets' list={list} />
      {list.data && (
        <table class='grid' aria-label='datasets'>
          <thead><tr><th>dataset</th><th>kind</th><th>source</th><th>status</th><th>train / test</th><th>dropped</th><th>prompt</th><th>created</th></tr></thead>
          <tbody>
            {list.data.items.map((d) => (
              <tr key={d.id} aria-selected={d.id === id}>
                <td><a href={href(['datasets', d.id])}><code>{d.id}</code></a></td>
                <td>{d.kind}</td>
                <td>{d.source.name}</td>
                <td><StatusBadge status={d.status} /></td>
                <td class='num'>{d.counts ? `${d.counts.train} / ${d.counts.test}` : '–'}</td>
                <td class='num'>{d.counts?.dropped ?? '–'}</td>
                <td><code>{d.prompt.version}</code></td>
                <td>{fmtTime(d.created_at)}</td>
              </tr>
            ))}
            {list.data.items.length === 0 && <tr><td colSpan={8} class='muted'>No dataset yet: build one below.</td></tr>}
          </tbody>
        </table>
      )}
      <BuildDataset onDone={(dsId) => { list.reload(); navigate(href(['datasets', dsId])) }} />
      {id && <DatasetDetail key={id} id={id} onSettled={() => list.reload()} />}
    </section>
  )
}

function BuildDataset ({ onDone }: { onDone: (id: string) => void }) {
  const sources = useAsync((signal) => get<{ items: Source[] }>('/v1/sources', signal), [])
  const [form, setForm] = useState({ source: '', test_size: '0.3', seed: '42', gold_check: 'drop', limit: '' })
  const firstSource = sources.data?.items[0]?.id ?? ''
  useEffect(() => { if (!form.source && firstSource) setForm((f) => ({ ...f, source: firstSource })) }, [firstSource])
  const [error, setError] = useState<string | null>(null)
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value })
  const submit = (e: Event) => {
    e.preventDefault()
    setError(null)
    const body = { kind: 'sft', source: form.source || sources.data?.items[0]?.id, test_size: Number(form.test_size), seed: Number(form.seed), gold_check: form.gold_check, ...(form.limit ? { limit: Number(form.limit) } : {}) }
    post<{ id: string }>('/v1/datasets', body).then((r) => onDone(r.id), (err: unknown) => setError(errorText(err)))
  }
  return (
    <details class='panel'>
      <summary>Build an SFT dataset</summary>
      <form class='row' onSubmit={submit} aria-label='build an SFT dataset'>
        <label>
          source
          <select name='source' value={form.source} onChange={set('source')}>
            {(sources.data?.items ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <label>test share <input name='test_size' type='number' step='0.05' min='0.05' max='0.95' value={form.test_size} onInput={set('test_size')} /></label>
        <label>seed <input name='seed' type='number' min='0' value={form.seed} onInput={set('seed')} /></label>
        <label>gold check <select name='gold_check' value={form.gold_check} onChange={set('gold_check')}><option value='drop'>drop failing gold SQL</option><option value='keep'>keep all</option></select></label>
        <label>limit <input name='limit' type='number' min='1' value={form.limit} onInput={set('limit')} placeholder='all' /></label>
        <button type='submit'>Build</button>
      </form>
      <ErrorBox error={error ?? sources.error} />
    </details>
  )
}

function DatasetDetail ({ id, onSettled }: { id: string, onSettled: () => void }) {
  const ds = useAsync((signal) => get<Dataset>(`/v1/datasets/${encodeURIComponent(id)}`, signal), [id])
  const [page, setPage] = useState(0)
  const [dlError, setDlError] = useState<string | null>(null)
  useInterval(ds.reload, ds.data && !TERMINAL.includes(ds.data.status) ? 2000 : null)
  const d = ds.data
  const settled = d !== null && TERMINAL.includes(d.status)
  useEffect(() => { if (settled) onSettled() }, [settled])
  if (ds.error) return <ErrorBox error={ds.error} />
  if (!d) return <Loading what='the dataset' />
  const save = (split: string) => { download(`/v1/datasets/${encodeURIComponent(id)}/files/${split}`, `${id}-${split}.jsonl`).catch((err: unknown) => setDlError(errorText(err))) }
  return (
    <div class='detail-page'>
      <h2>{d.id} <StatusBadge status={d.status} /></h2>
      <ErrorBox error={d.error} />
      <div class='cards'>
        {d.counts && Object.entries(d.counts).map(([k, v]) => <div class='card' key={k} data-count={k}><span class='big'>{v}</span><span>{k}</span></div>)}
      </div>
      <KeyValues rows={[
        ['source', <a key='s' href={href(['sources', d.source.id])}>{d.source.name}</a>],
        ['split', `test share ${String(d.params.test_size)}, seed ${String(d.params.seed)}${d.counts ? ` → ${d.counts.train} train / ${d.counts.test} test` : ''}`],
        ['prompt', <code key='p'>{d.prompt.version}</code>],
        ['job', <a key='j' href='#/jobs'><code>{d.job_id}</code></a>],
        ['created', fmtTime(d.created_at)], ['finished', fmtTime(d.finished_at)]
      ]}
      />
      <div class='row'>
        {Object.entries(d.files).map(([split, f]) => (
          <button key={split} onClick={() => save(split)}>Download {split} ({f.lines} lines, {fmtBytes(f.bytes)})</button>
        ))}
      </div>
      <ErrorBox error={dlError} />
      {d.token_stats && (
        <div class='two'>
          <TokenHistogram split='train' stats={d.token_stats.train} />
          <TokenHistogram split='test' stats={d.token_stats.test} />
        </div>
      )}
      <h3>Dropped questions ({d.dropped.length})</h3>
      {d.dropped.length === 0
        ? <p class='muted'>None.</p>
        : (
          <>
            <table class='grid' aria-label='dropped questions'>
              <thead><tr><th>#</th><th>question id</th><th>db</th><th>reason</th><th>detail</th></tr></thead>
              <tbody>{slicePage(d.dropped, page).map((x) => <tr key={x.index}><td class='num'>{x.index}</td><td class='num'>{x.question_id ?? '–'}</td><td>{x.db_id}</td><td>{x.reason}</td><td><pre class='wrap'>{x.detail ?? ''}</pre></td></tr>)}</tbody>
            </table>
            <Pager page={page} total={d.dropped.length} onPage={setPage} />
          </>
          )}
      <details><summary>Statistics and manifest</summary><Json value={{ stats: d.stats, manifest: d.manifest, params: d.params }} /></details>
    </div>
  )
}

/** Draws the recipe's 4,096-token line over a bar chart whose bins are `binWidth` tokens wide. */
const limitLine = (binWidth: number): Plugin<'bar'> => ({
  id: 'limit-line',
  afterDatasetsDraw (chart) {
    const x = chart.scales.x
    const bin = LIMIT_TOKENS / binWidth
    const px = (x.getPixelForValue(bin - 1) + x.getPixelForValue(bin)) / 2
    const { ctx, chartArea } = chart
    ctx.save()
    ctx.strokeStyle = '#c0392b'
    ctx.setLineDash([6, 4])
    ctx.beginPath()
    ctx.moveTo(px, chartArea.top)
    ctx.lineTo(px, chartArea.bottom)
    ctx.stroke()
    ctx.fillStyle = '#c0392b'
    ctx.textAlign = 'right'
    ctx.fillText('4,096 tokens', px - 4, chartArea.top + 10)
    ctx.restore()
  }
})

function TokenHistogram ({ split, stats }: { split: string, stats: SplitStats }) {
  const config = useMemo<ChartConfiguration<'bar'> | null>(() => {
    const h = stats.histogram
    if (!h) return null
    // Bins reach past the 4,096 line even when every example is shorter, so the line shows.
    const bins = Math.max(h.counts.length, LIMIT_TOKENS / h.bin_width + 1)
    const counts = Array.from({ length: bins }, (_, i) => h.counts[i] ?? 0)
    return {
      type: 'bar',
      data: { labels: counts.map((_, i) => String(i * h.bin_width)), datasets: [{ label: `${split} examples`, data: counts, backgroundColor: '#3b6ea5', barPercentage: 1, categoryPercentage: 1 }] },
      options: { plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: `Llama 3 tokens (bins of ${h.bin_width})` } }, y: { title: { display: true, text: 'examples' }, beginAtZero: true } } },
      plugins: [limitLine(h.bin_width)]
    }
  }, [stats, split])
  return (
    <div class='panel'>
      <h3>{split}: token lengths</h3>
      <p class='muted'>{stats.examples} examples · mean {stats.tokens_mean} · p50 {stats.tokens_p50} · p95 {stats.tokens_p95} · max {stats.tokens_max} · <strong>{stats.over_4096} over 4,096</strong></p>
      {config ? <ChartView config={config as ChartConfiguration} label={`${split} token-length histogram`} /> : <p class='muted'>This dataset was built before histograms were recorded.</p>}
    </div>
  )
}
