// The 2025 reorganisation's work queue: the old communes split between several new units, their
// households by hamlet (thôn, khu, tổ) with what is placed where; a hamlet's households go to one
// successor in one step, and can be taken back. Above it the reconciliation: households and
// persons not placed yet, and the units whose own count differs from what flowed into them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { api } from '../api.ts'
import { formatNumber } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { errorText, useUnitLabel } from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'

interface Hamlet {
  hamlet: string | null
  households: number
  persons: number
  unplaced: number
  placed: Record<string, number>
}
interface SplitCommune {
  old_code: string
  old_name: string
  successors: { code: string; name: string }[]
  households: number
  persons: number
  unplaced_households: number
  hamlets: Hamlet[]
}
interface Reconciliation {
  on: string
  new: {
    code: string
    households: number
    persons: number
    inflow_households: number
    inflow_persons: number
    difference: boolean
  }[]
  unplaced: { households: number; persons: number }
}
interface Placement {
  old_code: string
  unit_code: string | null
  hamlet: string | null
}

/** What the last placement did, announced. */
interface Done {
  placed: number
  placement: Placement
  where: string
}

function ReconciliationSummary() {
  const { t, lang } = useI18n()
  const unitLabel = useUnitLabel()
  const reconciliation = useQuery({
    queryKey: ['reorganisation', 'reconciliation'],
    queryFn: () => api<Reconciliation>('GET', '/api/reorganisation/reconciliation'),
  })
  if (reconciliation.isPending) return <p>{t('app.loading')}</p>
  if (reconciliation.isError)
    return (
      <p className="error" role="alert">
        {errorText(reconciliation.error, lang, t('app.error'))}
      </p>
    )
  const r = reconciliation.data
  const differ = r.new.filter((n) => n.difference)
  return (
    <section aria-labelledby="reconciliation-heading">
      <h2 id="reconciliation-heading">{t('reorg.reconciliation')}</h2>
      <p id="unplaced-total">
        {t('reorg.unplacedTotal')}: <strong>{formatNumber(r.unplaced.households)}</strong> {t('reorg.households')},{' '}
        <strong>{formatNumber(r.unplaced.persons)}</strong> {t('reorg.persons')}
      </p>
      {differ.length === 0 ? (
        <p>{t('reorg.noDifference')}</p>
      ) : (
        <table className="results stack" aria-label={t('reorg.differ')}>
          <caption>{t('reorg.differ')}</caption>
          <thead>
            <tr>
              <th>{t('population.unit')}</th>
              <th className="number">{t('reorg.col.households')}</th>
              <th className="number">{t('population.persons')}</th>
              <th className="number">{t('reorg.col.inflowHouseholds')}</th>
              <th className="number">{t('reorg.col.inflowPersons')}</th>
            </tr>
          </thead>
          <tbody>
            {differ.map((n) => (
              <tr key={n.code}>
                <td>{unitLabel(n.code, 2025)}</td>
                <td className="number" data-label={t('reorg.col.households')}>
                  {formatNumber(n.households)}
                </td>
                <td className="number" data-label={t('population.persons')}>
                  {formatNumber(n.persons)}
                </td>
                <td className="number" data-label={t('reorg.col.inflowHouseholds')}>
                  {formatNumber(n.inflow_households)}
                </td>
                <td className="number" data-label={t('reorg.col.inflowPersons')}>
                  {formatNumber(n.inflow_persons)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function HamletRow({
  commune,
  hamlet,
  canPlace,
  busy,
  onPlace,
}: {
  commune: SplitCommune
  hamlet: Hamlet
  canPlace: boolean
  busy: boolean
  onPlace: (p: Placement) => void
}) {
  const { t } = useI18n()
  const name = hamlet.hamlet ?? t('reorg.noHamlet')
  const [to, setTo] = useState(commune.successors[0]?.code ?? '')
  const selectId = useId()
  const placed = Object.entries(hamlet.placed)
  const successorName = (code: string) => commune.successors.find((s) => s.code === code)?.name ?? code
  function submit(e: FormEvent) {
    e.preventDefault()
    onPlace({ old_code: commune.old_code, unit_code: to, hamlet: hamlet.hamlet })
  }
  return (
    <tr>
      <th scope="row">{name}</th>
      <td className="number" data-label={t('reorg.col.households')}>
        {formatNumber(hamlet.households)}
      </td>
      <td className="number" data-label={t('population.persons')}>
        {formatNumber(hamlet.persons)}
      </td>
      <td className="number" data-label={t('reorg.col.unplaced')}>
        {formatNumber(hamlet.unplaced)}
      </td>
      <td data-label={t('reorg.placed')}>
        {placed.length === 0 ? '—' : placed.map(([code, n]) => `${successorName(code)}: ${formatNumber(n)}`).join('; ')}
      </td>
      {canPlace && (
        <td data-label={t('reorg.placeIn')}>
          <form className="row wrap place" onSubmit={submit}>
            <label htmlFor={selectId} className="visually-hidden">
              {t('reorg.placeIn')} {name}
            </label>
            <select id={selectId} value={to} onChange={(e) => setTo(e.target.value)}>
              {commune.successors.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.name} ({s.code})
                </option>
              ))}
            </select>
            <button type="submit" disabled={busy}>
              {t('reorg.place')}
              <span className="visually-hidden"> {name}</span>
            </button>
            {placed.length > 0 && (
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={() => onPlace({ old_code: commune.old_code, unit_code: null, hamlet: hamlet.hamlet })}
              >
                {t('reorg.takeBack')}
                <span className="visually-hidden"> {name}</span>
              </button>
            )}
          </form>
        </td>
      )}
    </tr>
  )
}

export function ReorganisationPage({ canPlace }: { canPlace: boolean }) {
  const { t, lang } = useI18n()
  const client = useQueryClient()
  const [done, setDone] = useState<Done | null>(null)
  const queue = useQuery({
    queryKey: ['reorganisation', 'queue'],
    queryFn: () => api<{ communes: SplitCommune[] }>('GET', '/api/reorganisation/queue'),
  })
  const place = useMutation({
    mutationFn: async (p: Placement) => ({ ...(await api<{ placed: number }>('POST', '/api/reorganisation/placements', p)), placement: p }),
    onMutate: () => setDone(null),
    onSuccess: async (r) => {
      const commune = queue.data?.communes.find((c) => c.old_code === r.placement.old_code)
      const where = commune?.successors.find((s) => s.code === r.placement.unit_code)
      setDone({ placed: r.placed, placement: r.placement, where: where ? `${where.name} (${where.code})` : '' })
      await client.invalidateQueries({
        predicate: (q) => ['reorganisation', 'population', 'freshness', 'overview'].includes(String(q.queryKey[0])),
      })
    },
  })
  const communes = queue.data?.communes ?? []
  const waiting = communes.filter((c) => c.households > 0)
  const empty = communes.filter((c) => c.households === 0)
  return (
    <section>
      <PageHeading>{t('reorg.title')}</PageHeading>
      <p className="hint">{t('reorg.hint')}</p>
      <ReconciliationSummary />
      <div aria-live="polite">
        {done && (
          <p className="notice">
            {done.placement.unit_code
              ? `${t('reorg.done.placed')} ${formatNumber(done.placed)} ${t('reorg.households')} (${done.placement.hamlet ?? t('reorg.noHamlet')}) → ${done.where}.`
              : `${t('reorg.done.takenBack')} ${formatNumber(done.placed)} ${t('reorg.households')} (${done.placement.hamlet ?? t('reorg.noHamlet')}).`}
          </p>
        )}
      </div>
      {place.error && (
        <p className="error" role="alert">
          {errorText(place.error, lang, t('app.error'))}
        </p>
      )}
      {queue.isPending && <p>{t('app.loading')}</p>}
      {queue.isError && (
        <p className="error" role="alert">
          {errorText(queue.error, lang, t('app.error'))}
        </p>
      )}
      {queue.data && waiting.length === 0 && <p>{t('reorg.none')}</p>}
      {waiting.map((c) => (
        <section key={c.old_code} aria-labelledby={`commune-${c.old_code}`} className="commune">
          <h2 id={`commune-${c.old_code}`}>
            {c.old_name} ({c.old_code})
          </h2>
          <p>
            {t('reorg.successors')}: {c.successors.map((s) => `${s.name} (${s.code})`).join(', ')}
            <br />
            {formatNumber(c.households)} {t('reorg.households')}, {formatNumber(c.persons)} {t('reorg.persons')} ·{' '}
            <span className="commune-unplaced">
              {t('reorg.unplaced')}: <strong>{formatNumber(c.unplaced_households)}</strong> {t('reorg.households')}
            </span>
          </p>
          <table className="results stack" aria-label={`${t('reorg.hamlets')}: ${c.old_name}`}>
            <thead>
              <tr>
                <th>{t('reorg.hamlet')}</th>
                <th className="number">{t('reorg.col.households')}</th>
                <th className="number">{t('population.persons')}</th>
                <th className="number">{t('reorg.col.unplaced')}</th>
                <th>{t('reorg.placed')}</th>
                {canPlace && <th>{t('reorg.placeIn')}</th>}
              </tr>
            </thead>
            <tbody>
              {c.hamlets.map((h) => (
                <HamletRow
                  key={h.hamlet ?? ''}
                  commune={c}
                  hamlet={h}
                  canPlace={canPlace}
                  busy={place.isPending}
                  onPlace={(p) => place.mutate(p)}
                />
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {empty.length > 0 && (
        <p className="hint">
          {t('reorg.emptyCommunes')}: {empty.map((c) => `${c.old_name} (${c.old_code})`).join(', ')}.
        </p>
      )}
    </section>
  )
}
