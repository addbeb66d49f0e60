// Due lists for the whole province (issue 8: under 2 s on PostgreSQL for 1.4 million persons):
// each list as the API computes it — the first JSON page with the list's total (duePage), and the
// whole list streamed as the CSV file (writeDueList) — renewal at 3 and 12 months, missing and
// expired (months do not apply to them), and the counts per commune (dueSummary); beside them the
// engine's floor, a bare count over the same tables. Prints p50/p95/max, and checks that each
// commune's counts add up to the lists' totals.
//
// The register is bench/population.ts's: `coso generate` (forms collected 1 Jan 2024 – 30 Jun
// 2026) and `coso import`, then about three years of life events (bench/events-fill.ts), then
// cards written here in bulk (COPY): ~70% of persons of 14 or more hold one, issued mostly in the
// chip-card campaign of 2021–2022, some before and after (never before their 14th birthday); when
// a card has expired, 60% were renewed within four months; ~1% of persons have an open application.
// Expiries come from validity.ts's cardExpiry, as recording a card would compute them.
//
// Run: npm run bench:id-due -- --database-url postgres://postgres@127.0.0.1:5432/<db>   (a register kept
// by `npm run bench:population -- --keep`, or an empty database to build one into; cards are added once)
//      npm run bench:id-due [-- --persons 1400000] [-- --keep]   (builds its own database, dropped unless --keep)
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { openCoso } from '../src/app.ts'
import { today } from '../src/geo/eras.ts'
import type { DueList } from '../src/identity/due.ts'
import * as due from '../src/identity/due-service.ts'
import { type BirthDate, cardExpiry } from '../src/identity/validity.ts'
import { provinceCode } from '../src/platform/config.ts'
import { copyInto } from '../src/platform/copy.ts'
import { type Db, inTransaction } from '../src/platform/db.ts'
import { uuidv7 } from '../src/platform/ids.ts'
import { benchDatabase } from './database.ts'
import { addEvents, hasBulkEvents } from './events-fill.ts'

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1400000' },
    seed: { type: 'string', default: '7' },
    reps: { type: 'string', default: '7' },
    /** Where the generated forms file is, or goes (only when a register is built). */
    dir: { type: 'string' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
    /** The day the lists are for (default today). */
    on: { type: 'string' },
  },
})
const log = (line: string) => process.stderr.write(`${line}\n`)
const coso = (args: string[]) => execFileSync(process.execPath, ['bin/coso.js', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
const reps = Number(values.reps)
const on = values.on ?? today()
const BULK = 'bench.cards'

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)).padStart(6)
const line = (label: string, xs: number[], extra = '') =>
  `  ${label.padEnd(34)} p50 ${ms(pct(xs, 50))} ms  p95 ${ms(pct(xs, 95))} ms  max ${ms(Math.max(...xs))} ms  (${xs.length} runs)${extra}`

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now()
  const r = await fn()
  return [performance.now() - t, r]
}

/** mulberry32, as events-fill's: small, fast and deterministic. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, chance: (p: number) => next() < p, int: (n: number) => Math.floor(next() * n) }
}

const DAY = 86_400_000
const dayNo = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY
const isoOf = (n: number) => new Date(n * DAY).toISOString().slice(0, 10)
const addYears = (iso: string, years: number) => `${String(Number(iso.slice(0, 4)) + years).padStart(4, '0')}${iso.slice(4)}`

/** An issue day as the chip-card rollout spread them: 15% 2016–2020, 55% 2021–2022, 30% since 2023. */
function issueDay(r: ReturnType<typeof rng>, until: number): number {
  const x = r.next()
  const [from, to] = x < 0.15 ? ['2016-01-01', '2021-01-01'] : x < 0.7 ? ['2021-01-01', '2023-01-01'] : ['2023-01-01', isoOf(until + 1)]
  const a = dayNo(from)
  const b = Math.min(dayNo(to), until + 1)
  return a + r.int(Math.max(1, b - a))
}

async function hasCards(db: Db): Promise<boolean> {
  return (await db.pool.query('SELECT 1 FROM id_card WHERE recorded_by = $1 LIMIT 1', [BULK])).rows.length > 0
}

/** Cards (and a few open applications) for the register, in bulk. */
async function addCards(db: Db): Promise<{ cards: number; renewed: number; applications: number; seconds: number }> {
  const started = performance.now()
  const r = rng(Number(values.seed) * 31 + 8)
  const province = provinceCode()
  const until = dayNo(today())
  let cards = 0
  let renewed = 0
  let applications = 0
  const client = await db.pool.connect()
  try {
    await client.query('BEGIN')
    await client.query(
      `DECLARE holders NO SCROLL CURSOR FOR
       SELECT id, birth_year, birth_month, birth_day, personal_id, died_on::text AS died_on FROM person
        WHERE province_code = $1 AND personal_id IS NOT NULL AND birth_year IS NOT NULL`,
      [province],
    )
    for (;;) {
      const { rows } = await client.query<{
        id: string
        birth_year: number
        birth_month: number | null
        birth_day: number | null
        personal_id: string
        died_on: string | null
      }>('FETCH 50000 FROM holders')
      if (rows.length === 0) break
      const out: (string | null)[][] = []
      const open: (string | number | boolean | null)[][] = []
      for (const p of rows) {
        const birth: BirthDate = { year: p.birth_year, month: p.birth_month, day: p.birth_day }
        // The latest possible birth day: a card never before a 14th birthday the person may not have reached.
        const lastBorn = `${String(p.birth_year).padStart(4, '0')}-${String(p.birth_month ?? 12).padStart(2, '0')}-${String(p.birth_day ?? 28).padStart(2, '0')}`
        const at14 = dayNo(addYears(lastBorn, 14))
        const end = p.died_on ? Math.min(until, dayNo(p.died_on)) : until
        if (at14 > end || !r.chance(0.7)) continue
        let issued = issueDay(r, end)
        if (issued < at14) issued = at14 + r.int(180)
        if (issued > end) continue
        let expires = cardExpiry(birth, isoOf(issued))
        out.push([p.id, isoOf(issued), expires, p.personal_id])
        if (expires !== null && dayNo(expires) < end && r.chance(0.6)) {
          const again = dayNo(expires) + 1 + r.int(120)
          if (again <= end) {
            expires = cardExpiry(birth, isoOf(again))
            out.push([p.id, isoOf(again), expires, p.personal_id])
            renewed++
          }
        }
        if (!p.died_on && r.chance(0.01)) {
          open.push([uuidv7(), p.id, p.personal_id, isoOf(until - r.int(20))])
        }
      }
      await copyInto(
        db,
        client,
        'id_card',
        ['province_code', 'person_id', 'issued_on', 'expires_on', 'personal_id', 'recorded_by'],
        out.map((c) => [province, ...c, BULK]),
      )
      for (const a of open) {
        await client.query(
          `INSERT INTO id_application (province_code, id, no, person_id, personal_id, kind, state, biometrics, unit_code, era, received_on,
             received_by, state_at)
           VALUES ($1, $2, nextval('id_application_no'), $3, $4, 'renewal', 'received', true, '00000', 2025, $5, $6, now())`,
          [province, ...a, BULK],
        )
      }
      cards += out.length
      applications += open.length
      log(`cards: ${cards.toLocaleString('en')} written`)
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
  await db.pool.query('ANALYZE id_card')
  await db.pool.query('ANALYZE id_application')
  return { cards, renewed, applications, seconds: (performance.now() - started) / 1000 }
}

/** Throws the rows away: the whole list is read, formatted and encoded as the CSV file would be. */
const nowhere = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done()
    },
  })

const given = values['database-url']
const database = given ? { url: given, drop: async () => {} } : await benchDatabase()
let dir: string | undefined
let failed = false
try {
  let db = await openCoso({ engine: 'postgresql', url: database.url })
  const { rows: counted } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM person')
  if ((counted[0]?.n ?? 0) === 0) {
    await db.close()
    dir = values.dir ? resolve(values.dir) : mkdtempSync(join(tmpdir(), 'coso-id-due-'))
    mkdirSync(dir, { recursive: true })
    const file = join(dir, 'forms.csv')
    if (!existsSync(file)) {
      log(`generating ${Number(values.persons).toLocaleString('en')} persons into ${file}`)
      coso([
        'generate',
        '--persons',
        values.persons,
        '--seed',
        values.seed,
        '--collected-from',
        '2024-01-01',
        '--collected-to',
        '2026-06-30',
        '--out',
        file,
      ])
    }
    const t = performance.now()
    coso(['import', file, '--database-url', database.url])
    log(`imported in ${((performance.now() - t) / 1000).toFixed(0)} s`)
    db = await openCoso({ engine: 'postgresql', url: database.url })
  }
  try {
    if (!(await hasBulkEvents(db))) {
      const report = await addEvents(db, { log })
      console.log(`events written in bulk in ${report.seconds.toFixed(0)} s: ${JSON.stringify(report.events)}`)
    }
    if (!(await hasCards(db))) {
      const report = await addCards(db)
      console.log(
        `cards written in bulk in ${report.seconds.toFixed(0)} s: ${report.cards.toLocaleString('en')} cards (${report.renewed.toLocaleString('en')} renewals), ` +
          `${report.applications.toLocaleString('en')} open applications`,
      )
    }
    // What autovacuum would have done after the bulk writes (and the migration's rewrite of the
    // households): statistics for the planner, and visibility maps for index-only scans.
    const [tVacuum] = await timed(() => db.pool.query('VACUUM (ANALYZE) person, stay, household, id_card, id_application'))
    log(`vacuumed and analysed in ${(tVacuum / 1000).toFixed(0)} s`)
    const { rows: sizes } = await db.pool.query<{
      persons: number
      stays: number
      living: number
      cards: number
      holders: number
      open: number
    }>(
      `SELECT (SELECT count(*) FROM person)::int AS persons, (SELECT count(*) FROM stay)::int AS stays,
              (SELECT count(*) FROM stay WHERE valid_from <= $1 AND valid_to > $1)::int AS living,
              (SELECT count(*) FROM id_card)::int AS cards, (SELECT count(DISTINCT person_id) FROM id_card)::int AS holders,
              (SELECT count(*) FROM id_application WHERE state NOT IN ('handed_over', 'cancelled'))::int AS open`,
      [on],
    )
    const s = sizes[0]
    console.log(
      `register: ${s?.persons.toLocaleString('en')} persons, ${s?.living.toLocaleString('en')} living on ${on} (${s?.stays.toLocaleString('en')} stays); ` +
        `${s?.cards.toLocaleString('en')} cards held by ${s?.holders.toLocaleString('en')} persons; ${s?.open.toLocaleString('en')} open applications`,
    )

    const map = await due.dueMap(db)
    type Case = { label: string; list: DueList; months: number }
    const cases: Case[] = [
      { label: 'renewal, 3 months', list: 'renewal', months: 3 },
      { label: 'renewal, 12 months', list: 'renewal', months: 12 },
      { label: 'missing', list: 'missing', months: 3 },
      { label: 'expired', list: 'expired', months: 3 },
    ]
    const pages = new Map<string, number[]>()
    const files = new Map<string, number[]>()
    const totals = new Map<string, number>()
    const summaries = new Map<number, number[]>()
    const floor: number[] = []
    const floorStays: number[] = []
    const summaryTotals = new Map<number, Record<DueList, number>>()
    // Warm-up: each query once (plans, caches, the units map).
    for (const c of cases) await inTransaction(db, (client) => due.duePage(client, map, { ...c, on, limit: 100, offset: 0 }, null))
    for (let rep = 0; rep < reps; rep++) {
      for (const c of cases) {
        const [tPage, page] = await timed(() =>
          inTransaction(db, (client) => due.duePage(client, map, { ...c, on, limit: 100, offset: 0 }, null)),
        )
        pages.set(c.label, [...(pages.get(c.label) ?? []), tPage])
        totals.set(c.label, page.total)
        const [tFile, rows] = await timed(() =>
          inTransaction(db, async (client) => due.writeDueList(client, map, { ...c, on }, null, await due.dueSink('csv', nowhere()))),
        )
        files.set(c.label, [...(files.get(c.label) ?? []), tFile])
        if (rows !== page.total) {
          failed = true
          log(`MISMATCH ${c.label}: the file has ${rows} rows, the page says ${page.total}`)
        }
      }
      for (const months of [3, 12]) {
        const [t, summary] = await timed(() => inTransaction(db, (client) => due.dueSummary(client, map, { months, on }, null)))
        summaries.set(months, [...(summaries.get(months) ?? []), t])
        const sum = (k: DueList) => summary.items.reduce((n, i) => n + i[k], 0)
        summaryTotals.set(months, { renewal: sum('renewal'), missing: sum('missing'), expired: sum('expired') })
      }
      floor.push(
        (
          await timed(() =>
            db.pool.query(
              `SELECT count(*) FROM stay s
                 JOIN person p ON p.province_code = s.province_code AND p.id = s.person_id
                 LEFT JOIN id_card c ON c.province_code = p.province_code AND c.person_id = p.id
                WHERE s.province_code = $1 AND s.valid_from <= $2 AND s.valid_to > $2`,
              [provinceCode(), on],
            ),
          )
        )[0],
      )
      floorStays.push(
        (
          await timed(() =>
            db.pool.query('SELECT count(*) FROM stay WHERE province_code = $1 AND valid_from <= $2 AND valid_to > $2', [
              provinceCode(),
              on,
            ]),
          )
        )[0],
      )
    }
    // Other work on the machine slows every figure alike; say how much there was.
    const load = loadavg().map((x) => x.toFixed(1))
    console.log(`due lists of the whole province on ${on}, ${reps} rounds, one call at a time (goal < 2000 ms):`)
    console.log(`  (${cpus().length} CPUs; load average at the end ${load.join(', ')} over 1, 5, 15 minutes)`)
    for (const c of cases) {
      console.log(
        line(`${c.label}: first page + total`, pages.get(c.label) ?? [], `  ${totals.get(c.label)?.toLocaleString('en')} persons`),
      )
      console.log(line(`${c.label}: whole list as CSV`, files.get(c.label) ?? []))
    }
    for (const [months, xs] of summaries) console.log(line(`counts per commune, ${months} months`, xs))
    console.log('the engine alone, same day:')
    console.log(line('count(*) stays ⋈ persons ⟕ cards', floor))
    console.log(line('count(*) stays in force', floorStays))
    console.log('sanity: each list’s total against the sum of its counts per commune:')
    for (const c of cases) {
      const summed = summaryTotals.get(c.months)?.[c.list]
      const ok = summed === totals.get(c.label)
      if (!ok) failed = true
      console.log(
        `  ${c.label}: list ${totals.get(c.label)?.toLocaleString('en')}, communes ${summed?.toLocaleString('en')} ${ok ? 'ok' : 'MISMATCH'}`,
      )
    }
  } finally {
    await db.close()
  }
} finally {
  if (values.keep || given) {
    if (!given) console.log(`kept: the database${dir ? ` and ${dir}` : ''}`)
    console.log(`run again on it with: npm run bench:id-due -- --database-url ${database.url}`)
  } else {
    await database.drop()
    if (dir && !values.dir) rmSync(dir, { recursive: true, force: true })
  }
}
if (failed) process.exitCode = 1
