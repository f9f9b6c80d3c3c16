import { useEffect, useMemo, useState } from 'preact/hooks'
import { followJob, get } from '../api.js'
import type { ChartConfiguration } from '../chart.js'
import { ChartView, ErrorBox, Json, KeyValues, ListHeader, Loading, StatusBadge, fmtBytes, fmtTime } from '../components.js'
import { useAsync, useLiveList } from '../hooks.js'
import { href, type Route } from '../router.js'
import { TERMINAL, type LossPoint, type TrainingJob, type TrainingSummary } from '../types.js'

export function TrainingPage ({ route }: { route: Route }) {
  const list = useLiveList<TrainingSummary>('/v1/training-jobs', 5000)
  const id = route.path[1]
  return (
    <section>
      <ListHeader title='Training' what='training jobs' list={list} />
      {list.data && (
        <table class='grid' aria-label='training jobs'>
          <thead><tr><th>training job</th><th>adapter</th><th>dataset</th><th>method</th><th>status</th><th>step</th><th>last loss</th><th>created</th></tr></thead>
          <tbody>
            {list.data.items.map((t) => (
              <tr key={t.id} aria-selected={t.id === id}>
                <td><a href={href(['training', t.id])}><code>{t.id}</code></a></td>
                <td>{t.adapter_name}</td>
                <td><a href={href(['datasets', t.dataset])}>{t.dataset}</a></td>
                <td>{t.method}</td>
                <td><StatusBadge status={t.status} /></td>
                <td class='num'>{t.step}{t.total_steps ? ` / ${t.total_steps}` : ''}</td>
                <td class='num'>{t.last_loss?.toFixed(4) ?? '–'}</td>
                <td>{fmtTime(t.created_at)}</td>
              </tr>
            ))}
            {list.data.items.length === 0 && <tr><td colSpan={8} class='muted'>No training job yet (POST /v1/training-jobs).</td></tr>}
          </tbody>
        </table>
      )}
      {id && <TrainingDetail key={id} id={id} />}
    </section>
  )
}

function TrainingDetail ({ id }: { id: string }) {
  const tj = useAsync((signal) => get<TrainingJob>(`/v1/training-jobs/${encodeURIComponent(id)}`, signal), [id])
  // Steps streamed since the record was read, merged by step (a resumed run rewrites steps).
  const [streamed, setStreamed] = useState<Map<number, LossPoint>>(new Map())
  const [liveTotal, setLiveTotal] = useState<number | null>(null)
  const t = tj.data
  const live = t !== null && !TERMINAL.includes(t.status)
  useEffect(() => {
    if (!t || !live) return
    const ctl = new AbortController()
    followJob(t.job_id, (e) => {
      if (e.type === 'metric' && e.data && typeof e.data.step === 'number') {
        const p = e.data as unknown as LossPoint
        setStreamed((m) => new Map(m).set(p.step, p))
        if (typeof e.data.total_steps === 'number') setLiveTotal(e.data.total_steps)
      }
      if (e.type === 'status' && e.status && TERMINAL.includes(e.status)) tj.reload()
    }, ctl.signal).catch(() => {})
    return () => ctl.abort()
  }, [t?.job_id, live])
  const points = useMemo(() => {
    const m = new Map<number, LossPoint>((t?.loss ?? []).map((p) => [p.step, p]))
    for (const [s, p] of streamed) m.set(s, p)
    return [...m.values()].sort((a, b) => a.step - b.step)
  }, [t, streamed])
  if (tj.error) return <ErrorBox error={tj.error} />
  if (!t) return <Loading what='the training job' />
  const last = points[points.length - 1]
  const total = t.progress.total_steps ?? liveTotal
  return (
    <div class='detail-page'>
      <h2>{t.adapter_name} <StatusBadge status={t.status} /> {live && <span class='muted'>live</span>}</h2>
      <ErrorBox error={t.error} />
      <div class='cards'>
        <div class='card' data-card='step'><span class='big'>{last?.step ?? t.progress.step}{total ? ` / ${total}` : ''}</span><span>step</span></div>
        <div class='card' data-card='loss'><span class='big'>{last?.loss?.toFixed(4) ?? '–'}</span><span>loss</span></div>
        <div class='card'><span class='big'>{last?.lr?.toExponential(2) ?? '–'}</span><span>learning rate</span></div>
        <div class='card'><span class='big'>{last?.grad_norm?.toFixed(3) ?? '–'}</span><span>grad norm</span></div>
        <div class='card'><span class='big'>{last?.tokens_per_s?.toFixed(0) ?? '–'}</span><span>tokens/s</span></div>
      </div>
      <div class='two'>
        <div class='panel'><h3>Loss and grad norm</h3><LineChart points={points} a='loss' b='grad_norm' /></div>
        <div class='panel'><h3>Learning rate and tokens/s</h3><LineChart points={points} a='lr' b='tokens_per_s' /></div>
      </div>
      <p class='muted'>{t.loss_points} steps logged{t.loss_points > t.loss.length ? ` (${t.loss.length} shown, evenly spread)` : ''}.</p>
      <KeyValues rows={[
        ['base model', t.base_model], ['method', t.method], ['dataset', <a key='d' href={href(['datasets', t.dataset])}>{t.dataset}</a>],
        ['attempts', String(t.run.attempts)], ['resumed from step', String(t.run.resumed_from_step ?? '–')],
        ['latest checkpoint', t.run.checkpoint_step === null ? '–' : `step ${t.run.checkpoint_step}`], ['stopped', t.run.stopped ?? '–'],
        ['throughput', t.throughput ? `mean ${t.throughput.tokens_per_s_mean?.toFixed(0) ?? '–'} tokens/s · peak GPU memory ${t.throughput.gpu_mem_gb_peak ?? '–'} GB · ${t.throughput.world_size ?? 1} process(es)` : '–'],
        ['created', fmtTime(t.created_at)], ['started', fmtTime(t.started_at)], ['finished', fmtTime(t.finished_at)]
      ]}
      />
      <h3>Artifacts</h3>
      {t.artifacts.path === null
        ? <p class='muted'>{t.artifacts.note ?? 'Nothing published yet.'}</p>
        : (
          <>
            <p><code>{t.artifacts.path}</code> ({t.artifacts.kind}){t.artifacts.loaded ? ` · loaded on ${t.artifacts.loaded.server} as ${t.artifacts.loaded.lora_name}` : ''}</p>
            <table class='grid small' aria-label='artifacts'>
              <thead><tr><th>file</th><th>size</th><th>sha256</th></tr></thead>
              <tbody>{Object.entries(t.artifacts.files).map(([f, v]) => <tr key={f}><td>{f}</td><td class='num'>{fmtBytes(v.bytes)}</td><td><code>{v.sha256.slice(0, 16)}…</code></td></tr>)}</tbody>
            </table>
            {t.artifacts.note && <p class='muted'>{t.artifacts.note}</p>}
          </>
          )}
      <details open><summary>Configuration</summary><Json value={{ hyperparameters: t.hyperparameters, config: t.config, run_info: t.run.info }} /></details>
      {t.manifest && <details><summary>Manifest</summary><Json value={t.manifest} /></details>}
    </div>
  )
}

type Series = 'loss' | 'grad_norm' | 'lr' | 'tokens_per_s'
const COLORS: Record<Series, string> = { loss: '#3b6ea5', grad_norm: '#d98c1f', lr: '#2e8b57', tokens_per_s: '#8e44ad' }

function LineChart ({ points, a, b }: { points: LossPoint[], a: Series, b: Series }) {
  const config = useMemo<ChartConfiguration<'line'>>(() => ({
    type: 'line',
    data: {
      datasets: [a, b].map((k, i) => ({
        label: k.replace('_', ' '),
        data: points.filter((p) => p[k] !== null).map((p) => ({ x: p.step, y: p[k] as number })),
        borderColor: COLORS[k],
        backgroundColor: COLORS[k],
        pointRadius: points.length > 60 ? 0 : 2,
        borderWidth: 1.5,
        yAxisID: i === 0 ? 'y' : 'y1'
      }))
    },
    options: {
      parsing: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'step' } },
        y: { position: 'left', title: { display: true, text: a.replace('_', ' ') } },
        y1: { position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: b.replace('_', ' ') } }
      }
    }
  }), [points, a, b])
  return <ChartView config={config as ChartConfiguration} label={`${a} and ${b} by step`} />
}
