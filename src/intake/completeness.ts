// Completeness (đủ): the share of the fields expected of this person that the form fills.
// What is expected depends on the person: no ID number of a newborn, no spouse of a child.
import type { Dc01Key } from './dc01.ts'
import type { Checked } from './validate.ts'
import { ageOn } from './values.ts'

export interface Completeness {
  score: number
  missing: Dc01Key[]
}

const ALWAYS: Dc01Key[] = [
  'full_name',
  'birth_date',
  'sex',
  'ethnicity',
  'religion',
  'nationality',
  'hometown',
  'birth_reg_place',
  'permanent_unit',
  'permanent_address',
  'current_unit',
  'current_address',
  'household_no',
  'relation_to_head',
]

export function expectedFields(c: Checked): Dc01Key[] {
  const p = c.person
  const age = p.birth && c.collectedOn ? ageOn(p.birth, c.collectedOn) : null
  const fields = [...ALWAYS]
  if (age === null || age >= 1) fields.push('personal_id') // a newborn may not have a number yet
  if (age !== null && age < 18) fields.push('father_name', 'mother_name')
  if (age === null || age >= 15) fields.push('occupation', 'phone')
  if (age === null || age >= 18) fields.push('marital_status')
  if (p.marital_status === 'Đã kết hôn') fields.push('spouse_name')
  if (p.relation_to_head && p.relation_to_head !== 'Chủ hộ') fields.push('household_head_name')
  return fields
}

export function completeness(c: Checked): Completeness {
  const expected = expectedFields(c)
  const missing = expected.filter((k) => !c.form[k]?.trim())
  return { score: Math.round((100 * (expected.length - missing.length)) / expected.length), missing }
}
