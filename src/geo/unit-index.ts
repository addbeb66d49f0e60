// The administrative units held in memory. The reference list is small (hundreds of rows for a
// province, ~15,000 for the country) and changes only when new seed data is loaded at start-up,
// so every lookup is served from this index instead of a database round trip (pure).
import type { Level, UnitRow } from './gazetteer.ts'

export type UnitRecord = Omit<UnitRow, 'source'> & { parent_name: string | null }

export interface ListFilter {
  on: string
  province: string
  parent?: string | undefined
  level?: Level | undefined
  fold?: string | undefined
}

const validOn = (u: UnitRecord, on: string) => u.valid_from <= on && on < u.valid_to

export class UnitIndex {
  readonly #byCode = new Map<string, UnitRecord[]>()
  readonly #byShortFold = new Map<string, UnitRecord[]>()
  readonly #all: UnitRecord[]

  constructor(rows: Omit<UnitRecord, 'parent_name'>[]) {
    const sorted = [...rows].sort((a, b) => a.code.localeCompare(b.code) || a.valid_from.localeCompare(b.valid_from))
    const parentOf = (u: Omit<UnitRecord, 'parent_name'>) =>
      u.parent_code ? sorted.find((p) => p.code === u.parent_code && p.valid_from <= u.valid_from && p.valid_to >= u.valid_to) : undefined
    this.#all = sorted.map((u) => ({ ...u, parent_name: parentOf(u)?.name ?? null }))
    for (const u of this.#all) {
      this.#byCode.set(u.code, [...(this.#byCode.get(u.code) ?? []), u])
      this.#byShortFold.set(u.short_fold_key, [...(this.#byShortFold.get(u.short_fold_key) ?? []), u])
    }
  }

  /** The unit a code meant on a date. */
  on(code: string, date: string): UnitRecord | undefined {
    return this.#byCode.get(code)?.find((u) => validOn(u, date))
  }

  /** Every period of a code, oldest first. */
  versions(code: string): UnitRecord[] {
    return this.#byCode.get(code) ?? []
  }

  /** Units valid on a date: provinces when asked for, otherwise the units of one province. */
  list(filter: ListFilter): UnitRecord[] {
    return this.#all
      .filter(
        (u) =>
          validOn(u, filter.on) &&
          (filter.level === 'province'
            ? u.level === 'province'
            : u.province_code === filter.province && u.level !== 'province' && (!filter.level || u.level === filter.level)) &&
          (!filter.parent || u.parent_code === filter.parent) &&
          (!filter.fold || u.fold_key.includes(filter.fold)),
      )
      .sort((a, b) => levelRank(a.level) - levelRank(b.level) || a.code.localeCompare(b.code))
  }

  /** Units of any period (or of one date) whose folded name contains the text. */
  search(fold: string, on?: string): UnitRecord[] {
    return this.#all.filter((u) => u.fold_key.includes(fold) && (!on || validOn(u, on)))
  }

  byShortFold(keys: string[]): UnitRecord[] {
    return keys.flatMap((k) => this.#byShortFold.get(k) ?? [])
  }
}

const levelRank = (level: Level) => (level === 'province' ? 0 : level === 'district' ? 1 : 2)
