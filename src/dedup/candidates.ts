// What dedup compares, read from the register (a whole run) or from a form being entered (the
// check of one new form): both become the same Candidate, so they compare alike.

import { gazetteer } from '../geo/service.ts'
import type { Pending } from '../intake/import.ts'
import { splitName } from '../intake/values.ts'
import type { Db } from '../platform/db.ts'
import { unitToday } from '../register/service.ts'
import { type Candidate, type Prepared, prepare } from './compare.ts'
import * as q from './queries.ts'

/** Today's unit of a recorded one (undefined for a split commune not placed yet), remembered per code. */
export async function unitMapper(db: Db) {
  const g = await gazetteer(db.kysely)
  const today = new Map<string, string | undefined>()
  return (code: string | null, era: number | null) => {
    if (code === null) return undefined
    const key = `${code}:${era}`
    if (!today.has(key)) today.set(key, unitToday(g, code, era, null).unit ?? undefined)
    return today.get(key)
  }
}

type UnitOf = Awaited<ReturnType<typeof unitMapper>>

const orUndefined = <T>(v: T | null | undefined) => v ?? undefined

function names(display: string) {
  const n = splitName(display)
  return { family: n.family || undefined, middle: n.middle, given: n.given || undefined }
}

export function candidateOfRow(row: q.PersonRow, id: number, unitOf: UnitOf): Candidate {
  return {
    id,
    ...names(row.name_display),
    birth:
      row.birth_year === null ? undefined : { year: row.birth_year, month: orUndefined(row.birth_month), day: orUndefined(row.birth_day) },
    personalId: orUndefined(row.personal_id),
    oldId: orUndefined(row.old_id),
    sex: orUndefined(row.sex),
    unit: unitOf(row.unit_code, row.unit_era),
    address: orUndefined(row.address),
    household: orUndefined(row.household),
    phone: orUndefined(row.phone),
    father: orUndefined(row.father),
    mother: orUndefined(row.mother),
    spouse: orUndefined(row.spouse),
    head: orUndefined(row.head),
  }
}

/** A form as the register would hold it, had it created a person. */
export function candidateOfForm(pending: Pending, id: number, unitOf: UnitOf): Candidate {
  const { person: p, values: v, era } = pending.checked
  const text = (s: string | undefined) => (s?.trim() ? s.trim() : undefined)
  return {
    id,
    ...names(p.name_display),
    birth: p.birth ? { year: p.birth.year, month: orUndefined(p.birth.month), day: orUndefined(p.birth.day) } : undefined,
    personalId: orUndefined(p.personal_id),
    oldId: orUndefined(p.old_id),
    sex: orUndefined(p.sex),
    unit: unitOf(p.current_unit ?? p.permanent_unit, era),
    address: orUndefined(p.current_unit ? p.current_address : p.permanent_address),
    household: text(v.household_no),
    phone: orUndefined(p.phone),
    father: text(v.father_name),
    mother: text(v.mother_name),
    spouse: text(v.spouse_name),
    head: text(v.household_head_name),
  }
}

/** Register persons (all, or `only` these), prepared for comparison, with their ids and origin forms. */
export async function loadPersons(db: Db, province: string, only: string[] | null = null) {
  const unitOf = await unitMapper(db)
  const ids: string[] = []
  const forms: string[] = []
  const prepared: Prepared[] = []
  for await (const page of q.persons(db.pool, province, only)) {
    for (const row of page) {
      ids.push(row.id)
      forms.push(row.origin_form_id)
      prepared.push(prepare(candidateOfRow(row, prepared.length, unitOf)))
    }
  }
  return { ids, forms, prepared }
}
