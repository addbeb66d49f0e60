// The identity dashboard over a million applications (issue 8: the backlog dashboard under 300 ms
// on PostgreSQL). Fills the province's 2025 communes with 1,000,000 applications received over
// two years, each moved along the way by its own random durations (about 6 steps each; most
// handed over, the recent ones still on their way, some cards never collected, some files
// cancelled or returned for correction), in SQL (`INSERT … SELECT generate_series`, the secondary
// indexes dropped during the fill and built again after), then VACUUM ANALYZE. Then, through
// HTTP with a province administrator's API token, one request at a time: the backlog alone
// (GET /api/id/dashboard/backlog), the whole dashboard (GET /api/id/dashboard, the last 30 days)
// for the province and for one commune, and beside them the engine's floor, a bare
// `SELECT state, count(*) FROM id_application GROUP BY state`. Prints p50/p95/max and the plan
// of the backlog query (an index-only scan of id_application_unit_state_idx, no heap fetch).
//
// Run: npm run bench:id-backlog -- --database-url postgres://postgres@127.0.0.1:5432/coso_bench_id
//        [-- --applications 1000000] [-- --reps 30] [-- --keep]
// The database is created when missing and filled when it has no applications (a kept one is
// used as it is); it is dropped at the end unless --keep.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { openCoso } from '../src/app.ts'
import { today } from '../src/geo/eras.ts'
import { periodOf } from '../src/identity/dashboard.ts'
import * as q from '../src/identity/dashboard-queries.ts'
import { BACKLOG_SQL } from '../src/identity/dashboard-queries.ts'
import { provinceCode } from '../src/platform/config.ts'
import type { Db, Queryable } from '../src/platform/db.ts'
import { benchServer } from './serve.ts'

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/coso_bench_id' },
    applications: { type: 'string', default: '1000000' },
    reps: { type: 'string', default: '30' },
    keep: { type: 'boolean', default: false },
  },
})
const COSO = fileURLToPath(new URL('../bin/coso.js', import.meta.url))
const url = values['database-url']
const total = Number(values.applications)
const reps = Math.max(20, Number(values.reps))
const log = (line: string) => process.stderr.write(`${line}\n`)
const province = provinceCode()

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)).padStart(6)
const line = (label: string, xs: number[]) =>
  `  ${label.padEnd(44)} p50 ${ms(pct(xs, 50))} ms  p95 ${ms(pct(xs, 95))} ms  max ${ms(Math.max(...xs))} ms  (${xs.length} runs)`

const name = new URL(url).pathname.slice(1)
if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--database-url: the database name "${name}" must be a plain identifier`)
const serverUrl = new URL(url)
serverUrl.pathname = '/postgres'

async function onServer<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl.toString() })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

const coso = (args: string[], input = '') =>
  execFileSync(process.execPath, [COSO, ...args], {
    input,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, COSO_LOG_LEVEL: 'warn' },
  })
    .toString()
    .trim()

const serve = () => benchServer([COSO, 'serve', '--port', '0', '--database-url', url])

/**
 * Each application's life drawn at once: received in working hours on one of the last 730 days,
 * biometrics within 2 hours (95% of holders; under 6, none), sent 12–72 h later, produced 2–7
 * days later, at the commune 1–4 days later, handed over 2–400 h after that. 2% are cancelled
 * within 2 days, 1% returned for correction and left so, 5% never collected. Steps still in the
 * future are not taken: the recent applications make the backlog. The due day is 9 calendar
 * days (about 7 working days) after the file was complete.
 */
const FILL = `
CREATE TEMP TABLE fill AS
WITH base AS (
  SELECT i, random() AS r_unit, random() AS r_kind, random() AS r_out, random() < 0.95 AS biometrics,
         ((current_date - floor(random() * 730)::int)::timestamp + interval '1 hour' + random() * interval '9 hours') AT TIME ZONE 'UTC' AS t0,
         random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6
    FROM generate_series(1, $1::int) i
), t AS (
  SELECT i, ($2::text[])[1 + floor(power(r_unit, 1.3) * array_length($2::text[], 1))::int] AS unit_code,
         CASE WHEN r_kind < 0.7 THEN 'renewal' WHEN r_kind < 0.85 THEN 'first_issue' WHEN r_kind < 0.95 THEN 'reissue' ELSE 'change' END AS kind,
         CASE WHEN r_out < 0.02 THEN 'cancel' WHEN r_out < 0.03 THEN 'correct' WHEN r_out < 0.08 THEN 'uncollected' ELSE 'normal' END AS outcome,
         biometrics, t0, CASE WHEN biometrics THEN t0 + r1 * interval '2 hours' END AS t1, r2, r3, r4, r5, r6
    FROM base
), u AS (SELECT t.*, COALESCE(t1, t0) + (12 + r2 * 60) * interval '1 hour' AS t2 FROM t),
   v AS (SELECT u.*, t2 + (48 + r3 * 120) * interval '1 hour' AS t3 FROM u),
   w AS (SELECT v.*, t3 + (24 + r4 * 72) * interval '1 hour' AS t4 FROM v)
SELECT w.*, t4 + (2 + r5 * 398) * interval '1 hour' AS t5, t0 + (1 + r6 * 47) * interval '1 hour' AS tx,
       -- Ids in order, as uuidv7 keeps them: the primary keys fill from the end.
       ('00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid AS id
  FROM w;

CREATE TEMP TABLE fill_step AS
SELECT f.id, f.unit_code, s.base - CASE WHEN NOT f.biometrics AND s.base > 2 THEN 1 ELSE 0 END AS seq,
       s.from_state, s.to_state, s.at, s.since
  FROM fill f CROSS JOIN LATERAL (VALUES
    (1, NULL, 'received', f.t0, NULL::timestamptz),
    (2, 'received', 'biometrics_captured', CASE WHEN f.outcome <> 'cancel' THEN f.t1 END, f.t0),
    (3, CASE WHEN f.biometrics THEN 'biometrics_captured' ELSE 'received' END,
        CASE f.outcome WHEN 'correct' THEN 'returned_for_correction' ELSE 'sent_for_production' END,
        CASE WHEN f.outcome <> 'cancel' THEN f.t2 END, COALESCE(f.t1, f.t0)),
    (4, 'sent_for_production', 'produced', CASE WHEN f.outcome IN ('normal', 'uncollected') THEN f.t3 END, f.t2),
    (5, 'produced', 'arrived', CASE WHEN f.outcome IN ('normal', 'uncollected') THEN f.t4 END, f.t3),
    (6, 'arrived', 'handed_over', CASE WHEN f.outcome = 'normal' THEN f.t5 END, f.t4),
    (2, 'received', 'cancelled', CASE WHEN f.outcome = 'cancel' THEN f.tx END, f.t0)
  ) s(base, from_state, to_state, at, since)
 WHERE s.at IS NOT NULL AND s.at <= now();

CREATE TEMP TABLE last_step AS SELECT DISTINCT ON (id) id, to_state, at FROM fill_step ORDER BY id, seq DESC;
`

const VN_DAY = (t: string) => `((${t} AT TIME ZONE 'UTC') + interval '7 hours')::date`
const COMPLETE = `CASE WHEN l.to_state NOT IN ('received', 'cancelled', 'returned_for_correction') OR (l.to_state = 'received' AND NOT f.biometrics)
                       THEN ${VN_DAY('COALESCE(f.t1, f.t0)')} END`

const INSERT_APPLICATIONS = `
INSERT INTO id_application (province_code, id, no, person_id, personal_id, kind, reason, state, biometrics, unit_code, era,
  received_on, received_by, complete_on, due_on, due_provisional, state_at, arrived_on, handed_over_on, receiver)
SELECT $1, f.id, f.i, gen_random_uuid(), '0' || $1 || '1' || lpad(f.i::text, 8, '0'), f.kind,
       CASE f.kind WHEN 'reissue' THEN 'lost' WHEN 'change' THEN 'name' END,
       l.to_state, f.biometrics, f.unit_code, 2025, ${VN_DAY('f.t0')}, 'bench',
       ${COMPLETE}, ${COMPLETE} + 9,
       -- A few files still owed a card counted on an estimated calendar, for the provisional count.
       l.to_state IN ('received', 'biometrics_captured', 'sent_for_production', 'produced') AND f.r6 < 0.05,
       l.at,
       CASE WHEN l.to_state IN ('arrived', 'handed_over') THEN ${VN_DAY('f.t4')} END,
       CASE WHEN l.to_state = 'handed_over' THEN ${VN_DAY('f.t5')} END,
       CASE WHEN l.to_state = 'handed_over' THEN 'bench' END
  FROM fill f JOIN last_step l USING (id)
 ORDER BY f.id`

const INSERT_STEPS = `
INSERT INTO id_application_step (province_code, application_id, seq, from_state, to_state, at, since, officer, unit_code)
SELECT $1, id, seq, from_state, to_state, at, since, 'bench', unit_code FROM fill_step ORDER BY id, seq`

async function fill(db: Db, communes: string[]) {
  const client = await db.pool.connect()
  try {
    await client.query("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'; SET work_mem = '256MB'")
    await client.query('SELECT setseed(0.42)')
    let t = performance.now()
    await client.query(FILL.replaceAll('$1::int', String(total)).replaceAll('$2::text[]', `'{${communes.join(',')}}'::text[]`))
    const steps = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM fill_step')).rows[0]?.n ?? 0
    log(
      `drawn ${total.toLocaleString('en')} applications and ${steps.toLocaleString('en')} steps in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    )
    // The secondary indexes off during the fill, built again from their own definitions after.
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename IN ('id_application', 'id_application_step')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    )
    for (const i of indexes) await client.query(`DROP INDEX ${i.indexname}`)
    t = performance.now()
    await client.query(INSERT_APPLICATIONS, [province])
    await client.query(INSERT_STEPS, [province])
    await client.query(`SELECT setval('id_application_no', $1)`, [total])
    log(`inserted in ${((performance.now() - t) / 1000).toFixed(0)} s`)
    t = performance.now()
    for (const i of indexes) await client.query(i.indexdef)
    log(`${indexes.length} indexes built in ${((performance.now() - t) / 1000).toFixed(0)} s`)
    await client.query('DROP TABLE fill, fill_step, last_step')
  } finally {
    client.release()
  }
}

const timed = async (fn: () => Promise<unknown>) => {
  const t = performance.now()
  await fn()
  return performance.now() - t
}

const existed = await onServer(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1)
if (!existed) await onServer((c) => c.query(`CREATE DATABASE ${name}`))
let failed = false
try {
  const db = await openCoso({ engine: 'postgresql', url })
  let communes: string[]
  try {
    const { rows } = await db.pool.query<{ code: string }>(
      `SELECT code FROM geo_unit WHERE era = 2025 AND level = 'commune' AND province_code = $1 AND valid_to = 'infinity' ORDER BY code`,
      [province],
    )
    communes = rows.map((r) => r.code)
    const have = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM id_application')).rows[0]?.n ?? 0
    if (have === 0) {
      log(`filling ${name}: ${total.toLocaleString('en')} applications over ${communes.length} communes`)
      await fill(db, communes)
      const t = performance.now()
      await db.pool.query('VACUUM ANALYZE id_application')
      await db.pool.query('VACUUM ANALYZE id_application_step')
      log(`VACUUM ANALYZE in ${((performance.now() - t) / 1000).toFixed(0)} s`)
    } else {
      log(`${name} has ${have.toLocaleString('en')} applications: used as it is`)
    }
    const { rows: mix } = await db.pool.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM id_application GROUP BY state ORDER BY n DESC',
    )
    const { rows: size } = await db.pool.query<{ applications: number; steps: number; mb: number }>(
      `SELECT (SELECT count(*) FROM id_application)::int AS applications, (SELECT count(*) FROM id_application_step)::int AS steps,
              ((pg_total_relation_size('id_application') + pg_total_relation_size('id_application_step')) / 1048576)::int AS mb`,
    )
    console.log(
      `${size[0]?.applications.toLocaleString('en')} applications, ${size[0]?.steps.toLocaleString('en')} steps (${size[0]?.mb} MB with indexes), ` +
        `${communes.length} communes; states: ${mix.map((m) => `${m.state} ${m.n.toLocaleString('en')}`).join(', ')}`,
    )
    const plan = (await db.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE) ${BACKLOG_SQL.province}`, [province])).rows.map(
      (r) => r['QUERY PLAN'],
    )
    const scans = plan
      .filter((l) => /Scan using|Seq Scan|Heap Fetches/.test(l))
      .map((l) =>
        l
          .trim()
          .replace(/^->\s+/, '')
          .replace(/\s+\(cost.*$/, ''),
      )
    console.log(`backlog plan (province): ${[...new Set(scans)].join('; ')}`)
    if (
      !scans.some((s) => s.startsWith('Index Only Scan using id_application_unit_state_idx')) ||
      scans.some((s) => s.includes('Seq Scan'))
    ) {
      failed = true
      console.log('  NOT an index-only scan of id_application_unit_state_idx:')
      console.log(plan.join('\n'))
    }
  } finally {
    await db.close()
  }

  const username = `bench.admin.${randomBytes(3).toString('hex')}`
  coso(
    ['users', 'add', '--username', username, '--role', 'province-admin', '--password-stdin', '--database-url', url],
    'Bench-passphrase-2026\n',
  )
  const token = coso(['tokens', 'add', '--user', username, '--database-url', url])
  const busiest = await (async () => {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    try {
      return (
        await c.query<{ unit_code: string }>(
          'SELECT unit_code FROM id_application WHERE province_code = $1 GROUP BY unit_code ORDER BY count(*) DESC LIMIT 1',
          [province],
        )
      ).rows[0]?.unit_code as string
    } finally {
      await c.end()
    }
  })()
  const server = await serve()
  const floor = new pg.Client({ connectionString: url })
  await floor.connect()
  try {
    const get = async (path: string) => {
      const r = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
      const body = await r.text()
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${body.slice(0, 300)}`)
      return body
    }
    // The dashboard's statements one at a time (the route runs them side by side), province, 30 days.
    const day = today()
    const period = periodOf({}, day)
    const sql = floor as unknown as Queryable
    const statements: [string, () => Promise<unknown>][] = [
      ['received per day', () => q.receivedPerDay(sql, province, period, null)],
      ['handed over per day', () => q.handedOverPerDay(sql, province, period, null)],
      ['backlog', () => q.backlog(sql, province, null)],
      ['stage medians', () => q.stageMedians(sql, province, period, null)],
      ['arrived within the deadline', () => q.arrivedWithin(sql, province, period, null)],
      ['overdue', () => q.overdue(sql, province, day, null)],
      ['provisional', () => q.provisional(sql, province, null)],
    ]
    const cases: [string, () => Promise<unknown>][] = [
      ['backlog, province (GET …/dashboard/backlog)', () => get('/api/id/dashboard/backlog')],
      [`backlog, one commune (${busiest})`, () => get(`/api/id/dashboard/backlog?unit=${busiest}`)],
      ['whole dashboard, province, last 30 days', () => get('/api/id/dashboard')],
      [`whole dashboard, one commune (${busiest}), 30 days`, () => get(`/api/id/dashboard?unit=${busiest}`)],
      ['SELECT state, count(*) … GROUP BY state', () => floor.query('SELECT state, count(*) FROM id_application GROUP BY state')],
    ]
    // Warm-up: connections, caches, the unit list, JIT.
    for (let i = 0; i < 3; i++) for (const [, fn] of cases) await fn()
    const times = new Map<string, number[]>(cases.map(([label]) => [label, []]))
    for (let rep = 0; rep < reps; rep++) for (const [label, fn] of cases) times.get(label)?.push(await timed(fn))
    const sample = JSON.parse(await get('/api/id/dashboard'))
    console.log(
      `province now: backlog ${sample.backlog.total.toLocaleString('en')}; last 30 days: received ${sample.per_day.received_total.toLocaleString('en')}, ` +
        `handed over ${sample.per_day.handed_over_total.toLocaleString('en')}, within the deadline ${(sample.deadline.share * 100).toFixed(1)}% ` +
        `of ${sample.deadline.arrived.toLocaleString('en')}, overdue ${sample.deadline.overdue}, provisional ${sample.deadline.provisional}`,
    )
    console.log(`through HTTP with a province administrator's API token, one request at a time, after 3 rounds to warm up:`)
    for (const [label, xs] of times) console.log(line(label, xs))
    const each = new Map<string, number[]>(statements.map(([label]) => [label, []]))
    for (let rep = 0; rep < reps; rep++) for (const [label, fn] of statements) each.get(label)?.push(await timed(fn))
    console.log('its statements one at a time (the route runs them side by side), province, last 30 days, on one connection:')
    for (const [label, xs] of each) console.log(line(label, xs))
    const backlogP95 = pct(times.get(cases[0]?.[0] as string) ?? [], 95)
    console.log(`goal: backlog dashboard < 300 ms — backlog p95 ${backlogP95.toFixed(0)} ms ${backlogP95 < 300 ? 'ok' : 'MISSED'}`)
    if (backlogP95 >= 300) failed = true
  } finally {
    await floor.end()
    await server.stop()
  }
} finally {
  if (values.keep) {
    log(`kept ${url} (run again on it with the same --database-url)`)
  } else {
    await onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    log(`dropped ${name}`)
  }
}
if (failed) process.exitCode = 1
