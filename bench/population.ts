// Population of every unit on a past day (issue 7: under 2 s on PostgreSQL for 1.4 million
// persons with about three years of events), in both eras' maps: population() as the API calls
// it, beside the engine's own floor — the same stays counted by a bare GROUP BY, and a bare
// count — and a check that each day's total is the number of persons living that day counted
// independently (from persons and the event log, not from stays). Prints p50/p95/max.
//
// The data set: `coso generate` (forms collected 1 Jan 2024 – 30 Jun 2026, so forms before
// 1 July 2025 name 2024 units and the crosswalk and the split communes are exercised) and
// `coso import`, then about three years of births, deaths, moves and temporary residences.
// The events are written in bulk (bench/events-fill.ts: COPY, each changed life derived by the
// events module's deriveLife) because this bench measures the read; the write path, one event
// through POST /api/events, is measured by bench/event-write.ts.
//
// Run: npm run bench:population [-- --persons 1400000] [-- --reps 15] [-- --explain]
// Importing 1.4 million forms takes 10–20 minutes on a 2-core machine: --keep leaves the file and the database behind and
// prints how to run again on them (--dir DIR --database-url URL), also for bench:event-write.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { openCoso } from '../src/app.ts'
import { population } from '../src/events/population.ts'
import { populationOn } from '../src/events/queries.ts'
import type { Era } from '../src/geo/eras.ts'
import { provinceCode } from '../src/platform/config.ts'
import type { Db } from '../src/platform/db.ts'
import { benchDatabase } from './database.ts'
import { addEvents, hasBulkEvents } from './events-fill.ts'

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1400000' },
    seed: { type: 'string', default: '7' },
    reps: { type: 'string', default: '15' },
    dates: { type: 'string', default: '2024-03-15,2025-06-30,2025-07-01,2026-05-01' },
    /** Where the generated file is (generated there when missing). */
    dir: { type: 'string' },
    /** A database imported from DIR's file before (with or without the bulk events); used as it is. */
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
    /** Print EXPLAIN (ANALYZE, BUFFERS) of the population query for the first date. */
    explain: { type: 'boolean', default: false },
  },
})
if (values['database-url'] && !values.dir) throw new Error('--database-url needs --dir, where its generated file is')
const dir = values.dir ? resolve(values.dir) : mkdtempSync(join(tmpdir(), 'coso-population-'))
mkdirSync(dir, { recursive: true })
const file = join(dir, 'forms.csv')
const log = (line: string) => process.stderr.write(`${line}\n`)
const coso = (args: string[]) => execFileSync(process.execPath, ['bin/coso.js', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
const dates = values.dates.split(',')
const reps = Number(values.reps)
const ERAS: Era[] = [2025, 2024]

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)).padStart(6)
const line = (label: string, xs: number[]) =>
  `  ${label.padEnd(26)} p50 ${ms(pct(xs, 50))} ms  p95 ${ms(pct(xs, 95))} ms  max ${ms(Math.max(...xs))} ms  (${xs.length} runs)`

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now()
  const r = await fn()
  return [performance.now() - t, r]
}

/**
 * Persons living in the province on a day, from persons, their forms' residences and the event
 * log alone: a place of residence recorded (by a form or a birth), born by then, not dead by
 * then, not moved out of the province by then (the fill moves nobody back in).
 */
async function livingOn(db: Db, day: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM person p
      WHERE p.province_code = $1
        AND (p.origin_event_id IS NOT NULL OR EXISTS (SELECT 1 FROM residence r WHERE r.province_code = p.province_code AND r.person_id = p.id))
        AND (p.birth_year IS NULL OR make_date(p.birth_year, COALESCE(p.birth_month, 1), COALESCE(p.birth_day, 1)) <= $2::date)
        AND (p.died_on IS NULL OR p.died_on > $2::date)
        AND NOT EXISTS (SELECT 1 FROM event e WHERE e.province_code = p.province_code AND e.person_id = p.id AND e.kind = 'move'
                          AND e.effective_on <= $2::date AND e.details->'place' = 'null'::jsonb)`,
    [provinceCode(), day],
  )
  return rows[0]?.n ?? 0
}

const RAW_GROUPED = `SELECT unit_code, era, count(*) FROM stay WHERE province_code = $1 AND valid_from <= $2 AND valid_to > $2 GROUP BY unit_code, era`
const RAW_COUNT = 'SELECT count(*) FROM stay WHERE province_code = $1 AND valid_from <= $2 AND valid_to > $2'

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
} else {
  log(`reusing ${file} (generation flags ignored)`)
}
const given = values['database-url']
const database = given ? { url: given, drop: async () => {} } : await benchDatabase()
let failed = false
try {
  if (!given) {
    const t = performance.now()
    coso(['import', file, '--database-url', database.url])
    log(`imported in ${((performance.now() - t) / 1000).toFixed(0)} s`)
  }
  const db = await openCoso({ engine: 'postgresql', url: database.url })
  try {
    if (!(await hasBulkEvents(db))) {
      const report = await addEvents(db, { log })
      console.log(
        `events written in bulk in ${report.seconds.toFixed(0)} s (${report.window.from} – ${report.window.to}): ${JSON.stringify(report.events)}; ` +
          `${report.persons_changed.toLocaleString('en')} lives re-derived, ${report.persons_born.toLocaleString('en')} born, ` +
          `${report.stays_written.toLocaleString('en')} stays written, ${report.placements.toLocaleString('en')} split-commune households placed`,
      )
    }
    const { rows: sizes } = await db.pool.query<{ persons: number; stays: number; events: number; placements: number; stay_mb: number }>(
      `SELECT (SELECT count(*) FROM person)::int AS persons, (SELECT count(*) FROM stay)::int AS stays,
              (SELECT count(*) FROM event)::int AS events, (SELECT count(*) FROM split_placement)::int AS placements,
              (pg_total_relation_size('stay') / 1048576)::int AS stay_mb`,
    )
    const { rows: indexes } = await db.pool.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'stay' ORDER BY 1",
    )
    const size = sizes[0]
    console.log(
      `register: ${size?.persons.toLocaleString('en')} persons, ${size?.stays.toLocaleString('en')} stays (${size?.stay_mb} MB with indexes: ` +
        `${indexes.map((i) => i.indexname).join(', ')}), ${size?.events.toLocaleString('en')} events, ${size?.placements.toLocaleString('en')} placements`,
    )

    // Warm-up (the first call reads the units and fills the caches), then every day in both eras, interleaved.
    for (const day of dates) for (const era of ERAS) await population(db, day, era)
    const byCase = new Map<string, number[]>()
    const sqlOnly: number[] = []
    const grouped: number[] = []
    const counted: number[] = []
    const totals = new Map<string, number>()
    for (let rep = 0; rep < reps; rep++) {
      for (const day of dates) {
        for (const era of ERAS) {
          const [t, result] = await timed(() => population(db, day, era))
          byCase.set(`${day} era ${era}`, [...(byCase.get(`${day} era ${era}`) ?? []), t])
          totals.set(
            `${day}|${era}`,
            result.lines.reduce((n, l) => n + l.persons, 0),
          )
          if (rep === 0 && era === 2025 && day === dates[0]) {
            const units = result.lines.filter((l) => !l.unit.includes(':'))
            const other = result.lines.filter((l) => l.unit.includes(':'))
            log(`${day}: ${units.length} units, other lines ${other.map((l) => `${l.unit} ${l.persons}`).join(', ')}`)
          }
        }
        sqlOnly.push((await timed(() => populationOn(db.pool, provinceCode(), day)))[0])
        grouped.push((await timed(() => db.pool.query(RAW_GROUPED, [provinceCode(), day])))[0])
        counted.push((await timed(() => db.pool.query(RAW_COUNT, [provinceCode(), day])))[0])
      }
    }
    const all = [...byCase.values()].flat()
    console.log(`population() of every unit on a past day, ${reps} rounds over ${dates.length} days × 2 eras, one call at a time:`)
    console.log(`${line('all', all)}   (goal < 2000 ms)`)
    for (const [label, xs] of byCase) console.log(line(label, xs))
    console.log('the engine alone, same days:')
    console.log(line('populationOn (its SQL)', sqlOnly))
    console.log(line('GROUP BY unit_code, era', grouped))
    console.log(line('count(*)', counted))
    const inForce = (await db.pool.query<{ n: number }>(RAW_COUNT.replace('count(*)', 'count(*)::int AS n'), [provinceCode(), dates[0]]))
      .rows[0]?.n
    console.log(
      `  (on ${dates[0]}, ${inForce?.toLocaleString('en')} of ${size?.stays.toLocaleString('en')} stays are in force: a scan of the table is the plan, no index narrows it)`,
    )

    console.log('sanity: each day’s total (both eras) against persons living that day counted from persons and events:')
    for (const day of dates) {
      const expected = await livingOn(db, day)
      const got = ERAS.map((era) => totals.get(`${day}|${era}`) ?? -1)
      const ok = got.every((n) => n === expected)
      if (!ok) failed = true
      console.log(
        `  ${day}: ${got.map((n, i) => `era ${ERAS[i]} ${n.toLocaleString('en')}`).join(', ')}; living ${expected.toLocaleString('en')} ${ok ? 'ok' : 'MISMATCH'}`,
      )
    }
    if (values.explain) {
      const { rows } = await db.pool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS)
         SELECT s.unit_code, s.era, sp.unit_code AS placed, count(*)::int AS persons
           FROM stay s
           LEFT JOIN split_placement sp ON sp.province_code = s.province_code AND sp.subject_id = COALESCE(s.household_id, s.person_id)
                AND sp.old_code = s.unit_code AND s.era = 2024
          WHERE s.province_code = $1 AND s.valid_from <= $2 AND s.valid_to > $2
          GROUP BY 1, 2, 3`,
        [provinceCode(), dates[0]],
      )
      console.log(`EXPLAIN of populationOn on ${dates[0]}:`)
      for (const r of rows) console.log(`  ${r['QUERY PLAN']}`)
    }
  } finally {
    await db.close()
  }
} finally {
  if (values.keep || given) {
    if (!given) console.log(`kept: ${dir} and the database`)
    console.log(`run again on them with: npm run bench:population -- --dir ${dir} --database-url ${database.url}`)
    console.log(`                         npm run bench:event-write -- --database-url ${database.url}`)
  } else {
    await database.drop()
    if (!values.dir) rmSync(dir, { recursive: true, force: true })
  }
}
if (failed) process.exitCode = 1
