// The living register's population on any day, on either era's map: each unit's count as a
// table sortable by any column and as a bar chart, one unit's count with where it came from, the
// households of split communes not placed yet on lines of their own; and how fresh each unit's
// records are (share confirmed in the last 12 months, what waits).
import { useQuery } from '@tanstack/react-query'
import { useCallback, useMemo, useState } from 'react'
import { Link } from 'wouter'
import { api } from '../api.ts'
import { Chart } from '../Chart.tsx'
import { formatDate, formatNumber, formatShare } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { type Era, errorText, todayIso, useUnitLabel } from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'
import { type SortColumn, SortTable } from '../SortTable.tsx'

interface Line {
  unit: string
  name: string | null
  persons: number
}
interface Population {
  on: string
  era: Era
  lines: Line[]
}
interface UnitPopulation {
  on: string
  era: Era
  unit: string
  name: string
  persons: number
  recorded: { unit_code: string; era: number; persons: number }[]
  unplaced: { line: string; persons: number }[]
}
interface Freshness {
  unit: string
  name: string | null
  persons: number
  confirmed_share: number | null
  awaiting_number: number
  temporary_expired: number
  over_100_unconfirmed: number
  households_without_head: number
}

/** Bars the chart shows at most: every unit of today's map, the most populous of the old one. */
const CHART_BARS = 60
const isDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day)

/** A line's name: a unit, or people no unit of the era holds yet. */
function useLineLabel() {
  const { t } = useI18n()
  const unitLabel = useUnitLabel()
  return useCallback(
    (line: { unit: string; name: string | null }, era: Era) => {
      const [prefix, code] = line.unit.includes(':') ? (line.unit.split(':') as [string, string]) : ['', line.unit]
      if (prefix === 'split') return `${t('population.split')}: ${unitLabel(code, 2024)}`
      if (prefix === 'new') return `${t('population.new')}: ${unitLabel(code, 2025)}`
      if (prefix === 'unknown') return `${t('population.unknown')}: ${code}`
      return line.name ? `${line.name} (${code})` : unitLabel(code, era)
    },
    [t, unitLabel],
  )
}

interface Row {
  unit: string
  label: string
  persons: number
  line: boolean
}

function UnitDetail({ unit, on, era }: { unit: string; on: string; era: Era }) {
  const { t, lang } = useI18n()
  const unitLabel = useUnitLabel()
  const lineLabel = useLineLabel()
  const detail = useQuery({
    queryKey: ['population', on, era, unit],
    queryFn: () => api<UnitPopulation>('GET', `/api/population?${new URLSearchParams({ on, era: String(era), unit })}`),
  })
  if (detail.isPending) return <p>{t('app.loading')}</p>
  if (detail.isError)
    return (
      <p className="error" role="alert">
        {errorText(detail.error, lang, t('app.error'))}
      </p>
    )
  const d = detail.data
  return (
    <section aria-labelledby="unit-heading" className="card">
      <h2 id="unit-heading">
        {d.name} ({d.unit})
      </h2>
      <p>
        {t('population.on')} {formatDate(d.on)}: <strong>{formatNumber(d.persons)}</strong> {t('population.persons').toLowerCase()}
      </p>
      {d.recorded.length > 0 && (
        <>
          <h3>{t('population.recorded')}</h3>
          <ul>
            {d.recorded.map((r) => (
              <li key={`${r.unit_code}-${r.era}`}>
                {unitLabel(r.unit_code, r.era)}: {formatNumber(r.persons)}
              </li>
            ))}
          </ul>
        </>
      )}
      {d.unplaced.length > 0 && (
        <>
          <h3>{t('population.unplacedHere')}</h3>
          <ul>
            {d.unplaced.map((u) => (
              <li key={u.line}>
                {lineLabel({ unit: u.line, name: null }, era)}: {formatNumber(u.persons)} (
                <Link href="/reorganisation">{t('nav.reorganisation')}</Link>)
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

function FreshnessTable({ on }: { on: string }) {
  const { t, lang } = useI18n()
  const freshness = useQuery({
    queryKey: ['freshness', on],
    queryFn: () => api<{ items: Freshness[] }>('GET', `/api/freshness?on=${encodeURIComponent(on)}`),
  })
  const lineLabel = useLineLabel()
  const columns = useMemo<SortColumn<Freshness>[]>(
    () => [
      { id: 'unit', header: t('population.unit'), value: (r) => lineLabel(r, 2025) },
      { id: 'persons', header: t('population.persons'), value: (r) => r.persons, cell: (r) => formatNumber(r.persons), numeric: true },
      {
        id: 'confirmed_share',
        header: t('freshness.confirmed'),
        value: (r) => r.confirmed_share,
        cell: (r) => (r.confirmed_share === null ? '—' : formatShare(r.confirmed_share)),
        numeric: true,
      },
      { id: 'awaiting_number', header: t('freshness.awaitingNumber'), value: (r) => r.awaiting_number, numeric: true },
      { id: 'temporary_expired', header: t('freshness.temporaryExpired'), value: (r) => r.temporary_expired, numeric: true },
      { id: 'over_100_unconfirmed', header: t('freshness.over100'), value: (r) => r.over_100_unconfirmed, numeric: true },
      { id: 'households_without_head', header: t('freshness.headless'), value: (r) => r.households_without_head, numeric: true },
    ],
    [t, lineLabel],
  )
  return (
    <section aria-labelledby="freshness-heading">
      <h2 id="freshness-heading">{t('freshness.title')}</h2>
      <p className="hint">{t('freshness.hint')}</p>
      {freshness.isError && (
        <p className="error" role="alert">
          {errorText(freshness.error, lang, t('app.error'))}
        </p>
      )}
      {freshness.isPending && <p>{t('app.loading')}</p>}
      {freshness.data && (
        <SortTable
          rows={freshness.data.items}
          columns={columns}
          label={t('freshness.title')}
          initial={[{ id: 'unit', desc: false }]}
          rowKey={(r) => r.unit}
        />
      )}
    </section>
  )
}

export function PopulationPage() {
  const { t, lang } = useI18n()
  const [on, setOn] = useState(todayIso)
  const [era, setEra] = useState<Era>(2025)
  const [unit, setUnit] = useState<string | null>(null)
  const lineLabel = useLineLabel()
  const valid = isDay(on)
  const population = useQuery({
    queryKey: ['population', on, era],
    enabled: valid,
    queryFn: () => api<Population>('GET', `/api/population?${new URLSearchParams({ on, era: String(era) })}`),
  })
  const rows = useMemo<Row[] | null>(
    () =>
      population.data?.lines.map((l) => ({
        unit: l.unit,
        label: lineLabel(l, population.data.era),
        persons: l.persons,
        line: l.unit.includes(':'),
      })) ?? null,
    [population.data, lineLabel],
  )
  const columns = useMemo<SortColumn<Row>[]>(
    () => [
      {
        id: 'unit',
        header: t('population.unit'),
        value: (r) => r.label,
        cell: (r) =>
          r.line ? (
            r.unit.startsWith('split:') ? (
              <>
                {r.label} (<Link href="/reorganisation">{t('population.toPlace')}</Link>)
              </>
            ) : (
              r.label
            )
          ) : (
            <button type="button" className="link" aria-pressed={unit === r.unit} onClick={() => setUnit(r.unit)}>
              {r.label}
            </button>
          ),
      },
      { id: 'persons', header: t('population.persons'), value: (r) => r.persons, cell: (r) => formatNumber(r.persons), numeric: true },
    ],
    [t, unit],
  )
  const bars = useMemo(
    () =>
      [...(rows ?? [])]
        .sort((a, b) => b.persons - a.persons)
        .slice(0, CHART_BARS)
        .map((r) => ({ name: r.label, value: r.persons })),
    [rows],
  )
  const total = rows?.reduce((n, r) => n + r.persons, 0) ?? 0
  const unplaced = rows?.filter((r) => r.unit.startsWith('split:')).reduce((n, r) => n + r.persons, 0) ?? 0
  return (
    <section>
      <PageHeading>{t('population.title')}</PageHeading>
      <form className="row wrap" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('population.on')}
          <input type="date" value={on} required onChange={(e) => setOn(e.target.value)} />
        </label>
        <label>
          {t('population.era')}
          <select
            value={era}
            onChange={(e) => {
              setEra(Number(e.target.value) as Era)
              setUnit(null)
            }}
          >
            <option value={2025}>{t('events.era.2025')}</option>
            <option value={2024}>{t('events.era.2024')}</option>
          </select>
        </label>
      </form>
      {population.isError && (
        <p className="error" role="alert">
          {errorText(population.error, lang, t('app.error'))}
        </p>
      )}
      {(population.isPending || population.isFetching) && valid && <p>{t('app.loading')}</p>}
      {rows && population.data && (
        <>
          <p aria-live="polite">
            {t('population.total')} {formatDate(population.data.on)}: <strong>{formatNumber(total)}</strong>
            {unplaced > 0 && (
              <>
                {' '}
                · {t('population.split')}: <strong>{formatNumber(unplaced)}</strong>
              </>
            )}
          </p>
          {unit && <UnitDetail unit={unit} on={population.data.on} era={population.data.era} />}
          <div className="figures">
            <SortTable
              rows={rows}
              columns={columns}
              label={`${t('population.title')} ${formatDate(population.data.on)}`}
              initial={[{ id: 'persons', desc: true }]}
              rowKey={(r) => r.unit}
            />
            <figure>
              <figcaption className="hint">
                {rows.length > CHART_BARS ? `${t('population.chartTop')} ${CHART_BARS}` : t('population.chart')}
              </figcaption>
              <Chart label={`${t('population.persons')} ${t('overview.byUnit')} ${formatDate(population.data.on)}`} bars={bars} />
            </figure>
          </div>
        </>
      )}
      <FreshnessTable on={valid ? on : todayIso()} />
    </section>
  )
}
