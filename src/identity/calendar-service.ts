// The working-day calendar kept in the database: seeded from seed/reference/vn-holidays.csv,
// edited by an administrator, read whole to compute deadlines (a few dozen rows a year).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import type { Kysely } from 'kysely'
import { referenceChecksum } from '../geo/queries.ts'
import type { Tables } from '../platform/db.ts'
import { badInput } from '../platform/errors.ts'
import { DAY_KINDS, type DayKind, type Deadline, isIsoDate, WorkingCalendar } from './calendar.ts'
import { type CalendarDayRow, calendarDays, loadSeedDays, removeDay, type SeedDay, setDay } from './calendar-queries.ts'

type Db = Kysely<Tables>

const SEED_FILE = new URL('../../seed/reference/vn-holidays.csv', import.meta.url)
// Bump when what the loader makes of the same file changes.
const LOADER_VERSION = '1'

export function readCalendarSeed(): { days: SeedDay[]; checksum: string } {
  const text = readFileSync(SEED_FILE, 'utf8')
  const checksum = createHash('sha256').update(LOADER_VERSION).update(text).digest('hex')
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[]
  const days = rows.map((r, i) => {
    const day = { date: r.date ?? '', kind: r.kind as DayKind, name: r.name_vi ?? '', source: r.source ?? '' }
    if (!isIsoDate(day.date) || !DAY_KINDS.includes(day.kind) || !day.name) throw new Error(`vn-holidays.csv row ${i + 2} is malformed`)
    return day
  })
  return { days, checksum }
}

/**
 * Loads the seeded calendar into a new database, and again whenever the shipped file changes
 * (its checksum in `reference_data`, as geo's units): seeded days are replaced by the file's,
 * the days an administrator set or removed stay as they are.
 */
export async function ensureCalendarData(db: Db): Promise<boolean> {
  const { days, checksum } = readCalendarSeed()
  if ((await referenceChecksum(db, 'calendar')) === checksum) return false
  await loadSeedDays(db, days, checksum, 'seed')
  return true
}

export function listCalendarDays(db: Db, year?: number): Promise<CalendarDayRow[]> {
  return calendarDays(db, year)
}

export async function workingCalendar(db: Db): Promise<WorkingCalendar> {
  return new WorkingCalendar(await calendarDays(db))
}

export function checkDate(date: string, field: string): void {
  if (!isIsoDate(date)) {
    throw badInput(
      {
        vi: `${field}: ngày không hợp lệ "${date}" (dùng YYYY-MM-DD, một ngày có thật)`,
        en: `${field}: not a valid date "${date}" (use YYYY-MM-DD, a real day)`,
      },
      { field, rule: 'date' },
    )
  }
}

export async function setCalendarDay(
  db: Db,
  input: { date: string; kind: string; name: string; source?: string },
  by: string,
): Promise<CalendarDayRow> {
  checkDate(input.date, 'date')
  checkKind(input.kind)
  const name = input.name.normalize('NFC').trim()
  if (!name) throw badInput({ vi: 'name: cần tên ngày', en: 'name: a name is required' }, { field: 'name', rule: 'required' })
  await setDay(db, { date: input.date, kind: input.kind as DayKind, name, source: input.source?.trim() || `coso calendar set (${by})` }, by)
  const row = (await calendarDays(db, Number(input.date.slice(0, 4)))).find((d) => d.date === input.date)
  if (!row) throw new Error(`calendar day ${input.date} not written`)
  return row
}

export function checkKind(kind: string): void {
  if (!DAY_KINDS.includes(kind as DayKind)) {
    throw badInput(
      {
        vi: `kind: loại ngày không hợp lệ "${kind}" (một trong: ${DAY_KINDS.join(', ')})`,
        en: `kind: unknown kind "${kind}" (one of: ${DAY_KINDS.join(', ')})`,
      },
      { field: 'kind', rule: 'enum' },
    )
  }
}

export async function removeCalendarDay(db: Db, date: string, by: string): Promise<boolean> {
  checkDate(date, 'date')
  return removeDay(db, date, by)
}

export async function deadlineFrom(db: Db, from: string, days = 7): Promise<Deadline & { from: string; days: number }> {
  checkDate(from, 'from')
  checkDays(days)
  const deadline = (await workingCalendar(db)).addWorkingDays(from, days)
  return { from, days, ...deadline }
}

export function checkDays(days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw badInput(
      {
        vi: `days: số ngày làm việc phải là số nguyên 1–366 ("${days}")`,
        en: `days: working days must be a whole number 1–366 ("${days}")`,
      },
      { field: 'days', rule: 'range' },
    )
  }
}
