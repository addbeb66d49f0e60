// A household and its members on a day (today unless another is picked), printable: the list
// officers hand out and file. Below it the household's history in the living register (who
// lived there when, head changes, splits, merges) and, for officers, the forms recording a
// birth into it, a split, a merge into another household and a change of head.
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link } from 'wouter'
import { ApiError, api } from '../api.ts'
import { formatDate } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import {
  compact,
  EventSummary,
  errorText,
  type HouseholdHistory,
  HouseholdLookupFields,
  type HouseholdRef,
  type LogEvent,
  StayDay,
  todayIso,
  useHouseholdLookup,
  useUnitLabel,
} from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'
import { useInvalidateLiving } from './PersonEvents.tsx'

interface Household {
  id: string
  unit_code: string
  era: number
  household_no: string
  head_person_id: string | null
  head_name: string | null
  address: string | null
  members: { person_id: string; name: string; relation_to_head: string | null; birth_year: number | null; sex: 'M' | 'F' | null }[]
}

const isDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day)

/** The household's stays and events; with a day, its members on that day. */
function useHistory(id: string, on: string | null) {
  return useQuery({
    queryKey: ['household-history', id, on],
    enabled: on === null || isDay(on),
    // Another day keeps the list shown until its own members come.
    placeholderData: keepPreviousData,
    queryFn: () => {
      const day = on ? `?on=${encodeURIComponent(on)}` : ''
      return api<HouseholdHistory>('GET', `/api/households/${encodeURIComponent(id)}/history${day}`)
    },
  })
}

export function HouseholdPage({ id, canRecord }: { id: string; canRecord: boolean }) {
  const { t, lang } = useI18n()
  const unitLabel = useUnitLabel()
  const [on, setOn] = useState(todayIso)
  const household = useQuery({
    queryKey: ['household', id],
    queryFn: () => api<Household>('GET', `/api/households/${encodeURIComponent(id)}`),
  })
  const members = useHistory(id, on)
  // The page shows with its members, not before them (a printed list is never half empty).
  if (household.isPending || (members.isPending && !members.isError)) return <p>{t('app.loading')}</p>
  if (household.isError) {
    const notFound = household.error instanceof ApiError && (household.error.status === 404 || household.error.status === 400)
    return (
      <p className="error" role="alert">
        {notFound ? t('household.notFound') : household.error instanceof ApiError ? household.error.text[lang] : t('app.error')}
      </p>
    )
  }
  const h = household.data
  // Birth year and sex as the forms record them; a person born or moved in by an event may have none here.
  const recorded = new Map(h.members.map((m) => [m.person_id, m]))
  const list = members.data?.members_on ?? []
  return (
    <section className="printable">
      <div className="row between no-print">
        <Link href="/">{t('person.back')}</Link>
        <button type="button" onClick={() => window.print()}>
          {t('household.print')}
        </button>
      </div>
      <PageHeading>
        {t('household.title')} {h.household_no}
      </PageHeading>
      <p>
        {t('household.head')}: <strong>{h.head_name ?? '—'}</strong>
        <br />
        {t('household.address')}: {h.address ? `${h.address}, ` : ''}
        {unitLabel(h.unit_code, h.era)}
      </p>
      <div className="row wrap no-print">
        <label>
          {t('household.membersOn')}
          <input type="date" value={on} required onChange={(e) => setOn(e.target.value)} />
        </label>
      </div>
      {members.isError && (
        <p className="error" role="alert">
          {errorText(members.error, lang, t('app.error'))}
        </p>
      )}
      <table className="results stack" aria-label={`${t('household.membersOn')} ${formatDate(on)}`}>
        <thead>
          <tr>
            <th>#</th>
            <th>{t('person.name')}</th>
            <th>{t('household.relation')}</th>
            <th>{t('household.birthYear')}</th>
            <th>{t('person.sex')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((m, i) => {
            const r = recorded.get(m.person_id)
            return (
              <tr key={`${m.person_id}-${m.valid_from}`}>
                <td>{i + 1}</td>
                <td>
                  <Link href={`/persons/${m.person_id}`}>{m.name_display}</Link>
                </td>
                <td data-label={t('household.relation')}>{m.relation_to_head ?? ''}</td>
                <td data-label={t('household.birthYear')}>{r?.birth_year ? formatDate(String(r.birth_year)) : ''}</td>
                <td data-label={t('person.sex')}>{r?.sex ? t(r.sex === 'M' ? 'person.sex.M' : 'person.sex.F') : ''}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {members.data && list.length === 0 && <p>{t('household.nobody')}</p>}
      <p className="hint">
        {t('household.printed')} {formatDate(new Date().toISOString())}
      </p>
      <HouseholdHistorySection id={id} />
      {canRecord && <HouseholdEventForm household={h} />}
    </section>
  )
}

function HouseholdHistorySection({ id }: { id: string }) {
  const { t, lang } = useI18n()
  const unitLabel = useUnitLabel()
  const history = useHistory(id, null)
  if (history.isPending) return <p>{t('app.loading')}</p>
  if (history.isError)
    return (
      <p className="error" role="alert">
        {errorText(history.error, lang, t('app.error'))}
      </p>
    )
  const { stays, events } = history.data
  const names = new Map(stays.map((s) => [s.person_id, s.name_display]))
  const revoked = new Map(events.filter((e) => e.kind === 'revocation').map((e) => [String(e.details.event_id), e]))
  return (
    <section aria-labelledby="history-heading" className="no-print">
      <h2 id="history-heading">{t('household.history')}</h2>
      <h3>{t('household.history.stays')}</h3>
      {/* Names without links: the members' list above links each person once. */}
      <table className="results stack" aria-label={t('household.history.stays')}>
        <thead>
          <tr>
            <th>{t('person.name')}</th>
            <th>{t('household.relation')}</th>
            <th>{t('timeline.from')}</th>
            <th>{t('timeline.till')}</th>
            <th>{t('timeline.kind')}</th>
            <th>{t('timeline.place')}</th>
          </tr>
        </thead>
        <tbody>
          {stays.map((s) => (
            <tr key={`${s.person_id}-${s.valid_from}-${s.kind}`}>
              <td>{s.name_display}</td>
              <td data-label={t('household.relation')}>{s.relation_to_head ?? '—'}</td>
              <td data-label={t('timeline.from')}>
                <StayDay day={s.valid_from} open="start" />
              </td>
              <td data-label={t('timeline.till')}>
                <StayDay day={s.valid_to} open="end" />
              </td>
              <td data-label={t('timeline.kind')}>{t(s.kind === 'temporary' ? 'timeline.temporary' : 'timeline.permanent')}</td>
              <td data-label={t('timeline.place')}>{unitLabel(s.unit_code, s.era)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('household.history.events')}</h3>
      {events.filter((e) => e.kind !== 'revocation').length === 0 ? (
        <p>{t('timeline.none')}</p>
      ) : (
        <ol className="timeline">
          {events
            .filter((e) => e.kind !== 'revocation')
            .map((e) => {
              const body = (
                <>
                  <strong>{formatDate(e.effective_on)}</strong> · {t(`event.kind.${e.kind}` as MessageKey)}
                  {e.person_id && names.get(e.person_id) ? ` (${names.get(e.person_id)})` : ''}
                  <EventSummary event={e} personName={(p) => names.get(p)} here={id} />
                </>
              )
              const revocation = revoked.get(e.id)
              return (
                <li key={e.id} className={revocation ? 'revoked' : undefined}>
                  {revocation ? <del>{body}</del> : body}
                  <span className="hint">
                    {' '}
                    · {t('timeline.recordedBy')} {e.officer}
                  </span>
                  {revocation && (
                    <p className="hint">
                      {t('timeline.revoked')} {formatDate(revocation.effective_on)}: {String(revocation.details.reason ?? '')}
                    </p>
                  )}
                </li>
              )
            })}
        </ol>
      )}
    </section>
  )
}

const HOUSEHOLD_KINDS = ['birth', 'household_split', 'household_merge', 'head_change'] as const
type HouseholdKind = (typeof HOUSEHOLD_KINDS)[number]

interface Fields {
  full_name: string
  sex: string
  relation: string
  father_id: string
  mother_id: string
  personal_id: string
  birth_reg_place: string
  members: string[]
  household_no: string
  head_id: string
  detail: string
}

const blank = (): Fields => ({
  full_name: '',
  sex: '',
  relation: 'Con',
  father_id: '',
  mother_id: '',
  personal_id: '',
  birth_reg_place: '',
  members: [],
  household_no: '',
  head_id: '',
  detail: '',
})

function HouseholdEventForm({ household }: { household: Household }) {
  const { t, lang } = useI18n()
  const invalidate = useInvalidateLiving()
  const [kind, setKind] = useState<HouseholdKind>('birth')
  const [day, setDay] = useState(todayIso)
  const [document, setDocument] = useState('')
  const [f, setF] = useState<Fields>(blank)
  const own: HouseholdRef = { era: household.era === 2024 ? 2024 : 2025, unit: household.unit_code, no: '' }
  const [target, setTarget] = useState<HouseholdRef>(own)
  const [lookupError, setLookupError] = useState(false)
  const found = useHouseholdLookup(target)
  const set = (key: keyof Fields) => (e: { target: { value: string } }) => setF((v) => ({ ...v, [key]: e.target.value }))
  // Who is in the household on the event's day: parents, those who split off, the new head.
  const members = useHistory(household.id, day)
  const onDay = members.data?.members_on ?? []
  const record = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<{ event: LogEvent }>('POST', '/api/events', body),
    onSuccess: async () => {
      setF(blank())
      setDocument('')
      setTarget(own)
      await invalidate()
    },
  })

  function body(): Record<string, unknown> | null {
    const common = { kind, household_id: household.id, effective_on: day, document }
    switch (kind) {
      case 'birth':
        return compact({
          ...common,
          full_name: f.full_name,
          sex: f.sex,
          relation_to_head: f.relation,
          father_id: f.father_id,
          mother_id: f.mother_id,
          personal_id: f.personal_id,
          birth_reg_place: f.birth_reg_place,
        })
      case 'household_split':
        return compact({ ...common, members: f.members, head_id: f.head_id, household_no: f.household_no, detail: f.detail })
      case 'household_merge':
        return found.data ? compact({ ...common, to_household_id: found.data.id }) : null
      case 'head_change':
        return compact({ ...common, head_id: f.head_id })
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    const b = body()
    setLookupError(b === null)
    if (b) record.mutate(b)
  }

  const memberOptions = (list: typeof onDay) =>
    list.map((m) => (
      <option key={m.person_id} value={m.person_id}>
        {m.name_display}
        {m.relation_to_head ? ` (${m.relation_to_head})` : ''}
      </option>
    ))
  const leaving = onDay.filter((m) => f.members.includes(m.person_id))
  return (
    <section aria-labelledby="household-record-heading" className="event-form no-print">
      <h2 id="household-record-heading">{t('events.record')}</h2>
      <form onSubmit={submit}>
        <div className="row wrap">
          <label>
            {t('events.kind')}
            <select
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as HouseholdKind)
                setF((v) => ({ ...v, head_id: '' }))
                record.reset()
                setLookupError(false)
              }}
            >
              {HOUSEHOLD_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`event.kind.${k}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t(kind === 'birth' ? 'events.birthDate' : 'events.effectiveOn')} *
            <input type="date" value={day} required max={todayIso()} onChange={(e) => setDay(e.target.value)} />
          </label>
          <label className="grow">
            {t('events.document')}
            <input value={document} maxLength={300} onChange={(e) => setDocument(e.target.value)} />
          </label>
        </div>

        {kind === 'birth' && (
          <div className="row wrap">
            <label className="grow">
              {t('person.name')} *
              <input value={f.full_name} required maxLength={120} onChange={set('full_name')} />
            </label>
            <label>
              {t('person.sex')} *
              <select value={f.sex} required onChange={set('sex')}>
                <option value="">{t('events.choose')}</option>
                <option value="M">{t('person.sex.M')}</option>
                <option value="F">{t('person.sex.F')}</option>
              </select>
            </label>
            <label>
              {t('events.relation')}
              <input value={f.relation} maxLength={50} onChange={set('relation')} />
            </label>
            <label>
              {t('events.father')}
              <select value={f.father_id} onChange={set('father_id')}>
                <option value="">{t('events.notInHousehold')}</option>
                {memberOptions(onDay)}
              </select>
            </label>
            <label>
              {t('events.mother')}
              <select value={f.mother_id} onChange={set('mother_id')}>
                <option value="">{t('events.notInHousehold')}</option>
                {memberOptions(onDay)}
              </select>
            </label>
            <label>
              {t('events.personalIdOptional')}
              <input value={f.personal_id} inputMode="numeric" pattern="\d{12}" maxLength={12} onChange={set('personal_id')} />
            </label>
            <label className="grow">
              {t('events.birthRegPlace')}
              <input value={f.birth_reg_place} maxLength={200} onChange={set('birth_reg_place')} />
            </label>
          </div>
        )}

        {kind === 'household_split' && (
          <>
            <fieldset className="subform">
              <legend>{t('events.splitMembers')}</legend>
              {onDay.length === 0 && <p>{t('household.nobody')}</p>}
              {onDay.map((m) => (
                <label key={m.person_id} className="check">
                  <input
                    type="checkbox"
                    checked={f.members.includes(m.person_id)}
                    onChange={(e) =>
                      setF((v) => ({
                        ...v,
                        members: e.target.checked ? [...v.members, m.person_id] : v.members.filter((p) => p !== m.person_id),
                        head_id: !e.target.checked && v.head_id === m.person_id ? '' : v.head_id,
                      }))
                    }
                  />
                  {m.name_display}
                  {m.relation_to_head ? ` (${m.relation_to_head})` : ''}
                </label>
              ))}
            </fieldset>
            <div className="row wrap">
              <label>
                {t('events.newHouseholdNo')} *
                <input value={f.household_no} required maxLength={30} onChange={set('household_no')} />
              </label>
              <label>
                {t('events.newHead')} *
                <select value={f.head_id} required onChange={set('head_id')}>
                  <option value="">{t('events.choose')}</option>
                  {memberOptions(leaving)}
                </select>
              </label>
              <label className="grow">
                {t('events.detail')}
                <input value={f.detail} maxLength={300} onChange={set('detail')} />
              </label>
            </div>
          </>
        )}

        {kind === 'household_merge' && <HouseholdLookupFields value={target} onChange={setTarget} legend={t('events.mergeInto')} />}

        {kind === 'head_change' && (
          <label>
            {t('events.newHead')} *
            <select value={f.head_id} required onChange={set('head_id')}>
              <option value="">{t('events.choose')}</option>
              {memberOptions(onDay.filter((m) => m.person_id !== household.head_person_id))}
            </select>
          </label>
        )}

        <button type="submit" disabled={record.isPending}>
          {t('events.submit')}
        </button>
        <div aria-live="polite">
          {record.isSuccess && (
            <p className="notice">
              {t('events.recorded')} {t(`event.kind.${kind}` as MessageKey)}, {formatDate(day)}.
              {record.data.event.kind === 'birth' && record.data.event.person_id && (
                <>
                  {' '}
                  <Link href={`/persons/${record.data.event.person_id}`}>{t('events.openBorn')}</Link>
                </>
              )}
            </p>
          )}
        </div>
        {lookupError && (
          <p className="error" role="alert">
            {t('events.householdNotFound')}
          </p>
        )}
        {record.error && (
          <p className="error" role="alert">
            {errorText(record.error, lang, t('app.error'))}
          </p>
        )}
      </form>
    </section>
  )
}
