// The due lists' SQL and the cards people hold (table id_card, migration 20261127T1900): recording
// a card held from before coso, a person's cards, and the three door-to-door lists — reaching a
// renewal age, 14 or older without a valid card, card expired — each ONE query over the living
// register (persons and their stays of the day), whatever the number of units asked for.
import type { Queryable } from '../platform/db.ts'
import type { BirthWindow, DueList } from './due.ts'

// ——— cards ———

export interface CardRow {
  person_id: string
  issued_on: string
  /** null: the card does not expire. */
  expires_on: string | null
  personal_id: string
  /** The application that produced it; null for a card recorded from before coso. */
  application_id: string | null
  recorded_by: string
  recorded_at: string
}

const CARD_COLUMNS = `c.person_id, c.issued_on::text AS issued_on, c.expires_on::text AS expires_on, c.personal_id, c.application_id,
  c.recorded_by, to_char(c.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_at`

export interface NewCard {
  person_id: string
  issued_on: string
  expires_on: string | null
  personal_id: string
}

/** Records cards; one already recorded for the person on that day stays as it is. Returns the ones written. */
export async function insertCards(
  db: Queryable,
  province: string,
  cards: NewCard[],
  by: string,
): Promise<{ person_id: string; issued_on: string }[]> {
  if (cards.length === 0) return []
  const { rows } = await db.query<{ person_id: string; issued_on: string }>(
    `INSERT INTO id_card (province_code, person_id, issued_on, expires_on, personal_id, recorded_by)
     SELECT $1, c.person_id, c.issued_on, c.expires_on, c.personal_id, $6
       FROM unnest($2::uuid[], $3::date[], $4::date[], $5::text[]) AS c(person_id, issued_on, expires_on, personal_id)
     ON CONFLICT (province_code, person_id, issued_on) DO NOTHING
     RETURNING person_id, issued_on::text AS issued_on`,
    [
      province,
      cards.map((c) => c.person_id),
      cards.map((c) => c.issued_on),
      cards.map((c) => c.expires_on),
      cards.map((c) => c.personal_id),
      by,
    ],
  )
  return rows
}

export async function card(db: Queryable, province: string, personId: string, issuedOn: string): Promise<CardRow | undefined> {
  const { rows } = await db.query<CardRow>(
    `SELECT ${CARD_COLUMNS} FROM id_card c WHERE c.province_code = $1 AND c.person_id = $2 AND c.issued_on = $3`,
    [province, personId, issuedOn],
  )
  return rows[0]
}

/** A person's cards, the latest issued first. */
export async function cardsOf(db: Queryable, province: string, personId: string): Promise<CardRow[]> {
  const { rows } = await db.query<CardRow>(
    `SELECT ${CARD_COLUMNS} FROM id_card c WHERE c.province_code = $1 AND c.person_id = $2 ORDER BY c.issued_on DESC`,
    [province, personId],
  )
  return rows
}

export interface CardHolder {
  id: string
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  died_on: string | null
  personal_id: string | null
}

/** What recording a card needs of its holders (birth for the expiry, death, the number it carries). */
export async function cardHolders(db: Queryable, province: string, ids: string[]): Promise<CardHolder[]> {
  if (ids.length === 0) return []
  const { rows } = await db.query<CardHolder>(
    `SELECT p.id, p.birth_year, p.birth_month, p.birth_day, p.died_on::text AS died_on, p.personal_id
       FROM person p WHERE p.province_code = $1 AND p.id = ANY($2::uuid[])`,
    [province, ids],
  )
  return rows
}

// ——— the due lists ———
//
// Which card a person holds on a day is asked of id_card with EXISTS, not by finding the card in
// force first: a card's expiry only grows with its issue day (the card rules, from one birth
// date), so the card in force — the latest issued — is valid on a day, or outlasts a birthday,
// exactly when some card issued by then is. The planner may then answer for 20,000 persons by the
// index and for a million by one hash of the cards. The card in force itself is read for the rows
// a page or file shows, after the list is sorted.

export interface DueScope {
  province: string
  day: string
  /** Each recorded unit (code and era) → its line of today: a unit code, or `split:OLD` for a split commune's. */
  map: { code: string; era: number; line: string }[]
  /** The lines asked for and allowed; null: every line (the whole province). */
  lines: string[] | null
  /** The recorded units whose people can be on those lines (to narrow the scan); null: all. */
  recorded: { code: string; era: number }[] | null
  /** Renewal: the birth days reaching each renewal age in the stretch. */
  windows: BirthWindow[]
  /** Missing: born before this day, a person is 14 by the day (bornBefore). */
  adultBornBefore: string
}

class Params {
  readonly values: unknown[] = []
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

const ymd = (iso: string) => iso.split('-').map(Number) as [number, number, number]

/** The person columns the lists read: all of them in person_birth_idx (migration 20261127T1958), so no person row is read. */
const PERSON_COLUMNS =
  'p.province_code, p.id, p.birth_year, p.birth_month, p.birth_day, p.died_on, p.name_display, p.name_sort, p.sex, p.personal_id'

/**
 * Persons born in the renewal windows, as ranges of person_birth_idx: for each window, full dates
 * between its bounds, and dates known only to the year or the month that overlap them (checked
 * exactly by the window join). Three index ranges per window, which do not overlap, instead of
 * reading every person (the planner combines no OR of row comparisons into one index scan).
 */
function bornIn(windows: BirthWindow[], province: string, p: Params): string {
  const branches = windows.flatMap((w) => {
    const [fy, fm, fd] = ymd(w.born_from)
    const [ty, tm, td] = ymd(w.born_to)
    const [a, b, c, d, e, f] = [fy, fm, fd, ty, tm, td].map((n) => `${p.add(n)}::smallint`)
    // The plain year range says nothing new; it lets the planner estimate how many rows come (it
    // judges a row comparison by its first column alone, and took 20,000 persons for 500,000).
    return [
      `p.birth_day IS NOT NULL AND p.birth_year >= ${a} AND p.birth_year <= ${d}
         AND (p.birth_year, p.birth_month, p.birth_day) >= (${a}, ${b}, ${c}) AND (p.birth_year, p.birth_month, p.birth_day) < (${d}, ${e}, ${f})`,
      `p.birth_month IS NULL AND p.birth_year >= ${a} AND p.birth_year <= ${d}`,
      `p.birth_month IS NOT NULL AND p.birth_day IS NULL AND p.birth_year >= ${a} AND p.birth_year <= ${d}
         AND (p.birth_year, p.birth_month) >= (${a}, ${b}) AND (p.birth_year, p.birth_month) <= (${d}, ${e})`,
    ]
  })
  return `(${branches.map((b) => `SELECT ${PERSON_COLUMNS} FROM person p WHERE p.province_code = ${province} AND ${b}`).join('\n UNION ALL ')})`
}

/** A card issued by the day (alias c, on person p) that meets `when`. */
const cardWhere = (day: string, when: string) =>
  `EXISTS (SELECT 1 FROM id_card c WHERE c.province_code = p.province_code AND c.person_id = p.id AND c.issued_on <= ${day} AND ${when})`

/**
 * The part every list shares: the persons living on the day (their stay in force, not dead), the
 * line of today their stay counts in, the bounds of their birth (the earliest and latest day a
 * partial date allows), and for the renewal list the window they fall in with the (earliest
 * possible) day they reach its age.
 */
function dueFrom(scope: DueScope, p: Params, list: DueList): { from: string; where: string[]; day: string } {
  const province = p.add(scope.province)
  const day = `${p.add(scope.day)}::date`
  const persons = list === 'renewal' ? bornIn(scope.windows, province, p) : 'person'
  const from = [
    `stay s
     JOIN ${persons} p ON p.province_code = s.province_code AND p.id = s.person_id
     LEFT JOIN split_placement sp ON sp.province_code = s.province_code AND sp.subject_id = COALESCE(s.household_id, s.person_id)
          AND sp.old_code = s.unit_code AND s.era = 2024
     LEFT JOIN unnest(${p.add(scope.map.map((m) => m.code))}::text[], ${p.add(scope.map.map((m) => m.era))}::smallint[],
                      ${p.add(scope.map.map((m) => m.line))}::text[]) AS m(code, era, line)
          ON m.code = s.unit_code AND m.era = s.era
     CROSS JOIN LATERAL (
       SELECT CASE WHEN m.line LIKE 'split:%' THEN COALESCE(sp.unit_code, m.line) ELSE COALESCE(m.line, 'unknown:' || s.unit_code) END AS unit,
              make_date(p.birth_year, COALESCE(p.birth_month, 1), COALESCE(p.birth_day, 1)) AS born_lo,
              CASE WHEN p.birth_month IS NOT NULL AND p.birth_day IS NOT NULL THEN make_date(p.birth_year, p.birth_month, p.birth_day)
                   ELSE (make_date(p.birth_year, COALESCE(p.birth_month, 12), 1) + interval '1 month' - interval '1 day')::date END AS born_hi) x`,
  ]
  if (list === 'renewal') {
    const w = scope.windows
    from.push(
      `JOIN unnest(${p.add(w.map((x) => x.age))}::int[], ${p.add(w.map((x) => x.born_from))}::date[],
                     ${p.add(w.map((x) => x.born_to))}::date[]) AS w(age, born_from, born_to)
            ON x.born_lo < w.born_to AND x.born_hi >= w.born_from
       LEFT JOIN LATERAL (SELECT (greatest(x.born_lo, w.born_from) + make_interval(years => w.age))::date AS reaches) r ON true`,
    )
  }
  const where = [
    `s.province_code = ${province}`,
    `s.valid_from <= ${day}`,
    `s.valid_to > ${day}`,
    `(p.died_on IS NULL OR p.died_on > ${day})`,
  ]
  if (scope.recorded) {
    where.push(
      `(s.unit_code, s.era) IN (SELECT * FROM unnest(${p.add(scope.recorded.map((r) => r.code))}::text[], ${p.add(scope.recorded.map((r) => r.era))}::smallint[]))`,
    )
  }
  if (scope.lines) where.push(`x.unit = ANY(${p.add(scope.lines)}::text[])`)
  return { from: from.join('\n'), where, day }
}

/** A list's condition, on the aliases dueFrom sets (`day` is its parameter). */
function listCondition(list: DueList, day: string, scope: DueScope, p: Params): string {
  const valid = `(c.expires_on IS NULL OR c.expires_on >= ${day})`
  switch (list) {
    // Reaching the age in the stretch, unless the card in force outlasts that birthday (the 2-year rule) or never expires.
    case 'renewal':
      return `NOT ${cardWhere(day, '(c.expires_on IS NULL OR c.expires_on > r.reaches)')}`
    // May be 14 (the earliest possible birth day), or of unknown age; no card valid on the day.
    // (The birth compared as numbers with a bound: making a date for each of a million persons took
    // about as long as reading them.)
    case 'missing': {
      const [y, m, d] = ymd(scope.adultBornBefore).map((n) => `${p.add(n)}::smallint`)
      return `(p.birth_year IS NULL OR (p.birth_year, COALESCE(p.birth_month, 1::smallint), COALESCE(p.birth_day, 1::smallint)) < (${y}, ${m}, ${d}))
              AND NOT ${cardWhere(day, valid)}`
    }
    // A card issued by the day, none of them valid.
    case 'expired':
      return `${cardWhere(day, `c.expires_on < ${day}`)} AND NOT ${cardWhere(day, valid)}`
  }
}

export interface DueRecord {
  person_id: string
  name: string
  birth_year: number | null
  birth_month: number | null
  birth_day: number | null
  sex: 'M' | 'F' | null
  personal_id: string | null
  unit: string
  household_id: string | null
  address: string | null
  hamlet: string | null
  renewal_age: number | null
  renewal_on: string | null
  card_issued_on: string | null
  card_expires_on: string | null
  application_state: string | null
}

/** Door-to-door order over a list's rows (alias k). */
const ORDER = (k: string) =>
  `${k}.unit COLLATE "C", ${k}.hamlet_key COLLATE "C" NULLS LAST, ${k}.address COLLATE "C" NULLS LAST, ${k}.name_sort, ${k}.person_id`

/**
 * A list's rows in door-to-door order: by line (unit of today), hamlet (by name, then number: khu
 * 2 before khu 10; none last), address, then Vietnamese name order. The hamlet and its key are
 * stored with the household (migration 20261127T1958); a person in no household, or in one
 * without an address, has them read from the residence's detail. The card in force and an open
 * application are read for the rows kept (after `page`'s LIMIT).
 */
function listSql(list: DueList, scope: DueScope, p: Params, page: { limit: number; offset: number } | 'all'): string {
  const { from, where, day } = dueFrom(scope, p, list)
  const card = (k: string) => `LEFT JOIN LATERAL (SELECT c.issued_on, c.expires_on FROM id_card c
                       WHERE c.province_code = ${k}.province_code AND c.person_id = ${k}.id AND c.issued_on <= ${day}
                       ORDER BY c.issued_on DESC LIMIT 1) c ON true
            LEFT JOIN LATERAL (SELECT a.state FROM id_application a
                       WHERE a.province_code = ${k}.province_code AND a.person_id = ${k}.id AND a.state NOT IN ('handed_over', 'cancelled')
                       LIMIT 1) a ON true`
  const shown = 'c.issued_on::text AS card_issued_on, c.expires_on::text AS card_expires_on, a.state AS application_state'
  const renewal =
    list === 'renewal' ? 'w.age AS renewal_age, r.reaches::text AS renewal_on' : 'NULL::int AS renewal_age, NULL::text AS renewal_on'
  const found = `FROM ${from}
              LEFT JOIN household h ON h.province_code = s.province_code AND h.id = s.household_id
              CROSS JOIN LATERAL (
                SELECT CASE WHEN h.address IS NOT NULL THEN NULLIF(btrim(h.address), '') ELSE NULLIF(btrim(s.detail), '') END AS address,
                       CASE WHEN h.address IS NOT NULL THEN h.hamlet ELSE address_hamlet(s.detail) END AS hamlet,
                       CASE WHEN h.address IS NOT NULL THEN h.hamlet_key ELSE hamlet_sort_key(address_hamlet(s.detail)) END AS hamlet_key) ad`
  const conditions = [...where, listCondition(list, day, scope, p)].join('\n AND ')
  // A file shows every row: the person's values, the card in force and an open application are
  // read with the list, by the parallel workers that find it (the file is written from a table of
  // them: a cursor's own query would run without workers), and sorted as it is read. On the
  // missing and expired lists no card is valid, so the card in force is the latest expired one:
  // one hash of the expired cards, rather than 400,000 lookups by the leader alone.
  if (page === 'all') {
    const cardInForce =
      list === 'renewal'
        ? card('p')
        : `LEFT JOIN (SELECT DISTINCT ON (c.province_code, c.person_id) c.province_code, c.person_id, c.issued_on, c.expires_on
                        FROM id_card c WHERE c.expires_on < ${day} AND c.issued_on <= ${day}
                       ORDER BY c.province_code, c.person_id, c.issued_on DESC) c ON c.province_code = p.province_code AND c.person_id = p.id
            LEFT JOIN id_application a ON a.province_code = p.province_code AND a.person_id = p.id AND a.state NOT IN ('handed_over', 'cancelled')`
    return `SELECT p.id AS person_id, p.name_display AS name, p.birth_year, p.birth_month, p.birth_day, p.sex, p.personal_id, x.unit,
                   s.household_id, ad.address, ad.hamlet, ${renewal}, ${shown}, ad.hamlet_key, p.name_sort
              ${found}
              ${cardInForce}
             WHERE ${conditions}`
  }
  // A page: the list is found apart from its order (MATERIALIZED) — planned with the ORDER BY and
  // LIMIT of a page, the planner would read every stay in unit order hoping to stop after 100 rows
  // — kept to what it is sorted by, and the rest read for the page's rows alone.
  return `WITH due AS MATERIALIZED (
            SELECT p.province_code, p.id AS person_id, p.name_sort, x.unit, s.household_id, ad.address, ad.hamlet, ad.hamlet_key, ${renewal}
              ${found}
             WHERE ${conditions})
          SELECT k.person_id, pp.name_display AS name, pp.birth_year, pp.birth_month, pp.birth_day, pp.sex, pp.personal_id, k.unit, k.household_id,
                 k.address, k.hamlet, k.renewal_age, k.renewal_on, ${shown}, (SELECT count(*) FROM due)::int AS total
            FROM (SELECT due.* FROM due ORDER BY ${ORDER('due')} LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}) k
            JOIN person pp ON pp.province_code = k.province_code AND pp.id = k.person_id
            ${card('pp')}
           ORDER BY ${ORDER('k')}`
}

/** A page of a list, with how many rows the whole list has. */
export async function duePage(
  db: Queryable,
  list: DueList,
  scope: DueScope,
  limit: number,
  offset: number,
): Promise<{ rows: DueRecord[]; total: number }> {
  const p = new Params()
  const sql = listSql(list, scope, p, { limit, offset })
  const { rows } = await db.query<DueRecord & { total: number }>(sql, p.values)
  if (rows.length > 0 || offset === 0) {
    return { rows: rows.map(({ total: _t, ...r }) => r), total: rows[0]?.total ?? 0 }
  }
  return { rows: [], total: await dueCount(db, list, scope) }
}

export async function dueCount(db: Queryable, list: DueList, scope: DueScope): Promise<number> {
  const p = new Params()
  const { from, where, day } = dueFrom(scope, p, list)
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${from} WHERE ${[...where, listCondition(list, day, scope, p)].join(' AND ')}`,
    p.values,
  )
  return rows[0]?.n ?? 0
}

/**
 * The whole list, read in slices through a cursor of the caller's transaction (which must be
 * open), so memory stays flat however long it is. The list is first written to a temporary
 * table, dropped at the end of the transaction, and read from it in door-to-door order.
 */
export async function openDueCursor(
  db: Queryable,
  list: DueList,
  scope: DueScope,
  slice: number,
): Promise<{ total: number; next(): Promise<DueRecord[]>; close(): Promise<void> }> {
  const p = new Params()
  const written = await db.query(`CREATE TEMPORARY TABLE due_file ON COMMIT DROP AS ${listSql(list, scope, p, 'all')}`, p.values)
  // Sorted in memory: a province's missing list (400,000 rows, about 100 MB) went to disk at 64 MB.
  await db.query("SET LOCAL work_mem = '256MB'")
  await db.query(
    `DECLARE due_list NO SCROLL CURSOR FOR
     SELECT k.person_id, k.name, k.birth_year, k.birth_month, k.birth_day, k.sex, k.personal_id, k.unit, k.household_id, k.address, k.hamlet,
            k.renewal_age, k.renewal_on, k.card_issued_on, k.card_expires_on, k.application_state
       FROM due_file k ORDER BY ${ORDER('k')}`,
  )
  return {
    total: written.rowCount ?? 0,
    async next() {
      return (await db.query<DueRecord>(`FETCH FORWARD ${Math.max(1, Math.floor(slice))} FROM due_list`)).rows
    },
    async close() {
      await db.query('CLOSE due_list')
      await db.query('DROP TABLE due_file')
    },
  }
}

export interface DueCounts {
  unit: string
  renewal: number
  missing: number
  expired: number
}

/**
 * The three lists' sizes per line. The renewal list is counted by its own query (birth-day
 * ranges); the missing and expired ones together, in one pass over the residents without a valid
 * card — those who hold an expired card found by one hash of the expired cards.
 */
export async function dueCounts(db: Queryable, scope: DueScope): Promise<DueCounts[]> {
  const out = new Map<string, DueCounts>()
  const add = (unit: string, list: DueList, n: number) => {
    const line = out.get(unit) ?? { unit, renewal: 0, missing: 0, expired: 0 }
    line[list] += n
    out.set(unit, line)
  }
  {
    const p = new Params()
    const { from, where, day } = dueFrom(scope, p, 'renewal')
    const { rows } = await db.query<{ unit: string; n: number }>(
      `SELECT x.unit, count(*)::int AS n FROM ${from} WHERE ${[...where, listCondition('renewal', day, scope, p)].join(' AND ')} GROUP BY x.unit`,
      p.values,
    )
    for (const r of rows) add(r.unit, 'renewal', r.n)
  }
  const p = new Params()
  const { from, where, day } = dueFrom(scope, p, 'missing')
  const [y, m, d] = ymd(scope.adultBornBefore).map((n) => `${p.add(n)}::smallint`)
  const adult = `(p.birth_year IS NULL OR (p.birth_year, COALESCE(p.birth_month, 1::smallint), COALESCE(p.birth_day, 1::smallint)) < (${y}, ${m}, ${d}))`
  const { rows } = await db.query<{ unit: string; missing: number; expired: number }>(
    `SELECT x.unit, count(*) FILTER (WHERE ${adult})::int AS missing, count(e.person_id)::int AS expired
       FROM ${from}
       LEFT JOIN (SELECT DISTINCT c.province_code, c.person_id FROM id_card c WHERE c.issued_on <= ${day} AND c.expires_on < ${day}) e
            ON e.province_code = p.province_code AND e.person_id = p.id
      WHERE ${where.join(' AND ')} AND NOT ${cardWhere(day, `(c.expires_on IS NULL OR c.expires_on >= ${day})`)}
        AND (${adult} OR e.person_id IS NOT NULL)
      GROUP BY x.unit`,
    p.values,
  )
  for (const r of rows) {
    add(r.unit, 'missing', r.missing)
    add(r.unit, 'expired', r.expired)
  }
  return [...out.values()]
}

/**
 * Work memory for one list or count, within its transaction: sorting a province's list of
 * 400,000 rows, or hashing its cards, in memory rather than in files (the server's default is 4 MB).
 */
export async function roomForLists(db: Queryable): Promise<void> {
  await db.query("SET LOCAL work_mem = '64MB'")
  await db.query('SET LOCAL random_page_cost = 1.1')
}
