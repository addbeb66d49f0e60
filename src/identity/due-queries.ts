// The due lists' SQL and the cards people hold (table id_card, migration 20261127T1900): recording
// a card held from before coso, a person's cards, and the three door-to-door lists — reaching a
// renewal age, 14 or older without a valid card, card expired — each ONE query over the living
// register (persons and their stays of the day), whatever the number of units asked for.
import type { Queryable } from '../platform/db.ts'
import { type BirthWindow, type DueList, HAMLET_PATTERNS } from './due.ts'

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

/**
 * Vietnamese letters and the ASCII letter each folds to: hamlets and addresses are ordered by
 * lower(translate(…)), which needs no ICU nor unaccent and behaves the same on both engines.
 */
const VI_LOWER = 'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ'
const VI_FROM = VI_LOWER + VI_LOWER.toUpperCase()
const VI_TO = [...VI_FROM].map((ch) => (ch === 'đ' || ch === 'Đ' ? 'd' : (ch.normalize('NFD')[0] as string).toLowerCase())).join('')

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
}

class Params {
  readonly values: unknown[] = []
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

/**
 * The part every list shares: the persons living on the day (their stay in force, not dead), the
 * line of today their stay counts in, the bounds of their birth (the earliest and latest day a
 * partial date allows), their card in force on the day (the latest issued by then), and for the
 * renewal list the window they fall in with the (earliest possible) day they reach its age.
 */
function dueFrom(scope: DueScope, p: Params, withWindows: 'inner' | 'left' | 'none'): { from: string; where: string[]; day: string } {
  const province = p.add(scope.province)
  const day = `${p.add(scope.day)}::date`
  const from = [
    `stay s
     JOIN person p ON p.province_code = s.province_code AND p.id = s.person_id
     LEFT JOIN split_placement sp ON sp.province_code = s.province_code AND sp.subject_id = COALESCE(s.household_id, s.person_id)
          AND sp.old_code = s.unit_code AND s.era = 2024
     LEFT JOIN unnest(${p.add(scope.map.map((m) => m.code))}::text[], ${p.add(scope.map.map((m) => m.era))}::smallint[],
                      ${p.add(scope.map.map((m) => m.line))}::text[]) AS m(code, era, line)
          ON m.code = s.unit_code AND m.era = s.era
     CROSS JOIN LATERAL (
       SELECT CASE WHEN m.line LIKE 'split:%' THEN COALESCE(sp.unit_code, m.line) ELSE COALESCE(m.line, 'unknown:' || s.unit_code) END AS unit,
              make_date(p.birth_year, COALESCE(p.birth_month, 1), COALESCE(p.birth_day, 1)) AS born_lo,
              CASE WHEN p.birth_month IS NOT NULL AND p.birth_day IS NOT NULL THEN make_date(p.birth_year, p.birth_month, p.birth_day)
                   ELSE (make_date(p.birth_year, COALESCE(p.birth_month, 12), 1) + interval '1 month' - interval '1 day')::date END AS born_hi) x
     LEFT JOIN id_card c ON c.province_code = p.province_code AND c.person_id = p.id AND c.issued_on <= ${day}
          AND NOT EXISTS (SELECT 1 FROM id_card n WHERE n.province_code = c.province_code AND n.person_id = c.person_id
                             AND n.issued_on > c.issued_on AND n.issued_on <= ${day})`,
  ]
  if (withWindows !== 'none') {
    const w = scope.windows
    from.push(
      `${withWindows === 'inner' ? 'JOIN' : 'LEFT JOIN'} unnest(${p.add(w.map((x) => x.age))}::int[], ${p.add(w.map((x) => x.born_from))}::date[],
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

/** Each list's condition, on the aliases dueFrom sets (`day` is its parameter). */
function listCondition(list: DueList, day: string): string {
  switch (list) {
    // Reaching the age in the stretch, unless the card in force outlasts that birthday (the 2-year rule) or never expires.
    case 'renewal':
      return 'w.age IS NOT NULL AND NOT (c.issued_on IS NOT NULL AND (c.expires_on IS NULL OR c.expires_on > r.reaches))'
    // May be 14 (the earliest possible birth day), or of unknown age; no card, or the one in force expired.
    case 'missing':
      return `(p.birth_year IS NULL OR (x.born_lo + interval '14 years')::date <= ${day}) AND (c.issued_on IS NULL OR c.expires_on < ${day})`
    case 'expired':
      return `c.expires_on < ${day}`
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

/**
 * A list's rows in door-to-door order: by line (unit of today), hamlet (by its name, then its
 * number: khu 2 before khu 10; none last), address, then Vietnamese name order.
 */
function listSql(list: DueList, scope: DueScope, p: Params, extra = ''): string {
  const { from, where, day } = dueFrom(scope, p, list === 'renewal' ? 'inner' : 'none')
  const viFrom = p.add(VI_FROM)
  const viTo = p.add(VI_TO)
  return `SELECT p.id AS person_id, p.name_display AS name, p.birth_year, p.birth_month, p.birth_day, p.sex, p.personal_id,
                 x.unit, s.household_id, ad.address, hm.hamlet,
                 ${list === 'renewal' ? 'w.age AS renewal_age, r.reaches::text AS renewal_on' : 'NULL::int AS renewal_age, NULL::text AS renewal_on'},
                 c.issued_on::text AS card_issued_on, c.expires_on::text AS card_expires_on, a.state AS application_state${extra}
            FROM ${from}
            LEFT JOIN household h ON h.province_code = s.province_code AND h.id = s.household_id
            LEFT JOIN id_application a ON a.province_code = p.province_code AND a.person_id = p.id AND a.state NOT IN ('handed_over', 'cancelled')
            CROSS JOIN LATERAL (SELECT NULLIF(btrim(COALESCE(h.address, s.detail)), '') AS address) ad
            CROSS JOIN LATERAL (
              SELECT regexp_replace(btrim(COALESCE(substring(ad.address from ${p.add(HAMLET_PATTERNS.main)}),
                                                   substring(ad.address from ${p.add(HAMLET_PATTERNS.block)}))), '\\s+', ' ', 'g') AS hamlet) hm
            CROSS JOIN LATERAL (SELECT lower(translate(hm.hamlet, ${viFrom}, ${viTo})) AS hamlet, lower(translate(ad.address, ${viFrom}, ${viTo})) AS address) k
           WHERE ${[...where, listCondition(list, day)].join(' AND ')}
           ORDER BY x.unit COLLATE "C", k.hamlet IS NULL, regexp_replace(k.hamlet, '[0-9].*$', '') COLLATE "C",
                    substring(k.hamlet from '[0-9]{1,9}')::int NULLS FIRST, k.hamlet COLLATE "C", k.address COLLATE "C" NULLS LAST, p.name_sort, p.id`
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
  const sql = listSql(list, scope, p, ', count(*) OVER ()::int AS total')
  const { rows } = await db.query<DueRecord & { total: number }>(`${sql} LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`, p.values)
  if (rows.length > 0 || offset === 0) {
    return { rows: rows.map(({ total: _t, ...r }) => r), total: rows[0]?.total ?? 0 }
  }
  return { rows: [], total: await dueCount(db, list, scope) }
}

export async function dueCount(db: Queryable, list: DueList, scope: DueScope): Promise<number> {
  const p = new Params()
  const { from, where, day } = dueFrom(scope, p, list === 'renewal' ? 'inner' : 'none')
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${from} WHERE ${[...where, listCondition(list, day)].join(' AND ')}`,
    p.values,
  )
  return rows[0]?.n ?? 0
}

/**
 * The whole list through a cursor of the caller's transaction (which must be open): the list is
 * sorted once by the database, then read in slices, so memory stays flat however long it is.
 * Returns how many rows it has, and reads them on.
 */
export async function openDueCursor(
  db: Queryable,
  list: DueList,
  scope: DueScope,
): Promise<{ total: number; next(n: number): Promise<DueRecord[]>; close(): Promise<void> }> {
  const p = new Params()
  const name = 'due_list'
  await db.query(`DECLARE ${name} SCROLL CURSOR FOR ${listSql(list, scope, p)}`, p.values)
  const moved = await db.query(`MOVE FORWARD ALL IN ${name}`)
  await db.query(`MOVE ABSOLUTE 0 IN ${name}`)
  return {
    total: moved.rowCount ?? 0,
    async next(n: number) {
      return (await db.query<DueRecord>(`FETCH FORWARD ${Math.max(1, Math.floor(n))} FROM ${name}`)).rows
    },
    async close() {
      await db.query(`CLOSE ${name}`)
    },
  }
}

export interface DueCounts {
  unit: string
  renewal: number
  missing: number
  expired: number
}

/** The three lists' sizes per line, in one pass over the living register. */
export async function dueCounts(db: Queryable, scope: DueScope): Promise<DueCounts[]> {
  const p = new Params()
  const { from, where, day } = dueFrom(scope, p, 'left')
  const { rows } = await db.query<DueCounts>(
    `SELECT x.unit, count(*) FILTER (WHERE ${listCondition('renewal', day)})::int AS renewal,
            count(*) FILTER (WHERE ${listCondition('missing', day)})::int AS missing,
            count(*) FILTER (WHERE ${listCondition('expired', day)})::int AS expired
       FROM ${from}
      WHERE ${where.join(' AND ')}
      GROUP BY x.unit`,
    p.values,
  )
  return rows
}
