import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import { addDays, type DayRecord, estimatedTet, lunarNewYear, lunarToSolar, WorkingCalendar, weekday } from './calendar.ts'

const SEED: DayRecord[] = (
  parse(readFileSync(new URL('../../seed/reference/vn-holidays.csv', import.meta.url), 'utf8'), { columns: true }) as Record<
    string,
    string
  >[]
).map((r) => ({ date: r.date ?? '', kind: r.kind as DayRecord['kind'], name: r.name_vi ?? '' }))
const calendar = new WorkingCalendar(SEED)

describe('lunar calendar (UTC+7)', () => {
  it('finds mùng 1 Tết of known years', () => {
    const known: Record<number, string> = {
      1985: '1985-01-21', // China: 20 February (computed at UTC+8)
      2007: '2007-02-17', // China: 18 February
      2024: '2024-02-10',
      2025: '2025-01-29',
      2026: '2026-02-17',
      2027: '2027-02-06',
      2028: '2028-01-26',
      // The new moon is at 23:08 on 2 February in Vietnam, 00:08 on 3 February in China.
      2030: '2030-02-02',
    }
    for (const [year, date] of Object.entries(known)) assert.equal(lunarNewYear(Number(year)), date, year)
  })

  it('places Giỗ Tổ Hùng Vương (10/3) where the data does', () => {
    for (const year of [2024, 2025, 2026, 2027]) {
      const recorded = SEED.find((r) => r.date.startsWith(String(year)) && r.name.startsWith('Giỗ Tổ'))
      assert.equal(lunarToSolar(10, 3, year), recorded?.date)
    }
  })

  it('covers 1900–2199 with a Tết between 21 January and 20 February', () => {
    for (let y = 1900; y <= 2199; y++) {
      const d = lunarNewYear(y)
      assert.ok(d >= `${y}-01-21` && d <= `${y}-02-20`, `${y}: ${d}`)
    }
  })
})

describe('working days', () => {
  it('skips weekends and counts from the next day', () => {
    // Monday 2026-03-02: 3–6 March, 9–11 March.
    const d = calendar.addWorkingDays('2026-03-02', 7)
    assert.equal(d.due, '2026-03-11')
    assert.deepEqual(d.counted, ['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-09', '2026-03-10', '2026-03-11'])
    assert.equal(d.provisional, false)
    // A file complete on a Saturday: Monday is the first day.
    assert.equal(calendar.addWorkingDays('2026-03-07', 1).due, '2026-03-09')
  })

  it('lands a file complete on 2026-02-12 after the Tết days off of 2026', () => {
    const d = calendar.addWorkingDays('2026-02-12', 7)
    // Friday 13, then the break of 14–22 February (Tết 16–20 and two weekends), then 23–27 and 2 March.
    assert.equal(d.due, '2026-03-02')
    assert.deepEqual(d.counted, ['2026-02-13', '2026-02-23', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-03-02'])
    const lastTetDay = SEED.filter((r) => r.date.startsWith('2026-02') && r.kind === 'holiday').at(-1)?.date ?? ''
    assert.ok(d.due > lastTetDay)
    assert.equal(d.provisional, false)
  })

  it('counts a Saturday worked in exchange and skips the day off swapped for it', () => {
    assert.equal(calendar.isWorkingDay('2026-01-10'), true) // Saturday worked for Friday 2 January
    assert.equal(calendar.isWorkingDay('2026-01-02'), false)
    assert.equal(calendar.isWorkingDay('2026-01-11'), false) // Sunday
    // Wednesday 31 Dec 2025: 1–2 Jan off, 5–9 Jan, then Saturday 10 Jan is the sixth day.
    const d = calendar.addWorkingDays('2025-12-31', 6)
    assert.equal(d.due, '2026-01-10')
    assert.equal(calendar.addWorkingDays('2025-12-31', 7).due, '2026-01-12')
  })

  it('skips compensatory days off', () => {
    assert.equal(calendar.isWorkingDay('2026-04-27'), false) // Giỗ Tổ on a Sunday
    assert.equal(calendar.addWorkingDays('2026-04-24', 1).due, '2026-04-28')
  })

  it('marks a deadline reaching into 2028 provisional and skips the estimated Tết', () => {
    // Tết 2028 is Wednesday 26 January: estimated off 25–29 January (Saturday 29 is mùng 4) and
    // Monday 31 in compensation.
    assert.deepEqual(
      estimatedTet(2028).map((r) => `${r.date} ${r.kind}`),
      [
        '2028-01-25 holiday',
        '2028-01-26 holiday',
        '2028-01-27 holiday',
        '2028-01-28 holiday',
        '2028-01-29 holiday',
        '2028-01-31 compensatory_day_off',
      ],
    )
    const d = calendar.addWorkingDays('2028-01-20', 7)
    // Friday 21, Monday 24, then 1–4 and 7–8 February.
    assert.deepEqual(d.counted, ['2028-01-21', '2028-01-24', '2028-02-01', '2028-02-02', '2028-02-03', '2028-02-04', '2028-02-07'])
    assert.equal(d.due, '2028-02-07')
    assert.equal(d.provisional, true)
    assert.deepEqual(d.estimated_years, [2028])
    // A deadline from the end of 2027 into 2028: estimated 1 January 2028 (Saturday → Monday 3).
    const e = calendar.addWorkingDays('2027-12-30', 2)
    assert.deepEqual(e.counted, ['2027-12-31', '2028-01-04'])
    assert.deepEqual(e.estimated_years, [2027, 2028])
  })

  it('estimates Tết for 2027, whose fixed holidays only are in the data, until it is added', () => {
    assert.equal(calendar.tetAnnounced(2026), true)
    assert.equal(calendar.tetAnnounced(2027), false)
    assert.equal(calendar.isWorkingDay('2027-02-08'), false) // mùng 3, estimated
    assert.equal(calendar.recordOf('2027-02-08')?.estimated, true)
    // 2027's fixed holidays come from the data, not estimates.
    assert.equal(calendar.recordOf('2027-05-03')?.estimated, false) // 1 May on a Saturday
    assert.equal(calendar.recordOf('2027-09-03'), undefined) // no estimated day next to 2 September
    assert.equal(calendar.addWorkingDays('2027-03-01', 1).provisional, true)
    const announced = new WorkingCalendar([
      ...SEED,
      ...['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'].map((date) => ({
        date,
        kind: 'holiday' as const,
        name: 'Tết',
      })),
    ])
    assert.equal(announced.tetAnnounced(2027), true)
    const d = announced.addWorkingDays('2027-02-04', 2)
    assert.deepEqual(d.counted, ['2027-02-12', '2027-02-15'])
    assert.equal(d.provisional, false)
  })

  it('estimates the fixed-date holidays of a year without data', () => {
    // 2029: 30 April is a Monday, 1 May a Tuesday; 2 September a Sunday → 1 September (Saturday)
    // and a compensatory day on Monday 3 September.
    for (const off of ['2029-01-01', '2029-04-30', '2029-05-01', '2029-11-26']) assert.equal(calendar.isWorkingDay(off), false, off)
    assert.equal(weekday('2029-09-02'), 0)
    assert.equal(calendar.isWorkingDay('2029-09-03'), false)
    assert.equal(calendar.isWorkingDay(addDays(lunarToSolar(10, 3, 2029), 0)), false)
  })

  it('refuses nonsense', () => {
    assert.throws(() => calendar.addWorkingDays('2026-02-31', 7), RangeError)
    assert.throws(() => calendar.addWorkingDays('2026-02-12', 0), RangeError)
  })
})
