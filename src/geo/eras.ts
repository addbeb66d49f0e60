// Eras of the administrative map. Since 1 July 2025 Vietnam has two levels (province →
// commune); before, three (province → district → commune). A unit code means something only
// together with its era, and the era of a date is fixed by that boundary.

export type Era = 2024 | 2025
export const ERAS: readonly Era[] = [2024, 2025]
export const REFORM_2025 = '2025-07-01'
/** Resolution 1199/NQ-UBTVQH15: six Quảng Ninh communes dissolved, two renamed. */
export const REFORM_2024_11 = '2024-11-01'

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
}

/** Today's date in Vietnam (UTC+7), which is the date the law counts in. */
export function today(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10)
}

export function eraOf(date: string): Era {
  return date < REFORM_2025 ? 2024 : 2025
}

/** The day a bare era stands for: its last day for a closed era, today for the current one. */
export function eraDate(era: Era, now = new Date()): string {
  if (era === 2024) return '2025-06-30'
  const t = today(now)
  return t < REFORM_2025 ? REFORM_2025 : t
}

/** ±infinity in the database stand for "open"; the API says null. */
export function openDate(value: string): string | null {
  return value === '-infinity' || value === 'infinity' ? null : value
}
