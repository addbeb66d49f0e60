// All of the working-day calendar's SQL (table `calendar_day`, migration 20261127T1800).
import { type Generated, type Kysely, sql } from 'kysely'
import { saveReferenceChecksum } from '../geo/queries.ts'
import type { Tables } from '../platform/db.ts'
import type { DayKind } from './calendar.ts'

declare module '../platform/db.ts' {
  interface Tables {
    calendar_day: {
      day: string
      kind: DayKind
      name: string
      source: string
      set_by_admin: Generated<boolean>
      removed: Generated<boolean>
      changed_by: string
      changed_at: Generated<string>
    }
  }
}

type Db = Kysely<Tables>

export interface CalendarDayRow {
  date: string
  kind: DayKind
  name: string
  source: string
  set_by_admin: boolean
  changed_by: string
  changed_at: string
}

export interface SeedDay {
  date: string
  kind: DayKind
  name: string
  source: string
}

/** The days in force (removed ones left out), in date order; a year's only when asked. */
export async function calendarDays(db: Db, year?: number): Promise<CalendarDayRow[]> {
  let query = db
    .selectFrom('calendar_day')
    .select([
      sql<string>`day::text`.as('date'),
      'kind',
      'name',
      'source',
      'set_by_admin',
      'changed_by',
      sql<string>`to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as('changed_at'),
    ])
    .where('removed', '=', false)
  if (year !== undefined) {
    query = query
      .where('day', '>=', sql<string>`make_date(${year}::int, 1, 1)`)
      .where('day', '<', sql<string>`make_date(${year + 1}::int, 1, 1)`)
  }
  return query.orderBy('day').execute()
}

/**
 * Reloads the seeded days in one transaction: the seed's rows replace the seed's rows; a day an
 * administrator set or removed stays as they left it.
 */
export async function loadSeedDays(db: Db, days: SeedDay[], checksum: string, by: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('calendar_day').where('set_by_admin', '=', false).execute()
    if (days.length > 0) {
      await tx
        .insertInto('calendar_day')
        .values(days.map((d) => ({ day: d.date, kind: d.kind, name: d.name, source: d.source, changed_by: by })))
        .onConflict((oc) => oc.column('day').doNothing())
        .execute()
    }
    await saveReferenceChecksum(tx, 'calendar', checksum)
  })
}

/** An administrator's day: replaces whatever the day was (seeded, set or removed). */
export async function setDay(db: Db, day: SeedDay, by: string): Promise<void> {
  const values = { kind: day.kind, name: day.name, source: day.source, set_by_admin: true, removed: false, changed_by: by }
  await db
    .insertInto('calendar_day')
    .values({ day: day.date, ...values })
    .onConflict((oc) => oc.column('day').doUpdateSet({ ...values, changed_at: sql<string>`now()` }))
    .execute()
}

/** An administrator's removal: the day becomes an ordinary day, and a reload keeps it so. */
export async function removeDay(db: Db, date: string, by: string): Promise<boolean> {
  const result = await db
    .updateTable('calendar_day')
    .set({ removed: true, set_by_admin: true, changed_by: by, changed_at: sql<string>`now()` })
    .where('day', '=', date)
    .where('removed', '=', false)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
