// All of dedup's SQL but the merges' (merge-sql.ts): the persons a run reads, the pairs it writes,
// officers' decisions, and the lists the CLI prints.
import pg from 'pg'
import { type CopyValue, copyInto } from '../platform/copy.ts'
import type { Db, Queryable } from '../platform/db.ts'
import { personInScope } from '../register/queries.ts'

/** One register person with what dedup compares: their own values and their relatives' names. */
export interface PersonRow {
  id: string
  origin_form_id: string
  name_display: string
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  personal_id: string | null
  old_id: string | null
  sex: 'M' | 'F' | null
  unit_code: string | null
  unit_era: number | null
  phone: string | null
  address: string | null
  household: string | null
  head: string | null
  father: string | null
  mother: string | null
  spouse: string | null
}

const related = (kind: string) =>
  `(SELECT x.related_name FROM relationship x
     WHERE x.province_code = p.province_code AND x.person_id = p.id AND x.kind = '${kind}' AND x.related_name IS NOT NULL
     ORDER BY x.form_id DESC LIMIT 1) AS ${kind}`

/**
 * The whole register as `persons` yields it, set-wise: each table joined once (sorted by person,
 * the latest row per person kept), where the paged query looks up five rows per person. Pairs
 * are named by forms, so a person born into the register through an event (no form) is not read. On a
 * province that is seconds instead of a minute. Rows come through a cursor, a page at a time.
 */
const REGISTER_PERSONS = `
  SELECT p.id, p.origin_form_id, p.name_display, p.birth_year, p.birth_month, p.birth_day, p.personal_id, p.old_id, p.sex,
         p.unit_code, p.unit_era, p.phone, r.detail AS address, h.household_no AS household, h.head_name AS head, x.father, x.mother, x.spouse
    FROM person p
    LEFT JOIN (SELECT DISTINCT ON (r.person_id) r.person_id, r.detail FROM residence r WHERE r.province_code = $1
                ORDER BY r.person_id, r.kind = 'current' DESC, r.id DESC) r ON r.person_id = p.id
    LEFT JOIN (SELECT DISTINCT ON (m.person_id) m.person_id, h.household_no, h.head_name FROM household_member m
                 JOIN household h ON h.province_code = m.province_code AND h.id = m.household_id
                WHERE m.province_code = $1 ORDER BY m.person_id, m.form_id DESC) h ON h.person_id = p.id
    LEFT JOIN (SELECT x.person_id,
                      (array_agg(x.related_name ORDER BY x.form_id DESC) FILTER (WHERE x.kind = 'father'))[1] AS father,
                      (array_agg(x.related_name ORDER BY x.form_id DESC) FILTER (WHERE x.kind = 'mother'))[1] AS mother,
                      (array_agg(x.related_name ORDER BY x.form_id DESC) FILTER (WHERE x.kind = 'spouse'))[1] AS spouse
                 FROM relationship x WHERE x.province_code = $1 AND x.related_name IS NOT NULL GROUP BY x.person_id) x ON x.person_id = p.id
   WHERE p.province_code = $1 AND p.origin_form_id IS NOT NULL
   ORDER BY p.id`

async function* wholeRegister(pool: pg.Pool, province: string, pageSize: number): AsyncGenerator<PersonRow[]> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    // The sorts above fit in memory at a province's size rather than spilling to disk.
    await client.query(`SET LOCAL work_mem = '64MB'`)
    await client.query(`DECLARE dedup_persons NO SCROLL CURSOR FOR ${REGISTER_PERSONS}`, [province])
    for (;;) {
      const { rows } = await client.query<PersonRow>(`FETCH FORWARD ${pageSize} FROM dedup_persons`)
      if (rows.length === 0) break
      yield rows
    }
  } finally {
    await client.query('ROLLBACK').catch(() => {})
    client.release()
  }
}

/**
 * Persons in id order, a page at a time (the register of a province does not fit one result);
 * `only` these ids when given (the check of one new form). The whole register, read from a
 * pool, comes set-wise through a cursor (`wholeRegister`).
 */
export async function* persons(
  db: Queryable,
  province: string,
  only: string[] | null = null,
  pageSize = 20_000,
): AsyncGenerator<PersonRow[]> {
  if (only === null && db instanceof pg.Pool) {
    yield* wholeRegister(db, province, pageSize)
    return
  }
  let after = '00000000-0000-0000-0000-000000000000'
  for (;;) {
    const { rows } = await db.query<PersonRow>(
      `SELECT p.id, p.origin_form_id, p.name_display, p.birth_year, p.birth_month, p.birth_day, p.personal_id, p.old_id, p.sex,
              p.unit_code, p.unit_era, p.phone,
              (SELECT r.detail FROM residence r WHERE r.province_code = p.province_code AND r.person_id = p.id
                ORDER BY r.kind = 'current' DESC, r.id DESC LIMIT 1) AS address,
              h.household_no AS household, h.head_name AS head,
              ${related('father')}, ${related('mother')}, ${related('spouse')}
         FROM person p
         LEFT JOIN LATERAL (SELECT h.household_no, h.head_name FROM household_member m
                              JOIN household h ON h.province_code = m.province_code AND h.id = m.household_id
                             WHERE m.province_code = p.province_code AND m.person_id = p.id
                             ORDER BY m.form_id DESC LIMIT 1) h ON true
        WHERE p.province_code = $1 AND p.id > $2 AND ($4::uuid[] IS NULL OR p.id = ANY($4::uuid[])) AND p.origin_form_id IS NOT NULL
        ORDER BY p.id LIMIT $3`,
      [province, after, pageSize, only],
    )
    if (rows.length === 0) return
    yield rows
    after = (rows[rows.length - 1] as PersonRow).id
  }
}

/** Officers' "same" and "not the same" decisions, as the persons that hold those forms today. */
export async function decidedPairs(db: Queryable, province: string): Promise<{ a: string; b: string; decision: 'same' | 'not_same' }[]> {
  const { rows } = await db.query<{ a: string; b: string; decision: 'same' | 'not_same' }>(
    `SELECT fa.person_id AS a, fb.person_id AS b, d.decision
       FROM match_decision d
       JOIN form fa ON fa.province_code = d.province_code AND fa.id = d.form_a
       JOIN form fb ON fb.province_code = d.province_code AND fb.id = d.form_b
      WHERE d.province_code = $1 AND d.decision IN ('same', 'not_same') AND fa.person_id IS NOT NULL AND fb.person_id IS NOT NULL
        -- the latest word on a pair of forms is the one that counts
        AND NOT EXISTS (SELECT 1 FROM match_decision later WHERE later.province_code = d.province_code
                          AND later.form_a = d.form_a AND later.form_b = d.form_b AND later.decided_at > d.decided_at)`,
    [province],
  )
  return rows
}

export async function startRun(db: Queryable, province: string, id: string, createdBy: string) {
  await db.query(`INSERT INTO dedup_run (province_code, id, status, created_by) VALUES ($1, $2, 'running', $3)`, [province, id, createdBy])
}

export async function finishRun(
  db: Queryable,
  province: string,
  id: string,
  outcome: { model?: unknown; counts?: unknown; error?: string },
) {
  await db.query(
    `UPDATE dedup_run SET status = $3, finished_at = now(), model = $4, counts = $5, error = $6 WHERE province_code = $1 AND id = $2`,
    [
      province,
      id,
      outcome.error ? 'failed' : 'done',
      JSON.stringify(outcome.model ?? null),
      JSON.stringify(outcome.counts ?? null),
      outcome.error ?? null,
    ],
  )
}

export const PAIR_COLUMNS = [
  'province_code',
  'person_a',
  'person_b',
  'form_a',
  'form_b',
  'run_id',
  'probability',
  'levels',
  'weights',
  'conflict',
  'decision',
] as const

/** A run's pairs replace the last run's. */
export async function replacePairs(db: Db, client: pg.PoolClient, province: string, rows: CopyValue[][]) {
  await client.query('DELETE FROM match_pair WHERE province_code = $1', [province])
  await copyInto(db, client, 'match_pair', [...PAIR_COLUMNS], rows)
}

export interface ClusterRow {
  form_no: string
  collecting_unit: string
  person_id: string
}

/** Every form in the register (not those held for correction) with the person it belongs to. */
export async function* clusterRows(db: Queryable, province: string, pageSize = 50_000): AsyncGenerator<ClusterRow[]> {
  let after = '00000000-0000-0000-0000-000000000000'
  for (;;) {
    const { rows } = await db.query<ClusterRow & { id: string }>(
      `SELECT id, form_no, collecting_unit, person_id FROM form
        WHERE province_code = $1 AND person_id IS NOT NULL AND state IN ('accepted', 'accepted_with_warnings') AND id > $2
        ORDER BY id LIMIT $3`,
      [province, after, pageSize],
    )
    if (rows.length === 0) return
    yield rows
    after = (rows[rows.length - 1] as { id: string }).id
  }
}

export interface PairRow {
  form_no_a: string
  collecting_unit_a: string
  form_no_b: string
  collecting_unit_b: string
  probability: number
  decision: 'link' | 'review'
}

export async function pairRows(db: Queryable, province: string): Promise<PairRow[]> {
  const { rows } = await db.query<PairRow>(
    `SELECT fa.form_no AS form_no_a, fa.collecting_unit AS collecting_unit_a, fb.form_no AS form_no_b, fb.collecting_unit AS collecting_unit_b,
            m.probability, m.decision
       FROM match_pair m
       JOIN form fa ON fa.province_code = m.province_code AND fa.id = m.form_a
       JOIN form fb ON fb.province_code = m.province_code AND fb.id = m.form_b
      WHERE m.province_code = $1
      ORDER BY m.probability DESC, fa.form_no, fb.form_no`,
    [province],
  )
  return rows
}

export interface MergeSummary {
  id: string
  state: string
  origin: string
  survivor_id: string
  absorbed: number
  requested_by: string
  approved_by: string | null
}

/** Merges in the order they were made. */
export async function merges(db: Queryable, province: string): Promise<MergeSummary[]> {
  const { rows } = await db.query<MergeSummary>(
    `SELECT id, state, origin, survivor_id, cardinality(absorbed_ids) AS absorbed, requested_by, approved_by
       FROM person_merge WHERE province_code = $1 ORDER BY id`,
    [province],
  )
  return rows
}

/** The persons among ids that exist and lie in the scope (null: the whole province). */
export async function personsInScope(db: Queryable, province: string, ids: string[], scope: string[] | null): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT p.id FROM person p WHERE p.province_code = $1 AND p.id = ANY($2::uuid[]) AND ($3::text[] IS NULL OR ${personInScope('$3')})`,
    [province, ids, scope],
  )
  return new Set(rows.map((r) => r.id))
}

export interface ReviewPerson {
  id: string
  name_display: string
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  sex: string | null
  personal_id: string | null
  old_id: string | null
  phone: string | null
  unit_code: string | null
  origin_form_id: string
  forms: number
}

export interface ReviewPair {
  person_a: string
  person_b: string
  probability: number
  levels: number[]
  weights: number[]
  conflict: string | null
  a: ReviewPerson
  b: ReviewPerson
}

const reviewPerson = (alias: string) =>
  `json_build_object('id', ${alias}.id, 'name_display', ${alias}.name_display, 'birth_year', ${alias}.birth_year, 'birth_month', ${alias}.birth_month,
     'birth_day', ${alias}.birth_day, 'sex', ${alias}.sex, 'personal_id', ${alias}.personal_id, 'old_id', ${alias}.old_id, 'phone', ${alias}.phone,
     'unit_code', ${alias}.unit_code, 'origin_form_id', ${alias}.origin_form_id,
     'forms', (SELECT count(*) FROM form f WHERE f.province_code = ${alias}.province_code AND f.person_id = ${alias}.id))`

/**
 * The review queue, most uncertain first: pairs whose persons both still exist, with at least
 * one of them in the caller's scope. `offset` pages (the queue is short: ≤ 2% of forms).
 */
export async function reviewPairs(
  db: Queryable,
  province: string,
  scope: string[] | null,
  limit: number,
  offset: number,
): Promise<ReviewPair[]> {
  const { rows } = await db.query<ReviewPair>(
    `SELECT m.person_a, m.person_b, m.probability, m.levels, m.weights, m.conflict, ${reviewPerson('pa')} AS a, ${reviewPerson('pb')} AS b
       FROM match_pair m
       JOIN person pa ON pa.province_code = m.province_code AND pa.id = m.person_a
       JOIN person pb ON pb.province_code = m.province_code AND pb.id = m.person_b
      WHERE m.province_code = $1 AND m.decision = 'review'
        AND ($2::text[] IS NULL OR EXISTS (SELECT 1 FROM person p WHERE p.province_code = m.province_code AND p.id IN (m.person_a, m.person_b) AND ${personInScope('$2')}))
      ORDER BY abs(m.probability - 0.5), m.person_a, m.person_b
      LIMIT $3 OFFSET $4`,
    [province, scope, limit, offset],
  )
  return rows
}

export async function originForms(db: Queryable, province: string, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; origin_form_id: string }>(
    'SELECT id, origin_form_id FROM person WHERE province_code = $1 AND id = ANY($2::uuid[])',
    [province, ids],
  )
  return new Map(rows.map((r) => [r.id, r.origin_form_id]))
}

/** An officer's word on a pair; a decided pair leaves the queue (an unsure one stays). */
export async function recordDecision(
  db: Queryable,
  province: string,
  d: {
    id: string
    formA: string
    formB: string
    personA: string
    personB: string
    decision: 'same' | 'not_same' | 'unsure'
    by: string
    note: string | null
  },
) {
  await db.query(
    `INSERT INTO match_decision (province_code, id, form_a, form_b, decision, decided_by, note) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [province, d.id, d.formA, d.formB, d.decision, d.by, d.note],
  )
  if (d.decision !== 'unsure') {
    // Pairs are stored with the smaller id first.
    const [first, second] = [d.personA, d.personB].sort()
    await db.query('DELETE FROM match_pair WHERE province_code = $1 AND person_a = $2 AND person_b = $3', [province, first, second])
  }
}

export interface MergeListItem extends MergeSummary {
  state: 'pending' | 'applied' | 'rejected' | 'undo_pending' | 'undone'
  absorbed_ids: string[]
  requested_at: string
  undo_requested_by: string | null
  undo_requested_at: string | null
  persons: { id: string; name_display: string | null; in_register: boolean }[]
}

/**
 * The persons of a merge, survivor first, with their names: from the register, or for those a
 * merge absorbed (no longer in it) from the merge's snapshot — what a reviewer reads.
 */
const mergePersons = `(SELECT jsonb_agg(jsonb_build_object('id', x.id, 'name_display', COALESCE(p.name_display, s.name), 'in_register', p.id IS NOT NULL)
                            ORDER BY x.ord)
                      FROM unnest(m.survivor_id || m.absorbed_ids) WITH ORDINALITY AS x(id, ord)
                      LEFT JOIN person p ON p.province_code = m.province_code AND p.id = x.id
                      LEFT JOIN LATERAL (SELECT e->>'name_display' AS name FROM jsonb_array_elements(m.snapshot->'person') e
                                          WHERE e->>'id' = x.id::text LIMIT 1) s ON true)`

/** Merges waiting for a commune head, of one person, or one by id; newest first, within the scope. */
export async function mergeList(
  db: Queryable,
  province: string,
  filter: { waiting?: boolean; person?: string; id?: string; scope: string[] | null },
): Promise<MergeListItem[]> {
  const { rows } = await db.query<MergeListItem>(
    `SELECT m.id, m.state, m.origin, m.survivor_id, cardinality(m.absorbed_ids) AS absorbed, m.absorbed_ids, m.requested_by, m.approved_by,
            m.requested_at, m.undo_requested_by, m.undo_requested_at, ${mergePersons} AS persons
       FROM person_merge m
      WHERE m.province_code = $1
        AND (NOT $2 OR m.state IN ('pending', 'undo_pending'))
        AND ($3::uuid IS NULL OR m.survivor_id = $3 OR $3 = ANY(m.absorbed_ids))
        AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM person p WHERE p.province_code = m.province_code AND p.id = m.survivor_id AND ${personInScope('$4')}))
        AND ($5::uuid IS NULL OR m.id = $5)
      ORDER BY m.id DESC LIMIT 200`,
    [province, filter.waiting ?? false, filter.person ?? null, filter.scope, filter.id ?? null],
  )
  return rows
}

/**
 * Register persons that may be the one a new form describes: same ID number (personal or old),
 * same given and family name (fold) born within a year, same given name born within a year in
 * one of the form's units, same phone, or a member of the same household. Each branch uses an
 * index and is bounded, so a common name cannot crowd out the rest.
 */
export async function candidatesFor(
  db: Queryable,
  province: string,
  keys: {
    ids: string[]
    given: string | null
    family: string | null
    year: number | null
    phone: string | null
    household: string | null
    units: string[]
  },
  perBranch = 100,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `(SELECT person_id AS id FROM person_identifier WHERE national_id = ANY($2::text[]) AND province_code = $1)
     UNION (SELECT id FROM person WHERE province_code = $1 AND given_fold = $3 AND old_id = ANY($2::text[]) LIMIT $9)
     UNION (SELECT id FROM person WHERE province_code = $1 AND given_fold = $3 AND family_fold = $8
               AND birth_year BETWEEN $4::int - 1 AND $4::int + 1 LIMIT $9)
     UNION (SELECT id FROM person WHERE province_code = $1 AND given_fold = $3 AND unit_code = ANY($7::text[])
               AND birth_year BETWEEN $4::int - 1 AND $4::int + 1 LIMIT $9)
     UNION (SELECT id FROM person WHERE province_code = $1 AND phone = $5 LIMIT $9)
     UNION (SELECT m.person_id FROM household h
              JOIN household_member m ON m.province_code = h.province_code AND m.household_id = h.id
             WHERE h.province_code = $1 AND h.unit_code = ANY($7::text[]) AND h.household_no = $6 LIMIT $9)`,
    [province, keys.ids, keys.given, keys.year, keys.phone, keys.household, keys.units, keys.family, perBranch],
  )
  return rows.map((r) => r.id)
}

/** The latest finished run's model (null before any run). */
export async function latestModel(db: Queryable, province: string): Promise<{ id: string; model: unknown } | null> {
  const { rows } = await db.query<{ id: string; model: unknown }>(
    `SELECT id, model FROM dedup_run WHERE province_code = $1 AND status = 'done' AND model IS NOT NULL ORDER BY id DESC LIMIT 1`,
    [province],
  )
  return rows[0] ?? null
}

/** A pair found as a form arrived: into the review queue, unless a run already holds it. */
export async function addReviewPair(
  db: Queryable,
  province: string,
  pair: {
    persons: [string, string]
    forms: [string, string]
    probability: number
    levels: number[]
    weights: number[]
    conflict: string | null
  },
) {
  const [a, b] = pair.persons[0] < pair.persons[1] ? [0, 1] : [1, 0]
  await db.query(
    `INSERT INTO match_pair (province_code, person_a, person_b, form_a, form_b, run_id, probability, levels, weights, conflict, decision)
     VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9, 'review') ON CONFLICT DO NOTHING`,
    [province, pair.persons[a], pair.persons[b], pair.forms[a], pair.forms[b], pair.probability, pair.levels, pair.weights, pair.conflict],
  )
}

export async function personOfForm(db: Queryable, province: string, formId: string): Promise<string | null> {
  const { rows } = await db.query<{ person_id: string | null }>('SELECT person_id FROM form WHERE province_code = $1 AND id = $2', [
    province,
    formId,
  ])
  return rows[0]?.person_id ?? null
}
