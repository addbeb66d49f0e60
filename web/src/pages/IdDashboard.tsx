// The identity-card dashboard of a commune or of the province (a commune user: their units): the
// applications received and the cards handed over per day of a period, the backlog now by state
// (and by commune), the median time spent in each stage, the share of cards at the commune within
// the 7-working-day deadline, and what is overdue or has a provisional due day now. Every chart's
// numbers are in a table too, for screen readers and for copying.
import { useQuery } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { api } from '../api.ts'
import { Chart } from '../Chart.tsx'
import { formatDate, formatNumber, formatShare } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { errorText, todayIso, useUnits } from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'
import { SeriesChart } from '../SeriesChart.tsx'
import { type SortColumn, SortTable } from '../SortTable.tsx'

type Name = { vi: string; en: string }
interface Backlog {
  total: number
  states: { state: string; name: Name; count: number }[]
  by_unit: { unit: string; name: string | null; total: number; counts: Record<string, number> }[] | null
}
interface Dashboard {
  from: string
  to: string
  today: string
  unit: string | null
  units: string[] | null
  per_day: { days: string[]; received: number[]; handed_over: number[]; received_total: number; handed_over_total: number }
  backlog: Backlog
  stages: { state: string; name: Name; median_hours: number | null; steps: number }[]
  deadline: { arrived: number; within: number; share: number | null; overdue: number; provisional: number }
}

/** Units shown in the chart of the backlog by commune: the largest backlogs. */
const CHART_UNITS = 20
const DAY_MS = 86_400_000
const isDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day)
const daysBefore = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10)
const hours = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 })

/**
 * The communes of today the user may choose: a commune user's own (their scope, CODE:ERA), a
 * province user's every commune.
 */
export function useCommunes(scope: string[] | null): { code: string; name: string }[] {
  const all = useUnits(2025)
  return useMemo(() => {
    const units = all.data ?? []
    if (scope === null) return units
    const mine = new Set(scope.filter((s) => s.endsWith(':2025')).map((s) => s.split(':')[0]))
    return units.filter((u) => mine.has(u.code))
  }, [all.data, scope])
}

function KeyFigures({ d }: { d: Dashboard }) {
  const { t } = useI18n()
  const figures: [string, string][] = [
    [t('iddash.received'), formatNumber(d.per_day.received_total)],
    [t('iddash.handedOver'), formatNumber(d.per_day.handed_over_total)],
    [t('iddash.backlogTotal'), formatNumber(d.backlog.total)],
    [
      t('iddash.withinShare'),
      d.deadline.share === null
        ? t('iddash.noneArrived')
        : `${formatShare(d.deadline.share)} (${formatNumber(d.deadline.within)}/${formatNumber(d.deadline.arrived)})`,
    ],
    [t('iddash.overdue'), formatNumber(d.deadline.overdue)],
    [t('iddash.provisional'), formatNumber(d.deadline.provisional)],
  ]
  return (
    <dl className="fields card" id="iddash-figures">
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>
            <strong>{value}</strong>
          </dd>
        </div>
      ))}
    </dl>
  )
}

function PerDay({ d }: { d: Dashboard }) {
  const { t } = useI18n()
  const series = useMemo(
    () => [
      { name: t('iddash.received'), values: d.per_day.received },
      { name: t('iddash.handedOver'), values: d.per_day.handed_over },
    ],
    [t, d.per_day],
  )
  const categories = useMemo(() => d.per_day.days.map((day) => formatDate(day).slice(0, 5)), [d.per_day.days])
  const title = `${t('iddash.perDay')} ${formatDate(d.from)}–${formatDate(d.to)}`
  return (
    <section aria-labelledby="iddash-per-day">
      <h2 id="iddash-per-day">{t('iddash.perDay')}</h2>
      <figure>
        <SeriesChart label={title} categories={categories} series={series} />
      </figure>
      <details>
        <summary>{t('iddash.asTable')}</summary>
        <table className="results stack" aria-label={title}>
          <thead>
            <tr>
              <th>{t('iddash.day')}</th>
              <th className="number">{t('iddash.received')}</th>
              <th className="number">{t('iddash.handedOver')}</th>
            </tr>
          </thead>
          <tbody>
            {d.per_day.days.map((day, i) => (
              <tr key={day}>
                <td>{formatDate(day)}</td>
                <td className="number" data-label={t('iddash.received')}>
                  {formatNumber(d.per_day.received[i] ?? 0)}
                </td>
                <td className="number" data-label={t('iddash.handedOver')}>
                  {formatNumber(d.per_day.handed_over[i] ?? 0)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  )
}

function BacklogByState({ backlog }: { backlog: Backlog }) {
  const { t, lang } = useI18n()
  const bars = useMemo(() => backlog.states.map((s) => ({ name: s.name[lang], value: s.count })), [backlog.states, lang])
  return (
    <section aria-labelledby="iddash-backlog">
      <h2 id="iddash-backlog">{t('iddash.backlog')}</h2>
      <div className="figures">
        <table className="results" aria-label={t('iddash.backlog')} id="iddash-backlog-table">
          <thead>
            <tr>
              <th>{t('iddash.state')}</th>
              <th className="number">{t('iddash.applications')}</th>
            </tr>
          </thead>
          <tbody>
            {backlog.states.map((s) => (
              <tr key={s.state}>
                <th scope="row">{s.name[lang]}</th>
                <td className="number">{formatNumber(s.count)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('iddash.total')}</th>
              <td className="number">
                <strong>{formatNumber(backlog.total)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
        <figure>
          <Chart label={t('iddash.backlog')} bars={bars} />
        </figure>
      </div>
    </section>
  )
}

type UnitLine = NonNullable<Backlog['by_unit']>[number]
const unitLabel = (r: UnitLine) => (r.name ? `${r.name} (${r.unit})` : r.unit)

function BacklogByUnit({ backlog, onChoose }: { backlog: Backlog; onChoose: (unit: string) => void }) {
  const { t, lang } = useI18n()
  // A province has dozens of communes: those with nothing in progress are shown on demand.
  const [all, setAll] = useState(false)
  const lines = useMemo(() => (backlog.by_unit ?? []).filter((l) => all || l.total > 0), [backlog.by_unit, all])
  const idle = (backlog.by_unit ?? []).filter((l) => l.total === 0).length
  const columns = useMemo<SortColumn<UnitLine>[]>(
    () => [
      {
        id: 'unit',
        header: t('iddash.unit'),
        value: unitLabel,
        cell: (r) => (
          <button type="button" className="link" style={{ textAlign: 'left' }} onClick={() => onChoose(r.unit)}>
            {unitLabel(r)}
          </button>
        ),
      },
      ...backlog.states.map((s) => ({
        id: s.state,
        header: s.name[lang],
        value: (r: UnitLine) => r.counts[s.state] ?? 0,
        cell: (r: UnitLine) => formatNumber(r.counts[s.state] ?? 0),
        numeric: true,
      })),
      { id: 'total', header: t('iddash.total'), value: (r) => r.total, cell: (r) => formatNumber(r.total), numeric: true },
    ],
    [t, lang, backlog.states, onChoose],
  )
  const bars = useMemo(
    () =>
      lines
        .filter((l) => l.total > 0)
        .slice(0, CHART_UNITS)
        .map((l) => ({ name: unitLabel(l), value: l.total })),
    [lines],
  )
  return (
    <section aria-labelledby="iddash-by-unit">
      <h2 id="iddash-by-unit">{t('iddash.byUnit')}</h2>
      {bars.length > 0 && (
        <figure>
          <figcaption className="hint">
            {t('iddash.byUnitChart')} {CHART_UNITS}
          </figcaption>
          <Chart label={t('iddash.byUnit')} bars={bars} />
        </figure>
      )}
      {idle > 0 && (
        <label className="check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          {t('iddash.showIdle')} ({formatNumber(idle)})
        </label>
      )}
      {lines.length > 0 && (
        <SortTable
          rows={lines}
          columns={columns}
          label={t('iddash.byUnit')}
          initial={[{ id: 'total', desc: true }]}
          rowKey={(r) => r.unit}
        />
      )}
    </section>
  )
}

function Stages({ d }: { d: Dashboard }) {
  const { t, lang } = useI18n()
  const bars = useMemo(() => d.stages.map((s) => ({ name: s.name[lang], value: s.median_hours })), [d.stages, lang])
  const unit = ` ${t('iddash.hoursUnit')}`
  return (
    <section aria-labelledby="iddash-stages">
      <h2 id="iddash-stages">{t('iddash.stages')}</h2>
      <p className="hint">{t('iddash.stagesHint')}</p>
      <div className="figures">
        <table className="results" aria-label={t('iddash.stages')}>
          <thead>
            <tr>
              <th>{t('iddash.state')}</th>
              <th className="number">{t('iddash.medianHours')}</th>
              <th className="number">{t('iddash.steps')}</th>
            </tr>
          </thead>
          <tbody>
            {d.stages.map((s) => (
              <tr key={s.state}>
                <th scope="row">{s.name[lang]}</th>
                <td className="number">{s.median_hours === null ? '—' : hours.format(s.median_hours)}</td>
                <td className="number">{formatNumber(s.steps)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <figure>
          <Chart label={`${t('iddash.stages')} (${t('iddash.hoursUnit')})`} bars={bars} suffix={unit} />
        </figure>
      </div>
    </section>
  )
}

/** `scope`: the user's units (CODE:ERA), null for a province user. */
export function IdDashboardPage({ scope }: { scope: string[] | null }) {
  const { t, lang } = useI18n()
  const communes = useCommunes(scope)
  const province = scope === null
  const [unit, setUnit] = useState('')
  // No period chosen yet: the server's default, the last days to today in Vietnam.
  const [period, setPeriod] = useState<{ from: string; to: string } | null>(null)
  const valid = period === null || (isDay(period.from) && isDay(period.to) && period.from <= period.to)
  const params = new URLSearchParams(period ?? {})
  if (unit) params.set('unit', unit)
  const dashboard = useQuery({
    queryKey: ['id-dashboard', params.toString()],
    enabled: valid,
    queryFn: () => api<Dashboard>('GET', `/api/id/dashboard?${params}`),
    placeholderData: (previous) => previous,
  })
  const d = dashboard.data
  const from = period?.from ?? d?.from ?? ''
  const to = period?.to ?? d?.to ?? ''
  const last = (days: number) => {
    const today = d?.today ?? todayIso()
    setPeriod({ from: daysBefore(today, days - 1), to: today })
  }
  const chosen = communes.find((c) => c.code === unit)
  return (
    <section>
      <PageHeading>{t('iddash.title')}</PageHeading>
      <form className="row wrap" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('iddash.unit')}
          <select value={unit} style={{ maxWidth: '100%' }} onChange={(e) => setUnit(e.target.value)}>
            <option value="">{t(province ? 'iddash.province' : 'iddash.allMine')}</option>
            {communes.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name} ({c.code})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('iddash.from')}
          <input type="date" value={from} max={to} required onChange={(e) => setPeriod({ from: e.target.value, to })} />
        </label>
        <label>
          {t('iddash.to')}
          <input type="date" value={to} min={from} required onChange={(e) => setPeriod({ from, to: e.target.value })} />
        </label>
        <fieldset className="subform">
          <legend>{t('iddash.last')}</legend>
          <div className="row">
            {[7, 30, 90].map((n) => (
              <button key={n} type="button" className="secondary" onClick={() => last(n)}>
                {formatNumber(n)} {t('iddash.days')}
              </button>
            ))}
          </div>
        </fieldset>
      </form>
      {!valid && (
        <p className="error" role="alert">
          {t('iddash.badPeriod')}
        </p>
      )}
      {dashboard.isError && (
        <p className="error" role="alert">
          {errorText(dashboard.error, lang, t('app.error'))}
        </p>
      )}
      {dashboard.isPending && valid && <p>{t('app.loading')}</p>}
      {d && (
        <>
          <p aria-live="polite">
            <strong>{chosen ? `${chosen.name} (${chosen.code})` : t(province ? 'iddash.province' : 'iddash.allMine')}</strong> ·{' '}
            {formatDate(d.from)}–{formatDate(d.to)}
            {dashboard.isFetching && ` · ${t('app.loading')}`}
          </p>
          <KeyFigures d={d} />
          <PerDay d={d} />
          <BacklogByState backlog={d.backlog} />
          {d.backlog.by_unit && <BacklogByUnit backlog={d.backlog} onChoose={setUnit} />}
          <Stages d={d} />
        </>
      )}
    </section>
  )
}
