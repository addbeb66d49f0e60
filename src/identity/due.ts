// Due lists (pure part): which birth days put a person at a renewal age within a stretch of days,
// as ranges a query can use on 1.4 million persons at once instead of asking each person.
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
