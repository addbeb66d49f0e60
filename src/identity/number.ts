// The personal identification number (số định danh cá nhân), `PPP G YY RRRRRR` (pure): PPP the
// place of birth registration (a province's code, or a country's for a birth registered abroad),
// G century and sex, YY the last two digits of the birth year, six random digits. There is no
// check digit (Circular 59/2021/TT-BCA). This module owns the number: intake and dedup read it here.
import { digits, type Sex } from '../intake/values.ts'
import type { Message } from '../platform/errors.ts'
import { foldKey } from '../text/vietnamese.ts'

export interface IdNumberParts {
  province: string
  centuryDigit: number
  sex: Sex
  birthYear: number
}

/** `PPP G YY RRRRRR`: G is century and sex (1900s 0/1, 2000s 2/3, 2100s 4/5, 2200s 6/7, 1800s 8/9). */
export function idParts(id: string): IdNumberParts | undefined {
  if (!/^\d{12}$/.test(id)) return undefined
  const g = Number(id[3])
  const century = g <= 7 ? 1900 + Math.floor(g / 2) * 100 : 1800
  return { province: id.slice(0, 3), centuryDigit: g, sex: g % 2 === 0 ? 'M' : 'F', birthYear: century + Number(id.slice(4, 6)) }
}

/** The century/sex digit a person of this sex born in this year must have. */
export function expectedCenturyDigit(sex: Sex, year: number): number {
  const base = year >= 1900 ? Math.floor((year - 1900) / 100) * 2 : 8
  return base + (sex === 'F' ? 1 : 0)
}

/** A row of `seed/reference/id-province-codes.csv`. */
export interface IdPlace {
  /** The 3-digit code in the number. */
  code: string
  /** The province as it was when it registered births under this code (before 1 July 2025). */
  name: string
  /** The province it is part of since 1 July 2025 (GSO code, and that province's name). */
  code2025: string
  name2025: string
}

/** The place codes, by code; built by `idPlaces()` in places.ts, or by hand in tests. */
export type IdPlaces = ReadonlyMap<string, IdPlace>

export const SEX_NAME: Record<Sex, { vi: 'Nam' | 'Nữ'; en: 'male' | 'female' }> = {
  M: { vi: 'Nam', en: 'male' },
  F: { vi: 'Nữ', en: 'female' },
}

export interface Explanation {
  number: string
  /** The place of birth registration: a province, or a code not in our table (a country, perhaps). */
  place: IdPlace | { code: string; unknown: true }
  centuryDigit: number
  /** As the circular counts: 20 is the 1900s ("thế kỷ 20"), 21 the 2000s; 19 the 1800s. */
  century: number
  sex: Sex
  birthYear: number
  /** The six random digits. */
  serial: string
}

export type Refusal = 'id-not-digits' | 'id-length' | 'id-birth-year-future'

export type Explained = { ok: true; explanation: Explanation } | { ok: false; code: Refusal; message: Message }

/**
 * What a number says, or why it cannot be anyone's: not 12 digits, or a birth year after
 * `today` (YYYY-MM-DD, in Vietnam). Spaces, dots and dashes people type between groups are
 * ignored. A place code that is no province is explained as unknown: it may be the country of a
 * birth registered abroad, and that table is not in our data.
 */
export function explainNumber(text: string, places: IdPlaces, today: string): Explained {
  const number = digits(text.trim())
  if (!/^\d*$/.test(number)) {
    return refuse('id-not-digits', {
      vi: `Số định danh chỉ gồm chữ số; "${text}" có ký tự khác.`,
      en: `A personal ID number is digits only; "${text}" holds other characters.`,
    })
  }
  const parts = idParts(number)
  if (!parts) {
    return refuse('id-length', {
      vi: `Số định danh có 12 chữ số; số này có ${number.length}.`,
      en: `A personal ID number has 12 digits; this one has ${number.length}.`,
    })
  }
  const thisYear = Number(today.slice(0, 4))
  if (parts.birthYear > thisYear) {
    return refuse('id-birth-year-future', {
      vi: `Năm sinh theo số định danh là ${parts.birthYear}, sau năm nay (${thisYear}).`,
      en: `The number's birth year is ${parts.birthYear}, after this year (${thisYear}).`,
    })
  }
  return {
    ok: true,
    explanation: {
      number,
      place: places.get(parts.province) ?? { code: parts.province, unknown: true },
      centuryDigit: parts.centuryDigit,
      century: Math.floor(parts.birthYear / 100) + 1,
      sex: parts.sex,
      birthYear: parts.birthYear,
      serial: number.slice(6),
    },
  }
}

function refuse(code: Refusal, message: Message): Explained {
  return { ok: false, code, message }
}

/** What is known of the person the number is given for; anything not known is left out. */
export interface PersonFacts {
  sex?: Sex | null
  birthYear?: number | null
  /** Where the birth was registered, as written ("Xã Vạn Yên, Huyện Vân Đồn, Quảng Ninh") or an ID place code ("022"). */
  birthRegistrationPlace?: string | null
}

export type FindingCode = 'id-sex' | 'id-birth-year' | 'id-birth-province'

export interface NumberFinding {
  code: FindingCode
  message: Message
  details: Record<string, string | number | null>
}

/**
 * Where a number disagrees with the person: the sex of G, the birth year of G and YY, and the
 * registration province against the place of birth registration when one is given. Provinces
 * merged on 1 July 2025 count as one: a birth registered in Hải Dương (030) and recorded as
 * "Hải Phòng" agrees. A place naming no province we know says nothing, so gives no finding.
 */
export function numberFindings(e: Explanation, person: PersonFacts, places: IdPlaces): NumberFinding[] {
  const found: NumberFinding[] = []
  if (person.sex && person.sex !== e.sex) {
    const [n, p] = [SEX_NAME[e.sex], SEX_NAME[person.sex]]
    found.push({
      code: 'id-sex',
      message: {
        vi: `Số định danh ghi giới tính ${n.vi}, người khai là ${p.vi}.`,
        en: `The number says ${n.en}, the person is ${p.en}.`,
      },
      details: { number: n.vi, person: p.vi },
    })
  }
  if (person.birthYear !== null && person.birthYear !== undefined && person.birthYear !== e.birthYear) {
    found.push({
      code: 'id-birth-year',
      message: {
        vi: `Số định danh ghi năm sinh ${e.birthYear}, người khai sinh năm ${person.birthYear}.`,
        en: `The number says born in ${e.birthYear}, the person was born in ${person.birthYear}.`,
      },
      details: { number: e.birthYear, person: person.birthYear },
    })
  }
  const named = person.birthRegistrationPlace ? provincesNamed(person.birthRegistrationPlace, places) : []
  if (named.length > 0) {
    const place = 'unknown' in e.place ? null : e.place
    if (!place || !named.some((p) => p.code2025 === place.code2025)) {
      const written = named.map((p) => p.name).join(', ')
      found.push({
        code: 'id-birth-province',
        message: place
          ? {
              vi: `Số định danh ghi nơi đăng ký khai sinh ${place.name} (${place.code}), người khai ghi ${written}.`,
              en: `The number says the birth was registered in ${place.name} (${place.code}), the person's record says ${written}.`,
            }
          : {
              vi: `Mã nơi đăng ký khai sinh ${e.place.code} không phải mã tỉnh (có thể là mã nước ngoài), người khai ghi ${written}.`,
              en: `Place code ${e.place.code} is no province's (perhaps a country's), the person's record says ${written}.`,
            },
        details: { number: e.place.code, province: place?.name ?? null, person: written },
      })
    }
  }
  return found
}

// Names a record may use for a province besides the one in the table.
const ALIASES: Record<string, string> = {
  hue: '046',
  'tp hcm': '079',
  tphcm: '079',
  hcm: '079',
  'sai gon': '079',
  'ba ria': '077',
  'vung tau': '077',
}

/** The provinces a written place names (folded, whole words), or the one its ID place code is. */
export function provincesNamed(text: string, places: IdPlaces): IdPlace[] {
  const code = text.trim()
  if (/^\d{3}$/.test(code)) {
    const place = places.get(code)
    return place ? [place] : []
  }
  const key = ` ${foldKey(text)} `
  const found = new Map<string, IdPlace>()
  for (const place of places.values()) if (key.includes(` ${foldKey(place.name)} `)) found.set(place.code, place)
  for (const [alias, c] of Object.entries(ALIASES)) {
    const place = places.get(c)
    if (place && key.includes(` ${alias} `)) found.set(place.code, place)
  }
  return [...found.values()]
}
