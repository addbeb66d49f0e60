// Due lists (pure part): which birth days put a person at a renewal age within a stretch of days,
// as ranges a query can use on 1.4 million persons at once instead of asking each person.
import { foldKey, nfc } from '../text/vietnamese.ts'
import { RENEWAL_AGES } from './validity.ts'

export interface BirthWindow {
  age: number
  /** First birth day of the window (included). */
  born_from: string
  /** Birth day the window ends before (excluded). */
  born_to: string
}

/**
 * The day `years` years before `day`, as a bound of birth days: whoever is born on it or after
 * reaches that age on `day` or after. From 29 February into a year without it the bound is 1 March
 * (born 28 February, the birthday falls before it).
 */
function yearsBefore(day: string, years: number): string {
  const year = String(Number(day.slice(0, 4)) - years).padStart(4, '0')
  const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  if (day.slice(5) === '02-29' && !leap(Number(year))) return `${year}-03-01`
  return `${year}${day.slice(4)}`
}

/**
 * For each renewal age, the birth days of persons who reach it on a day in [from, to): born on
 * [from − age, to − age). Someone born on 29 February reaches an age on 28 February in a year
 * without the 29th, which these bounds respect.
 */
export function renewalWindows(from: string, to: string): BirthWindow[] {
  return RENEWAL_AGES.map((age) => ({ age, born_from: yearsBefore(from, age), born_to: yearsBefore(to, age) }))
}

/**
 * The birth day from which a person has not reached `age` by `day`: born before it, they have
 * (their birthday at that age is on `day` or before). renewalWindows' bound for the day after.
 */
export function bornBefore(day: string, age: number): string {
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
  return yearsBefore(next, age)
}

// ——— the lists ———

/** renewal: reaching a renewal age soon; missing: 14 or older with no valid card; expired: the card in force has expired. */
export const DUE_LISTS = ['renewal', 'missing', 'expired'] as const
export type DueList = (typeof DUE_LISTS)[number]

export const DUE_LIST_NAMES: Record<DueList, { vi: string; en: string }> = {
  renewal: { vi: 'Đến tuổi đổi thẻ', en: 'Reaching a renewal age' },
  missing: { vi: 'Từ 14 tuổi chưa có thẻ còn hạn', en: 'Aged 14 or more without a valid card' },
  expired: { vi: 'Thẻ đã hết hạn', en: 'Card expired' },
}

/** How far ahead a renewal list looks: a door-to-door round is planned months, not years, ahead. */
export const MONTHS = { min: 1, max: 24, default: 3 } as const

const iso = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`

/** The same day `months` months later; a day the month lacks becomes its last (31 January + 1 → 28 or 29 February). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  const index = y * 12 + (m - 1) + months
  const year = Math.floor(index / 12)
  const month = (index % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return iso(year, month, Math.min(d, last))
}

// ——— hamlets, for the order of a door-to-door round ———

const MAIN_HAMLET_WORDS = ['khu phố', 'thôn', 'khu', 'bản', 'xóm', 'ấp', 'làng']
const BLOCK_WORDS = ['tổ dân phố', 'tổ']

/** A word matched in either case without relying on the database's locale (PGlite's is C). */
const caseless = (word: string) =>
  [...word]
    .map((ch) => (ch === ' ' ? '\\s+' : ch.toLowerCase() === ch.toUpperCase() ? ch : `[${ch.toLowerCase()}${ch.toUpperCase()}]`))
    .join('')

/**
 * The hamlet an address names, as the regular expressions the due-list query orders by (the same
 * text in PostgreSQL and JavaScript): the last comma-separated part that starts with thôn, khu,
 * khu phố, bản, xóm, ấp or làng followed by a name, else the last that starts with tổ (tổ dân
 * phố). The first capture group is the part; the caller trims it and collapses its spaces.
 */
export const HAMLET_PATTERNS = {
  main: `^(?:.*,)?\\s*((?:${MAIN_HAMLET_WORDS.map(caseless).join('|')})\\s+[^,\\s][^,]*)`,
  block: `^(?:.*,)?\\s*((?:${BLOCK_WORDS.map(caseless).join('|')})\\s+[^,\\s][^,]*)`,
}

/** The hamlet of an address by HAMLET_PATTERNS, as the due lists show it (first letter capitalised). */
export function dueHamlet(address: string | null): string | null {
  if (!address) return null
  const m = new RegExp(HAMLET_PATTERNS.main).exec(address) ?? new RegExp(HAMLET_PATTERNS.block).exec(address)
  const part = m?.[1]?.trim().replace(/\s+/g, ' ')
  return part ? part.charAt(0).toLocaleUpperCase('vi') + part.slice(1) : null
}

// ——— what a list's row says, in a file for officers ———

/** A date for people: dd/mm/yyyy, or mm/yyyy and yyyy for a birth date known only so far. */
export function viDate(value: string | null): string | null {
  if (!value) return null
  const [y, m, d] = value.split('-')
  if (d) return `${d}/${m}/${y}`
  if (m) return `${m}/${y}`
  return y ?? null
}

export interface DueRow {
  person_id: string
  name: string
  /** ISO at the precision recorded: 1950, 1950-03 or 1950-03-07. */
  birth_date: string | null
  sex: 'M' | 'F' | null
  personal_id: string | null
  unit: string
  unit_name: string | null
  household_id: string | null
  address: string | null
  hamlet: string | null
  /** Renewal list: the age reached and the (earliest possible) day it is reached. */
  renewal_age: number | null
  renewal_on: string | null
  card_issued_on: string | null
  card_expires_on: string | null
  /** The state of the person's open application, if there is one. */
  application_state: string | null
}

/** The columns of a due-list file, with their Vietnamese headers, and each row's cells. */
export const DUE_FILE_COLUMNS: { header: string; cell: (r: DueRow) => string | null }[] = [
  { header: 'STT', cell: () => null },
  { header: 'Họ, chữ đệm và tên', cell: (r) => r.name },
  { header: 'Ngày, tháng, năm sinh', cell: (r) => viDate(r.birth_date) },
  { header: 'Giới tính', cell: (r) => (r.sex === 'M' ? 'Nam' : r.sex === 'F' ? 'Nữ' : null) },
  { header: 'Số định danh cá nhân', cell: (r) => r.personal_id },
  { header: 'Mã xã', cell: (r) => r.unit },
  { header: 'Xã, phường, đặc khu', cell: (r) => r.unit_name },
  { header: 'Thôn, tổ dân phố', cell: (r) => r.hamlet },
  { header: 'Địa chỉ', cell: (r) => r.address },
  { header: 'Tuổi đổi thẻ', cell: (r) => (r.renewal_age === null ? null : String(r.renewal_age)) },
  { header: 'Ngày đến tuổi', cell: (r) => viDate(r.renewal_on) },
  { header: 'Ngày cấp thẻ', cell: (r) => viDate(r.card_issued_on) },
  { header: 'Thẻ có giá trị đến', cell: (r) => (r.card_issued_on && !r.card_expires_on ? 'Không thời hạn' : viDate(r.card_expires_on)) },
  { header: 'Đã có hồ sơ đang giải quyết', cell: (r) => (r.application_state ? 'Có' : null) },
  { header: 'Mã người', cell: (r) => r.person_id },
]

/** A row's cells in a file, numbered from 1 (STT). */
export function dueCells(r: DueRow, n: number): (string | null)[] {
  return DUE_FILE_COLUMNS.map((c, i) => (i === 0 ? String(n) : c.cell(r)))
}

// ——— a file of the cards people already hold (docs/formats/id-cards-csv.md) ———

export const CARD_FILE_COLUMNS = {
  personal_id: ['personal_id', 'Số định danh cá nhân', 'Số định danh', 'Số CCCD', 'Số căn cước công dân', 'Số căn cước', 'Số thẻ căn cước'],
  issued_on: ['issued_on', 'Ngày cấp', 'Ngày cấp thẻ'],
} as const
export type CardField = keyof typeof CARD_FILE_COLUMNS

const fold = (s: string) => foldKey(nfc(s).replace(/^\ufeff/, ''))
const BY_LABEL = new Map<string, CardField>(
  (Object.entries(CARD_FILE_COLUMNS) as [CardField, readonly string[]][]).flatMap(([key, labels]) => labels.map((l) => [fold(l), key])),
)

export interface CardsHeader {
  /** Where each field is in a row. */
  index: Partial<Record<CardField, number>>
  /** Columns the file has that are not ours (ignored), and ours it lacks. */
  unknown: string[]
  missing: CardField[]
}

/** Header cells → fields (English key or a Vietnamese label, case and diacritics ignored); a repeated one is unknown. */
export function mapCardsHeader(header: readonly string[]): CardsHeader {
  const index: Partial<Record<CardField, number>> = {}
  const unknown: string[] = []
  header.forEach((cell, i) => {
    const key = BY_LABEL.get(fold(cell))
    if (key && index[key] === undefined) index[key] = i
    else unknown.push(cell.trim() || `column_${i + 1}`)
  })
  return { index, unknown, missing: (['personal_id', 'issued_on'] as const).filter((k) => index[k] === undefined) }
}

/** Why a row's value cannot be recorded: the column, a stable rule code, and a message in both languages. */
export interface CardProblem {
  field: CardField | 'row'
  rule: string
  vi: string
  en: string
}

/** A number as typed, spaces, dots and dashes between its groups dropped. */
export function cardNumber(text: string): string {
  return text.trim().replace(/[\s.\-–]/g, '')
}

/** A personal ID number's shape: 12 digits (a spreadsheet that read it as a number drops its leading 0). */
export function numberProblem(text: string): CardProblem | null {
  const n = cardNumber(text)
  if (n === '')
    return { field: 'personal_id', rule: 'required', vi: 'Thiếu số định danh cá nhân.', en: 'The personal ID number is missing.' }
  if (/^\d{11}$/.test(n)) {
    return {
      field: 'personal_id',
      rule: 'personal-id-format',
      vi: `Số định danh "${n}" có 11 chữ số: bảng tính đã bỏ số 0 ở đầu? Hãy định dạng cột là Văn bản.`,
      en: `The ID number "${n}" has 11 digits: did a spreadsheet drop its leading 0? Format the column as Text.`,
    }
  }
  if (!/^\d{12}$/.test(n)) {
    return {
      field: 'personal_id',
      rule: 'personal-id-format',
      vi: `Số định danh "${text.trim().slice(0, 40)}" không phải 12 chữ số.`,
      en: `The ID number "${text.trim().slice(0, 40)}" is not 12 digits.`,
    }
  }
  return null
}

/**
 * Whether a card can have been issued on `issued` to this person, as of `today`: not in the
 * future, not before the earliest day the person may have been born, not after their death.
 */
export function issuedProblem(
  issued: string,
  person: { birth_year: number | null; birth_month: number | null; birth_day: number | null; died_on: string | null },
  today: string,
): CardProblem | null {
  if (issued > today) {
    return {
      field: 'issued_on',
      rule: 'issued-in-future',
      vi: `Ngày cấp ${viDate(issued)} ở tương lai (hôm nay ${viDate(today)}).`,
      en: `The issue date ${issued} is in the future (today is ${today}).`,
    }
  }
  // The earliest day the person may have been born: before it no card can be (cardExpiry's own refusal).
  if (person.birth_year !== null) {
    const earliest = iso(person.birth_year, person.birth_month ?? 1, person.birth_day ?? 1)
    if (issued < earliest) {
      return {
        field: 'issued_on',
        rule: 'issued-before-birth',
        vi: `Ngày cấp ${viDate(issued)} trước ngày sinh của người này.`,
        en: `The issue date ${issued} precedes this person's birth.`,
      }
    }
  }
  if (person.died_on !== null && issued > person.died_on) {
    return {
      field: 'issued_on',
      rule: 'issued-after-death',
      vi: `Ngày cấp ${viDate(issued)} sau ngày mất của người này (${viDate(person.died_on)}).`,
      en: `The issue date ${issued} is after this person's death (${person.died_on}).`,
    }
  }
  return null
}
