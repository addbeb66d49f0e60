// The identity dashboard of a commune, of a commune user's units or of the province: applications
// received and cards handed over per day, the backlog now by state (and by unit), the median time
// per stage, the share of cards at the commune within the deadline, overdue and provisional
// deadlines. Laid out for charts: per-day series share one axis of days, zeros included.
// The pure parts (the period, the view, the layout) are exported for their unit tests.
import { isIsoDate, today as todayInVietnam } from '../geo/eras.ts'
import { listUnits } from '../geo/service.ts'
import { provinceCode } from '../platform/config.ts'
import type { Db } from '../platform/db.ts'
import { badInput, notFound } from '../platform/errors.ts'
import { STATE_NAMES } from './applications.ts'
import * as q from './dashboard-queries.ts'

/** Days shown when the period is not given (today included). */
export const DEFAULT_DAYS = 30
/** The longest period asked at once: a year of days on one axis is already a dense chart. */
export const MAX_DAYS = 366

const DAY_MS = 86_400_000

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
}

/** The period asked for, checked: the last DEFAULT_DAYS days to today when not given. */
export function periodOf(query: { from?: string | undefined; to?: string | undefined }, today: string): q.Period {
  for (const field of ['from', 'to'] as const) {
    const value = query[field]
    if (value !== undefined && !isIsoDate(value)) {
      throw badInput(
        {
          vi: `${field}: ngày không hợp lệ "${value}" (dùng YYYY-MM-DD, một ngày có thật)`,
          en: `${field}: not a valid date "${value}" (use YYYY-MM-DD, a real day)`,
        },
        { field, rule: 'date' },
      )
    }
  }
  const to =
    query.to ?? (query.from !== undefined && addDays(query.from, DEFAULT_DAYS - 1) < today ? addDays(query.from, DEFAULT_DAYS - 1) : today)
  const from = query.from ?? addDays(to, -(DEFAULT_DAYS - 1))
  if (from > to) {
    throw badInput({ vi: `from: ngày ${from} sau ngày ${to}`, en: `from: ${from} is after ${to}` }, { field: 'from', rule: 'order' })
  }
  if (daysBetween(from, to) + 1 > MAX_DAYS) {
    throw badInput(
      { vi: `to: khoảng thời gian dài quá ${MAX_DAYS} ngày`, en: `to: the period is longer than ${MAX_DAYS} days` },
      { field: 'to', rule: 'max-days', max: MAX_DAYS },
    )
  }
  // Vietnam has kept UTC+7 without summer time since 1975.
  return { from, to, since: `${from}T00:00:00+07:00`, until: `${addDays(to, 1)}T00:00:00+07:00` }
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)
}

/** Every day from `from` to `to`, both included. */
export function daysOf(from: string, to: string): string[] {
  const n = daysBetween(from, to) + 1
  return Array.from({ length: Math.max(0, n) }, (_, i) => addDays(from, i))
}

/** A count for each day, zero where there is none. */
export function series(days: readonly string[], rows: readonly q.DayCount[]): number[] {
  const by = new Map(rows.map((r) => [r.day, r.n]))
  return days.map((d) => by.get(d) ?? 0)
}

export interface View {
  /** The one unit asked for, if any. */
  unit: string | null
  /** The units counted; null: the whole province. */
  units: string[] | null
}

/**
 * What the caller sees: a province user the province or any commune of it; a commune user their
 * own communes (of the 2025 map, where applications are received), together or one of them. A
 * unit outside these is not found, as elsewhere for commune users.
 */
export function viewOf(scope: readonly string[] | null, unit: string | undefined, communes: ReadonlySet<string>): View {
  const mine = scope === null ? null : [...new Set(scope.filter((s) => s.endsWith(':2025')).map((s) => s.slice(0, -5)))].sort()
  if (unit !== undefined) {
    if (!communes.has(unit) || (mine !== null && !mine.includes(unit))) throw notFound({ vi: `đơn vị ${unit}`, en: `Unit ${unit}` })
    return { unit, units: [unit] }
  }
  return { unit: null, units: mine }
}

const name = (state: q.BacklogState) => STATE_NAMES[state]

export interface Dashboard {
  from: string
  to: string
  today: string
  unit: string | null
  units: string[] | null
  per_day: { days: string[]; received: number[]; handed_over: number[]; received_total: number; handed_over_total: number }
  backlog: {
    total: number
    states: { state: q.BacklogState; name: { vi: string; en: string }; count: number }[]
    by_unit: { unit: string; name: string | null; total: number; counts: Record<q.BacklogState, number> }[] | null
  }
  stages: { state: q.BacklogState; name: { vi: string; en: string }; median_hours: number | null; steps: number }[]
  deadline: { arrived: number; within: number; share: number | null; overdue: number; provisional: number }
}

export interface Counts {
  received: q.DayCount[]
  handedOver: q.DayCount[]
  backlog: q.BacklogRow[]
  stages: q.StageRow[]
  deadline: q.DeadlineRow
  overdue: number
  provisional: number
}

const zeros = (): Record<q.BacklogState, number> =>
  Object.fromEntries(q.BACKLOG_STATES.map((s) => [s, 0])) as Record<q.BacklogState, number>
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

export type Backlog = Dashboard['backlog']

/**
 * The backlog from its rows. Every unit of the view is in the by-unit table, with zeros, so a
 * commune with nothing open shows as such (`unitNames`: every commune, for the province view);
 * the table is left out when the view is one unit.
 */
export function backlogOf(view: View, rows: readonly q.BacklogRow[], unitNames: ReadonlyMap<string, string>): Backlog {
  const byState = zeros()
  const byUnit = new Map<string, Record<q.BacklogState, number>>()
  for (const u of view.units ?? unitNames.keys()) byUnit.set(u, zeros())
  for (const r of rows) {
    byState[r.state] += r.n
    const c = byUnit.get(r.unit_code) ?? zeros()
    c[r.state] += r.n
    byUnit.set(r.unit_code, c)
  }
  return {
    total: sum(Object.values(byState)),
    states: q.BACKLOG_STATES.map((state) => ({ state, name: name(state), count: byState[state] })),
    by_unit:
      view.unit !== null
        ? null
        : [...byUnit]
            .map(([unit, c]) => ({ unit, name: unitNames.get(unit) ?? null, total: sum(Object.values(c)), counts: c }))
            .sort((a, b) => b.total - a.total || a.unit.localeCompare(b.unit)),
  }
}

/** The dashboard from its counts. */
export function layout(period: q.Period, today: string, view: View, counts: Counts, unitNames: ReadonlyMap<string, string>): Dashboard {
  const days = daysOf(period.from, period.to)
  const received = series(days, counts.received)
  const handed_over = series(days, counts.handedOver)
  const stages = new Map(counts.stages.map((s) => [s.state, s]))
  const { arrived, within } = counts.deadline
  return {
    from: period.from,
    to: period.to,
    today,
    unit: view.unit,
    units: view.units,
    per_day: { days, received, handed_over, received_total: sum(received), handed_over_total: sum(handed_over) },
    backlog: backlogOf(view, counts.backlog, unitNames),
    stages: q.STAGE_STATES.map((state) => {
      const s = stages.get(state)
      return { state, name: name(state), median_hours: s ? Math.round(s.median_hours * 100) / 100 : null, steps: s?.steps ?? 0 }
    }),
    deadline: {
      arrived,
      within,
      share: arrived === 0 ? null : Math.round((within / arrived) * 10_000) / 10_000,
      overdue: counts.overdue,
      provisional: counts.provisional,
    },
  }
}

export interface DashboardQuery {
  unit?: string | undefined
  from?: string | undefined
  to?: string | undefined
}

/** The communes of the 2025 map by code, with their names. */
async function communes(db: Db): Promise<Map<string, string>> {
  return new Map((await listUnits(db.kysely, { era: 2025, level: 'commune' })).map((c) => [c.code, c.name]))
}

/** The dashboard the caller's scope reaches. Aggregates only: no person is read. */
export async function dashboard(
  db: Db,
  scope: readonly string[] | null,
  query: DashboardQuery,
  today = todayInVietnam(),
): Promise<Dashboard> {
  const period = periodOf(query, today)
  const names = await communes(db)
  const view = viewOf(scope, query.unit, new Set(names.keys()))
  const province = provinceCode()
  const units = view.units
  // Independent reads: on a server each takes its own connection and they run side by side.
  const [received, handedOver, backlog, stages, deadline, overdue, provisional] = await Promise.all([
    q.receivedPerDay(db.pool, province, period, units),
    q.handedOverPerDay(db.pool, province, period, units),
    q.backlog(db.pool, province, units),
    q.stageMedians(db.pool, province, period, units),
    q.arrivedWithin(db.pool, province, period, units),
    q.overdue(db.pool, province, today, units),
    q.provisional(db.pool, province, units),
  ])
  return layout(period, today, view, { received, handedOver, backlog, stages, deadline, overdue, provisional }, names)
}

/** The backlog now alone: a tile refreshed more often than the rest. */
export async function backlogNow(
  db: Db,
  scope: readonly string[] | null,
  unit?: string,
  today = todayInVietnam(),
): Promise<View & { today: string; backlog: Backlog }> {
  const names = await communes(db)
  const view = viewOf(scope, unit, new Set(names.keys()))
  return { today, ...view, backlog: backlogOf(view, await q.backlog(db.pool, provinceCode(), view.units), names) }
}
