// One identity-card application: its holder, kind and state, the deadline (overdue, provisional
// when it counts days off not yet announced), every step with its officer and time, and for the
// card post a button for each step that may follow (the API's `next`) with what that step needs —
// what to correct or why it is cancelled, who received the card, the day if not today.
import { useMutation, useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link } from 'wouter'
import { ApiError, api } from '../api.ts'
import { formatDate } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { errorText, todayIso, useUnitLabel } from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'
import { type Application, DueDay, kindKey, type State, stateKey, useInvalidateApplications } from './Applications.tsx'

interface Step {
  seq: number
  from_state: string | null
  to_state: string
  at: string
  officer: string
  reason: string | null
  receiver: string | null
  batch_id: string | null
  session_id: string | null
}

const moment = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})
/** A moment in Vietnam's time, as Vietnamese write it: 27/11/2026 14:05. */
export function formatMoment(iso: string): string {
  const parts = Object.fromEntries(moment.formatToParts(new Date(iso)).map((p) => [p.type, p.value]))
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`
}

/** The button that takes a step: said as what the officer does. */
const actionKey = (s: State) => `id.action.${s}` as MessageKey

const NEEDS_REASON: readonly State[] = ['returned_for_correction', 'cancelled']

function StepForm({ application, to, onDone, onClose }: { application: Application; to: State; onDone: () => void; onClose: () => void }) {
  const { t, lang } = useI18n()
  const invalidate = useInvalidateApplications()
  const [day, setDay] = useState(todayIso)
  const [reason, setReason] = useState('')
  const [receiver, setReceiver] = useState('')
  const needsReason = NEEDS_REASON.includes(to)
  const step = useMutation({
    mutationFn: () =>
      api<{ application: Application }>('POST', `/api/id/applications/${application.id}/steps`, {
        to,
        // Today is the server's (Vietnam's) day: sent only when another day is chosen.
        ...(day !== todayIso() ? { on: day } : {}),
        ...(needsReason ? { reason: reason.trim() } : {}),
        ...(to === 'handed_over' ? { receiver: receiver.trim() } : {}),
      }),
    onSuccess: async () => {
      await invalidate()
      onDone()
    },
  })
  function submit(e: FormEvent) {
    e.preventDefault()
    step.mutate()
  }
  return (
    <form className="subform" onSubmit={submit} aria-label={t(actionKey(to))}>
      <div className="row wrap">
        {needsReason && (
          <label className="grow">
            {t(to === 'cancelled' ? 'id.step.cancelReason' : 'id.step.correction')} *
            <input value={reason} required maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </label>
        )}
        {to === 'handed_over' && (
          <label className="grow">
            {t('id.receiver')} *
            <input value={receiver} required maxLength={500} onChange={(e) => setReceiver(e.target.value)} />
          </label>
        )}
        <label>
          {t('id.step.on')} *
          <input type="date" value={day} required max={todayIso()} onChange={(e) => setDay(e.target.value)} />
        </label>
      </div>
      <div className="row wrap">
        <button type="submit" disabled={step.isPending}>
          {t('id.step.confirm')}: {t(actionKey(to))}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          {t('timeline.cancel')}
        </button>
      </div>
      {step.error && (
        <p className="error" role="alert">
          {errorText(step.error, lang, t('app.error'))}
        </p>
      )}
    </form>
  )
}

export function ApplicationPage({ id, canManage }: { id: string; canManage: boolean }) {
  const { t, lang } = useI18n()
  const unitLabel = useUnitLabel()
  const [chosen, setChosen] = useState<State | null>(null)
  const [last, setLast] = useState<State | null>(null)
  const application = useQuery({
    queryKey: ['id-application', id],
    queryFn: () => api<Application & { steps: Step[] }>('GET', `/api/id/applications/${encodeURIComponent(id)}`),
  })
  const back = <Link href="/id/applications">{t('id.back')}</Link>
  if (application.isPending) return <p>{t('app.loading')}</p>
  if (application.isError) {
    const missing = application.error instanceof ApiError && application.error.status === 404
    return (
      <section>
        <p className="error" role="alert">
          {missing ? t('id.notFound') : errorText(application.error, lang, t('app.error'))}
        </p>
        {back}
      </section>
    )
  }
  const a = application.data
  const rows: [MessageKey, string][] = [
    ['id.personalId', a.personal_id],
    ['id.birthDate', formatDate(a.birth_date)],
    ['id.kind', t(kindKey(a.kind))],
    ['id.reason', a.reason ?? ''],
    ['id.unit', unitLabel(a.unit_code, a.era)],
    ['id.receivedOn', formatDate(a.received_on)],
    ['id.receivedBy', a.received_by],
    ['id.biometrics', t(a.biometrics ? 'id.biometrics.yes' : 'id.biometrics.no')],
    ['id.completeOn', formatDate(a.complete_on)],
    ['id.arrivedOn', formatDate(a.arrived_on)],
    ['id.handedOverOn', formatDate(a.handed_over_on)],
    ['id.receiver', a.receiver ?? ''],
  ]
  return (
    <section>
      {back}
      <PageHeading>
        {t('id.application.title')} {a.no}: {a.name_display}
      </PageHeading>
      <p className="state">
        {t('id.state')}: <strong>{a.state_name[lang]}</strong>
        {' · '}
        {t('id.dueOn')}: <DueDay a={a} />
      </p>
      {a.due_provisional && <p className="hint">{t('id.provisional.hint')}</p>}
      <p className="row wrap">
        <Link href={`/id/applications/${a.id}/slip`}>{t('id.slip.open')}</Link>
        <Link href={`/persons/${a.person_id}`}>{t('id.person.open')}</Link>
      </p>
      <dl className="fields">
        {rows.map(([key, value]) => (
          <div key={key}>
            <dt>{t(key)}</dt>
            <dd>{value || '—'}</dd>
          </div>
        ))}
      </dl>
      <div aria-live="polite">{last && <p className="notice">{`${t('id.step.done')}: ${t(stateKey(last))}.`}</p>}</div>
      {canManage && a.next.length > 0 && (
        <section aria-labelledby="id-next-heading">
          <h2 id="id-next-heading">{t('id.next')}</h2>
          <div className="row wrap">
            {a.next.map((s) => (
              <button
                key={s}
                type="button"
                className={NEEDS_REASON.includes(s) ? 'secondary' : undefined}
                aria-expanded={chosen === s}
                onClick={() => {
                  setChosen(chosen === s ? null : s)
                  setLast(null)
                }}
              >
                {t(actionKey(s))}
              </button>
            ))}
          </div>
          {chosen && a.next.includes(chosen) && (
            <StepForm
              key={chosen}
              application={a}
              to={chosen}
              onDone={() => {
                setChosen(null)
                setLast(chosen)
              }}
              onClose={() => setChosen(null)}
            />
          )}
        </section>
      )}
      <h2 id="id-steps-heading">{t('id.steps')}</h2>
      <table className="results stack" aria-labelledby="id-steps-heading">
        <thead>
          <tr>
            <th>{t('id.step.to')}</th>
            <th>{t('id.step.at')}</th>
            <th>{t('id.step.officer')}</th>
            <th>{t('id.step.from')}</th>
            <th>{t('id.step.note')}</th>
          </tr>
        </thead>
        <tbody>
          {a.steps.map((s) => (
            <tr key={s.seq}>
              <td>{t(stateKey(s.to_state))}</td>
              <td data-label={t('id.step.at')}>{formatMoment(s.at)}</td>
              <td data-label={t('id.step.officer')}>{s.officer}</td>
              <td data-label={t('id.step.from')}>{s.from_state ? t(stateKey(s.from_state)) : '—'}</td>
              <td data-label={t('id.step.note')}>
                {[
                  s.reason,
                  s.receiver ? `${t('id.receiver')}: ${s.receiver}` : null,
                  s.batch_id ? t('id.step.inBatch') : null,
                  s.session_id ? t('id.step.inSession') : null,
                ]
                  .filter(Boolean)
                  .join(' · ') || '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
