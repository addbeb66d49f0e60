// Life events in bulk, for the benches of the living register (bench/population.ts and
// bench/event-write.ts): about three years of births, deaths, moves and temporary residences on a
// register imported from generated forms, written with COPY — not through recordEventIn, one
// transaction per event, which bench/event-write.ts measures. Every life that changes is derived
// by the events module's own deriveLife from the person's recorded stay and the new events, so
// the stays, event rows and person rows are what recording the events one by one would leave
// (an event deriveLife refuses is a bug of this file and stops the fill).
//
// Rates per year of the persons in the register (plausible for Quảng Ninh, not measured): births
// 15 ‰ (to women of 18–45, into their household), deaths 7 ‰ (weighted toward the old), moves
// 3 % (a tenth out of the province; the rest into another unit, half of them into an existing
// household there), temporary residences 2 % (3 to 24 months in another unit). Events are dated
// uniformly over the `years` before today; a person has at most one event of each kind, nothing
// after a death or a move out of the province, and no birth after the mother's. About half of the
// households of the communes the 2025 reform split are placed in one of their successors, as
// officers would have done.
import type pg from 'pg'
import { deriveLife, type EventKind, type LifeEvent, type Place, type Stay, stayOn } from '../src/events/derive.ts'
import { bornFrom } from '../src/events/service.ts'
import { eraDate, today } from '../src/geo/eras.ts'
import { type Gazetteer, gazetteer } from '../src/geo/service.ts'
import { GIVEN_FEMALE, GIVEN_MALE } from '../src/intake/names.ts'
import { normalizeName, splitName } from '../src/intake/values.ts'
import { provinceCode } from '../src/platform/config.ts'
import { type CopyValue, copyInto } from '../src/platform/copy.ts'
import type { Db } from '../src/platform/db.ts'
import { uuidv7 } from '../src/platform/ids.ts'
import { unitToday } from '../src/register/service.ts'
import { foldKey } from '../src/text/vietnamese.ts'

/** Who wrote the bulk events: how a database tells it has them already. */
export const BULK_OFFICER = 'bench.events'

export interface FillOptions {
  years?: number
  seed?: number
  /** Per person and year. */
  rates?: { birth: number; death: number; move: number; temporary: number }
  log?: (line: string) => void
}

export interface FillReport {
  window: { from: string; to: string }
  events: Record<string, number>
  persons_changed: number
  persons_born: number
  stays_written: number
  placements: number
  seconds: number
}

const DAY = 86_400_000
const dayNo = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY
const isoOf = (n: number) => new Date(n * DAY).toISOString().slice(0, 10)
const addYears = (iso: string, years: number) => `${String(Number(iso.slice(0, 4)) + years).padStart(4, '0')}${iso.slice(4)}`

/** mulberry32: small, fast and deterministic. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    chance: (p: number) => next() < p,
    int: (n: number) => Math.floor(next() * n),
    /** A day in [from, to), as a day number; null when the range is empty. */
    day: (from: number, to: number) => (to > from ? from + Math.floor(next() * (to - from)) : null),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
  }
}

interface Resident {
  id: string
  born: string | null
  sex: 'M' | 'F' | null
  name: string
  personal_id: string | null
  recorded: Place
  household: { id: string; unit_code: string; era: number; address: string | null } | null
}

const EVENT_COLUMNS = ['province_code', 'id', 'kind', 'person_id', 'household_id', 'effective_on', 'recorded_at', 'officer', 'details']
const STAY_COLUMNS = [
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
  'event_id',
]
const BORN_COLUMNS = [
  'province_code',
  'id',
  'full_name',
  'name_display',
  'family_fold',
  'given_fold',
  'name_fold',
  'birth_year',
  'birth_month',
  'birth_day',
  'birth_precision',
  'sex',
  'nationality',
  'marital_status',
  'unit_code',
  'unit_era',
  'origin_event_id',
  'confirmed_on',
]

/** A newborn's relation to the head, from the mother's. */
function childOf(mother: string | null): string {
  if (mother === 'Chủ hộ' || mother === 'Vợ') return 'Con'
  if (mother === 'Con' || mother === 'Con dâu') return 'Cháu'
  return 'Khác'
}

/** Reads the register's persons with their recorded stay, household by household. */
async function residents(db: Db, log: (line: string) => void): Promise<Resident[]> {
  const out: Resident[] = []
  const client = await db.pool.connect()
  try {
    await client.query('BEGIN READ ONLY')
    await client.query(
      `DECLARE r NO SCROLL CURSOR FOR
       SELECT s.person_id, s.unit_code, s.era, s.detail, s.household_id, s.relation_to_head,
              p.birth_year, p.birth_month, p.birth_day, p.sex, p.name_display, p.personal_id,
              h.unit_code AS h_unit, h.era AS h_era, h.address AS h_address
         FROM stay s
         JOIN person p ON p.province_code = s.province_code AND p.id = s.person_id
         LEFT JOIN household h ON h.province_code = s.province_code AND h.id = s.household_id
        WHERE s.province_code = $1 AND s.seq = 0 AND s.event_id IS NULL
        ORDER BY s.household_id, s.person_id`,
      [provinceCode()],
    )
    for (;;) {
      const { rows } = await client.query<{
        person_id: string
        unit_code: string
        era: number
        detail: string | null
        household_id: string | null
        relation_to_head: string | null
        birth_year: number | null
        birth_month: number | null
        birth_day: number | null
        sex: 'M' | 'F' | null
        name_display: string
        personal_id: string | null
        h_unit: string | null
        h_era: number | null
        h_address: string | null
      }>('FETCH 50000 FROM r')
      if (rows.length === 0) break
      for (const r of rows) {
        out.push({
          id: r.person_id,
          born: bornFrom(r),
          sex: r.sex,
          name: r.name_display,
          personal_id: r.personal_id,
          recorded: {
            unit_code: r.unit_code,
            era: r.era,
            detail: r.detail,
            household_id: r.household_id,
            relation_to_head: r.relation_to_head,
          },
          household:
            r.household_id && r.h_unit !== null && r.h_era !== null
              ? { id: r.household_id, unit_code: r.h_unit, era: r.h_era, address: r.h_address }
              : null,
        })
      }
      if (out.length % 250_000 === 0) log(`events fill: ${out.length.toLocaleString('en')} persons read`)
    }
    await client.query('COMMIT')
  } finally {
    client.release()
  }
  return out
}

/** Adds the bulk events to the register of `db` (which must have none of them yet). */
export async function addEvents(db: Db, options: FillOptions = {}): Promise<FillReport> {
  const started = performance.now()
  const log = options.log ?? (() => {})
  const years = options.years ?? 3
  const rates = options.rates ?? { birth: 0.015, death: 0.007, move: 0.03, temporary: 0.02 }
  const r = rng(options.seed ?? 27)
  const province = provinceCode()
  const to = today()
  const from = addYears(to, -years)
  const start = dayNo(from)
  const end = dayNo(to)
  const g = await gazetteer(db.kysely)
  // The communes in force on a day, by month (the maps changed on the 1st of a month).
  const communes = new Map<string, string[]>()
  const communesOn = (day: number) => {
    const iso = isoOf(day)
    const key = iso.slice(0, 7)
    let list = communes.get(key)
    if (!list) {
      list = g.index.list({ on: `${key}-01`, province, level: 'commune' }).map((u) => u.code)
      communes.set(key, list)
    }
    return list
  }
  const unitOn = (day: number, not: string) => {
    const list = communesOn(day)
    for (;;) {
      const code = r.pick(list)
      if (code !== not) return { code, era: day < dayNo('2025-07-01') ? 2024 : 2025 }
    }
  }

  const people = await residents(db, log)
  const n = people.length
  const ageOn = (p: Resident, day: number) => (p.born ? (day - dayNo(p.born)) / 365.25 : null)
  const mid = Math.floor((start + end) / 2)
  const weight = (p: Resident) => {
    const age = ageOn(p, mid)
    return age === null || age < 60 ? 1 : age < 75 ? 6 : 20
  }
  const totalWeight = people.reduce((s, p) => s + weight(p), 0)
  const deathScale = (n * rates.death * years) / totalWeight
  // A woman can give birth between 18 and 45 within the window.
  const fertile = (p: Resident): [number, number] | null => {
    if (p.sex !== 'F' || !p.born || !p.household) return null
    const a = Math.max(start, dayNo(addYears(p.born, 18)))
    const b = Math.min(end, dayNo(addYears(p.born, 45)))
    return b > a ? [a, b] : null
  }
  const fertileYears = people.reduce((s, p) => {
    const f = fertile(p)
    return f ? s + (f[1] - f[0]) / 365.25 : s
  }, 0)
  const birthPerYear = (n * rates.birth * years) / Math.max(1, fertileYears)
  // Destinations of moves into a household: a sample of the households.
  const households: NonNullable<Resident['household']>[] = []
  const seen = new Set<string>()
  for (const p of people) {
    if (p.household && !seen.has(p.household.id) && r.chance(0.05)) {
      seen.add(p.household.id)
      households.push(p.household)
    }
  }
  seen.clear()

  const counts: Record<string, number> = { birth: 0, death: 0, move: 0, temporary_residence: 0 }
  const eventRows: CopyValue[][] = []
  const stayRows: CopyValue[][] = []
  const bornRows: CopyValue[][] = []
  const relationRows: CopyValue[][] = []
  const changed: { id: string; unit_code: string | null; era: number | null; died_on: string | null; confirmed_on: string }[] = []
  const recordedAt = (day: number) => {
    // Recorded within a fortnight (never after now), during office hours.
    const at = Math.min(Date.now() - 60_000, (day + r.int(15)) * DAY + (1 + r.int(9)) * 3_600_000 + r.int(3_600_000))
    return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
  }
  const addEvent = (kind: EventKind, day: number, person: string, household: string | null, details: Record<string, unknown>) => {
    const id = uuidv7()
    const at = recordedAt(day)
    eventRows.push([province, id, kind, person, household, isoOf(day), at, BULK_OFFICER, details])
    counts[kind] = (counts[kind] ?? 0) + 1
    const e: LifeEvent = { id, kind, effective_on: isoOf(day), recorded_at: at }
    return e
  }
  const writeStays = (person: string, stays: Stay[]) => {
    stays.forEach((s, seq) => {
      stayRows.push([
        province,
        person,
        seq,
        s.valid_from,
        s.valid_to,
        s.kind,
        s.unit_code,
        s.era,
        s.household_id,
        s.relation_to_head,
        s.detail,
        s.event_id,
      ])
    })
  }
  const refusal = (who: string, problems: { code: string; en: string }[]) =>
    new Error(`events fill: deriveLife refused an event of ${who}: ${problems.map((x) => `${x.code} ${x.en}`).join('; ')}`)

  let i = 0
  while (i < n) {
    // One household at a time (persons without one are each their own group).
    const first = people[i] as Resident
    let j = i + 1
    if (first.household) while (j < n && people[j]?.household?.id === first.household.id) j++
    const group = people.slice(i, j)
    i = j
    // Each member's own events: the day after which nothing happens to them (death, move out).
    const lastDay = new Map<string, number>()
    for (const p of group) {
      const born = p.born ? Math.max(start, dayNo(p.born) + 1) : start
      const life: LifeEvent[] = []
      let stop = end
      let confirmed = 0
      if (r.chance(deathScale * weight(p))) {
        const day = r.day(born, end)
        if (day !== null) {
          life.push(addEvent('death', day, p.id, null, {}))
          stop = day
        }
      }
      if (r.chance(rates.move * years)) {
        const day = r.day(born, stop)
        if (day !== null) {
          const kind = r.next()
          let details: Record<string, unknown>
          if (kind < 0.1) {
            details = { place: null, outside: r.pick(['Hà Nội', 'Hải Phòng', 'Bắc Giang', 'Thành phố Hồ Chí Minh', 'Hải Dương']) }
            stop = day
          } else {
            const h = kind < 0.55 ? r.pick(households) : undefined
            if (h && h.unit_code !== p.recorded.unit_code && h.id !== p.recorded.household_id) {
              const relation = r.pick(['Con dâu', 'Con rể', 'Cháu', 'Khác', null])
              details = {
                place: { unit_code: h.unit_code, era: h.era, detail: h.address, household_id: h.id, relation_to_head: relation },
                outside: null,
              }
            } else {
              const u = unitOn(day, p.recorded.unit_code)
              details = {
                place: {
                  unit_code: u.code,
                  era: u.era,
                  detail: `Số ${1 + r.int(200)}, tổ ${1 + r.int(30)}`,
                  household_id: null,
                  relation_to_head: null,
                },
                outside: null,
              }
            }
          }
          const e = addEvent('move', day, p.id, null, details)
          e.place = details.place as Place | null
          life.push(e)
        }
      }
      if (r.chance(rates.temporary * years)) {
        const day = r.day(born, stop)
        if (day !== null) {
          const u = unitOn(day, p.recorded.unit_code)
          const until = isoOf(day + 90 + r.int(640))
          const place: Place = {
            unit_code: u.code,
            era: u.era,
            detail: `Phòng trọ ${1 + r.int(40)}, số ${1 + r.int(300)}`,
            household_id: null,
            relation_to_head: null,
          }
          const e = addEvent('temporary_residence', day, p.id, null, { place, until })
          e.place = place
          e.until = until
          life.push(e)
        }
      }
      lastDay.set(p.id, stop)
      if (life.length === 0) continue
      const derived = deriveLife({ born_from: p.born, sex: p.sex, married: false, recorded: p.recorded }, life)
      if (derived.problems.length > 0) throw refusal(p.id, derived.problems)
      writeStays(p.id, derived.stays)
      for (const e of life) confirmed = Math.max(confirmed, dayNo(e.effective_on))
      // As saveLife: someone who left the province lives in none of its units; the dead keep their last one.
      const now = stayOn(derived.stays, to) ?? (derived.died_on ? derived.stays.at(-1) : undefined)
      changed.push({
        id: p.id,
        unit_code: now?.unit_code ?? null,
        era: now?.era ?? null,
        died_on: derived.died_on,
        confirmed_on: isoOf(Math.min(end, confirmed + 7)),
      })
    }
    // Births into the household, to its women of 18–45, before anything ends their life here.
    const home = first.household
    if (!home) continue
    const head = group.find((p) => p.recorded.relation_to_head === 'Chủ hộ') ?? first
    for (const mother of group) {
      const f = fertile(mother)
      if (!f) continue
      const until = Math.min(f[1], lastDay.get(mother.id) ?? end)
      if (!r.chance((birthPerYear * (f[1] - f[0])) / 365.25)) continue
      const day = r.day(f[0], until)
      if (day === null) continue
      const sex = r.chance(0.51) ? 'M' : 'F'
      const family = splitName(head.sex === 'M' ? head.name : mother.name).family || 'Nguyễn'
      const given = r.pick(sex === 'M' ? GIVEN_MALE : GIVEN_FEMALE)[0]
      const name = normalizeName(
        `${family} ${sex === 'M' ? r.pick(['Văn', 'Đức', 'Minh', 'Quang']) : r.pick(['Thị', 'Ngọc', 'Thu', 'Khánh'])} ${given}`,
      )
      const parts = splitName(name)
      const id = uuidv7()
      const place: Place = {
        unit_code: home.unit_code,
        era: home.era,
        detail: home.address,
        household_id: home.id,
        relation_to_head: childOf(mother.recorded.relation_to_head),
      }
      const e = addEvent('birth', day, id, home.id, { place, father_id: null, mother_id: mother.id, full_name: name, sex })
      e.place = place
      const iso = isoOf(day)
      const derived = deriveLife({ born_from: iso, sex, married: false, recorded: null }, [e])
      if (derived.problems.length > 0) throw refusal(id, derived.problems)
      writeStays(id, derived.stays)
      const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
      bornRows.push([
        province,
        id,
        name,
        name,
        foldKey(parts.family),
        foldKey(parts.given),
        foldKey(name),
        y,
        m,
        d,
        'day',
        sex,
        'Việt Nam',
        'Chưa kết hôn',
        home.unit_code,
        home.era,
        e.id,
        isoOf(Math.min(end, day + 7)),
      ])
      relationRows.push([province, id, 'mother', e.id, mother.name, mother.personal_id])
    }
  }
  log(
    `events fill: ${eventRows.length.toLocaleString('en')} events decided (${JSON.stringify(counts)}); writing ${stayRows.length.toLocaleString('en')} stays`,
  )

  let placements = 0
  const client = await db.pool.connect()
  try {
    await client.query('BEGIN')
    const CHUNK = 20_000
    for (let k = 0; k < changed.length; k += CHUNK) {
      const part = changed.slice(k, k + CHUNK)
      await client.query('DELETE FROM stay WHERE province_code = $1 AND person_id = ANY($2::uuid[])', [province, part.map((c) => c.id)])
      await client.query(
        `UPDATE person p SET unit_code = u.unit_code, unit_era = u.era, died_on = u.died_on, confirmed_on = u.confirmed_on,
                version = version + 1, updated_at = now()
           FROM unnest($2::uuid[], $3::text[], $4::smallint[], $5::date[], $6::date[]) AS u(id, unit_code, era, died_on, confirmed_on)
          WHERE p.province_code = $1 AND p.id = u.id`,
        [
          province,
          part.map((c) => c.id),
          part.map((c) => c.unit_code),
          part.map((c) => c.era),
          part.map((c) => c.died_on),
          part.map((c) => c.confirmed_on),
        ],
      )
    }
    for (const [table, columns, rows] of [
      ['stay', STAY_COLUMNS, stayRows],
      ['event', EVENT_COLUMNS, eventRows],
      ['person', BORN_COLUMNS, bornRows],
      ['relationship', ['province_code', 'person_id', 'kind', 'form_id', 'related_name', 'related_national_id'], relationRows],
    ] as const) {
      for (let k = 0; k < rows.length; k += CHUNK) await copyInto(db, client, table, [...columns], rows.slice(k, k + CHUNK))
    }
    placements = await placeSplitHouseholds(g, client, r.next)
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    // Released before anything else is asked of the pool: PGlite has one connection.
    client.release()
  }
  for (const table of ['stay', 'event', 'person', 'split_placement']) await db.pool.query(`VACUUM ANALYZE ${table}`)
  return {
    window: { from, to },
    events: counts,
    persons_changed: changed.length,
    persons_born: bornRows.length,
    stays_written: stayRows.length,
    placements,
    seconds: (performance.now() - started) / 1000,
  }
}

/** About half of the households (and persons without one) of each split commune, placed by hamlet-like halves. */
async function placeSplitHouseholds(g: Gazetteer, client: pg.PoolClient, random: () => number): Promise<number> {
  const split = g.index
    .list({ on: eraDate(2024), province: provinceCode(), level: 'commune' })
    .map((u) => ({ code: u.code, t: unitToday(g, u.code, 2024, null) }))
    .filter((u) => u.t.unit === null && u.t.candidates.length > 1)
  let placed = 0
  for (const u of split) {
    const { rowCount } = await client.query(
      `INSERT INTO split_placement (province_code, subject_id, old_code, unit_code, placed_by)
       SELECT DISTINCT s.province_code, COALESCE(s.household_id, s.person_id), s.unit_code,
              ($3::text[])[1 + abs(hashtext(COALESCE(s.household_id, s.person_id)::text || $4::text)) % cardinality($3::text[])], $5
         FROM stay s
        WHERE s.province_code = $1 AND s.era = 2024 AND s.unit_code = $2 AND abs(hashtext(COALESCE(s.household_id, s.person_id)::text)) % 2 = 0
       ON CONFLICT DO NOTHING`,
      [provinceCode(), u.code, u.t.candidates, String(random()), BULK_OFFICER],
    )
    placed += rowCount ?? 0
  }
  return placed
}

/** Whether the register of `db` has the bulk events already. */
export async function hasBulkEvents(db: Db): Promise<boolean> {
  const { rows } = await db.pool.query('SELECT 1 FROM event WHERE officer = $1 LIMIT 1', [BULK_OFFICER])
  return rows.length > 0
}
