// Importing a DC01 file: upload (with its own progress, for slow lines), then the job's
// progress with rows/s and ETA, the report (outcomes and rules as bar charts, their counts as
// text too), the correction file, and undo. The recent imports are listed below.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { ApiError, api } from '../api.ts'
import { Chart } from '../Chart.tsx'
import { formatNumber } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { PageHeading } from '../PageHeading.tsx'

const OUTCOMES = ['accepted', 'accepted_with_warnings', 'needs_correction', 'duplicate', 'conflict'] as const

interface Batch {
  id: string
  source: string
  encoding: string | null
  status: 'queued' | 'running' | 'done' | 'failed' | 'withdrawn'
  rows_done: number
  percent: number
  outcomes: Record<(typeof OUTCOMES)[number], number>
  rules: Record<string, number>
  error: { message?: { vi: string; en: string } | string } | null
}

const csrf = () => decodeURIComponent(/(?:^|;\s*)coso_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '')

/** multipart upload through XHR: fetch cannot report upload progress. */
function upload(file: File, encoding: string, onProgress: (share: number) => void): Promise<Batch> {
  return new Promise((resolve, reject) => {
    const body = new FormData()
    if (encoding) body.append('encoding', encoding)
    body.append('file', file)
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/imports')
    xhr.setRequestHeader('x-csrf-token', csrf())
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total)
    xhr.onload = () => {
      const data = JSON.parse(xhr.responseText || '{}')
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as Batch)
      else reject(new ApiError(xhr.status, data))
    }
    xhr.onerror = () => reject(new ApiError(0, {}))
    xhr.send(body)
  })
}

/** Counts as bars, and as a table beside them to read the exact numbers. */
function Counts({ label, counts }: { label: string; counts: [string, number][] }) {
  return (
    <div className="figures">
      <Chart label={label} bars={counts.map(([name, value]) => ({ name, value }))} />
      <table className="results" aria-label={label}>
        <tbody>
          {counts.map(([name, n]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{formatNumber(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Progress({ id }: { id: string }) {
  const { t, lang } = useI18n()
  const client = useQueryClient()
  const samples = useRef<{ at: number; rows: number }[]>([])
  const batch = useQuery({
    queryKey: ['import', id],
    queryFn: () => api<Batch>('GET', `/api/imports/${id}`),
    refetchInterval: (q) => (q.state.data && ['done', 'failed', 'withdrawn'].includes(q.state.data.status) ? false : 1000),
  })
  const undo = useMutation({
    mutationFn: () => api('DELETE', `/api/imports/${id}`),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['import', id] })
      client.invalidateQueries({ queryKey: ['imports'] })
    },
  })
  const b = batch.data
  const status = b?.status
  // The list below shows each batch's state: refresh it when this one changes.
  useEffect(() => {
    if (status) client.invalidateQueries({ queryKey: ['imports'] })
  }, [status, client])
  if (!b) return <p>{t('app.loading')}</p>
  samples.current = [...samples.current.filter((s) => Date.now() - s.at < 10_000), { at: Date.now(), rows: b.rows_done }]
  const first = samples.current[0] as { at: number; rows: number }
  const rate = samples.current.length > 1 ? ((b.rows_done - first.rows) * 1000) / Math.max(1, Date.now() - first.at) : 0
  const eta = rate > 0 && b.percent > 0 && b.percent < 100 ? Math.round(((b.rows_done / b.percent) * (100 - b.percent)) / rate) : null
  const total = OUTCOMES.reduce((n, k) => n + b.outcomes[k], 0)
  return (
    <div className="card">
      <h2>
        {b.source} — {t(`import.status.${b.status}` as MessageKey)}
      </h2>
      <p>
        {t('import.encoding')}: {b.encoding ?? '—'}
      </p>
      <progress max={100} value={b.percent} aria-label={t('import.progress')} />
      <p>
        {b.percent}% · {formatNumber(b.rows_done)} {t('import.rows')}
        {rate > 0 && ` · ${formatNumber(Math.round(rate))} ${t('import.rowsPerSecond')}`}
        {eta !== null && ` · ${t('import.eta')} ${eta} s`}
      </p>
      {/* What a screen reader hears: the state and each tenth of the way, not every second's figures. */}
      <p className="visually-hidden" aria-live="polite">
        {t(`import.status.${b.status}` as MessageKey)}, {Math.floor(b.percent / 10) * 10}%
      </p>
      {b.error && (
        <p className="error" role="alert">
          {typeof b.error.message === 'string' ? b.error.message : (b.error.message?.[lang] ?? '')}
        </p>
      )}
      {b.status === 'done' && (
        <>
          <h3>{t('import.outcomes')}</h3>
          <Counts label={t('import.outcomes')} counts={OUTCOMES.map((k) => [t(`import.outcome.${k}` as MessageKey), b.outcomes[k]])} />
          <p>
            {t('import.total')}: {formatNumber(total)}
          </p>
          {Object.keys(b.rules).length > 0 && (
            <>
              <h3>{t('import.rules')}</h3>
              <Counts label={t('import.rules')} counts={Object.entries(b.rules).sort((x, y) => y[1] - x[1])} />
            </>
          )}
          <div className="row">
            {b.outcomes.needs_correction > 0 && (
              <>
                <a className="button" href={`/api/imports/${b.id}/corrections?format=csv`} download>
                  {t('import.corrections')} (CSV)
                </a>
                <a className="button" href={`/api/imports/${b.id}/corrections?format=xlsx`} download>
                  {t('import.corrections')} (XLSX)
                </a>
              </>
            )}
            <button type="button" onClick={() => window.confirm(t('import.undoConfirm')) && undo.mutate()}>
              {t('import.undo')}
            </button>
          </div>
          {undo.error && (
            <p className="error" role="alert">
              {undo.error instanceof ApiError ? undo.error.text[lang] : t('app.error')}
            </p>
          )}
        </>
      )}
    </div>
  )
}

export function ImportPage() {
  const { t, lang } = useI18n()
  const client = useQueryClient()
  const [sent, setSent] = useState<number | null>(null)
  const [current, setCurrent] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const recent = useQuery({ queryKey: ['imports'], queryFn: () => api<{ items: Batch[] }>('GET', '/api/imports?limit=20') })

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const data = new FormData(event.currentTarget)
    const file = data.get('file')
    if (!(file instanceof File) || file.size === 0) return
    setError(null)
    setSent(0)
    try {
      const batch = await upload(file, String(data.get('encoding') ?? ''), setSent)
      setCurrent(batch.id)
      client.invalidateQueries({ queryKey: ['imports'] })
    } catch (e) {
      setError(e instanceof ApiError ? e.text[lang] : t('app.error'))
    } finally {
      setSent(null)
    }
  }

  return (
    <section>
      <PageHeading>{t('import.title')}</PageHeading>
      <form className="row wrap" onSubmit={submit}>
        <label className="grow">
          {t('import.file')}
          <input name="file" type="file" accept=".csv,.xlsx,.jsonl,.ndjson,text/csv" required />
        </label>
        <label>
          {t('import.encoding')}
          <select name="encoding" defaultValue="">
            <option value="">{t('import.autodetect')}</option>
            <option value="utf-8">UTF-8</option>
            <option value="tcvn3">TCVN3 (ABC)</option>
            <option value="vni">VNI</option>
            <option value="viqr">VIQR</option>
            <option value="cp1258">Windows-1258</option>
          </select>
        </label>
        <button type="submit" disabled={sent !== null}>
          {t('import.submit')}
        </button>
      </form>
      {sent !== null && <progress max={1} value={sent} aria-label={t('import.uploading')} />}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {current && <Progress id={current} />}
      <h2>{t('import.recent')}</h2>
      <ul>
        {recent.data?.items.map((b) => (
          <li key={b.id}>
            <button type="button" className="link" onClick={() => setCurrent(b.id)}>
              {b.source}
            </button>{' '}
            — {t(`import.status.${b.status}` as MessageKey)}, {formatNumber(b.rows_done)} {t('import.rows')}
          </li>
        ))}
      </ul>
    </section>
  )
}
