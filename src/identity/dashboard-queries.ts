// The identity dashboard's SQL: counts per day, the backlog by unit and state, the median time
// per stage, the share within the deadline, overdue and provisional deadlines. Each query reads
// one index and no more than its period (or, for the backlog, the open applications) of it:
//   received per day      id_application_received_idx   (province, received_on, unit_code)
//   handed over per day   id_application_step_at_idx    (province, at) INCLUDE (unit_code, from_state, to_state, since)
//   stage medians         id_application_step_at_idx
//   within the deadline   id_application_arrived_idx    (province, arrived_on, unit_code) INCLUDE (due_on)
//   backlog               id_application_unit_state_idx (province, unit_code, state), one range per unit and open state
//   overdue               id_application_due_idx        (province, due_on, unit_code), partial: applications still owed a card
//   provisional           id_application_provisional_idx, partial: owed and their deadline estimated
// all index-only once the table is vacuumed. `units` null means the whole province.
import type { Queryable } from '../platform/db.ts'
import type { State } from './applications.ts'

/** States of an application not yet ended: its backlog. */
export const BACKLOG_STATES = [
  'received',
  'biometrics_captured',
  'sent_for_production',
  'produced',
  'arrived',
  'returned_for_correction',
] as const satisfies readonly State[]
export type BacklogState = (typeof BACKLOG_STATES)[number]

/** The states a stage is timed from (any state a step can leave). */
export const STAGE_STATES = BACKLOG_STATES

// Written out, not bound: the planner uses a partial index only when the query's condition is
// the index's own predicate in the text (migrations/20261127T1900_identity.sql, id_application_due_idx).
const OWED = `('received', 'biometrics_captured', 'sent_for_production', 'produced', 'returned_for_correction')`
const BACKLOG = `('received', 'biometrics_captured', 'sent_for_production', 'produced', 'arrived', 'returned_for_correction')`

/** The days of a period as the instants that bound them in Vietnam (UTC+7, no summer time). */
export interface Period {
  from: string
  to: string
  /** The first instant of `from` in Vietnam. */
  since: string
  /** The first instant after `to` in Vietnam. */
  until: string
}

/** `AND <column> = ANY($n)` when the view is some units, nothing for the whole province. */
function unitFilter(column: string, units: readonly string[] | null, params: unknown[]): string {
  if (units === null) return ''
  params.push(units)
  return ` AND ${column} = ANY($${params.length}::text[])`
}

/** The day a step happened in Vietnam. */
const VN_DAY = `((at AT TIME ZONE 'UTC') + interval '7 hours')::date`

export interface DayCount {
  day: string
  n: number
}

/** Applications received on each day of the period (days with none are absent). */
export async function receivedPerDay(db: Queryable, province: string, p: Period, units: readonly string[] | null): Promise<DayCount[]> {
  const params: unknown[] = [province, p.from, p.to]
  const { rows } = await db.query<DayCount>(
    `SELECT received_on::text AS day, count(*)::int AS n FROM id_application
      WHERE province_code = $1 AND received_on BETWEEN $2::date AND $3::date${unitFilter('unit_code', units, params)}
      GROUP BY received_on`,
    params,
  )
  return rows
}

/** Cards handed over on each day of the period (from the steps). */
export async function handedOverPerDay(db: Queryable, province: string, p: Period, units: readonly string[] | null): Promise<DayCount[]> {
  const params: unknown[] = [province, p.since, p.until]
  const { rows } = await db.query<DayCount>(
    `SELECT ${VN_DAY}::text AS day, count(*)::int AS n FROM id_application_step
      WHERE province_code = $1 AND at >= $2::timestamptz AND at < $3::timestamptz AND to_state = 'handed_over'${unitFilter('unit_code', units, params)}
      GROUP BY 1`,
    params,
  )
  return rows
}

export interface BacklogRow {
  unit_code: string
  state: BacklogState
  n: number
}

/** The backlog's two statements (exported for the bench's EXPLAIN): $1 province, $2 units. */
export const BACKLOG_SQL = {
  units: `SELECT unit_code, state, count(*)::int AS n FROM id_application
           WHERE province_code = $1 AND unit_code = ANY($2::text[]) AND state IN ${BACKLOG}
           GROUP BY unit_code, state`,
  province: `WITH RECURSIVE units AS (
               SELECT min(unit_code) AS code FROM id_application WHERE province_code = $1
               UNION ALL
               SELECT (SELECT min(a.unit_code) FROM id_application a WHERE a.province_code = $1 AND a.unit_code > u.code)
                 FROM units u WHERE u.code IS NOT NULL
             )
             SELECT a.unit_code, a.state, count(*)::int AS n
               FROM units u JOIN id_application a ON a.province_code = $1 AND a.unit_code = u.code
              WHERE a.state IN ${BACKLOG}
              GROUP BY a.unit_code, a.state`,
}

/**
 * Open applications now by unit and state. Each (unit, open state) is one range of the index,
 * so only the open entries are read, however many ended ones the years have piled up; for the
 * whole province the units are found by skipping through the same index (one descent each).
 */
export async function backlog(db: Queryable, province: string, units: readonly string[] | null): Promise<BacklogRow[]> {
  const { rows } = await db.query<BacklogRow>(
    units === null ? BACKLOG_SQL.province : BACKLOG_SQL.units,
    units === null ? [province] : [province, units],
  )
  return rows
}

export interface StageRow {
  state: string
  median_hours: number
  steps: number
}

/** Of the steps taken in the period: the median time spent in the state each left, in hours. */
export async function stageMedians(db: Queryable, province: string, p: Period, units: readonly string[] | null): Promise<StageRow[]> {
  const params: unknown[] = [province, p.since, p.until]
  // date_part gives a double; extract would give a numeric, several times slower to sort.
  const { rows } = await db.query<StageRow>(
    `SELECT from_state AS state, percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', at - since)) / 3600 AS median_hours,
            count(*)::int AS steps
       FROM id_application_step
      WHERE province_code = $1 AND at >= $2::timestamptz AND at < $3::timestamptz AND from_state IS NOT NULL${unitFilter('unit_code', units, params)}
      GROUP BY from_state`,
    params,
  )
  return rows
}

export interface DeadlineRow {
  arrived: number
  within: number
}

/** Applications whose card arrived at the commune in the period, and those on or before their due day. */
export async function arrivedWithin(db: Queryable, province: string, p: Period, units: readonly string[] | null): Promise<DeadlineRow> {
  const params: unknown[] = [province, p.from, p.to]
  const { rows } = await db.query<DeadlineRow>(
    `SELECT count(*)::int AS arrived, count(*) FILTER (WHERE arrived_on <= due_on)::int AS within FROM id_application
      WHERE province_code = $1 AND arrived_on BETWEEN $2::date AND $3::date${unitFilter('unit_code', units, params)}`,
    params,
  )
  return rows[0] ?? { arrived: 0, within: 0 }
}

/** Applications still owed a card whose due day is before `today`. */
export async function overdue(db: Queryable, province: string, today: string, units: readonly string[] | null): Promise<number> {
  const params: unknown[] = [province, today]
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM id_application
      WHERE province_code = $1 AND state IN ${OWED} AND due_on < $2::date${unitFilter('unit_code', units, params)}`,
    params,
  )
  return rows[0]?.n ?? 0
}

/** Applications still owed a card whose due day was counted on an estimated calendar. */
export async function provisional(db: Queryable, province: string, units: readonly string[] | null): Promise<number> {
  const params: unknown[] = [province]
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM id_application
      WHERE province_code = $1 AND due_provisional AND state IN ${OWED}${unitFilter('unit_code', units, params)}`,
    params,
  )
  return rows[0]?.n ?? 0
}
