// All of events' SQL: the log, the stays it derives, the persons and households it changes,
// and the reads over stays (population at a date, split placements, freshness).
import type { Queryable } from '../platform/db.ts'
import type { EventKind, Stay } from './derive.ts'

export interface EventRow {
  id: string
  kind: EventKind
  person_id: string | null
  household_id: string | null
  effective_on: string
  recorded_at: string
  officer: string
  document: string | null
  details: Record<string, unknown>
  batch_id: string | null
}

const EVENT_COLUMNS = `e.id, e.kind, e.person_id, e.household_id, e.effective_on::text AS effective_on,
  to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_at, e.officer, e.document, e.details, e.batch_id`

export interface LockedPerson {
  id: string
  name_display: string
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  sex: 'M' | 'F' | null
  personal_id: string | null
  died_on: string | null
  marital_status: string | null
  /** The marital status the origin form recorded: where the marriage and divorce events start from. */
  recorded_marital: string | null
}

/** The person, locked for the rest of the transaction (events on one person apply one at a time). */
export async function lockPerson(db: Queryable, province: string, id: string): Promise<LockedPerson | undefined> {
  const { rows } = await db.query<LockedPerson>(
    `SELECT p.id, p.name_display, p.birth_year, p.birth_month, p.birth_day, p.sex, p.personal_id, p.died_on::text AS died_on, p.marital_status,
            (SELECT f.raw->>'marital_status' FROM form f WHERE f.province_code = p.province_code AND f.id = p.origin_form_id) AS recorded_marital
       FROM person p WHERE p.province_code = $1 AND p.id = $2 FOR UPDATE`,
    [province, id],
  )
  return rows[0]
}

/** The events that shape a person: their own, and household events that list them. */
export async function eventsOf(db: Queryable, province: string, personId: string): Promise<EventRow[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM event e
      WHERE e.province_code = $1 AND e.person_id = $2
     UNION ALL
     SELECT ${EVENT_COLUMNS} FROM event e
      WHERE e.province_code = $1 AND e.person_id IS NULL
        AND e.household_id IN (SELECT s.household_id FROM stay s WHERE s.province_code = $1 AND s.person_id = $2 AND s.household_id IS NOT NULL)
        AND e.details->'members' ? $2::text`,
    [province, personId],
  )
  return rows
}

export async function eventById(db: Queryable, province: string, id: string): Promise<EventRow | undefined> {
  const { rows } = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM event e WHERE e.province_code = $1 AND e.id = $2`, [province, id])
  return rows[0]
}

/** A household's events: its own, the split that made it, merges and moves into it, births in it (see event_other_household_idx). */
export async function householdEvents(db: Queryable, province: string, householdId: string): Promise<EventRow[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM event e
      WHERE e.province_code = $1
        AND (e.household_id = $2
          OR COALESCE(e.details->>'to_household_id', e.details->>'new_household_id', e.details->'place'->>'household_id') = $2::text)
      ORDER BY e.effective_on, e.recorded_at`,
    [province, householdId],
  )
  return rows
}

export async function insertEvent(
  db: Queryable,
  province: string,
  e: Omit<EventRow, 'recorded_at'> & { recorded_at?: string },
): Promise<string> {
  const { rows } = await db.query<{ recorded_at: string }>(
    `INSERT INTO event (province_code, id, kind, person_id, household_id, effective_on, officer, document, details, batch_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     RETURNING to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_at`,
    [province, e.id, e.kind, e.person_id, e.household_id, e.effective_on, e.officer, e.document, e.details, e.batch_id],
  )
  return (rows[0] as { recorded_at: string }).recorded_at
}

export async function staysOf(db: Queryable, province: string, personId: string): Promise<Stay[]> {
  const { rows } = await db.query<Stay>(
    `SELECT valid_from::text AS valid_from, valid_to::text AS valid_to, kind, unit_code, era, household_id, relation_to_head, detail, event_id
       FROM stay WHERE province_code = $1 AND person_id = $2 ORDER BY valid_from`,
    [province, personId],
  )
  return rows
}

export async function replaceStays(db: Queryable, province: string, personId: string, stays: readonly Stay[]) {
  await db.query('DELETE FROM stay WHERE province_code = $1 AND person_id = $2', [province, personId])
  if (stays.length === 0) return
  await db.query(
    `INSERT INTO stay (province_code, person_id, seq, valid_from, valid_to, kind, unit_code, era, household_id, relation_to_head, detail, event_id)
     SELECT $1, $2, s.seq, s.valid_from, s.valid_to, s.kind, s.unit_code, s.era, s.household_id, s.relation_to_head, s.detail, s.event_id
       FROM unnest($3::smallint[], $4::date[], $5::date[], $6::text[], $7::text[], $8::smallint[], $9::uuid[], $10::text[], $11::text[], $12::uuid[])
         AS s(seq, valid_from, valid_to, kind, unit_code, era, household_id, relation_to_head, detail, event_id)`,
    [
      province,
      personId,
      stays.map((_, i) => i),
      stays.map((s) => s.valid_from),
      stays.map((s) => s.valid_to),
      stays.map((s) => s.kind),
      stays.map((s) => s.unit_code),
      stays.map((s) => s.era),
      stays.map((s) => s.household_id),
      stays.map((s) => s.relation_to_head),
      stays.map((s) => s.detail),
      stays.map((s) => s.event_id),
    ],
  )
}

/** What events change on the person's row: where they live now, death, marital status, name, corrected fields. */
export async function updatePerson(db: Queryable, province: string, id: string, set: Record<string, unknown>) {
  const columns = Object.keys(set)
  const assignments = columns.map((c, i) => `${c} = $${i + 3}`)
  await db.query(
    `UPDATE person SET ${[...assignments, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE province_code = $1 AND id = $2`,
    [province, id, ...columns.map((c) => set[c])],
  )
}

export interface HouseholdRow {
  id: string
  unit_code: string
  era: number
  household_no: string
  head_person_id: string | null
  address: string | null
}

export async function lockHousehold(db: Queryable, province: string, id: string): Promise<HouseholdRow | undefined> {
  const { rows } = await db.query<HouseholdRow>(
    `SELECT id, unit_code, era, household_no, head_person_id, address FROM household WHERE province_code = $1 AND id = $2 FOR UPDATE`,
    [province, id],
  )
  return rows[0]
}

export async function householdByNumber(db: Queryable, province: string, unit: string, era: number, no: string) {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM household WHERE province_code = $1 AND unit_code = $2 AND era = $3 AND household_no = $4',
    [province, unit, era, no],
  )
  return rows[0]?.id
}

export async function insertHousehold(
  db: Queryable,
  province: string,
  h: {
    id: string
    unit_code: string
    era: number
    household_no: string
    head_person_id: string | null
    head_name: string | null
    address: string | null
  },
) {
  await db.query(
    `INSERT INTO household (province_code, id, unit_code, era, household_no, head_person_id, head_name, address)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [province, h.id, h.unit_code, h.era, h.household_no, h.head_person_id, h.head_name, h.address],
  )
}

export async function setHead(db: Queryable, province: string, householdId: string, headId: string | null) {
  await db.query(
    `UPDATE household h SET head_person_id = $3,
            head_name = (SELECT name_display FROM person WHERE province_code = $1 AND id = $3),
            head_national_id = (SELECT personal_id FROM person WHERE province_code = $1 AND id = $3)
      WHERE h.province_code = $1 AND h.id = $2`,
    [province, householdId, headId],
  )
}

/** Persons whose stay puts them in the household on a day (living there or temporarily away). */
export async function membersOn(db: Queryable, province: string, householdId: string, day: string): Promise<string[]> {
  const { rows } = await db.query<{ person_id: string }>(
    `SELECT person_id FROM stay WHERE province_code = $1 AND household_id = $2 AND valid_from <= $3 AND valid_to > $3 ORDER BY person_id`,
    [province, householdId, day],
  )
  return rows.map((r) => r.person_id)
}

export interface HouseholdStay {
  person_id: string
  name_display: string
  relation_to_head: string | null
  valid_from: string
  valid_to: string
  kind: string
  unit_code: string
  era: number
}

/** Everyone who was ever in the household, with when. */
export async function householdStays(db: Queryable, province: string, householdId: string): Promise<HouseholdStay[]> {
  const { rows } = await db.query<HouseholdStay>(
    `SELECT s.person_id, p.name_display, s.relation_to_head, s.valid_from::text AS valid_from, s.valid_to::text AS valid_to, s.kind, s.unit_code, s.era
       FROM stay s JOIN person p ON p.province_code = s.province_code AND p.id = s.person_id
      WHERE s.province_code = $1 AND s.household_id = $2
      ORDER BY s.valid_from, p.name_sort, s.person_id`,
    [province, householdId],
  )
  return rows
}

/** A stay (alias s) of a split commune with the unit an officer placed its household (or person) in: sp.unit_code. */
const PLACED = `LEFT JOIN split_placement sp ON sp.province_code = s.province_code AND sp.subject_id = COALESCE(s.household_id, s.person_id)
            AND sp.old_code = s.unit_code AND s.era = 2024`

export interface PlaceCount {
  unit_code: string
  era: number
  /** For a stay in a split commune: the unit of today an officer placed its household in. */
  placed: string | null
  persons: number
}

/** Persons living on a day, by the unit their stay names (and its placement, for split communes). */
export async function populationOn(db: Queryable, province: string, day: string): Promise<PlaceCount[]> {
  const { rows } = await db.query<PlaceCount>(
    `SELECT s.unit_code, s.era, sp.unit_code AS placed, count(*)::int AS persons
       FROM stay s
       ${PLACED}
      WHERE s.province_code = $1 AND s.valid_from <= $2 AND s.valid_to > $2
      GROUP BY 1, 2, 3`,
    [province, day],
  )
  return rows
}

export interface SplitSubject {
  subject_id: string
  household_id: string | null
  household_no: string | null
  address: string | null
  old_code: string
  persons: number
  placed: string | null
}

/**
 * Households (and persons without one) living today under a split old commune, each with the
 * address the hamlet is read from and its placement, if any.
 */
export async function splitSubjects(db: Queryable, province: string, oldCodes: string[], day: string): Promise<SplitSubject[]> {
  const { rows } = await db.query<SplitSubject>(
    `SELECT COALESCE(s.household_id, s.person_id) AS subject_id, s.household_id, h.household_no,
            COALESCE(h.address, min(s.detail)) AS address, s.unit_code AS old_code, count(*)::int AS persons, sp.unit_code AS placed
       FROM stay s
       LEFT JOIN household h ON h.province_code = s.province_code AND h.id = s.household_id
       ${PLACED}
      WHERE s.province_code = $1 AND s.era = 2024 AND s.unit_code = ANY($2::text[]) AND s.valid_from <= $3 AND s.valid_to > $3
      GROUP BY 1, 2, 3, h.address, 5, 7
      ORDER BY 5, 4, 1`,
    [province, oldCodes, day],
  )
  return rows
}

export async function place(db: Queryable, province: string, subjects: string[], oldCode: string, unitCode: string, by: string) {
  const { rowCount } = await db.query(
    `INSERT INTO split_placement (province_code, subject_id, old_code, unit_code, placed_by)
     SELECT $1, s, $3, $4, $5 FROM unnest($2::uuid[]) AS s
     ON CONFLICT (province_code, subject_id, old_code) DO UPDATE SET unit_code = EXCLUDED.unit_code, placed_by = EXCLUDED.placed_by, placed_at = now()`,
    [province, subjects, oldCode, unitCode, by],
  )
  return rowCount ?? 0
}

export async function unplace(db: Queryable, province: string, subjects: string[], oldCode: string) {
  const { rowCount } = await db.query(
    'DELETE FROM split_placement WHERE province_code = $1 AND subject_id = ANY($2::uuid[]) AND old_code = $3',
    [province, subjects, oldCode],
  )
  return rowCount ?? 0
}

export interface FreshnessRow {
  unit_code: string
  era: number
  placed: string | null
  persons: number
  confirmed: number
  awaiting_number: number
  over_100_unconfirmed: number
  temporary_expired: number
}

/** Per place of today's stays: how many persons, confirmed since `since`, and what waits on an officer. */
export async function freshness(db: Queryable, province: string, day: string, since: string): Promise<FreshnessRow[]> {
  const { rows } = await db.query<FreshnessRow>(
    `SELECT s.unit_code, s.era, sp.unit_code AS placed, count(*)::int AS persons,
            count(*) FILTER (WHERE p.confirmed_on >= $3)::int AS confirmed,
            count(*) FILTER (WHERE p.origin_event_id IS NOT NULL AND p.personal_id IS NULL)::int AS awaiting_number,
            count(*) FILTER (WHERE p.birth_year <= extract(year FROM $2::date)::int - 100 AND (p.confirmed_on IS NULL OR p.confirmed_on < $3))::int AS over_100_unconfirmed,
            count(*) FILTER (WHERE s.kind = 'permanent' AND EXISTS (
              SELECT 1 FROM event e WHERE e.province_code = s.province_code AND e.person_id = s.person_id AND e.kind = 'temporary_residence'
                 AND (e.details->>'until')::date <= $2 AND e.recorded_at = (SELECT max(x.recorded_at) FROM event x
                   WHERE x.province_code = e.province_code AND x.person_id = e.person_id)))::int AS temporary_expired
       FROM stay s
       JOIN person p ON p.province_code = s.province_code AND p.id = s.person_id
       ${PLACED}
      WHERE s.province_code = $1 AND s.valid_from <= $2 AND s.valid_to > $2
      GROUP BY 1, 2, 3`,
    [province, day, since],
  )
  return rows
}

/** Households whose head has died and no one has been named since. */
export async function headlessHouseholds(db: Queryable, province: string) {
  const { rows } = await db.query<{ unit_code: string; era: number; n: number }>(
    `SELECT h.unit_code, h.era, count(*)::int AS n FROM household h JOIN person p ON p.province_code = h.province_code AND p.id = h.head_person_id
      WHERE h.province_code = $1 AND p.died_on IS NOT NULL GROUP BY 1, 2`,
    [province],
  )
  return rows
}

export async function insertBornPerson(
  db: Queryable,
  province: string,
  p: {
    id: string
    full_name: string
    name_display: string
    family_fold: string
    given_fold: string
    name_fold: string
    birth_year: number
    birth_month: number
    birth_day: number
    sex: 'M' | 'F'
    personal_id: string | null
    ethnicity_code: string | null
    nationality: string
    birth_reg_place: string | null
    unit_code: string
    unit_era: number
    origin_event_id: string
    confirmed_on: string
  },
) {
  await db.query(
    `INSERT INTO person (province_code, id, full_name, name_display, family_fold, given_fold, name_fold, birth_year, birth_month, birth_day,
       birth_precision, sex, personal_id, ethnicity_code, ethnicity_code_set, nationality, birth_reg_place, marital_status, unit_code, unit_era,
       origin_event_id, confirmed_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'day', $11, $12, $13, CASE WHEN $13::text IS NULL THEN NULL ELSE '1979' END, $14, $15,
       'Chưa kết hôn', $16, $17, $18, $19)`,
    [
      province,
      p.id,
      p.full_name,
      p.name_display,
      p.family_fold,
      p.given_fold,
      p.name_fold,
      p.birth_year,
      p.birth_month,
      p.birth_day,
      p.sex,
      p.personal_id,
      p.ethnicity_code,
      p.nationality,
      p.birth_reg_place,
      p.unit_code,
      p.unit_era,
      p.origin_event_id,
      p.confirmed_on,
    ],
  )
}

export async function insertIdentifier(db: Queryable, province: string, nationalId: string, personId: string) {
  await db.query('INSERT INTO person_identifier (national_id, province_code, person_id) VALUES ($1, $2, $3)', [
    nationalId,
    province,
    personId,
  ])
}

/** The person's number in the lookup table follows a correction of it. */
export async function replaceIdentifier(db: Queryable, province: string, personId: string, nationalId: string | null) {
  await db.query('DELETE FROM person_identifier WHERE province_code = $1 AND person_id = $2', [province, personId])
  if (nationalId) await insertIdentifier(db, province, nationalId, personId)
}

export async function insertRelationship(
  db: Queryable,
  province: string,
  personId: string,
  kind: 'father' | 'mother',
  eventId: string,
  name: string,
  nationalId: string | null,
) {
  await db.query(
    `INSERT INTO relationship (province_code, person_id, kind, form_id, related_name, related_national_id) VALUES ($1, $2, $3, $4, $5, $6)`,
    [province, personId, kind, eventId, name, nationalId],
  )
}

export async function householdsHeadedBy(db: Queryable, province: string, personId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM household WHERE province_code = $1 AND head_person_id = $2 ORDER BY id', [
    province,
    personId,
  ])
  return rows.map((r) => r.id)
}

const VALUE_OF: Record<string, string> = {
  full_name: 'name_display',
  birth_date: `concat_ws('-', lpad(birth_year::text, 4, '0'), lpad(birth_month::text, 2, '0'), lpad(birth_day::text, 2, '0'))`,
}

/** A person's value of a correctable field, as text (the name as displayed, a birth date at its precision). */
export async function personValue(db: Queryable, province: string, id: string, field: string): Promise<string | null> {
  const column = VALUE_OF[field] ?? field
  const { rows } = await db.query<{ value: string | null }>(
    `SELECT NULLIF(${column}::text, '') AS value FROM person WHERE province_code = $1 AND id = $2`,
    [province, id],
  )
  return rows[0]?.value ?? null
}

export async function isRevoked(db: Queryable, province: string, eventId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM event r JOIN event e ON e.province_code = r.province_code AND e.id = $2::uuid
      WHERE r.province_code = $1 AND r.kind = 'revocation' AND r.details->>'event_id' = $3 AND r.person_id IS NOT DISTINCT FROM e.person_id`,
    [province, eventId, eventId],
  )
  return rows.length > 0
}

/** The other half of a marriage or divorce (the spouse's event names this one as its pair). */
export async function pairOf(db: Queryable, province: string, eventId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM event WHERE province_code = $1 AND kind IN ('marriage', 'divorce') AND details->>'pair' = $2::text`,
    [province, eventId],
  )
  return rows[0]?.id
}

/** A standing change of the same field recorded after this one (name changes and name corrections are one field). */
export async function laterChangeOf(db: Queryable, province: string, target: EventRow): Promise<boolean> {
  const field = target.kind === 'name_change' ? 'full_name' : (target.details.field as string)
  const { rows } = await db.query(
    `SELECT 1 FROM event e
      WHERE e.province_code = $1 AND e.person_id = $2 AND e.recorded_at > $3::timestamptz AND e.id <> $4
        AND ((e.kind = 'correction' AND e.details->>'field' = $5) OR (e.kind = 'name_change' AND $5 = 'full_name'))
        AND NOT EXISTS (SELECT 1 FROM event r WHERE r.province_code = e.province_code AND r.person_id = e.person_id
                          AND r.kind = 'revocation' AND r.details->>'event_id' = e.id::text)`,
    [province, target.person_id, target.recorded_at, target.id, field],
  )
  return rows.length > 0
}

/** Persons and the households they are in, living on a day, by recorded unit and placement. */
export async function householdsOn(db: Queryable, province: string, day: string) {
  const { rows } = await db.query<{ unit_code: string; era: number; placed: string | null; persons: number; household_ids: string[] }>(
    `SELECT s.unit_code, s.era, sp.unit_code AS placed, count(*)::int AS persons,
            COALESCE(array_agg(DISTINCT s.household_id) FILTER (WHERE s.household_id IS NOT NULL), '{}') AS household_ids
       FROM stay s
       ${PLACED}
      WHERE s.province_code = $1 AND s.valid_from <= $2 AND s.valid_to > $2
      GROUP BY 1, 2, 3`,
    [province, day],
  )
  return rows
}

// ——— events import (`coso events import`) ———

export async function insertEventImport(
  db: Queryable,
  province: string,
  b: { id: string; source: string; file_sha256: string; file_size: number; encoding: string | null; created_by: string },
) {
  await db.query(
    `INSERT INTO event_import (province_code, id, source, file_sha256, file_size, encoding, status, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, 'running', $7)`,
    [province, b.id, b.source, b.file_sha256, b.file_size, b.encoding, b.created_by],
  )
}

export async function finishEventImport(
  db: Queryable,
  province: string,
  id: string,
  r: { status: 'done' | 'failed'; rows_done: number; outcomes: Record<string, number>; rules: Record<string, number> },
) {
  await db.query(
    `UPDATE event_import SET status = $3, rows_done = $4, outcomes = $5, rules = $6, finished_at = now()
      WHERE province_code = $1 AND id = $2`,
    [province, id, r.status, r.rows_done, r.outcomes, r.rules],
  )
}

/** Where a row with this hash was recorded before, if it was. */
export async function importedRow(
  db: Queryable,
  province: string,
  hash: string,
): Promise<{ batch_id: string; row_no: number; event_id: string } | undefined> {
  const { rows } = await db.query<{ batch_id: string; row_no: number; event_id: string }>(
    'SELECT batch_id, row_no, event_id FROM event_import_row WHERE province_code = $1 AND row_hash = $2',
    [province, hash],
  )
  return rows[0]
}

/** Claims the row's hash for its event; false when another import recorded the same row first. */
export async function insertImportedRow(
  db: Queryable,
  province: string,
  r: { row_hash: string; batch_id: string; row_no: number; event_id: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO event_import_row (province_code, row_hash, batch_id, row_no, event_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (province_code, row_hash) DO NOTHING`,
    [province, r.row_hash, r.batch_id, r.row_no, r.event_id],
  )
  return rowCount === 1
}

/** Households by unit code and number, in one era or in either (`era` null). */
export async function householdsByNumber(
  db: Queryable,
  province: string,
  keys: { unit: string; no: string; era: number | null }[],
): Promise<{ id: string; unit_code: string; era: number; household_no: string }[]> {
  if (keys.length === 0) return []
  const { rows } = await db.query<{ id: string; unit_code: string; era: number; household_no: string }>(
    `SELECT h.id, h.unit_code, h.era, h.household_no
       FROM household h
       JOIN unnest($2::text[], $3::text[], $4::smallint[]) AS k(unit, no, era)
         ON h.unit_code = k.unit AND h.household_no = k.no AND (k.era IS NULL OR h.era = k.era)
      WHERE h.province_code = $1`,
    [province, keys.map((k) => k.unit), keys.map((k) => k.no), keys.map((k) => k.era)],
  )
  return rows
}

export async function headOf(db: Queryable, province: string, householdId: string): Promise<string | null> {
  const { rows } = await db.query<{ head_person_id: string | null }>(
    'SELECT head_person_id FROM household WHERE province_code = $1 AND id = $2',
    [province, householdId],
  )
  return rows[0]?.head_person_id ?? null
}

/** Households by the unit they were recorded in and, for a split commune's, their placement. */
export async function householdCounts(db: Queryable, province: string) {
  const { rows } = await db.query<{ unit_code: string; era: number; placed: string | null; n: number }>(
    `SELECT h.unit_code, h.era, sp.unit_code AS placed, count(*)::int AS n
       FROM household h
       LEFT JOIN split_placement sp ON sp.province_code = h.province_code AND sp.subject_id = h.id AND sp.old_code = h.unit_code AND h.era = 2024
      WHERE h.province_code = $1
      GROUP BY 1, 2, 3`,
    [province],
  )
  return rows
}
