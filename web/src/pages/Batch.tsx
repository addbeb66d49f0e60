// The counter's batch screen: send files to production, receive the cards back, hand them over —
// many at once. A barcode scanner types the number then Enter, so each Enter in the scan field
// adds one (a personal ID number or a slip number); a list can be pasted too. Each change of the
// list is tried without writing (dry run) and every number shows what would happen to it; "Take
// these N" then does it for the numbers that can go, and shows what was done.
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query'
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react'
import { Link } from 'wouter'
import { api } from '../api.ts'
import { formatNumber } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { errorText, todayIso } from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'
import { stateKey, useInvalidateApplications } from './Applications.tsx'
import './identity.css'

const BATCH_KINDS = ['send', 'receive', 'hand_over'] as const
type BatchKind = (typeof BATCH_KINDS)[number]

type OutcomeKind = 'ok' | 'refused' | 'unknown' | 'unreadable' | 'duplicate'

/** What happened (or, in a preview, would happen) to one scanned reference. */
interface Item {
  ref: string
  outcome: OutcomeKind
  application_id: string | null
  no: number | null
  name_display: string | null
  /** After the batch (in a preview: now). */
  state: string | null
  /** The steps taken (in a preview: that would be). */
  steps: string[]
  message: { vi: string; en: string } | null
}

interface BatchResult {
  dry_run: boolean
  batch: { id: string; applications: number } | null
  counts: Record<OutcomeKind, number>
  /** One per reference, in the order sent. */
  items: Item[]
}

/**
 * One scanned or typed reference: a card's QR code (fields separated by |) read as its first
 * field, the spaces, dots and dashes a scanner or a hand adds taken out.
 */
const clean = (ref: string) => (ref.split('|')[0] ?? '').replace(/[\s.-]/g, '')

interface Request {
  kind: BatchKind
  refs: string[]
  day: string
  receiver: string
}

const bodyOf = (r: Request, refs: string[], dryRun: boolean) => ({
  kind: r.kind,
  refs,
  // Today is the server's (Vietnam's) day: sent only when another day is chosen.
  ...(r.day !== todayIso() ? { on: r.day } : {}),
  ...(r.kind === 'hand_over' ? { receiver: r.receiver } : {}),
  dry_run: dryRun,
})

export function BatchPage() {
  const { t, lang } = useI18n()
  const invalidate = useInvalidateApplications()
  const [kind, setKind] = useState<BatchKind>('send')
  const [refs, setRefs] = useState<string[]>([])
  const [scan, setScan] = useState('')
  const [pasted, setPasted] = useState('')
  const [day, setDay] = useState(todayIso)
  const [receiver, setReceiver] = useState('')
  const scanField = useRef<HTMLInputElement>(null)
  const hintId = useId()
  const request = useMemo<Request>(() => ({ kind, refs, day, receiver: receiver.trim() }), [kind, refs, day, receiver])
  // The preview follows the list a moment after the last change: a scanner's quick numbers, or a
  // name being typed, make one preview, not one each.
  const [checked, setChecked] = useState(request)
  useEffect(() => {
    const timer = setTimeout(() => setChecked(request), 250)
    return () => clearTimeout(timer)
  }, [request])
  const needsReceiver = kind === 'hand_over' && request.receiver === ''
  const preview = useQuery({
    queryKey: ['id-batch-preview', checked],
    enabled: checked.refs.length > 0 && !(checked.kind === 'hand_over' && checked.receiver === ''),
    placeholderData: keepPreviousData,
    queryFn: () => api<BatchResult>('POST', '/api/id/batches', bodyOf(checked, checked.refs, true)),
  })
  const take = useMutation({
    mutationFn: ({ r, list }: { r: Request; list: string[] }) => api<BatchResult>('POST', '/api/id/batches', bodyOf(r, list, false)),
    onSuccess: async () => {
      setRefs([])
      await invalidate()
    },
  })

  function add(list: string[]) {
    const fresh = list.map(clean).filter((r) => r !== '')
    if (fresh.length === 0) return
    take.reset()
    setRefs((current) => [...current, ...fresh.filter((r, i) => !current.includes(r) && fresh.indexOf(r) === i)])
  }
  function submitScan(e: FormEvent) {
    e.preventDefault()
    add([scan])
    setScan('')
    scanField.current?.focus()
  }
  function submitPasted(e: FormEvent) {
    e.preventDefault()
    add(pasted.split(/[\n,;]+/))
    setPasted('')
  }
  const items = new Map((preview.data?.items ?? []).map((o) => [o.ref, o]))
  // Only what the preview of this very list allows, once it has come.
  const current = checked === request && preview.isSuccess && !preview.isFetching && !preview.isPlaceholderData
  const ready = current ? refs.filter((r) => items.get(r)?.outcome === 'ok') : []
  const steps = (o: Item) => o.steps.map((s) => t(stateKey(s))).join(' → ')

  return (
    <section className="batch">
      <PageHeading>{t('id.batch.title')}</PageHeading>
      <p className="hint">{t('id.batch.hint')}</p>
      <fieldset className="subform">
        <legend>{t('id.batch.kind')}</legend>
        <div className="row wrap">
          {BATCH_KINDS.map((k) => (
            <label key={k} className="check">
              <input
                type="radio"
                name="batch-kind"
                value={k}
                checked={kind === k}
                onChange={() => {
                  setKind(k)
                  take.reset()
                }}
              />
              {t(`id.batch.kind.${k}` as MessageKey)}
            </label>
          ))}
        </div>
        <div className="row wrap">
          <label>
            {t('id.step.on')} *
            <input type="date" value={day} required max={todayIso()} onChange={(e) => setDay(e.target.value)} />
          </label>
          {kind === 'hand_over' && (
            <label className="grow">
              {t('id.receiver')} *
              <input value={receiver} required maxLength={500} onChange={(e) => setReceiver(e.target.value)} />
            </label>
          )}
        </div>
      </fieldset>

      <form className="row wrap" onSubmit={submitScan}>
        <label className="grow">
          {t('id.batch.scan')}
          <input
            ref={scanField}
            value={scan}
            inputMode="numeric"
            autoComplete="off"
            maxLength={500}
            aria-describedby={hintId}
            onChange={(e) => setScan(e.target.value)}
          />
        </label>
        <button type="submit">{t('id.batch.add')}</button>
      </form>
      <p id={hintId} className="hint">
        {t('id.batch.scanHint')}
      </p>
      <details>
        <summary>{t('id.batch.paste')}</summary>
        <form onSubmit={submitPasted}>
          <label>
            {t('id.batch.pasteLabel')}
            <textarea value={pasted} rows={5} onChange={(e) => setPasted(e.target.value)} />
          </label>
          <button type="submit" className="secondary">
            {t('id.batch.addAll')}
          </button>
        </form>
      </details>

      {refs.length > 0 && (
        <section aria-labelledby="batch-list-heading">
          <h2 id="batch-list-heading">
            {t('id.batch.list')} ({formatNumber(refs.length)})
          </h2>
          {preview.isError && (
            <p className="error" role="alert">
              {errorText(preview.error, lang, t('app.error'))}
            </p>
          )}
          <table className="results stack" aria-labelledby="batch-list-heading">
            <thead>
              <tr>
                <th>{t('id.batch.ref')}</th>
                <th>{t('id.holder')}</th>
                <th>{t('id.state')}</th>
                <th>{t('id.batch.outcome')}</th>
                <th>
                  <span className="visually-hidden">{t('id.batch.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {refs.map((r) => {
                const o = items.get(r)
                return (
                  <tr key={r}>
                    <td>{r}</td>
                    <td data-label={t('id.holder')}>
                      {o?.application_id ? (
                        <Link href={`/id/applications/${o.application_id}`}>
                          {o.name_display} ({t('id.no')} {o.no})
                        </Link>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td data-label={t('id.state')}>{o?.state ? t(stateKey(o.state)) : '—'}</td>
                    <td data-label={t('id.batch.outcome')}>
                      {!o ? (
                        needsReceiver || preview.isError ? (
                          '—'
                        ) : (
                          t('app.loading')
                        )
                      ) : o.outcome === 'ok' ? (
                        `${t('id.batch.canGo')}: ${steps(o)}`
                      ) : (
                        <span className="error">{o.message?.[lang] ?? t('id.batch.cannotGo')}</span>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="secondary small"
                        onClick={() => {
                          take.reset()
                          setRefs(refs.filter((x) => x !== r))
                        }}
                      >
                        {t('id.batch.remove')}
                        <span className="visually-hidden"> {r}</span>
                      </button>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          {needsReceiver && <p className="hint">{t('id.batch.receiverNeeded')}</p>}
          <div className="row wrap">
            <button type="button" disabled={ready.length === 0 || take.isPending} onClick={() => take.mutate({ r: request, list: ready })}>
              {t('id.batch.take')} {formatNumber(ready.length)} {t('id.batch.takeTail')}
            </button>
            <button type="button" className="secondary" onClick={() => setRefs([])}>
              {t('id.batch.clear')}
            </button>
          </div>
        </section>
      )}
      {take.error && (
        <p className="error" role="alert">
          {errorText(take.error, lang, t('app.error'))}
        </p>
      )}
      <div aria-live="polite">
        {take.data && (
          <section aria-labelledby="batch-done-heading">
            <h2 id="batch-done-heading">{t('id.batch.done')}</h2>
            <p className="notice">
              {t('id.batch.doneCount')}: {formatNumber(take.data.counts.ok)} / {formatNumber(take.data.items.length)}
            </p>
            <ul>
              {take.data.items.map((o) => (
                <li key={o.ref}>
                  {o.ref}
                  {o.application_id && (
                    <>
                      {' · '}
                      <Link href={`/id/applications/${o.application_id}`}>{o.name_display}</Link>
                    </>
                  )}
                  {' · '}
                  {o.outcome === 'ok' ? (
                    o.state && t(stateKey(o.state))
                  ) : (
                    <span className="error">{o.message?.[lang] ?? t('id.batch.cannotGo')}</span>
                  )}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </section>
  )
}
