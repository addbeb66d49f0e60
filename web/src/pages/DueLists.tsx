// The due lists for door-to-door work: persons reaching a renewal age in the next months, persons
// of 14 or more without a valid card, expired cards. How many per commune (choosing a commune
// there), then the list itself in the order an officer walks it — hamlet, address, name — a page
// at a time, and the whole list as a CSV or Excel file with the Vietnamese headers. A card a person
// shows at the door, issued before coso, is recorded from their row.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, Fragment, useCallback, useMemo, useState } from 'react'
import { Link } from 'wouter'
import { STATE_NAMES } from '../../../src/identity/applications.ts'
import { api } from '../api.ts'
import { formatDate, formatNumber } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { errorText, useUnitLabel } from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'
import { type SortColumn, SortTable } from '../SortTable.tsx'

const LISTS = ['renewal', 'missing', 'expired'] as const
type List = (typeof LISTS)[number]

interface DueRow {
  person_id: string
  name: string
  birth_date: string | null
  sex: 'M' | 'F' | null
  personal_id: string | null
  unit: string
  unit_name: string | null
  household_id: string | null
  address: string | null
  hamlet: string | null
  renewal_age: number | null
  renewal_on: string | null
  card_issued_on: string | null
  card_expires_on: string | null
  application_state: string | null
}
interface DuePage {
  list: List
  on: string
  months: number
  unit: string | null
  total: number
  limit: number
  offset: number
  items: DueRow[]
}
interface SummaryLine {
  unit: string
  name: string | null
  renewal: number
  missing: number
  expired: number
}
interface Summary {
  on: string
  months: number
  items: SummaryLine[]
}

/** Rows on a page: a hamlet's worth at a time, short enough to read on a phone. */
const PAGE = 100
const MONTHS = { min: 1, max: 24 }
const isDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day)
const validMonths = (text: string) => /^\d+$/.test(text) && Number(text) >= MONTHS.min && Number(text) <= MONTHS.max

/** A line of the counts: a commune, or the households of a split commune not placed yet. */
function useLineName() {
  const { t } = useI18n()
  const unitLabel = useUnitLabel()
  return useCallback(
    (unit: string, name: string | null) =>
      unit.startsWith('split:') ? `${t('population.split')}: ${unitLabel(unit.slice(6), 2024)}` : name ? `${name} (${unit})` : unit,
    [t, unitLabel],
  )
}

function CountsPerCommune({ summary, unit, onChoose }: { summary: Summary; unit: string; onChoose: (unit: string) => void }) {
  const { t } = useI18n()
  const lineName = useLineName()
  const columns = useMemo<SortColumn<SummaryLine>[]>(
    () => [
      {
        id: 'unit',
        header: t('due.unit'),
        value: (r) => lineName(r.unit, r.name),
        // A split commune's line is no unit of today: its people are listed under "all".
        cell: (r) =>
          r.unit.includes(':') ? (
            lineName(r.unit, r.name)
          ) : (
            <button type="button" className="link" aria-pressed={unit === r.unit} onClick={() => onChoose(r.unit)}>
              {lineName(r.unit, r.name)}
            </button>
          ),
      },
      ...LISTS.map((list) => ({
        id: list,
        header: t(`due.col.${list}` as MessageKey),
        value: (r: SummaryLine) => r[list],
        cell: (r: SummaryLine) => formatNumber(r[list]),
        numeric: true,
      })),
    ],
    [t, lineName, unit, onChoose],
  )
  const total = (list: List) => summary.items.reduce((n, r) => n + r[list], 0)
  return (
    <section aria-labelledby="due-summary-heading">
      <h2 id="due-summary-heading">{t('due.summary')}</h2>
      <p id="due-totals">
        {LISTS.map((list, i) => (
          <span key={list}>
            {i > 0 && ' · '}
            {t(`due.col.${list}` as MessageKey)}: <strong>{formatNumber(total(list))}</strong>
          </span>
        ))}
      </p>
      <SortTable
        rows={summary.items}
        columns={columns}
        label={`${t('due.summary')} ${formatDate(summary.on)}`}
        initial={[{ id: 'unit', desc: false }]}
        rowKey={(r) => r.unit}
      />
    </section>
  )
}

/** The card in force: when it was issued and until when it is valid. */
function CardHeld({ row }: { row: DueRow }) {
  const { t } = useI18n()
  if (!row.card_issued_on) return <>{t('due.noCard')}</>
  return (
    <>
      {t('due.issued')} {formatDate(row.card_issued_on)},{' '}
      {row.card_expires_on ? `${t('due.until')} ${formatDate(row.card_expires_on)}` : t('due.noExpiry')}
    </>
  )
}

/**
 * A card the person showed at the door, issued before coso: recorded, they leave the missing and
 * expired lists (or stay, when it has expired too).
 */
function RecordCard({ row, onDone }: { row: DueRow; onDone: (said: string) => void }) {
  const { t, lang } = useI18n()
  const client = useQueryClient()
  const [issuedOn, setIssuedOn] = useState('')
  const record = useMutation({
    mutationFn: () =>
      api<{ card: { issued_on: string; expires_on: string | null }; created: boolean }>('POST', '/api/id/cards', {
        person_id: row.person_id,
        issued_on: issuedOn,
      }),
    onSuccess: async (r) => {
      onDone(
        `${t(r.created ? 'due.recorded' : 'due.alreadyRecorded')} ${row.name}: ${t('due.issued')} ${formatDate(r.card.issued_on)}, ${
          r.card.expires_on ? `${t('due.until')} ${formatDate(r.card.expires_on)}` : t('due.noExpiry')
        }.`,
      )
      await client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('id-due') })
    },
  })
  function submit(e: FormEvent) {
    e.preventDefault()
    record.mutate()
  }
  return (
    <form className="row wrap subform" onSubmit={submit} aria-label={`${t('due.recordCard')}: ${row.name}`}>
      <label>
        {t('due.issuedOn')} *
        <input type="date" value={issuedOn} required onChange={(e) => setIssuedOn(e.target.value)} />
      </label>
      <button type="submit" disabled={record.isPending}>
        {t('due.record')}
      </button>
      {record.error && (
        <p className="error" role="alert">
          {errorText(record.error, lang, t('app.error'))}
        </p>
      )}
    </form>
  )
}

function Rows({ page, allUnits, canRecord }: { page: DuePage; allUnits: boolean; canRecord: boolean }) {
  const { t, lang } = useI18n()
  const lineName = useLineName()
  const renewal = page.list === 'renewal'
  const [recording, setRecording] = useState<string | null>(null)
  const [said, setSaid] = useState('')
  const columns = 9 + (allUnits ? 1 : 0) + (renewal ? 1 : 0) + (canRecord ? 1 : 0)
  if (page.items.length === 0) return <p>{t('due.none')}</p>
  return (
    <>
      <div aria-live="polite">{said && <p className="notice">{said}</p>}</div>
      <table className="results stack" aria-label={t(`due.list.${page.list}` as MessageKey)}>
        <thead>
          <tr>
            <th className="number">{t('due.col.no')}</th>
            {allUnits && <th>{t('due.unit')}</th>}
            <th>{t('due.col.hamlet')}</th>
            <th>{t('due.col.address')}</th>
            <th>{t('person.name')}</th>
            <th>{t('person.birthDate')}</th>
            <th>{t('person.sex')}</th>
            <th>{t('person.personalId')}</th>
            {renewal && <th>{t('due.col.renewalAt')}</th>}
            <th>{t('due.col.card')}</th>
            <th>{t('due.col.application')}</th>
            {canRecord && <th>{t('due.recordCard')}</th>}
          </tr>
        </thead>
        <tbody>
          {page.items.map((r, i) => (
            <Fragment key={r.person_id}>
              <tr>
                <td className="number" data-label={t('due.col.no')}>
                  {formatNumber(page.offset + i + 1)}
                </td>
                {allUnits && <td data-label={t('due.unit')}>{lineName(r.unit, r.unit_name)}</td>}
                <td data-label={t('due.col.hamlet')}>{r.hamlet ?? '—'}</td>
                <td data-label={t('due.col.address')}>{r.address ?? '—'}</td>
                {/* No label: on a phone the name heads the person's lines. */}
                <td>
                  <Link href={`/persons/${r.person_id}`}>{r.name}</Link>
                </td>
                <td data-label={t('person.birthDate')}>{formatDate(r.birth_date)}</td>
                <td data-label={t('person.sex')}>{r.sex ? t(r.sex === 'M' ? 'person.sex.M' : 'person.sex.F') : '—'}</td>
                <td data-label={t('person.personalId')}>{r.personal_id ?? '—'}</td>
                {renewal && (
                  <td data-label={t('due.col.renewalAt')}>
                    {r.renewal_age === null ? '—' : `${r.renewal_age} (${formatDate(r.renewal_on)})`}
                  </td>
                )}
                <td data-label={t('due.col.card')}>
                  <CardHeld row={r} />
                </td>
                <td data-label={t('due.col.application')}>
                  {r.application_state
                    ? (STATE_NAMES[r.application_state as keyof typeof STATE_NAMES]?.[lang] ?? r.application_state)
                    : '—'}
                </td>
                {canRecord && (
                  <td data-label={t('due.recordCard')}>
                    <button
                      type="button"
                      className="small secondary"
                      aria-expanded={recording === r.person_id}
                      onClick={() => setRecording(recording === r.person_id ? null : r.person_id)}
                    >
                      {t('due.recordCard')}
                      <span className="visually-hidden"> {r.name}</span>
                    </button>
                  </td>
                )}
              </tr>
              {recording === r.person_id && (
                <tr>
                  <td colSpan={columns}>
                    <RecordCard
                      row={r}
                      onDone={(text) => {
                        setSaid(text)
                        setRecording(null)
                      }}
                    />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </>
  )
}

/** `canRecord`: the user may record the cards people hold (cards.manage). */
export function DueListsPage({ canRecord }: { canRecord: boolean }) {
  const { t, lang } = useI18n()
  const [list, setList] = useState<List>('renewal')
  const [monthsText, setMonthsText] = useState('3')
  const [unit, setUnit] = useState('')
  // No day chosen: the server's today (Vietnam's).
  const [on, setOn] = useState('')
  const [offset, setOffset] = useState(0)
  const lineName = useLineName()
  // The last valid number of months holds while another is being typed.
  const [months, setMonths] = useState(3)
  const monthsValid = validMonths(monthsText)
  const day = isDay(on) ? on : ''

  const summary = useQuery({
    queryKey: ['id-due-summary', months, day],
    queryFn: () =>
      api<Summary>('GET', `/api/id/due/summary?${new URLSearchParams({ months: String(months), ...(day ? { on: day } : {}) })}`),
  })
  const params = useMemo(() => {
    const p = new URLSearchParams({ list, months: String(months) })
    if (day) p.set('on', day)
    if (unit) p.set('unit', unit)
    return p
  }, [list, months, day, unit])
  const rows = useQuery({
    queryKey: ['id-due', params.toString(), offset],
    queryFn: () => api<DuePage>('GET', `/api/id/due?${params}&limit=${PAGE}&offset=${offset}`),
    placeholderData: (previous) => previous,
  })
  const choose = (next: Partial<{ list: List; unit: string }>) => {
    if (next.list !== undefined) setList(next.list)
    if (next.unit !== undefined) setUnit(next.unit)
    setOffset(0)
  }
  const units = summary.data?.items.filter((l) => !l.unit.includes(':')) ?? []
  const page = rows.data
  const file = (format: 'csv' | 'xlsx') => `/api/id/due?${params}&format=${format}`
  const chosen = unit ? lineName(unit, units.find((u) => u.unit === unit)?.name ?? null) : t('due.allUnits')

  return (
    <section>
      <PageHeading>{t('due.title')}</PageHeading>
      <p className="hint">{t('due.hint')}</p>
      <form onSubmit={(e) => e.preventDefault()}>
        <fieldset className="subform">
          <legend>{t('due.list')}</legend>
          {LISTS.map((l) => (
            <label key={l} className="check">
              <input type="radio" name="list" value={l} checked={list === l} onChange={() => choose({ list: l })} />
              {t(`due.list.${l}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        <div className="row wrap">
          <label>
            {t('due.months')}
            <input
              type="number"
              min={MONTHS.min}
              max={MONTHS.max}
              value={monthsText}
              required
              aria-invalid={!monthsValid}
              onChange={(e) => {
                setMonthsText(e.target.value)
                if (validMonths(e.target.value)) {
                  setMonths(Number(e.target.value))
                  setOffset(0)
                }
              }}
            />
          </label>
          <label>
            {t('due.unit')}
            <select value={unit} style={{ maxWidth: '100%' }} onChange={(e) => choose({ unit: e.target.value })}>
              <option value="">{t('due.allUnits')}</option>
              {units.map((u) => (
                <option key={u.unit} value={u.unit}>
                  {lineName(u.unit, u.name)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('due.on')}
            <input
              type="date"
              value={on || (summary.data?.on ?? '')}
              onChange={(e) => {
                setOn(e.target.value)
                setOffset(0)
              }}
            />
          </label>
        </div>
        {!monthsValid && (
          <p className="error" role="alert">
            {t('due.monthsRange')}
          </p>
        )}
      </form>

      <section aria-labelledby="due-list-heading">
        <h2 id="due-list-heading">
          {t(`due.list.${list}` as MessageKey)}
          {list === 'renewal' && ` ${t('due.within')} ${formatNumber(months)} ${t('due.monthsUnit')}`} — {chosen}
        </h2>
        <div className="row wrap">
          <a className="button" href={file('csv')} download>
            {t('due.csv')}
          </a>
          <a className="button" href={file('xlsx')} download>
            {t('due.xlsx')}
          </a>
        </div>
        {rows.isError && (
          <p className="error" role="alert">
            {errorText(rows.error, lang, t('app.error'))}
          </p>
        )}
        {rows.isPending && <p>{t('app.loading')}</p>}
        {page && (
          <>
            <p aria-live="polite" id="due-range">
              {page.total === 0
                ? t('due.none')
                : `${t('due.rows')} ${formatNumber(page.offset + 1)}–${formatNumber(page.offset + page.items.length)} ${t('due.of')} ${formatNumber(page.total)}`}
              {rows.isFetching && ` · ${t('app.loading')}`}
            </p>
            {page.total > 0 && <Rows page={page} allUnits={!page.unit} canRecord={canRecord} />}
            <div className="row">
              {page.offset > 0 && (
                <button type="button" onClick={() => setOffset(Math.max(0, page.offset - PAGE))}>
                  {t('due.prev')}
                </button>
              )}
              {page.offset + page.items.length < page.total && (
                <button type="button" onClick={() => setOffset(page.offset + PAGE)}>
                  {t('due.next')}
                </button>
              )}
            </div>
          </>
        )}
      </section>

      {summary.isError && (
        <p className="error" role="alert">
          {errorText(summary.error, lang, t('app.error'))}
        </p>
      )}
      {summary.isPending && <p>{t('app.loading')}</p>}
      {summary.data && <CountsPerCommune summary={summary.data} unit={unit} onChoose={(u) => choose({ unit: u })} />}
    </section>
  )
}
