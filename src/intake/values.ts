// Reading single DC01 values as typed (pure): dates with their precision, sex, ID numbers,
// phone numbers, names and code lists. What was typed is kept by the caller; these return the
// normalised value or why it could not be read.
import { canonicalTone, collapseSpaces, foldKey, nameCase, nfc } from '../text/vietnamese.ts'

export type Precision = 'day' | 'month' | 'year'

export type DateValue =
  | { kind: 'empty' }
  | { kind: 'unreadable' }
  /** Read, but no such day (31/02): the typed year and month still count for other checks. */
  | { kind: 'impossible'; year: number; month: number; day: number }
  | { kind: 'ok'; year: number; month: number | null; day: number | null; precision: Precision }

const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/
const YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})$/
const MY = /^(\d{1,2})[/.-](\d{4})$/
const Y = /^(\d{4})$/

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** dd/mm/yyyy (or d/m/yyyy, with - or .), yyyy-mm-dd; partial mm/yyyy and yyyy when allowed. */
export function parseDate(text: string, allowPartial = false): DateValue {
  const s = text.trim()
  if (!s) return { kind: 'empty' }
  const parts = dateParts(s, allowPartial)
  if (!parts) return { kind: 'unreadable' }
  const [y, m, d] = parts
  if (y < 1850 || y > 2200) return { kind: 'unreadable' }
  if (m !== null && (m < 1 || m > 12)) return { kind: 'impossible', year: y, month: m, day: d ?? 0 }
  if (d !== null && m !== null && (d < 1 || d > daysInMonth(y, m))) return { kind: 'impossible', year: y, month: m, day: d }
  return { kind: 'ok', year: y, month: m, day: d, precision: d !== null ? 'day' : m !== null ? 'month' : 'year' }
}

/** [year, month, day] as typed, by the first layout that matches. */
function dateParts(s: string, allowPartial: boolean): [number, number | null, number | null] | undefined {
  let match = DMY.exec(s)
  if (match) return [Number(match[3]), Number(match[2]), Number(match[1])]
  match = YMD.exec(s)
  if (match) return [Number(match[1]), Number(match[2]), Number(match[3])]
  if (!allowPartial) return undefined
  match = MY.exec(s)
  if (match) return [Number(match[2]), Number(match[1]), null]
  match = Y.exec(s)
  if (match) return [Number(match[1]), null, null]
  return undefined
}

/** ISO text of a read date ("1950", "1950-03", "1950-03-07"): never invents a day or month. */
export function isoPartial(v: DateValue): string | null {
  if (v.kind !== 'ok') return null
  const mm = v.month === null ? '' : `-${String(v.month).padStart(2, '0')}`
  const dd = v.day === null ? '' : `-${String(v.day).padStart(2, '0')}`
  return `${v.year}${mm}${dd}`
}

/** The earliest day a read date can be (for "after collection" and age checks). */
export function earliestDay(v: DateValue & { kind: 'ok' }): string {
  return `${v.year}-${String(v.month ?? 1).padStart(2, '0')}-${String(v.day ?? 1).padStart(2, '0')}`
}

/** Whole years between a (possibly partial) birth date and a day, counted conservatively. */
export function ageOn(birth: DateValue & { kind: 'ok' }, day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  let age = y - birth.year
  if (birth.month !== null && (m < birth.month || (m === birth.month && birth.day !== null && d < birth.day))) age--
  return age
}

export type Sex = 'M' | 'F'

const SEX: Record<string, Sex> = { nam: 'M', m: 'M', male: 'M', trai: 'M', nu: 'F', f: 'F', female: 'F', gai: 'F' }

export function parseSex(text: string): Sex | 'empty' | 'unreadable' {
  const key = foldKey(text)
  if (!key) return 'empty'
  return SEX[key] ?? 'unreadable'
}

/** Digits only, separators people type removed ("022 090 012 345", "022.090.012.345"). */
export function digits(text: string): string {
  return text.replace(/[\s.\-_]/g, '')
}

/** Vietnamese mobile numbers: +84 / 84 prefixes become 0; 10 digits starting 03, 05, 07, 08 or 09. */
export function normalizePhone(text: string): { value: string; valid: boolean } {
  let v = text.replace(/[\s.\-()]/g, '')
  if (v.startsWith('+84')) v = `0${v.slice(3)}`
  else if (/^84\d{9}$/.test(v)) v = `0${v.slice(2)}`
  return { value: v, valid: /^0[35789]\d{8}$/.test(v) }
}

export function validEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)
}

/** A name as it should be displayed: NFC, single spaces, name case, canonical tone placement. */
export function normalizeName(text: string): string {
  return canonicalTone(nameCase(collapseSpaces(nfc(text))))
}

export interface NameParts {
  family: string
  middle: string
  given: string
}

/** Vietnamese order: family name first, given name last, middle names between. */
export function splitName(display: string): NameParts {
  const words = display.split(' ').filter(Boolean)
  if (words.length === 0) return { family: '', middle: '', given: '' }
  if (words.length === 1) return { family: '', middle: '', given: words[0] as string }
  return { family: words[0] as string, middle: words.slice(1, -1).join(' '), given: words[words.length - 1] as string }
}

export type BloodGroup = 'O' | 'A' | 'B' | 'AB'

/** `O`, `A`, `B`, `AB`, optionally `Rh` and `+`/`-`; the digit 0 is read as O ("0", "0+", "0 Rh-"). */
export function parseBloodGroup(text: string): { group: BloodGroup; rh: '+' | '-' | null } | undefined {
  const m = /^(AB|A|B|O)\s*(RH)?\s*([+-])?$/i.exec(text.trim().replace(/^0/, 'O'))
  if (!m) return undefined
  return { group: (m[1] as string).toUpperCase() as BloodGroup, rh: (m[3] as '+' | '-' | undefined) ?? null }
}

export const MARITAL_STATUSES = ['Chưa kết hôn', 'Đã kết hôn', 'Ly hôn', 'Góa'] as const
export type MaritalStatus = (typeof MARITAL_STATUSES)[number]

export const RELATIONS = [
  'Chủ hộ',
  'Vợ',
  'Chồng',
  'Con',
  'Cha',
  'Mẹ',
  'Ông',
  'Bà',
  'Cháu',
  'Anh',
  'Chị',
  'Em',
  'Con dâu',
  'Con rể',
  'Khác',
] as const

/** A value from a closed list, compared folded ("goa", "Goá", "GÓA" → "Góa"). */
const folded = new WeakMap<readonly string[], Map<string, string>>()

export function fromList<T extends string>(list: readonly T[], text: string): T | undefined {
  let map = folded.get(list)
  if (!map) {
    map = new Map(list.map((item) => [foldKey(item), item]))
    folded.set(list, map)
  }
  return map.get(foldKey(text)) as T | undefined
}
