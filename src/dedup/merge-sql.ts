// The SQL of merging persons and undoing it, for one merge or a whole run's at once: every
// statement works on a plan of (merge, survivor, absorbed) rows, so the officer's single merge
// and a run's hundred thousand are the same code. A merge keeps, in its snapshot, every row it
// is about to change, as it was; undoing it puts those rows back.
import { type Queryable, writableColumns } from '../platform/db.ts'

/** Rows that name a person, and how a merge carries them to the survivor. */
interface PersonRows {
  table: string
  /** Primary key without province_code. */
  key: string[]
  column: string
  /**
   * 'move': the person column is updated in place (the key does not hold it). 'rekey': the key
   * holds the person, so the rows are copied under the survivor (unless it has one already).
   */
  how: 'move' | 'rekey'
}

const PERSON_ROWS: PersonRows[] = [
  { table: 'form', key: ['id'], column: 'person_id', how: 'move' },
  { table: 'person_identifier', key: ['national_id'], column: 'person_id', how: 'move' },
  { table: 'residence', key: ['id'], column: 'person_id', how: 'move' },
  { table: 'review_item', key: ['id'], column: 'person_id', how: 'move' },
  { table: 'household', key: ['id'], column: 'head_person_id', how: 'move' },
  { table: 'household_member', key: ['household_id', 'person_id'], column: 'person_id', how: 'rekey' },
  { table: 'relationship', key: ['person_id', 'kind', 'form_id'], column: 'person_id', how: 'rekey' },
  { table: 'event', key: ['id'], column: 'person_id', how: 'move' },
  // The survivor's stays stand for both (each person counts once); the absorbed person's come back on undo.
  { table: 'stay', key: ['person_id', 'seq'], column: 'person_id', how: 'rekey' },
]

/** Values a survivor takes from the persons it absorbs where it has none (name and place are its own). */
const FILLED = [
  'other_name',
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
]

/** The plan table every statement reads: one row per absorbed person. */
export async function createPlan(db: Queryable, plan: { merge: string[]; survivor: string[]; absorbed: string[] }) {
  await db.query('CREATE TEMP TABLE merge_plan (merge_id uuid NOT NULL, survivor uuid NOT NULL, absorbed uuid PRIMARY KEY) ON COMMIT DROP')
  await db.query('INSERT INTO merge_plan SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[])', [
    plan.merge,
    plan.survivor,
    plan.absorbed,
  ])
  // The planner's row counts for a plan of one merge or of a run's hundred thousand.
  await db.query('ANALYZE merge_plan')
}

/**
 * The rows each planned merge will change, as they are now: one JSON object per merge, built
 * table by table for all merges at once (a join and a GROUP BY each, not a lookup per merge).
 */
function snapshotSql(): string {
  // Each merge's persons: the absorbed, and the survivor once.
  const members = `SELECT merge_id, absorbed AS person, false AS survivor FROM merge_plan
                   UNION ALL SELECT DISTINCT merge_id, survivor, true FROM merge_plan`
  const tables = [{ table: 'person', column: 'id', how: 'rekey' as const }, ...PERSON_ROWS].map((t) => {
    // Rekeyed rows of the survivor are replaced on undo, so they are kept too (and the survivor itself).
    const whose = t.how === 'rekey' ? '' : 'WHERE NOT mm.survivor'
    const row = t.table === 'form' ? `jsonb_build_object('id', x.id, 'person_id', x.person_id)` : 'to_jsonb(x)'
    return `s_${t.table} AS (SELECT mm.merge_id, jsonb_agg(${row}) AS rows
                 FROM members mm JOIN ${t.table} x ON x.province_code = $1 AND x.${t.column} = mm.person ${whose}
                GROUP BY mm.merge_id)`
  })
  const parts = ['person', ...PERSON_ROWS.map((t) => t.table)].map((t) => `'${t}', COALESCE(s_${t}.rows, '[]')`)
  const joins = ['person', ...PERSON_ROWS.map((t) => t.table)].map((t) => `LEFT JOIN s_${t} ON s_${t}.merge_id = m.merge_id`)
  return `WITH members AS (${members}),
    ${tables.join(',\n    ')},
    planned AS (SELECT merge_id, survivor, array_agg(absorbed) AS absorbed FROM merge_plan GROUP BY merge_id, survivor)
  SELECT m.merge_id, m.survivor, m.absorbed, jsonb_build_object(${parts.join(', ')}) AS snapshot
    FROM planned m ${joins.join(' ')}`
}

/** Records the planned merges as applied, with their snapshots (call before applyPlan). */
export async function recordMerges(
  db: Queryable,
  province: string,
  how: { origin: 'auto' | 'officer'; runId: string | null; requestedBy: string; approvedBy: string | null },
) {
  await db.query(
    `INSERT INTO person_merge (province_code, id, survivor_id, absorbed_ids, origin, run_id, state, snapshot, requested_by, approved_by, applied_at)
     SELECT $1, s.merge_id, s.survivor, s.absorbed, $2, $3, 'applied', s.snapshot, $4, $5, now()
       FROM (${snapshotSql()}) s
     ON CONFLICT (province_code, id) DO UPDATE
        SET state = 'applied', snapshot = EXCLUDED.snapshot, approved_by = EXCLUDED.approved_by, applied_at = now()`,
    [province, how.origin, how.runId, how.requestedBy, how.approvedBy],
  )
}

/** Carries every planned absorbed person's rows and missing values to its survivor, then removes it. */
export async function applyPlan(db: Queryable, province: string) {
  for (const t of PERSON_ROWS) {
    if (t.how === 'move') {
      await db.query(
        `UPDATE ${t.table} t SET ${t.column} = p.survivor FROM merge_plan p WHERE t.province_code = $1 AND t.${t.column} = p.absorbed`,
        [province],
      )
      continue
    }
    const columns = await writableColumns(db, t.table)
    const moved = columns.map((c) => (c === t.column ? 'p.survivor' : `t.${c}`))
    await db.query(
      `INSERT INTO ${t.table} (${columns.join(', ')})
       SELECT ${moved.join(', ')} FROM ${t.table} t JOIN merge_plan p ON t.${t.column} = p.absorbed WHERE t.province_code = $1
       ON CONFLICT DO NOTHING`,
      [province],
    )
    await db.query(`DELETE FROM ${t.table} t USING merge_plan p WHERE t.province_code = $1 AND t.${t.column} = p.absorbed`, [province])
  }
  // Each missing value from the earliest absorbed person that has it, with the form it came from.
  const picks = FILLED.flatMap((c) => [
    `(array_agg(a.${c} ORDER BY a.id) FILTER (WHERE a.${c} IS NOT NULL))[1] AS ${c}`,
    `(array_agg(COALESCE(a.provenance->>'${c}', a.origin_form_id::text) ORDER BY a.id) FILTER (WHERE a.${c} IS NOT NULL))[1] AS ${c}_form`,
  ])
  const sets = FILLED.map((c) => `${c} = COALESCE(s.${c}, v.${c})`)
  const provenance = FILLED.map((c) => `'${c}', CASE WHEN s.${c} IS NULL THEN v.${c}_form END`)
  await db.query(
    `UPDATE person s SET ${sets.join(', ')},
            birth_year = COALESCE(s.birth_year, v.birth_year), birth_month = CASE WHEN s.birth_year IS NULL THEN v.birth_month ELSE s.birth_month END,
            birth_day = CASE WHEN s.birth_year IS NULL THEN v.birth_day ELSE s.birth_day END,
            birth_precision = CASE WHEN s.birth_year IS NULL THEN v.birth_precision ELSE s.birth_precision END,
            provenance = s.provenance || jsonb_strip_nulls(jsonb_build_object(${provenance.join(', ')})),
            version = s.version + 1, updated_at = now()
       FROM (SELECT p.survivor, ${picks.join(', ')},
                    (array_agg(a.birth_year ORDER BY a.id) FILTER (WHERE a.birth_year IS NOT NULL))[1] AS birth_year,
                    (array_agg(a.birth_month ORDER BY a.id) FILTER (WHERE a.birth_year IS NOT NULL))[1] AS birth_month,
                    (array_agg(a.birth_day ORDER BY a.id) FILTER (WHERE a.birth_year IS NOT NULL))[1] AS birth_day,
                    (array_agg(a.birth_precision ORDER BY a.id) FILTER (WHERE a.birth_year IS NOT NULL))[1] AS birth_precision
               FROM merge_plan p JOIN person a ON a.province_code = $1 AND a.id = p.absorbed
              GROUP BY p.survivor) v
      WHERE s.province_code = $1 AND s.id = v.survivor`,
    [province],
  )
  await db.query('DELETE FROM person a USING merge_plan p WHERE a.province_code = $1 AND a.id = p.absorbed', [province])
}

/** Puts back every row one merge changed, from its snapshot. */
export async function restoreSnapshot(db: Queryable, province: string, survivor: string, snapshot: Record<string, unknown[]>) {
  const personColumns = await writableColumns(db, 'person')
  await db.query('DELETE FROM person WHERE province_code = $1 AND id = $2', [province, survivor])
  await db.query(
    `INSERT INTO person (${personColumns.join(', ')}) SELECT ${personColumns.join(', ')} FROM jsonb_populate_recordset(NULL::person, $1)`,
    [JSON.stringify(snapshot.person ?? [])],
  )
  for (const t of PERSON_ROWS) {
    const rows = JSON.stringify(snapshot[t.table] ?? [])
    if (t.how === 'move') {
      const match = t.key.map((k) => `t.${k} = s.${k}`).join(' AND ')
      await db.query(
        `UPDATE ${t.table} t SET ${t.column} = s.${t.column} FROM jsonb_populate_recordset(NULL::${t.table}, $2) s WHERE t.province_code = $1 AND ${match}`,
        [province, rows],
      )
      continue
    }
    // The survivor's rows at the snapshot's keys (its own, or copied from an absorbed person) go,
    // then the snapshot's rows come back.
    const others = t.key.filter((k) => k !== t.column)
    const match = others.map((k) => `t.${k} = s.${k}`).join(' AND ')
    await db.query(
      `DELETE FROM ${t.table} t USING jsonb_populate_recordset(NULL::${t.table}, $2) s WHERE t.province_code = $1 AND t.${t.column} = $3 AND ${match}`,
      [province, rows, survivor],
    )
    const columns = await writableColumns(db, t.table)
    await db.query(
      `INSERT INTO ${t.table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM jsonb_populate_recordset(NULL::${t.table}, $1)`,
      [rows],
    )
  }
}
