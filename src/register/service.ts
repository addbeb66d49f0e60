// register's functions for other modules. The importer hands it persons, households,
// residences and relationships to add in its transaction; reads come later in this file.
import type pg from 'pg'
import { today } from '../geo/eras.ts'
import type { Gazetteer } from '../geo/service.ts'
import type { Db, Queryable } from '../platform/db.ts'
import { badInput } from '../platform/errors.ts'
import { uuidv7 } from '../platform/ids.ts'
import { foldKey } from '../text/vietnamese.ts'
import * as q from './queries.ts'

export interface NewPerson {
  full_name: string
  name_display: string
  family: string
  given: string
  other_name: string | null
  birth: { year: number; month: number | null; day: number | null; precision: 'day' | 'month' | 'year' } | null
  sex: 'M' | 'F' | null
  personal_id: string | null
  old_id: string | null
  ethnicity_code: string | null
  ethnicity_text: string | null
  religion: string | null
  nationality: string
  blood_group: string | null
  marital_status: string | null
  occupation: string | null
  phone: string | null
  email: string | null
  birth_reg_place: string | null
  hometown: string | null
  /** The day the form was collected: the record was confirmed then. */
  confirmed_on: string | null
  /** Where the person lives as this form records it (current, else permanent residence). */
  unit: { code: string; era: number } | null
}

/** Where a new person lives from birth (see the events module's stays). */
export interface NewStay {
  unit_code: string
  era: number
  detail: string | null
  household_id: string | null
  relation_to_head: string | null
  valid_from: string
}

export type Holder = q.Holder

/** Register rows to add in one transaction (one import chunk). */
export class RegisterWrites {
  readonly province: string
  readonly batchId: string | null
  readonly rows: q.Rows = {
    person: [],
    person_identifier: [],
    household: [],
    household_member: [],
    residence: [],
    relationship: [],
    review_item: [],
    stay: [],
  }

  constructor(province: string, batchId: string | null) {
    this.province = province
    this.batchId = batchId
  }

  get size(): number {
    return Object.values(this.rows).reduce((n, r) => n + r.length, 0)
  }

  addPerson(p: NewPerson, formId: string): string {
    const id = uuidv7()
    this.rows.person.push([
      this.province,
      id,
      p.full_name,
      p.name_display,
      foldKey(p.family),
      foldKey(p.given),
      foldKey(p.name_display),
      p.other_name,
      p.birth?.year ?? null,
      p.birth?.month ?? null,
      p.birth?.day ?? null,
      p.birth?.precision ?? null,
      p.sex,
      p.personal_id,
      p.old_id,
      p.ethnicity_code,
      p.ethnicity_code ? '1979' : null,
      p.ethnicity_text,
      p.religion,
      p.nationality,
      p.blood_group,
      p.marital_status,
      p.occupation,
      p.phone,
      p.email,
      p.birth_reg_place,
      p.hometown,
      p.unit?.code ?? null,
      p.unit?.era ?? null,
      formId,
      this.batchId,
      p.confirmed_on,
    ])
    return id
  }

  addIdentifier(nationalId: string, personId: string) {
    this.rows.person_identifier.push([nationalId, this.province, personId])
  }

  addHousehold(h: {
    unit: string
    era: number
    no: string
    headPerson: string | null
    headName: string | null
    headId: string | null
    address: string | null
  }): string {
    const id = uuidv7()
    this.rows.household.push([this.province, id, h.unit, h.era, h.no, h.headPerson, h.headName, h.headId, h.address, this.batchId])
    return id
  }

  addMember(household: string, person: string, relation: string | null, formId: string) {
    this.rows.household_member.push([this.province, household, person, relation, formId])
  }

  addResidence(
    person: string,
    kind: 'permanent' | 'current' | 'temporary',
    unit: string,
    era: number,
    detail: string | null,
    formId: string,
  ) {
    this.rows.residence.push([this.province, uuidv7(), person, kind, unit, era, detail, formId])
  }

  addRelationship(person: string, kind: 'father' | 'mother' | 'spouse', formId: string, name: string | null, nationalId: string | null) {
    this.rows.relationship.push([this.province, person, kind, formId, name, nationalId])
  }

  addStay(person: string, s: NewStay) {
    this.rows.stay.push([
      this.province,
      person,
      0,
      s.valid_from,
      'infinity',
      'permanent',
      s.unit_code,
      s.era,
      s.household_id,
      s.relation_to_head,
      s.detail,
    ])
  }

  addReview(kind: string, person: string | null, formId: string, details: object) {
    this.rows.review_item.push([this.province, uuidv7(), kind, person, formId, details])
  }
}

export async function holders(client: Queryable, ids: string[]): Promise<Map<string, Holder>> {
  return new Map((await q.holders(client, ids)).map((h) => [h.national_id, h]))
}

export const householdKey = (unit: string, era: number, no: string) => `${unit}|${era}|${no}`

export async function households(
  client: pg.PoolClient,
  province: string,
  keys: { unit: string; era: number; no: string }[],
): Promise<Map<string, string>> {
  return new Map((await q.householdIds(client, province, keys)).map((h) => [householdKey(h.unit_code, h.era, h.household_no), h.id]))
}

export async function memberships(
  client: pg.PoolClient,
  province: string,
  pairs: { household: string; person: string }[],
): Promise<Set<string>> {
  return new Set((await q.memberships(client, province, pairs)).map((m) => `${m.household_id}|${m.person_id}`))
}

export async function write(db: Db, client: pg.PoolClient, writes: RegisterWrites): Promise<void> {
  await q.writeRows(db, client, writes.rows)
}

export async function finishBatch(client: pg.PoolClient, province: string, batchId: string): Promise<void> {
  await q.linkHeads(client, province, batchId)
}

export async function batchInUse(client: pg.PoolClient, province: string, batchId: string) {
  return q.batchInUse(client, province, batchId)
}

export async function withdrawBatch(client: pg.PoolClient, province: string, batchId: string): Promise<number> {
  return q.withdrawBatch(client, province, batchId)
}

// ——— reads ———

export interface PersonSearch {
  /** Name: one word searches given names; more words are family name first, given name last. */
  q?: string | undefined
  birth_year?: number | undefined
  /** Persons living in this unit as last recorded (today's unit includes the old units mapped into it). */
  units?: { code: string; era: number }[] | undefined
  personal_id?: string | undefined
  phone?: string | undefined
  cursor?: string | undefined
  limit?: number | undefined
  /** The caller's units as `code:era` (old units mapped into them included); null: the whole province. */
  scope: string[] | null
}

export interface Page<T> {
  items: T[]
  next: string | null
}

/** ISO text at the precision recorded: a year or a month is never padded out to a day. */
export function birthDate(p: { birth_year: number | null; birth_month: number | null; birth_day: number | null }): string | null {
  if (p.birth_year === null) return null
  const two = (n: number) => String(n).padStart(2, '0')
  const year = String(p.birth_year).padStart(4, '0')
  if (p.birth_month === null) return year
  return p.birth_day === null ? `${year}-${two(p.birth_month)}` : `${year}-${two(p.birth_month)}-${two(p.birth_day)}`
}

const cursorOf = (name: string, id: string) => Buffer.from(JSON.stringify([name, id])).toString('base64url')

function readCursor(cursor: string | undefined): { name: string; id: string } | undefined {
  if (!cursor) return undefined
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]
    if (typeof name === 'string' && /^[0-9a-f-]{36}$/.test(id)) return { name, id }
  } catch {}
  throw badInput({ vi: 'Con trỏ phân trang không hợp lệ.', en: 'Invalid page cursor.' }, { field: 'cursor' })
}

export type PersonListItem = Omit<q.PersonSummary, 'name_sort' | 'birth_year' | 'birth_month' | 'birth_day'> & { birth_date: string | null }

export async function searchPersons(db: Queryable, province: string, search: PersonSearch): Promise<Page<PersonListItem>> {
  const limit = Math.min(Math.max(search.limit ?? 50, 1), 500)
  const words = foldKey(search.q ?? '')
    .split(' ')
    .filter(Boolean)
  const query: q.PersonQuery = {
    province,
    limit: limit + 1,
    birthYear: search.birth_year,
    units: search.units,
    after: readCursor(search.cursor),
    scope: search.scope,
  }
  if (words.length === 1) query.given = words[0]
  if (words.length >= 2) {
    query.family = words[0]
    query.given = words[words.length - 1]
    query.middle = words.slice(1, -1)
  }
  if (search.personal_id) query.personalId = search.personal_id.replace(/\D/g, '')
  if (search.phone) {
    const digits = search.phone.replace(/[\s.\-()]/g, '').replace(/^\+84/, '0')
    query.phone = digits
  }
  const rows = await q.searchPersons(db, query)
  const more = rows.length > limit
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return {
    items: items.map(({ name_sort: _sort, birth_year, birth_month, birth_day, birth_precision, ...p }) => ({
      ...p,
      birth_date: birthDate({ birth_year, birth_month, birth_day }),
      birth_precision,
    })),
    next: more && last ? cursorOf(last.name_sort, last.id) : null,
  }
}

type Scope = string[] | null

/** A person, when the caller's scope reaches them. */
export async function getPerson(db: Queryable, province: string, id: string, scope: Scope) {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await q.person(db, province, id, scope) : undefined
  if (!row) return undefined
  return { ...row, birth_date: birthDate(row) }
}

export async function getHousehold(db: Queryable, province: string, id: string, scope: Scope) {
  return /^[0-9a-f-]{36}$/i.test(id) ? q.household(db, province, id, scope, today()) : undefined
}

export async function listHouseholds(
  db: Queryable,
  province: string,
  filter: { unit?: string | undefined; era?: number | undefined; no?: string | undefined; after?: string | undefined; limit: number },
  scope: Scope,
) {
  return q.households(db, province, filter, scope, today())
}

export interface UnitToday {
  unit: string | null
  /** When the old unit was split, the units the person may live in today. */
  candidates: string[]
}

/**
 * The unit in force today for a residence recorded under an older era. A unit that went whole
 * to one unit maps to it; a split one cannot be placed without the address, so only the
 * candidates are given (guessing would put people in the wrong commune's lists).
 */
export function unitToday(g: Gazetteer, code: string | null, era: number | null, collectedOn: string | null): UnitToday {
  if (code === null) return { unit: null, candidates: [] }
  const versions = g.index.versions(code)
  // The period the officer meant: the one in force on the collection day, else the era's last;
  // a code from the other map (the importer warned of it) means its old unit, else the new one.
  const onDay = collectedOn ? g.index.on(code, collectedOn) : undefined
  const version =
    (onDay && onDay.era === era ? onDay : undefined) ??
    versions.filter((v) => v.era === era).at(-1) ??
    versions.filter((v) => v.valid_to !== 'infinity').at(-1) ??
    versions.at(-1)
  if (!version) return { unit: null, candidates: [] }
  if (version.valid_to === 'infinity') return { unit: code, candidates: [] }
  const successors = g.successors(version.code, version.valid_from)
  const only = successors[0]
  if (successors.length === 1 && only?.portion === 'whole') return { unit: only.code, candidates: [] }
  return { unit: null, candidates: successors.map((s) => s.code) }
}
