// Province or commune overview: today's units with their population, households, forms and
// completeness — as a table, bars and a map of the 54 units (boundaries with their attribution).
import { useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { api } from '../api.ts'
import { formatNumber } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'

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
    return [...byUnit.values()].sort((a, b) => b.persons - a.persons)
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

export function OverviewPage() {
  const { t } = useI18n()
  const { rows } = useRows()
  if (!rows) return <p>{t('app.loading')}</p>
  const total = rows.reduce((n, r) => n + r.persons, 0)
  const max = Math.max(1, ...rows.map((r) => r.persons))
  return (
    <section>
      <h1>{t('overview.title')}</h1>
      <p>
        {t('overview.persons')}: <strong>{formatNumber(total)}</strong> · {t('overview.households')}:{' '}
        <strong>{formatNumber(rows.reduce((n, r) => n + r.households, 0))}</strong> · {t('overview.forms')}:{' '}
        <strong>{formatNumber(rows.reduce((n, r) => n + r.forms, 0))}</strong>
      </p>
      <CommuneMap rows={rows} />
      <table className="results">
        <thead>
          <tr>
            <th>{t('overview.unit')}</th>
            <th>{t('overview.persons')}</th>
            <th>{t('overview.households')}</th>
            <th>{t('overview.forms')}</th>
            <th>{t('overview.completeness')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.unit}>
              <td>{r.unit.startsWith('split:') ? `${t('overview.split')} ${r.unit.slice(6)}` : `${r.name} (${r.unit})`}</td>
              <td>
                <span className="bar inline" style={{ width: `${(6 * r.persons) / max}rem` }} /> {formatNumber(r.persons)}
              </td>
              <td>{formatNumber(r.households)}</td>
              <td>{formatNumber(r.forms)}</td>
              <td>{r.completeness === null ? '—' : `${r.completeness}%`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
