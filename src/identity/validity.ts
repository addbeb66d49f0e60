// The card rules of the Identity Law 26/2023 (Luật Căn cước, in force from 1 July 2024) (pure):
// - the card (thẻ căn cước) is mandatory from age 14 and optional, on request, under 14 (art. 19);
// - no biometrics (face, fingerprints, iris) and no photo are taken under age 6 (art. 23);
// - the card is renewed at ages 14, 25, 40 and 60 (art. 21.1);
// - a card issued, renewed or reissued within the 2 years before a renewal age stays valid until
//   the next renewal age (art. 21.2); with no next age (issued at 58 or 59), it does not expire;
// - a card issued at 60 or later does not expire.
// Dates are ISO text (YYYY-MM-DD) and compare as text.
//
// Ages. A person reaches an age on their birthday; born on 29 February, in a year without that
// day on 28 February (Civil Code 2015 art. 148: a period ending on a day the month lacks ends on
// the month's last day). "Within the 2 years before age A" means from the (A − 2)th birthday
// (included) to the A-th (excluded); a card issued on the A-th birthday is issued at age A.
//
// Partial birth dates (year, or month and year, known; "Partial dates are real"): every rule is
// worked out for each day the person may have been born, and the answer is the conservative one
// across those days — the earliest expiry and renewal (nobody is told a card is valid when it may
// not be), a card needed as soon as the person may be 14, biometrics only when the person is
// surely 6 (none are ever taken from a child who may be under 6).
import { daysInMonth } from '../intake/values.ts'

export const RENEWAL_AGES = [14, 25, 40, 60] as const
export const MANDATORY_AGE = 14
export const BIOMETRICS_AGE = 6
/** The years before a renewal age in which an issued card is valid until the next one. */
export const GRACE_YEARS = 2

/** A birth date as far as it is known (the shape of intake's read `DateValue`). */
export interface BirthDate {
  year: number
  month: number | null
  day: number | null
}

const iso = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`

/** Every day the person may have been born on: one for a full date, a month's or a year's days. */
export function possibleBirthDays(b: BirthDate): string[] {
  if (b.month !== null && b.day !== null) return [iso(b.year, b.month, b.day)]
  const months = b.month !== null ? [b.month] : Array.from({ length: 12 }, (_, i) => i + 1)
  const days: string[] = []
  for (const m of months) for (let d = 1; d <= daysInMonth(b.year, m); d++) days.push(iso(b.year, m, d))
  return days
}

/** The day a person born on `birthDay` reaches `age` (29 February → 28 February in other years). */
export function birthdayAt(birthDay: string, age: number): string {
  const [y, m, d] = birthDay.split('-').map(Number) as [number, number, number]
  const year = y + age
  return iso(year, m, Math.min(d, daysInMonth(year, m)))
}

/** Whole years of a person born on `birthDay`, on `date`. */
export function ageOnDay(birthDay: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDay.slice(0, 4))
  return date >= birthdayAt(birthDay, years) ? years : years - 1
}

/** The youngest and oldest the person may be on `date`. */
export function ageRange(birth: BirthDate, date: string): { min: number; max: number } {
  const days = possibleBirthDays(birth)
  return { min: ageOnDay(days[days.length - 1] as string, date), max: ageOnDay(days[0] as string, date) }
}

/** Expiry for a known birth day; null when the card does not expire. */
function expiryFor(birthDay: string, issued: string): string | null {
  for (const [i, age] of RENEWAL_AGES.entries()) {
    const due = birthdayAt(birthDay, age)
    if (issued >= due) continue
    if (issued < birthdayAt(birthDay, age - GRACE_YEARS)) return due
    const next = RENEWAL_AGES[i + 1]
    return next === undefined ? null : birthdayAt(birthDay, next)
  }
  return null
}

/**
 * The last day a card is valid (the date printed as "có giá trị đến": the holder's birthday at
 * the renewal age), or null when it does not expire. For a partial birth date, the earliest any
 * possible birth day gives. Throws when the card would be issued before the holder's birth.
 */
export function cardExpiry(birth: BirthDate, issued: string): string | null {
  const days = possibleBirthDays(birth).filter((d) => d <= issued)
  if (days.length === 0) throw new RangeError(`a card issued on ${issued} precedes its holder's birth`)
  let earliest: string | null = null
  for (const day of days) {
    const expiry = expiryFor(day, issued)
    if (expiry !== null && (earliest === null || expiry < earliest)) earliest = expiry
  }
  return earliest
}

/** Whether a card issued on `issued` is still valid on `date` (through its expiry day). */
export function cardValidOn(birth: BirthDate, issued: string, date: string): boolean {
  if (date < issued) return false
  const expiry = cardExpiry(birth, issued)
  return expiry === null || date <= expiry
}

/** Mandatory from 14: true as soon as the person may be 14 on `date`. */
export function needsCard(birth: BirthDate, date: string): boolean {
  return ageRange(birth, date).max >= MANDATORY_AGE
}

/** Anyone born by `date` may have a card (on request under 14). */
export function mayHaveCard(birth: BirthDate, date: string): boolean {
  return (possibleBirthDays(birth)[0] as string) <= date
}

/** Biometrics and photo are taken from age 6: only when the person is surely 6 on `date`. */
export function needsBiometrics(birth: BirthDate, date: string): boolean {
  return ageRange(birth, date).min >= BIOMETRICS_AGE
}

/**
 * The next renewal age the person reaches on or after `date`, and the day (the earliest possible
 * for a partial birth date); null once every renewal age is behind them.
 */
export function nextRenewal(birth: BirthDate, date: string): { age: number; date: string } | null {
  let best: { age: number; date: string } | null = null
  for (const day of possibleBirthDays(birth)) {
    const age = RENEWAL_AGES.find((a) => birthdayAt(day, a) >= date)
    if (age === undefined) continue
    const due = birthdayAt(day, age)
    if (best === null || due < best.date) best = { age, date: due }
  }
  return best
}
