// All of register's SQL: lookups the importer needs in bulk, COPY writes, and reads.
import type pg from 'pg'
import { type CopyValue, copyInto } from '../platform/copy.ts'
import type { Db, Queryable } from '../platform/db.ts'

export interface Holder {
  national_id: string
  person_id: string
  name_fold: string
  sex: string | null
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
}

export async function holders(client: Queryable, ids: string[]): Promise<Holder[]> {
  if (ids.length === 0) return []
  const { rows } = await client.query<Holder>(
    `SELECT i.national_id, p.id AS person_id, p.name_fold, p.sex, p.birth_year, p.birth_month, p.birth_day
       FROM person_identifier i
       JOIN person p ON p.province_code = i.province_code AND p.id = i.person_id
      WHERE i.national_id = ANY($1::text[])`,
    [ids],
  )
  return rows
}

export async function householdIds(client: pg.PoolClient, province: string, keys: { unit: string; era: number; no: string }[]) {
  if (keys.length === 0) return []
  const { rows } = await client.query<{ id: string; unit_code: string; era: number; household_no: string }>(
    `SELECT h.id, h.unit_code, h.era, h.household_no
       FROM household h
       JOIN unnest($2::text[], $3::smallint[], $4::text[]) AS k(unit, era, no)
         ON h.unit_code = k.unit AND h.era = k.era AND h.household_no = k.no
      WHERE h.province_code = $1`,
    [province, keys.map((k) => k.unit), keys.map((k) => k.era), keys.map((k) => k.no)],
  )
  return rows
}

export async function memberships(client: pg.PoolClient, province: string, pairs: { household: string; person: string }[]) {
  if (pairs.length === 0) return []
  const { rows } = await client.query<{ household_id: string; person_id: string }>(
    `SELECT m.household_id, m.person_id
       FROM household_member m
       JOIN unnest($2::uuid[], $3::uuid[]) AS k(household, person) ON m.household_id = k.household AND m.person_id = k.person
      WHERE m.province_code = $1`,
    [province, pairs.map((p) => p.household), pairs.map((p) => p.person)],
  )
  return rows
}

export const COLUMNS = {
  person: [
    'province_code',
    'id',
    'full_name',
    'name_display',
    'family_fold',
    'given_fold',
    'name_fold',
    'other_name',
    'birth_year',
    'birth_month',
    'birth_day',
    'birth_precision',
    'sex',
    'personal_id',
    'old_id',
    'ethnicity_code',
    'ethnicity_code_set',
    'ethnicity_text',
    'religion',
    'nationality',
    'blood_group',
    'marital_status',
    'occupation',
    'phone',
    'email',
    'birth_reg_place',
    'hometown',
    'unit_code',
    'unit_era',
    'origin_form_id',
    'batch_id',
    'confirmed_on',
  ],
  person_identifier: ['national_id', 'province_code', 'person_id'],
  household: [
    'province_code',
    'id',
    'unit_code',
    'era',
    'household_no',
    'head_person_id',
    'head_name',
    'head_national_id',
    'address',
    'batch_id',
  ],
  household_member: ['province_code', 'household_id', 'person_id', 'relation_to_head', 'form_id'],
  residence: ['province_code', 'id', 'person_id', 'kind', 'unit_code', 'era', 'detail', 'form_id'],
  relationship: ['province_code', 'person_id', 'kind', 'form_id', 'related_name', 'related_national_id'],
  review_item: ['province_code', 'id', 'kind', 'person_id', 'form_id', 'details'],
  stay: [
    'province_code',
    'person_id',
    'seq',
    'valid_from',
    'valid_to',
    'kind',
    'unit_code',
    'era',
    'household_id',
    'relation_to_head',
    'detail',
  ],
} as const

export type Rows = { [T in keyof typeof COLUMNS]: CopyValue[][] }

export async function writeRows(db: Db, client: pg.PoolClient, rows: Rows): Promise<void> {
  for (const table of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
    await copyInto(db, client, table, [...COLUMNS[table]], rows[table])
  }
}

/** Households created before their head's form arrived get the head once it has. */
export async function linkHeads(client: pg.PoolClient, province: string, batchId: string): Promise<void> {
  await client.query(
    `UPDATE household h SET head_person_id = m.person_id
       FROM household_member m
      WHERE h.province_code = $1 AND h.batch_id = $2 AND h.head_person_id IS NULL
        AND m.province_code = h.province_code AND m.household_id = h.id AND m.relation_to_head = 'Chủ hộ'`,
    [province, batchId],
  )
}

/** Why a batch's register rows cannot be withdrawn: edited persons, or rows other forms use. */
export async function batchInUse(client: pg.PoolClient, province: string, batchId: string): Promise<{ edited: number; used: number }> {
  const { rows } = await client.query<{ edited: number; used: number }>(
    `SELECT
       (SELECT count(*)::int FROM person WHERE province_code = $1 AND batch_id = $2 AND version > 1) AS edited,
       (SELECT count(*)::int FROM form f JOIN person p ON p.province_code = f.province_code AND p.id = f.person_id
         WHERE p.province_code = $1 AND p.batch_id = $2 AND f.batch_id IS DISTINCT FROM $2 AND f.state <> 'withdrawn')
       + (SELECT count(*)::int FROM household_member m JOIN household h ON h.province_code = m.province_code AND h.id = m.household_id
         JOIN form f ON f.province_code = m.province_code AND f.id = m.form_id
         WHERE h.province_code = $1 AND h.batch_id = $2 AND f.batch_id IS DISTINCT FROM $2) AS used`,
    [province, batchId],
  )
  return rows[0] ?? { edited: 0, used: 0 }
}

/** Removes what a batch's forms added to the register; returns the persons removed. */
export async function withdrawBatch(client: pg.PoolClient, province: string, batchId: string): Promise<number> {
  const forms = `SELECT id FROM form WHERE province_code = $1 AND batch_id = $2`
  for (const table of ['household_member', 'residence', 'relationship', 'review_item']) {
    await client.query(`DELETE FROM ${table} WHERE province_code = $1 AND form_id IN (${forms})`, [province, batchId])
  }
  await client.query(
    `DELETE FROM stay s USING person p WHERE p.province_code = $1 AND p.batch_id = $2 AND s.province_code = p.province_code AND s.person_id = p.id`,
    [province, batchId],
  )
  await client.query(
    `DELETE FROM person_identifier i USING person p
      WHERE p.province_code = $1 AND p.batch_id = $2 AND i.person_id = p.id AND i.province_code = p.province_code`,
    [province, batchId],
  )
  const { rowCount } = await client.query('DELETE FROM person WHERE province_code = $1 AND batch_id = $2', [province, batchId])
  await client.query(
    `DELETE FROM household h WHERE h.province_code = $1 AND h.batch_id = $2
        AND NOT EXISTS (SELECT 1 FROM household_member m WHERE m.province_code = h.province_code AND m.household_id = h.id)`,
    [province, batchId],
  )
  return rowCount ?? 0
}

export interface PersonSummary {
  id: string
  name_display: string
  name_sort: string
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  birth_precision: string | null
  sex: string | null
  personal_id: string | null
  phone: string | null
}

export interface PersonQuery {
  province: string
  given?: string | undefined
  family?: string | undefined
  /** Folded words that must appear between family and given name. */
  middle?: string[] | undefined
  birthYear?: number | undefined
  units?: { code: string; era: number }[] | undefined
  personalId?: string | undefined
  phone?: string | undefined
  after?: { name: string; id: string } | undefined
  /** The caller's units as `code:era`; null: the whole province. */
  scope: string[] | null
  limit: number
}

/** A person (alias p) is in a scope when one of their residences lies in one of its unit-periods. */
export const personInScope = (param: string) =>
  `(EXISTS (SELECT 1 FROM residence r WHERE r.province_code = p.province_code AND r.person_id = p.id AND (r.unit_code || ':' || r.era) = ANY(${param}::text[]))
    OR EXISTS (SELECT 1 FROM stay s WHERE s.province_code = p.province_code AND s.person_id = p.id AND (s.unit_code || ':' || s.era) = ANY(${param}::text[])))`

/** In Vietnamese name order (`name_sort`, see its migration) then id; both person indexes serve it. */
export async function searchPersons(db: Queryable, query: PersonQuery): Promise<PersonSummary[]> {
  const where = ['p.province_code = $1']
  const values: unknown[] = [query.province]
  const param = (v: unknown) => {
    values.push(v)
    return `$${values.length}`
  }
  if (query.given !== undefined) where.push(`p.given_fold = ${param(query.given)}`)
  if (query.family !== undefined) where.push(`p.family_fold = ${param(query.family)}`)
  for (const word of query.middle ?? []) where.push(`p.name_fold LIKE ${param(`% ${word.replace(/[\\%_]/g, '\\$&')} %`)}`)
  if (query.birthYear !== undefined) where.push(`p.birth_year = ${param(query.birthYear)}`)
  if (query.phone !== undefined) where.push(`p.phone = ${param(query.phone)}`)
  if (query.personalId !== undefined) {
    where.push(
      `p.id = (SELECT person_id FROM person_identifier WHERE national_id = ${param(query.personalId)} AND province_code = p.province_code)`,
    )
  }
  if (query.units) {
    where.push(
      `(p.unit_code, p.unit_era) IN (SELECT * FROM unnest(${param(query.units.map((u) => u.code))}::text[], ${param(query.units.map((u) => u.era))}::smallint[]))`,
    )
  }
  if (query.scope) where.push(personInScope(param(query.scope)))
  if (query.after) where.push(`(p.name_sort, p.id) > (${param(query.after.name)}::text COLLATE "C", ${param(query.after.id)}::uuid)`)
  const { rows } = await db.query<PersonSummary>(
    `SELECT p.id, p.name_display, p.name_sort, p.birth_year, p.birth_month, p.birth_day, p.birth_precision, p.sex, p.personal_id, p.phone
       FROM person p WHERE ${where.join(' AND ')}
      ORDER BY p.name_sort, p.id LIMIT ${param(query.limit)}`,
    values,
  )
  return rows
}

export async function person(db: Queryable, province: string, id: string, scope: string[] | null) {
  const { rows } = await db.query(
    `SELECT p.id, p.full_name, p.name_display, p.other_name, p.birth_year, p.birth_month, p.birth_day, p.birth_precision, p.sex,
            p.personal_id, p.old_id, p.ethnicity_code, p.ethnicity_code_set, p.ethnicity_text, p.religion, p.nationality, p.blood_group,
            p.marital_status, p.occupation, p.phone, p.email, p.birth_reg_place, p.hometown, p.origin_form_id, p.provenance, p.batch_id,
            p.version, p.created_at, p.updated_at, p.origin_event_id, p.died_on::text AS died_on, p.confirmed_on::text AS confirmed_on,
            p.unit_code, p.unit_era,
            COALESCE((SELECT json_agg(json_build_object('kind', r.kind, 'unit_code', r.unit_code, 'era', r.era, 'detail', r.detail, 'form_id', r.form_id) ORDER BY r.id)
              FROM residence r WHERE r.province_code = p.province_code AND r.person_id = p.id), '[]') AS residences,
            COALESCE((SELECT json_agg(json_build_object('household_id', m.household_id, 'relation_to_head', m.relation_to_head) ORDER BY m.household_id)
              FROM household_member m WHERE m.province_code = p.province_code AND m.person_id = p.id), '[]') AS households,
            COALESCE((SELECT json_agg(json_build_object('kind', x.kind, 'name', x.related_name, 'personal_id', x.related_national_id,
                'person_id', (SELECT i.person_id FROM person_identifier i WHERE i.national_id = x.related_national_id)) ORDER BY x.kind, x.form_id)
              FROM relationship x WHERE x.province_code = p.province_code AND x.person_id = p.id), '[]') AS relationships,
            COALESCE((SELECT json_agg(f.id ORDER BY f.id) FROM form f WHERE f.province_code = p.province_code AND f.person_id = p.id), '[]') AS form_ids
       FROM person p WHERE p.province_code = $1 AND p.id = $2 AND ($3::text[] IS NULL OR ${personInScope('$3')})`,
    [province, id, scope],
  )
  return rows[0]
}

/**
 * A household's members on a day: whoever's stay puts them in it then (events move people in and
 * out), and members the forms name who have no stay at all (no unit recorded). The head is the
 * household's head now, whatever relation a form gave.
 */
const membersOn = (h: string, day: string) => `(
  SELECT s.person_id, s.relation_to_head FROM stay s
   WHERE s.province_code = ${h}.province_code AND s.household_id = ${h}.id AND s.valid_from <= ${day} AND s.valid_to > ${day}
  UNION
  SELECT m.person_id, m.relation_to_head FROM household_member m
   WHERE m.province_code = ${h}.province_code AND m.household_id = ${h}.id
     AND NOT EXISTS (SELECT 1 FROM stay x WHERE x.province_code = m.province_code AND x.person_id = m.person_id))`

export async function household(db: Queryable, province: string, id: string, scope: string[] | null, day: string) {
  const { rows } = await db.query(
    `SELECT h.id, h.unit_code, h.era, h.household_no, h.head_person_id, h.head_name, h.head_national_id, h.address, h.created_at,
            COALESCE((SELECT json_agg(json_build_object('person_id', p.id, 'name', p.name_display, 'relation_to_head', r.relation,
                'birth_year', p.birth_year, 'sex', p.sex) ORDER BY (r.relation = 'Chủ hộ') DESC, p.birth_year NULLS LAST, p.id)
              FROM ${membersOn('h', '$4::date')} mm
              JOIN person p ON p.province_code = h.province_code AND p.id = mm.person_id
              CROSS JOIN LATERAL (SELECT CASE WHEN p.id = h.head_person_id THEN 'Chủ hộ' WHEN mm.relation_to_head = 'Chủ hộ' THEN NULL
                                         ELSE mm.relation_to_head END AS relation) r), '[]') AS members
       FROM household h WHERE h.province_code = $1 AND h.id = $2 AND ($3::text[] IS NULL OR (h.unit_code || ':' || h.era) = ANY($3::text[]))`,
    [province, id, scope, day],
  )
  return rows[0]
}

export async function households(
  db: Queryable,
  province: string,
  filter: { unit?: string | undefined; era?: number | undefined; no?: string | undefined; after?: string | undefined; limit: number },
  scope: string[] | null,
  day: string,
) {
  const { rows } = await db.query(
    `SELECT h.id, h.unit_code, h.era, h.household_no, h.head_person_id, h.head_name, h.address,
            (SELECT count(*)::int FROM ${membersOn('h', '$8::date')} mm) AS members
       FROM household h
      WHERE h.province_code = $1 AND ($2::text IS NULL OR h.unit_code = $2) AND ($3::smallint IS NULL OR h.era = $3)
        AND ($4::text IS NULL OR h.household_no = $4) AND ($5::uuid IS NULL OR h.id > $5)
        AND ($7::text[] IS NULL OR (h.unit_code || ':' || h.era) = ANY($7::text[]))
      ORDER BY h.id LIMIT $6`,
    [province, filter.unit ?? null, filter.era ?? null, filter.no ?? null, filter.after ?? null, filter.limit, scope, day],
  )
  return rows
}

// A form's collection date as typed (dd/mm/yyyy or yyyy-mm-dd) as sortable ISO text, or null.
const collectedOn = (f: string) => `COALESCE(
  (SELECT m[3] || '-' || lpad(m[2], 2, '0') || '-' || lpad(m[1], 2, '0')
     FROM regexp_match(btrim(${f}.raw->>'collected_on'), '^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$') AS x(m)),
  (SELECT m[1] || '-' || lpad(m[2], 2, '0') || '-' || lpad(m[3], 2, '0')
     FROM regexp_match(btrim(${f}.raw->>'collected_on'), '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$') AS x(m)))`

export interface ExportPerson {
  id: string
  name_display: string
  other_name: string | null
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  birth_precision: 'day' | 'month' | 'year' | null
  sex: 'M' | 'F' | null
  personal_id: string | null
  old_id: string | null
  ethnicity_code: string | null
  ethnicity_text: string | null
  religion: string | null
  nationality: string | null
  blood_group: string | null
  marital_status: string | null
  occupation: string | null
  phone: string | null
  email: string | null
  hometown: string | null
  birth_reg_place: string | null
  /** Where the person lives: the stay a life event gave them, else the forms' latest current residence, else the latest permanent one. */
  residence_unit: string | null
  residence_era: number | null
  residence_detail: string | null
  residence_collected_on: string | null
  household_id: string | null
}

/** A page of persons in id order after `after` (keyset), with their residence and household on `day`. */
export async function exportPersons(
  db: pg.Pool | pg.PoolClient,
  province: string,
  after: string | null,
  limit: number,
  day: string,
): Promise<ExportPerson[]> {
  const { rows } = await db.query<ExportPerson>(
    `SELECT p.id, p.name_display, p.other_name, p.birth_year, p.birth_month, p.birth_day, p.birth_precision, p.sex,
            p.personal_id, p.old_id, p.ethnicity_code, p.ethnicity_text, p.religion, p.nationality, p.blood_group,
            p.marital_status, p.occupation, p.phone, p.email, p.hometown, p.birth_reg_place,
            COALESCE(ev.unit_code, r.unit_code) AS residence_unit, COALESCE(ev.era, r.era) AS residence_era,
            CASE WHEN ev.unit_code IS NULL THEN r.detail ELSE ev.detail END AS residence_detail,
            COALESCE(ev.since, r.collected_on) AS residence_collected_on,
            CASE WHEN ev.unit_code IS NULL THEN hm.household_id ELSE ev.household_id END AS household_id
       FROM person p
       LEFT JOIN LATERAL (
         SELECT r.unit_code, r.era, r.detail, ${collectedOn('f')} AS collected_on
           FROM residence r
           LEFT JOIN form f ON f.province_code = r.province_code AND f.id = r.form_id
          WHERE r.province_code = p.province_code AND r.person_id = p.id AND r.kind IN ('current', 'permanent')
          ORDER BY r.kind = 'current' DESC, collected_on DESC NULLS LAST, r.form_id DESC, r.id DESC
          LIMIT 1) r ON true
       LEFT JOIN LATERAL (
         SELECT m.household_id
           FROM household_member m
           LEFT JOIN form f ON f.province_code = m.province_code AND f.id = m.form_id
          WHERE m.province_code = p.province_code AND m.person_id = p.id
          ORDER BY ${collectedOn('f')} DESC NULLS LAST, m.form_id DESC, m.household_id DESC
          LIMIT 1) hm ON true
       -- Where a life event (a move, a birth) has put the person since the forms.
       LEFT JOIN LATERAL (
         SELECT s.unit_code, s.era, s.detail, s.household_id, s.valid_from::text AS since
           FROM stay s
          WHERE s.province_code = p.province_code AND s.person_id = p.id AND s.event_id IS NOT NULL AND s.valid_from <= $4 AND s.valid_to > $4
          LIMIT 1) ev ON true
      WHERE p.province_code = $1 AND ($2::uuid IS NULL OR p.id > $2::uuid)
      ORDER BY p.id LIMIT $3`,
    [province, after, limit, day],
  )
  return rows
}
