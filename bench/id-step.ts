// One step of an identity-card application through the API (issue 8: a state transition p95
// under 30 ms): POST /api/id/applications/:id/steps with a commune officer's API token — token,
// scope, the row locked, the step checked, its row and the application's written (the card too at
// production), the audit entry — sequentially, a few thousand requests of the mix a commune post
// takes (biometrics captured, sent for production, produced, arrived, handed over; a few returned
// for correction, received again or cancelled). Prints p50/p95/p99, per step, the refused count
// (0: every request is planned to follow its application's state), and in the same run the floor:
// a bare `UPDATE id_application SET version = version + 1` of one row by its key, one round trip
// and commit. Then one batch (POST /api/id/batches) of cards received back from production by
// the province's administrator: its preview and the batch itself, timed whole.
//
// The data set: `coso generate` + `coso import` (persons), then ~200,000 applications filled by
// SQL over the persons with a number and a birth year: one open application for some, in every
// open state, received over the last 10 days; ended ones (handed over, with their cards) of past
// years for the rest; every application's steps (about 5 each).
//
// Run: npm run bench:id-step -- --database-url postgres://postgres@127.0.0.1:5432/coso_bench_step
//        [-- --persons 100000] [-- --applications 200000] [-- --open 40000] [-- --requests 3000] [-- --batch 5000] [-- --keep]
//      npm run bench:id-step -- --engine pglite [-- --persons 20000] [-- --applications 40000] [-- --open 8000] [-- --requests 1000]
// The server database is created when missing, given persons when it has none and applications
// when it has none (a kept one is used as it is), and dropped at the end unless --keep. The
// embedded one lives in a temporary directory, removed at the end.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { openCoso } from '../src/app.ts'
import type { State } from '../src/identity/applications.ts'
import { OPEN_STATES } from '../src/identity/queries.ts'
import type { DbTarget } from '../src/platform/config.ts'
import { provinceCode } from '../src/platform/config.ts'
import type { Db } from '../src/platform/db.ts'
import { benchServer } from './serve.ts'

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgresql' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/coso_bench_step' },
    persons: { type: 'string' },
    applications: { type: 'string' },
    open: { type: 'string' },
    requests: { type: 'string' },
    batch: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
})
const embedded = values.engine === 'pglite'
if (!embedded && values.engine !== 'postgresql') throw new Error('--engine: postgresql or pglite')
const PERSONS = Number(values.persons ?? (embedded ? 20_000 : 100_000))
const APPLICATIONS = Number(values.applications ?? (embedded ? 40_000 : 200_000))
const OPEN = Number(values.open ?? (embedded ? 8_000 : 40_000))
const REQUESTS = Number(values.requests ?? (embedded ? 1_000 : 3_000))
const BATCH = Number(values.batch ?? (embedded ? 1_000 : 5_000))
const WARM_UP = 50

const COSO = fileURLToPath(new URL('../bin/coso.js', import.meta.url))
const log = (line: string) => process.stderr.write(`${line}\n`)
const province = provinceCode()
const seconds = (t: number) => `${((performance.now() - t) / 1000).toFixed(0)} s`

const coso = (args: string[], input = '') =>
  execFileSync(process.execPath, [COSO, ...args], {
    input,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, COSO_LOG_LEVEL: 'warn' },
  })
    .toString()
    .trim()

const serve = (flags: string[]) => benchServer(['--max-old-space-size=512', COSO, 'serve', '--port', '0', ...flags])

/** A generated register, imported (forms collected before and after the 2025 reform). */
function importPersons(flags: string[], dir: string) {
  const file = join(dir, 'forms.csv')
  let t = performance.now()
  coso([
    'generate',
    '--persons',
    String(PERSONS),
    '--seed',
    '7',
    '--collected-from',
    '2024-01-01',
    '--collected-to',
    '2026-06-30',
    '--out',
    file,
  ])
  log(`generated ${PERSONS.toLocaleString('en')} persons in ${seconds(t)}`)
  t = performance.now()
  coso(['import', file, ...flags])
  log(`imported in ${seconds(t)}`)
}

// The steps of an application's way, by whether its holder gives biometrics.
const WAY = `CASE WHEN a.biometrics THEN ARRAY['received', 'biometrics_captured', 'sent_for_production', 'produced', 'arrived', 'handed_over']
                 ELSE ARRAY['received', 'sent_for_production', 'produced', 'arrived', 'handed_over'] END`

/**
 * The applications: `open` of them (one per person, the first persons) spread over the open
 * states and received on one of the last 10 days, each step an hour after the one before; the
 * rest ended (handed over), of past years, two years apart for one person, each step two days
 * after the one before, with the card its production issued. Commune: where the person lives
 * when that is a commune of today, else one in turn.
 */
const FILL = [
  `CREATE TEMP TABLE bench_person AS
   SELECT row_number() OVER (ORDER BY md5(p.id::text))::int AS k, p.id, p.personal_id, p.birth_year,
          CASE WHEN p.unit_era = 2025 AND p.unit_code = ANY($2::text[]) THEN p.unit_code END AS unit
     FROM person p
    WHERE p.province_code = $1 AND p.personal_id ~ '^[0-9]{12}$' AND p.birth_year IS NOT NULL AND p.died_on IS NULL`,
  `CREATE TEMP TABLE bench_app AS
   SELECT i, bp.id AS person_id, bp.personal_id, COALESCE(bp.unit, ($1::text[])[1 + bp.k % array_length($1::text[], 1)]) AS unit_code,
          extract(year FROM current_date) - bp.birth_year >= 7 AS biometrics, i <= $3::int AS open,
          CASE WHEN i <= $3::int THEN current_date - 1 - i % 10
               ELSE current_date - 60 - ((i - 1) / $2::int) * 730 - bp.k % 300 END AS received_on,
          CASE WHEN i <= $3::int THEN 1 + i % 5 ELSE 6 END AS reached
     FROM generate_series(1, $4::int) i JOIN bench_person bp ON bp.k = 1 + (i - 1) % $2::int`,
  `CREATE TEMP TABLE bench_step AS
   SELECT a.i, s.seq::int AS seq, lag(s.state) OVER (PARTITION BY a.i ORDER BY s.seq) AS from_state, s.state AS to_state,
          CASE WHEN a.open THEN a.received_on + interval '2 hours' + (s.seq - 1) * interval '1 hour'
               ELSE a.received_on + interval '2 hours' + (s.seq - 1) * interval '2 days' END AS at
     FROM bench_app a CROSS JOIN LATERAL unnest(${WAY}) WITH ORDINALITY AS s(state, seq)
    WHERE s.seq <= CASE WHEN a.open AND NOT a.biometrics THEN least(a.reached, 4) ELSE a.reached END`,
  `INSERT INTO id_application (province_code, id, no, person_id, personal_id, kind, state, biometrics, unit_code, era, received_on,
          received_by, complete_on, due_on, state_at, arrived_on, handed_over_on, receiver)
   SELECT $1, ('00000000-0000-7000-8000-' || lpad(to_hex(a.i), 12, '0'))::uuid, a.i, a.person_id, a.personal_id,
          CASE WHEN a.open THEN 'renewal' ELSE 'first_issue' END, l.to_state, a.biometrics, a.unit_code, 2025, a.received_on, 'bench',
          CASE WHEN l.to_state NOT IN ('received') OR NOT a.biometrics THEN a.received_on END,
          CASE WHEN l.to_state NOT IN ('received') OR NOT a.biometrics THEN a.received_on + 9 END,
          l.at,
          CASE WHEN l.to_state IN ('arrived', 'handed_over') THEN (l.at AT TIME ZONE 'UTC')::date END,
          CASE WHEN l.to_state = 'handed_over' THEN (l.at AT TIME ZONE 'UTC')::date END,
          CASE WHEN l.to_state = 'handed_over' THEN 'Chính chủ' END
     FROM bench_app a
     JOIN (SELECT DISTINCT ON (i) i, to_state, at FROM bench_step ORDER BY i, seq DESC) l USING (i)
    ORDER BY a.i`,
  `INSERT INTO id_application_step (province_code, application_id, seq, from_state, to_state, at, since, officer, unit_code)
   SELECT $1, ('00000000-0000-7000-8000-' || lpad(to_hex(s.i), 12, '0'))::uuid, s.seq, s.from_state, s.to_state, s.at,
          lag(s.at) OVER (PARTITION BY s.i ORDER BY s.seq), 'bench', a.unit_code
     FROM bench_step s JOIN bench_app a USING (i) ORDER BY s.i, s.seq`,
  `INSERT INTO id_card (province_code, person_id, issued_on, personal_id, application_id, recorded_by)
   SELECT $1, a.person_id, (s.at AT TIME ZONE 'UTC')::date, a.personal_id, ('00000000-0000-7000-8000-' || lpad(to_hex(a.i), 12, '0'))::uuid, 'bench'
     FROM bench_app a JOIN bench_step s ON s.i = a.i AND s.to_state = 'produced'
    WHERE NOT a.open
   ON CONFLICT DO NOTHING`,
]

async function fill(db: Db): Promise<void> {
  const { rows } = await db.pool.query<{ code: string }>(
    `SELECT code FROM geo_unit WHERE era = 2025 AND level = 'commune' AND province_code = $1 AND valid_to = 'infinity' ORDER BY code`,
    [province],
  )
  const communes = rows.map((r) => r.code)
  const client = await db.pool.connect()
  try {
    if (db.engine === 'postgresql') await client.query("SET synchronous_commit = off; SET work_mem = '256MB'")
    const t = performance.now()
    await client.query(FILL[0] as string, [province, communes])
    const persons = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_person')).rows[0]?.n ?? 0
    const open = Math.min(OPEN, persons)
    if (persons === 0) throw new Error('no person with a number and a birth year')
    await client.query(FILL[1] as string, [communes, persons, open, APPLICATIONS])
    await client.query(FILL[2] as string)
    for (const statement of FILL.slice(3)) await client.query(statement, [province])
    await client.query(`SELECT setval('id_application_no', $1)`, [APPLICATIONS])
    await client.query('DROP TABLE bench_person, bench_app, bench_step')
    log(
      `filled ${APPLICATIONS.toLocaleString('en')} applications (${open.toLocaleString('en')} open) over ${persons.toLocaleString('en')} persons in ${seconds(t)}`,
    )
  } finally {
    client.release()
  }
  const t = performance.now()
  for (const table of ['id_application', 'id_application_step', 'id_card']) await db.pool.query(`VACUUM ANALYZE ${table}`)
  log(`VACUUM ANALYZE in ${seconds(t)}`)
}

interface Planned {
  id: string
  to: State
  body: Record<string, unknown>
}

/** The step a commune post takes next of an application in this state (a few returns and cancellations). */
function nextStep(state: State, biometrics: boolean, i: number): Planned['body'] | null {
  switch (state) {
    case 'received':
      if (i % 40 === 0) return { to: 'cancelled', reason: 'Người nộp rút hồ sơ' }
      if (i % 40 === 1) return { to: 'returned_for_correction', reason: 'Ảnh chưa đạt' }
      return { to: biometrics ? 'biometrics_captured' : 'sent_for_production' }
    case 'biometrics_captured':
      return { to: 'sent_for_production' }
    case 'sent_for_production':
      return { to: 'produced' }
    case 'produced':
      return { to: 'arrived' }
    case 'arrived':
      return { to: 'handed_over', receiver: 'Chính chủ' }
    case 'returned_for_correction':
      return { to: 'received' }
    default:
      return null
  }
}

/**
 * The officer's units (the communes with the most open applications, until they hold the
 * requests), the requests — each application stepped once per pass, its state followed from one
 * pass to the next — and, outside those units, the cards sent for production for the batch.
 */
async function plan(db: Db) {
  const { rows: units } = await db.pool.query<{ unit_code: string; n: number }>(
    `SELECT unit_code, count(*)::int AS n FROM id_application
      WHERE province_code = $1 AND state = ANY($2::text[]) GROUP BY unit_code ORDER BY n DESC, unit_code`,
    [province, OPEN_STATES],
  )
  const mine: string[] = []
  let held = 0
  for (const u of units) {
    if (held >= REQUESTS + WARM_UP) break
    mine.push(u.unit_code)
    held += u.n
  }
  const { rows: open } = await db.pool.query<{ id: string; state: State; biometrics: boolean }>(
    `SELECT id, state, biometrics FROM id_application
      WHERE province_code = $1 AND state = ANY($2::text[]) AND unit_code = ANY($3::text[]) ORDER BY md5(id::text)`,
    [province, OPEN_STATES, mine],
  )
  const planned: Planned[] = []
  const states = open.map((a) => a.state)
  // Pass after pass, each application one step further.
  while (planned.length < REQUESTS + WARM_UP) {
    let stepped = 0
    for (const [j, a] of open.entries()) {
      if (planned.length >= REQUESTS + WARM_UP) break
      const body = nextStep(states[j] as State, a.biometrics, planned.length)
      if (!body) continue
      planned.push({ id: a.id, to: body.to as State, body })
      states[j] = body.to as State
      stepped++
    }
    if (stepped === 0) throw new Error(`only ${planned.length} steps fit the officer's ${open.length} open applications`)
  }
  const { rows: sent } = await db.pool.query<{ no: number }>(
    `SELECT no::int AS no FROM id_application
      WHERE province_code = $1 AND state = 'sent_for_production' AND NOT unit_code = ANY($2::text[]) ORDER BY md5(id::text) LIMIT $3`,
    [province, mine, BATCH],
  )
  return { units: mine, open: open.length, planned, batchRefs: sent.map((r) => String(r.no)) }
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0
const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)).padStart(6)
const line = (label: string, xs: number[]) =>
  `  ${label.padEnd(34)} p50 ${f(pct(xs, 50))} ms  p95 ${f(pct(xs, 95))} ms  p99 ${f(pct(xs, 99))} ms  (${xs.length})`

async function measure(target: DbTarget, flags: string[]) {
  let db = await openCoso(target)
  let planned: Awaited<ReturnType<typeof plan>>
  let size: { persons: number; applications: number; steps: number }
  try {
    if ((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM id_application')).rows[0]?.n === 0) await fill(db)
    planned = await plan(db)
    size = (
      await db.pool.query<{ persons: number; applications: number; steps: number }>(
        `SELECT (SELECT count(*) FROM person)::int AS persons, (SELECT count(*) FROM id_application)::int AS applications,
                (SELECT count(*) FROM id_application_step)::int AS steps`,
      )
    ).rows[0] as typeof size
  } finally {
    await db.close()
  }
  const tag = randomBytes(3).toString('hex')
  const officer = `bench.officer.${tag}`
  coso(
    [
      'users',
      'add',
      '--username',
      officer,
      '--role',
      'commune-officer',
      ...planned.units.flatMap((u) => ['--unit', u]),
      '--password-stdin',
      ...flags,
    ],
    'Bench-passphrase-2026\n',
  )
  const officerToken = coso(['tokens', 'add', '--user', officer, ...flags])
  const admin = `bench.admin.${tag}`
  coso(['users', 'add', '--username', admin, '--role', 'province-admin', '--password-stdin', ...flags], 'Bench-passphrase-2026\n')
  const adminToken = coso(['tokens', 'add', '--user', admin, ...flags])

  const server = await serve(flags)
  const all: number[] = []
  const byStep = new Map<string, number[]>()
  const refused: string[] = []
  const health: number[] = []
  const batchTimes: { label: string; ms: number; counts: unknown }[] = []
  try {
    for (const [i, r] of planned.planned.entries()) {
      const t = performance.now()
      const res = await fetch(`${server.url}/api/id/applications/${r.id}/steps`, {
        method: 'POST',
        headers: { authorization: `Bearer ${officerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(r.body),
      })
      const text = await res.text()
      const ms = performance.now() - t
      if (res.status !== 200) {
        refused.push(`${r.to} ${res.status} ${text.slice(0, 300)}`)
        continue
      }
      // The first ones warm the server up (connections, caches, JIT) and are not counted.
      if (i < WARM_UP) continue
      all.push(ms)
      byStep.set(r.to, [...(byStep.get(r.to) ?? []), ms])
    }
    // The HTTP floor: the same server, no database, no token.
    for (let i = 0; i < 500; i++) {
      const t = performance.now()
      await (await fetch(`${server.url}/api/health`)).text()
      health.push(performance.now() - t)
    }
    if (planned.batchRefs.length > 0) {
      for (const dry_run of [true, false]) {
        const t = performance.now()
        const res = await fetch(`${server.url}/api/id/batches`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'receive', refs: planned.batchRefs, dry_run }),
        })
        const body = (await res.json()) as { counts: unknown }
        const ms = performance.now() - t
        if (res.status >= 300) throw new Error(`batch: ${res.status} ${JSON.stringify(body).slice(0, 300)}`)
        batchTimes.push({ label: dry_run ? 'preview (dry_run)' : 'receive (produced + arrived)', ms, counts: body.counts })
      }
    }
  } finally {
    await server.stop()
  }

  // The floor under a step on this engine: one row's version bumped by its key (the primary key
  // leads with the province), one statement and its commit.
  db = await openCoso(target)
  const floor: number[] = []
  try {
    const ids = (
      await db.pool.query<{ id: string }>(`SELECT id FROM id_application WHERE province_code = $1 ORDER BY md5(id::text) LIMIT 1050`, [
        province,
      ])
    ).rows.map((r) => r.id)
    const client = target.engine === 'postgresql' ? new pg.Client({ connectionString: target.url }) : null
    await client?.connect()
    try {
      const run = (sql: string, params: unknown[]) => (client ? client.query(sql, params) : db.pool.query(sql, params))
      for (const [i, id] of ids.entries()) {
        const t = performance.now()
        await run('UPDATE id_application SET version = version + 1 WHERE province_code = $1 AND id = $2', [province, id])
        if (i >= 50) floor.push(performance.now() - t)
      }
    } finally {
      await client?.end()
    }
  } finally {
    await db.close()
  }

  console.log(
    `${target.engine === 'postgresql' ? 'PostgreSQL' : 'PGlite (embedded)'}: ${size.persons.toLocaleString('en')} persons, ` +
      `${size.applications.toLocaleString('en')} applications, ${size.steps.toLocaleString('en')} steps; a commune officer's token over ` +
      `${planned.units.length} units (${planned.open.toLocaleString('en')} open applications); ${all.length} steps one at a time (after ${WARM_UP} to warm up)`,
  )
  console.log(`${line('all steps', all)}   (goal p95 < 30 ms)`)
  for (const [to, xs] of [...byStep].sort((a, b) => b[1].length - a[1].length)) console.log(line(`→ ${to}`, xs))
  console.log(`  refused ${refused.length}`)
  for (const r of refused.slice(0, 5)) console.log(`    ${r}`)
  console.log(line('floor: UPDATE … version + 1 by key', floor))
  console.log(line('floor: GET /api/health through HTTP', health))
  for (const b of batchTimes) {
    console.log(
      `  batch of ${planned.batchRefs.length} slip numbers, ${b.label.padEnd(28)} ${(b.ms / 1000).toFixed(2)} s  ` +
        `(${((b.ms * 1000) / planned.batchRefs.length).toFixed(0)} µs a card) ${JSON.stringify(b.counts)}`,
    )
  }
  const p95 = pct(all, 95)
  console.log(`goal: a state transition p95 < 30 ms — ${p95.toFixed(1)} ms ${p95 < 30 ? 'ok' : 'MISSED'}`)
  if (refused.length > 0 || p95 >= 30) process.exitCode = 1
}

async function onServer<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const server = new URL(url)
  server.pathname = '/postgres'
  const c = new pg.Client({ connectionString: server.toString() })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

const dir = mkdtempSync(join(tmpdir(), 'coso-id-step-'))
try {
  if (embedded) {
    const data = join(dir, 'data')
    importPersons(['--data', data], dir)
    await measure({ engine: 'pglite', dataDir: data }, ['--data', data])
  } else {
    const url = values['database-url'] as string
    const name = new URL(url).pathname.slice(1)
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--database-url: the database name "${name}" must be a plain identifier`)
    const existed = await onServer(url, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1)
    if (!existed) await onServer(url, (c) => c.query(`CREATE DATABASE ${name}`))
    try {
      const target: DbTarget = { engine: 'postgresql', url }
      const db = await openCoso(target)
      let persons: number
      try {
        persons = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM person')).rows[0]?.n ?? 0
      } finally {
        await db.close()
      }
      if (persons === 0) importPersons(['--database-url', url], dir)
      else log(`${name} has ${persons.toLocaleString('en')} persons: used as it is`)
      await measure(target, ['--database-url', url])
    } finally {
      if (values.keep) log(`kept ${url} (run again on it with the same --database-url)`)
      else {
        await onServer(url, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
        log(`dropped ${name}`)
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
