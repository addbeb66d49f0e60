// Working days and deadlines (pure). Days are ISO dates (YYYY-MM-DD), in Vietnam's calendar.
//
// The lunar calendar follows Hồ Ngọc Đức's algorithm ("Âm lịch Việt Nam", amlich.js, 2004): a
// lunar month starts on the local day (UTC+7) of a new moon (Meeus' mean new moon with the main
// periodic terms); month 11 is the one holding the winter solstice (sun's longitude 270°); in a
// year of 13 months the leap month is the first one without a major solar term (a multiple of
// 30° of the sun's longitude). Computing at UTC+7, not China's UTC+8, is what made Tết 1985 fall
// on 21 January in Vietnam and 20 February in China.

export type DayKind = 'holiday' | 'makeup_workday' | 'compensatory_day_off'
export const DAY_KINDS: readonly DayKind[] = ['holiday', 'makeup_workday', 'compensatory_day_off']

export interface DayRecord {
  date: string
  kind: DayKind
  name: string
}

// ---------------------------------------------------------------------------------------------
// Dates as day numbers

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 86_400_000

/** A real calendar date written YYYY-MM-DD (2026-02-31 is not one). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
}

function dayNumber(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS)
}

function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

export function addDays(iso: string, n: number): string {
  return isoOf(dayNumber(iso) + n)
}

/** 0 Sunday … 6 Saturday. */
export function weekday(iso: string): number {
  return new Date(`${iso}T00:00:00Z`).getUTCDay()
}

const yearOf = (iso: string) => Number(iso.slice(0, 4))
const pad = (n: number) => String(n).padStart(2, '0')
const isoYmd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`

// ---------------------------------------------------------------------------------------------
// The lunar calendar (Hồ Ngọc Đức)

const TZ = 7
const { floor, sin, PI } = Math
const DR = PI / 180

function jdFromDate(d: number, m: number, y: number): number {
  const a = floor((14 - m) / 12)
  const yy = y + 4800 - a
  const mm = m + 12 * a - 3
  return d + floor((153 * mm + 2) / 5) + 365 * yy + floor(yy / 4) - floor(yy / 100) + floor(yy / 400) - 32045
}

// Julian day number → ISO date: JD 2440588 is 1970-01-01.
const jdToIso = (jd: number) => isoOf(jd - 2440588)

/** Julian date (UT) of the k-th new moon after 1900-01-01. */
function newMoon(k: number): number {
  const T = k / 1236.85
  const T2 = T * T
  const T3 = T2 * T
  let jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3
  jd += 0.00033 * sin((166.56 + 132.87 * T - 0.009173 * T2) * DR)
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3 // sun's mean anomaly
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3 // moon's mean anomaly
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3 // moon's argument of latitude
  let c = (0.1734 - 0.000393 * T) * sin(M * DR) + 0.0021 * sin(2 * DR * M)
  c += -0.4068 * sin(Mpr * DR) + 0.0161 * sin(DR * 2 * Mpr) - 0.0004 * sin(DR * 3 * Mpr)
  c += 0.0104 * sin(DR * 2 * F) - 0.0051 * sin(DR * (M + Mpr)) - 0.0074 * sin(DR * (M - Mpr))
  c += 0.0004 * sin(DR * (2 * F + M)) - 0.0004 * sin(DR * (2 * F - M)) - 0.0006 * sin(DR * (2 * F + Mpr))
  c += 0.001 * sin(DR * (2 * F - Mpr)) + 0.0005 * sin(DR * (2 * Mpr + M))
  const deltaT =
    T < -11 ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3 : -0.000278 + 0.000265 * T + 0.000262 * T2
  return jd + c - deltaT
}

/** The sun's longitude at local midnight starting day `jdn`, as the solar term index 0–11. */
function solarTerm(jdn: number): number {
  const T = (jdn - 0.5 - TZ / 24 - 2451545.0) / 36525
  const T2 = T * T
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2
  let dl = (1.9146 - 0.004817 * T - 0.000014 * T2) * sin(DR * M)
  dl += (0.019993 - 0.000101 * T) * sin(DR * 2 * M) + 0.00029 * sin(DR * 3 * M)
  let L = (L0 + dl) * DR
  L -= PI * 2 * floor(L / (PI * 2))
  return floor((L / PI) * 6)
}

const newMoonDay = (k: number) => floor(newMoon(k) + 0.5 + TZ / 24)

/** Julian day of the start of lunar month 11 (holding the winter solstice) of Gregorian year y. */
function lunarMonth11(y: number): number {
  const k = floor((jdFromDate(31, 12, y) - 2415021) / 29.530588853)
  const nm = newMoonDay(k)
  return solarTerm(nm) >= 9 ? newMoonDay(k - 1) : nm
}

function leapMonthOffset(a11: number): number {
  const k = floor((a11 - 2415021.076998695) / 29.530588853 + 0.5)
  let i = 1
  let arc = solarTerm(newMoonDay(k + i))
  let last: number
  do {
    last = arc
    i++
    arc = solarTerm(newMoonDay(k + i))
  } while (arc !== last && i < 14)
  return i - 1
}

/** The Gregorian date of a (non-leap) lunar day of lunar year y, in Vietnam (UTC+7). */
export function lunarToSolar(day: number, month: number, y: number): string {
  const a11 = month < 11 ? lunarMonth11(y - 1) : lunarMonth11(y)
  const b11 = month < 11 ? lunarMonth11(y) : lunarMonth11(y + 1)
  const k = floor(0.5 + (a11 - 2415021.076998695) / 29.530588853)
  let off = month - 11
  if (off < 0) off += 12
  if (b11 - a11 > 365 && off >= leapMonthOffset(a11)) off += 1
  return jdToIso(newMoonDay(k + off) + day - 1)
}

/** Mùng 1 Tết (lunar New Year) of Gregorian year y, 1900–2199. */
export function lunarNewYear(y: number): string {
  return lunarToSolar(1, 1, y)
}

// ---------------------------------------------------------------------------------------------
// Estimates for years the data does not announce

/** How many days around mùng 1 the Tết window spans when looking for announced Tết days off. */
const TET_WINDOW = 10

/** Is `date` within ten days of year y's mùng 1 (where any Tết day off lies)? */
function inTetWindow(date: string, y: number): boolean {
  return Math.abs(dayNumber(date) - dayNumber(lunarNewYear(y))) <= TET_WINDOW
}

const isWeekend = (iso: string) => {
  const w = weekday(iso)
  return w === 0 || w === 6
}

/**
 * Day-off records for a year whose Tết is not announced: the five Tết days of the Labour Code
 * 2019 art. 112(1)(b), assumed to run from the last day of tháng Chạp (tất niên) to mùng 4, as
 * in 2026 (2024 and 2025 ran from the second-to-last day to mùng 3 — one day's difference at
 * most); each of those days that falls on a weekend gives a compensatory day off on the next
 * working day after the break (art. 111(3)). No swapped Saturday is assumed.
 */
export function estimatedTet(y: number): DayRecord[] {
  const first = lunarNewYear(y)
  const names = ['tất niên', 'mùng 1', 'mùng 2', 'mùng 3', 'mùng 4']
  const days: DayRecord[] = names.map((n, i) => ({ date: addDays(first, i - 1), kind: 'holiday', name: `Tết Âm lịch (${n}) — ước tính` }))
  return withCompensation(days, 'Nghỉ bù Tết — ước tính')
}

/**
 * Fixed-date holidays of a year the data holds nothing for (art. 112(1)): 1/1, 30/4, 1/5, 2/9
 * and one day next to it, Giỗ Tổ Hùng Vương (10/3 lunar) and, from 2026, 24/11. The Prime
 * Minister picks the day next to 2/9 each year; assumed here: 3/9 when 2/9 is a Monday or a
 * Thursday (a break ending or starting with a weekend), else 1/9 (2024: 3/9, 2025–2026: 1/9). A
 * holiday on a weekend gives a compensatory day off on the next working day.
 */
export function estimatedFixedHolidays(y: number): DayRecord[] {
  const w29 = weekday(isoYmd(y, 9, 2))
  const days: DayRecord[] = [
    { date: isoYmd(y, 1, 1), kind: 'holiday', name: 'Tết Dương lịch — ước tính' },
    { date: lunarToSolar(10, 3, y), kind: 'holiday', name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch) — ước tính' },
    { date: isoYmd(y, 4, 30), kind: 'holiday', name: 'Ngày Chiến thắng — ước tính' },
    { date: isoYmd(y, 5, 1), kind: 'holiday', name: 'Ngày Quốc tế Lao động — ước tính' },
    { date: isoYmd(y, 9, w29 === 1 || w29 === 4 ? 3 : 1), kind: 'holiday', name: 'Quốc khánh (ngày liền kề) — ước tính' },
    { date: isoYmd(y, 9, 2), kind: 'holiday', name: 'Quốc khánh — ước tính' },
  ]
  if (y >= 2026) days.push({ date: isoYmd(y, 11, 24), kind: 'holiday', name: 'Ngày Văn hóa Việt Nam — ước tính' })
  days.sort((a, b) => (a.date < b.date ? -1 : 1))
  // Each run of consecutive holidays gets its weekend days compensated after the run.
  const out: DayRecord[] = []
  let run: DayRecord[] = []
  for (const d of days) {
    const previous = run.at(-1)
    if (previous && dayNumber(d.date) - dayNumber(previous.date) > 1) {
      out.push(...withCompensation(run, 'Nghỉ bù — ước tính', out))
      run = []
    }
    run.push(d)
  }
  out.push(...withCompensation(run, 'Nghỉ bù — ước tính', out))
  return out
}

/** A run of consecutive holidays, plus a compensatory day off for each of its weekend days. */
function withCompensation(run: DayRecord[], name: string, taken: DayRecord[] = []): DayRecord[] {
  const off = new Set([...taken, ...run].map((d) => d.date))
  const result = [...run]
  let next = run.at(-1)?.date ?? ''
  for (const d of run) {
    if (!isWeekend(d.date)) continue
    do next = addDays(next, 1)
    while (isWeekend(next) || off.has(next))
    off.add(next)
    result.push({ date: next, kind: 'compensatory_day_off', name })
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// The working-day calendar

export interface Deadline {
  /** The last day of the period: the file's result is due by the end of this day. */
  due: string
  /** The working days counted, in order (their number is n). */
  counted: string[]
  /** Some day of the period lies in a year whose Tết days off the data does not hold. */
  provisional: boolean
  /** Those years (their calendar was estimated from the lunar calendar). */
  estimated_years: number[]
}

export class WorkingCalendar {
  private readonly byDate = new Map<string, DayRecord>()
  private readonly years = new Set<number>()
  private readonly estimates = new Map<number, Map<string, DayRecord>>()

  constructor(records: readonly DayRecord[]) {
    for (const r of records) {
      this.byDate.set(r.date, r)
      this.years.add(yearOf(r.date))
    }
  }

  /** The data holds year y's Tết days off (a holiday within ten days of mùng 1). */
  tetAnnounced(y: number): boolean {
    for (const r of this.byDate.values()) if (r.kind === 'holiday' && yearOf(r.date) === y && inTetWindow(r.date, y)) return true
    return false
  }

  /** The day-off records estimated for year y (empty when the data announces its Tết). */
  estimatedDays(y: number): Map<string, DayRecord> {
    let days = this.estimates.get(y)
    if (!days) {
      days = new Map()
      if (!this.tetAnnounced(y)) {
        const guesses = [...estimatedTet(y), ...(this.years.has(y) ? [] : estimatedFixedHolidays(y))]
        for (const g of guesses) if (yearOf(g.date) === y && !this.byDate.has(g.date) && !days.has(g.date)) days.set(g.date, g)
      }
      this.estimates.set(y, days)
    }
    return days
  }

  /** What the calendar says of a day: the record (from the data, or estimated), if any. */
  recordOf(day: string): (DayRecord & { estimated: boolean }) | undefined {
    const r = this.byDate.get(day)
    if (r) return { ...r, estimated: false }
    const e = this.estimatedDays(yearOf(day)).get(day)
    return e && { ...e, estimated: true }
  }

  /** Monday to Friday unless a day off; a Saturday worked in exchange is one. */
  isWorkingDay(day: string): boolean {
    const r = this.recordOf(day)
    if (r?.kind === 'makeup_workday') return true
    if (r) return false
    return !isWeekend(day)
  }

  /**
   * The deadline of n working days from the day a file was complete (`from`). The day the file
   * is complete does not count, whatever its kind: counting starts on the next working day, as
   * "trong thời hạn 7 ngày làm việc kể từ ngày nhận đủ hồ sơ" is read (Civil Code 2015 art. 147:
   * a period in days starts the day after the event). So a file complete on a Monday with no
   * day off that week is due on the Wednesday of the next week (n = 7).
   */
  addWorkingDays(from: string, n: number): Deadline {
    if (!isIsoDate(from)) throw new RangeError(`not a date: ${from}`)
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a whole number ≥ 1: ${n}`)
    const counted: string[] = []
    const years = new Set<number>()
    let day = from
    while (counted.length < n) {
      day = addDays(day, 1)
      years.add(yearOf(day))
      if (this.isWorkingDay(day)) counted.push(day)
    }
    const estimated = [...years].filter((y) => !this.tetAnnounced(y)).sort()
    return { due: day, counted, provisional: estimated.length > 0, estimated_years: estimated }
  }
}
