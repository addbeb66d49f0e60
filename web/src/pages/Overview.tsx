// Province or commune overview: today's units with their population, households, forms and
// completeness — as a sortable table, a bar chart of one measure and a map of the 54 units
// (boundaries with their attribution).
import { useQuery } from '@tanstack/react-query'
import { createColumnHelper, flexRender, getCoreRowModel, getSortedRowModel, type SortingState, useReactTable } from '@tanstack/react-table'
import { useCallback, useMemo, useState } from 'react'
import { api } from '../api.ts'
import { Chart } from '../Chart.tsx'
import { formatNumber } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { PageHeading } from '../PageHeading.tsx'

interface Row {
  unit: string
  name: string
  persons: number
  households: number
  forms: number
  completeness: number | null
}
type Ring = [number, number][]
interface Feature {
  properties: { code: string; name: string }
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] }
}

function useRows() {
  const overview = useQuery({
    queryKey: ['overview'],
    queryFn: () => api<{ items: { unit: string; persons: number; households: number }[] }>('GET', '/api/overview'),
  })
  const forms = useQuery({
    queryKey: ['completeness'],
    queryFn: () => api<{ items: { unit: string; era: number; forms: number; average: number }[] }>('GET', '/api/completeness'),
  })
  const units = useQuery({
    queryKey: ['units', 2025, 'all'],
    queryFn: () => api<{ items: { code: string; name: string }[] }>('GET', '/api/units?era=2025'),
    staleTime: Infinity,
  })
  const rows = useMemo(() => {
    if (!overview.data || !forms.data || !units.data) return null
    const names = new Map(units.data.items.map((u) => [u.code, u.name]))
    const byUnit = new Map<string, Row>()
    const row = (unit: string) => {
      let r = byUnit.get(unit)
      if (!r) {
        r = { unit, name: names.get(unit) ?? unit, persons: 0, households: 0, forms: 0, completeness: null }
        byUnit.set(unit, r)
      }
      return r
    }
    for (const o of overview.data.items) Object.assign(row(o.unit), { persons: o.persons, households: o.households })
    for (const f of forms.data.items.filter((x) => x.era === 2025)) Object.assign(row(f.unit), { forms: f.forms, completeness: f.average })
    return [...byUnit.values()]
  }, [overview.data, forms.data, units.data])
  return { rows, error: overview.error ?? forms.error ?? units.error }
}

function CommuneMap({ rows }: { rows: Row[] }) {
  const { t } = useI18n()
  const geo = useQuery({
    queryKey: ['geo', 'qn-2025'],
    queryFn: async () => (await (await fetch('/geo/qn-communes-2025.geojson')).json()) as { features: Feature[] },
    staleTime: Infinity,
  })
  const paths = useMemo(() => {
    if (!geo.data) return null
    const rings = (f: Feature): Ring[] => (f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat())
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity]
    for (const f of geo.data.features)
      for (const ring of rings(f))
        for (const [x, y] of ring) {
          minX = Math.min(minX, x)
          maxX = Math.max(maxX, x)
          minY = Math.min(minY, y)
          maxY = Math.max(maxY, y)
        }
    const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180) // degrees of longitude are shorter here
    const scale = 800 / ((maxX - minX) * k)
    const project = ([x, y]: [number, number]) => `${((x - minX) * k * scale).toFixed(1)},${((maxY - y) * scale).toFixed(1)}`
    return {
      height: Math.ceil((maxY - minY) * scale),
      features: geo.data.features.map((f) => ({
        code: f.properties.code,
        name: f.properties.name,
        d: rings(f)
          .map((ring) => `M${ring.map(project).join('L')}Z`)
          .join(''),
      })),
    }
  }, [geo.data])
  if (!paths) return <p>{t('app.loading')}</p>
  const byCode = new Map(rows.map((r) => [r.unit, r]))
  const color = (c: number | null | undefined) =>
    c === null || c === undefined ? '#e3e6ea' : `hsl(${Math.round((c / 100) * 120)}, 55%, 55%)`
  return (
    <figure className="map">
      <svg viewBox={`0 0 800 ${paths.height}`} role="img" aria-label={t('overview.map')}>
        {paths.features.map((f) => {
          const r = byCode.get(f.code)
          return (
            <path key={f.code} d={f.d} fill={color(r?.completeness)} stroke="#fff" strokeWidth={0.8}>
              <title>
                {f.name}: {formatNumber(r?.persons ?? 0)} {t('overview.persons').toLowerCase()}, {t('overview.completeness').toLowerCase()}{' '}
                {r?.completeness ?? '—'}%
              </title>
            </path>
          )
        })}
      </svg>
      <figcaption className="hint">{t('overview.attribution')}</figcaption>
    </figure>
  )
}

const MEASURES = ['persons', 'households', 'forms', 'completeness'] as const
type Measure = (typeof MEASURES)[number]

/** Vietnamese alphabetical order: a ă â b c d đ e ê … */
const collator = new Intl.Collator('vi')
const column = createColumnHelper<Row>()

function MeasureChart({ rows, unitName }: { rows: Row[]; unitName: (r: Row) => string }) {
  const { t } = useI18n()
  const [measure, setMeasure] = useState<Measure>('persons')
  const bars = useMemo(
    () => rows.map((r) => ({ name: unitName(r), value: r[measure] })).sort((a, b) => (b.value ?? -1) - (a.value ?? -1)),
    [rows, unitName, measure],
  )
  const percent = measure === 'completeness'
  return (
    <figure>
      <label>
        {t('overview.measure')}
        <select value={measure} onChange={(e) => setMeasure(e.target.value as Measure)}>
          {MEASURES.map((m) => (
            <option key={m} value={m}>
              {t(`overview.${m}`)}
            </option>
          ))}
        </select>
      </label>
      <Chart
        label={`${t(`overview.${measure}`)} ${t('overview.byUnit')}`}
        bars={bars}
        suffix={percent ? '%' : ''}
        max={percent ? 100 : undefined}
      />
    </figure>
  )
}

function UnitTable({ rows, unitName }: { rows: Row[]; unitName: (r: Row) => string }) {
  const { t } = useI18n()
  const [sorting, setSorting] = useState<SortingState>([{ id: 'persons', desc: true }])
  const columns = useMemo(
    () => [
      column.accessor(unitName, {
        id: 'unit',
        header: t('overview.unit'),
        sortingFn: (a, b) => collator.compare(a.getValue('unit'), b.getValue('unit')),
      }),
      column.accessor('persons', { header: t('overview.persons'), cell: (c) => formatNumber(c.getValue()) }),
      column.accessor('households', { header: t('overview.households'), cell: (c) => formatNumber(c.getValue()) }),
      column.accessor('forms', { header: t('overview.forms'), cell: (c) => formatNumber(c.getValue()) }),
      column.accessor('completeness', {
        header: t('overview.completeness'),
        cell: (c) => (c.getValue() === null ? '—' : `${c.getValue()}%`),
      }),
    ],
    [t, unitName],
  )
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    // Each click turns the order round; there is no unsorted state to fall back to.
    enableSortingRemoval: false,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  })
  return (
    <table className="results">
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((h) => {
              const sorted = h.column.getIsSorted()
              return (
                <th key={h.id} aria-sort={sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : undefined}>
                  <button type="button" className="sort" onClick={h.column.getToggleSortingHandler()}>
                    {flexRender(h.column.columnDef.header, h.getContext())}
                    <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                  </button>
                </th>
              )
            })}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr key={row.original.unit}>
            {row.getVisibleCells().map((cell) => (
              <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function OverviewPage() {
  const { t } = useI18n()
  const { rows } = useRows()
  const unitName = useCallback(
    (r: Row) => (r.unit.startsWith('split:') ? `${t('overview.split')} ${r.unit.slice(6)}` : `${r.name} (${r.unit})`),
    [t],
  )
  if (!rows) return <p>{t('app.loading')}</p>
  const total = rows.reduce((n, r) => n + r.persons, 0)
  return (
    <section>
      <PageHeading>{t('overview.title')}</PageHeading>
      <p>
        {t('overview.persons')}: <strong>{formatNumber(total)}</strong> · {t('overview.households')}:{' '}
        <strong>{formatNumber(rows.reduce((n, r) => n + r.households, 0))}</strong> · {t('overview.forms')}:{' '}
        <strong>{formatNumber(rows.reduce((n, r) => n + r.forms, 0))}</strong>
      </p>
      <div className="figures">
        <CommuneMap rows={rows} />
        <MeasureChart rows={rows} unitName={unitName} />
      </div>
      <UnitTable rows={rows} unitName={unitName} />
    </section>
  )
}
