// One event written through the API (issue 7: p95 under 30 ms): POST /api/events with a commune
// officer's API token — token, scope, validation, the person's life re-derived from the whole
// log, stays, person and household rows, and the audit entry, in one transaction — sequentially,
// a few thousand requests of a mix of kinds (moves, temporary residences, corrections,
// confirmations, deaths, births into existing households). Prints p50/p95/p99, per kind, and
// the refused count (which should be 0: every request is planned to fit its person's log).
//
// Two databases: the province (1.4 million persons with three years of events, as
// bench/population.ts builds it) on the PostgreSQL server, and a smaller register on the
// embedded engine (PGlite), each with its own figure. The server runs in a child process.
//
// Run: npm run bench:event-write [-- --database-url URL] [-- --requests 3000] [-- --engine postgresql|pglite]
//        [-- --small-persons 20000] [-- --small-requests 1000]
// --database-url: a database kept by `npm run bench:population -- --keep`; the bench writes into a
// copy of it (CREATE DATABASE … TEMPLATE), so every run starts from the same register. Without it
// the province (--persons) is generated, imported and given its events first (20 minutes or so).
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { openCoso, startServer } from '../src/app.ts'
import { population } from '../src/events/population.ts'
import { today } from '../src/geo/eras.ts'
import { unitIndex, unitWithPredecessors } from '../src/geo/service.ts'
import type { DbTarget } from '../src/platform/config.ts'
import { provinceCode } from '../src/platform/config.ts'
import type { Db } from '../src/platform/db.ts'
import { createLogger } from '../src/platform/log.ts'
import { benchDatabase, SERVER } from './database.ts'
import { addEvents, hasBulkEvents } from './events-fill.ts'
import { benchServer } from './serve.ts'

const SELF = fileURLToPath(import.meta.url)
const COSO = fileURLToPath(new URL('../bin/coso.js', import.meta.url))
const log = (line: string) => process.stderr.write(`${line}\n`)

/** The harness's server: `bench/event-write.ts serve TARGET-JSON`, printing its address. */
async function serveMode(target: DbTarget) {
  const server = await startServer({ target, port: 0, host: '127.0.0.1', logger: createLogger('warn') })
  process.stdout.write(`${server.url}\n`)
  process.on('SIGTERM', () => server.close().then(() => process.exit(0)))
}

const start = (target: DbTarget) => benchServer(['--max-old-space-size=512', SELF, 'serve', JSON.stringify(target)])

const coso = (args: string[], input = '') =>
  execFileSync(process.execPath, [COSO, ...args], {
    input,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, COSO_LOG_LEVEL: 'warn' },
  })
    .toString()
    .trim()

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: SERVER })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

/** A generated register imported with its bulk events: `--data DIR` or `--database-url URL` flags. */
async function buildRegister(persons: number, flags: string[], target: DbTarget, dir: string) {
  const file = join(dir, 'forms.csv')
  coso([
    'generate',
    '--persons',
    String(persons),
    '--seed',
    '7',
    '--collected-from',
    '2024-01-01',
    '--collected-to',
    '2026-06-30',
    '--out',
    file,
  ])
  const t = performance.now()
  coso(['import', file, ...flags])
  log(`imported ${persons.toLocaleString('en')} persons in ${((performance.now() - t) / 1000).toFixed(0)} s`)
  const db = await openCoso(target)
  try {
    const report = await addEvents(db, { log })
    log(`events written in bulk in ${report.seconds.toFixed(0)} s: ${JSON.stringify(report.events)}`)
  } finally {
    await db.close()
  }
}

type Kind = 'move' | 'temporary_residence' | 'correction' | 'confirmation' | 'death' | 'birth'
interface Planned {
  kind: Kind
  body: Record<string, unknown>
}

// Shares of the requests: what a commune officer records most.
const MIX: [Kind, number][] = [
  ['move', 0.25],
  ['temporary_residence', 0.2],
  ['confirmation', 0.2],
  ['correction', 0.15],
  ['death', 0.1],
  ['birth', 0.1],
]

const DAY = 86_400_000
const isoOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/**
 * The requests, and the units of the officer who makes them. Each request takes a person of its
 * own, alive, living in the officer's units since before the last 30 days with no event of theirs
 * dated within them, and is dated within those 30 days; a birth takes such a woman of 18–45 as the
 * mother, into her household.
 */
async function plan(db: Db, requests: number, seed: string): Promise<{ units: string[]; planned: Planned[] }> {
  const province = provinceCode()
  const now = today()
  const cutoffMs = Date.parse(`${now}T00:00:00Z`) - 30 * DAY
  const cutoff = isoOf(cutoffMs)
  const day = (i: number) => isoOf(cutoffMs + (1 + (i % 30)) * DAY)
  // The largest units of today, until they hold several times the persons needed.
  const lines = (await population(db, now, 2025)).lines.filter((l) => !l.unit.includes(':')).sort((a, b) => b.persons - a.persons)
  const units: string[] = []
  let held = 0
  for (const l of lines) {
    if (held >= requests * 6) break
    units.push(l.unit)
    held += l.persons
  }
  const keys = new Set<string>()
  for (const u of units) for (const k of await unitWithPredecessors(db.kysely, u, { era: 2025 })) keys.add(`${k.code}:${k.era}`)
  const { rows: people } = await db.pool.query<{
    person_id: string
    household_id: string | null
    unit_code: string
    sex: 'M' | 'F' | null
    birth_year: number | null
    household_in_scope: boolean
  }>(
    `SELECT s.person_id, s.household_id, s.unit_code, p.sex, p.birth_year,
            COALESCE((SELECT (h.unit_code || ':' || h.era) = ANY($2::text[]) FROM household h
                       WHERE h.province_code = s.province_code AND h.id = s.household_id), false) AS household_in_scope
       FROM stay s JOIN person p ON p.province_code = s.province_code AND p.id = s.person_id
      WHERE s.province_code = $1 AND (s.unit_code || ':' || s.era) = ANY($2::text[]) AND s.kind = 'permanent'
        AND s.valid_to = 'infinity' AND s.valid_from < $3 AND p.died_on IS NULL
        AND NOT EXISTS (SELECT 1 FROM event e WHERE e.province_code = s.province_code AND e.person_id = s.person_id AND e.effective_on >= $3)
      ORDER BY md5(s.person_id::text || $4)
      LIMIT $5`,
    [province, [...keys], cutoff, seed, requests * 4],
  )
  const year = Number(now.slice(0, 4))
  const mothers = people.filter(
    (p) => p.sex === 'F' && p.birth_year !== null && year - p.birth_year >= 19 && year - p.birth_year <= 44 && p.household_in_scope,
  )
  const motherIds = new Set(mothers.map((m) => m.person_id))
  const others = people.filter((p) => !motherIds.has(p.person_id))
  // Households a person may move into: the officer's own (an event may name no household outside them).
  const { rows: homes } = await db.pool.query<{ id: string }>(
    `SELECT id FROM household WHERE province_code = $1 AND (unit_code || ':' || era) = ANY($2::text[])
      ORDER BY md5(id::text || $3) LIMIT 500`,
    [province, [...keys], seed],
  )
  const index = await unitIndex(db.kysely)
  const today2025 = index.list({ on: now, province, level: 'commune' }).map((u) => u.code)
  let o = 0
  let m = 0
  const planned: Planned[] = []
  const tag = randomBytes(3).toString('hex')
  for (let i = 0; i < requests; i++) {
    // The mix, spread evenly through the run.
    let x = ((i * 0.6180339887) % 1) as number
    let kind: Kind = 'confirmation'
    for (const [k, share] of MIX) {
      if (x < share) {
        kind = k
        break
      }
      x -= share
    }
    const effective_on = day(i)
    if (kind === 'birth') {
      const mother = mothers[m++]
      if (mother?.household_id) {
        planned.push({
          kind,
          body: {
            kind,
            effective_on,
            full_name: `${i % 2 ? 'Nguyễn Văn' : 'Trần Thị'} ${['An', 'Bình', 'Chi', 'Dũng', 'Hà'][i % 5]}`,
            sex: i % 2 ? 'M' : 'F',
            household_id: mother.household_id,
            mother_id: mother.person_id,
            relation_to_head: 'Con',
          },
        })
        continue
      }
      kind = 'confirmation'
    }
    const p = others[o++]
    if (!p) throw new Error(`only ${others.length} persons fit; ask for fewer requests`)
    const elsewhere = () => {
      for (;;) {
        const code = today2025[(i * 7 + o) % today2025.length] as string
        if (code !== p.unit_code) return code
        o++
      }
    }
    const base = { kind, person_id: p.person_id, effective_on }
    if (kind === 'move') {
      const r = i % 10
      const home = homes[i % homes.length]
      // Into another household of the commune, a new household of their own there, or another commune.
      const to =
        r < 4 && home && home.id !== p.household_id
          ? { household_id: home.id, relation_to_head: 'Khác' }
          : r < 6
            ? { unit_code: units[i % units.length], detail: `Số ${i % 97}, tổ ${i % 13}`, new_household_no: `B${tag}-${i}` }
            : { unit_code: elsewhere(), detail: `Số ${i % 97}, tổ ${i % 13}` }
      planned.push({ kind, body: r === 9 ? { ...base, outside: 'Hà Nội' } : { ...base, to } })
    } else if (kind === 'temporary_residence') {
      planned.push({
        kind,
        body: { ...base, unit_code: elsewhere(), detail: `Phòng ${i % 40}`, until: isoOf(Date.parse(effective_on) + 180 * DAY) },
      })
    } else if (kind === 'correction') {
      planned.push({
        kind,
        body:
          i % 2
            ? { ...base, field: 'phone', value: `09${String(10_000_000 + i).padStart(8, '0')}`, reason: 'Số điện thoại mới' }
            : { ...base, field: 'occupation', value: 'Công nhân', reason: 'Đổi nghề' },
      })
    } else {
      planned.push({ kind, body: base })
    }
  }
  return { units, planned }
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0

/** Plans, makes the officer and their token, serves, and sends the requests one at a time. */
async function measure(label: string, target: DbTarget, flags: string[], requests: number) {
  const db = await openCoso(target)
  let planned: Planned[]
  let units: string[]
  let persons: number
  try {
    ;({ units, planned } = await plan(db, requests + 50, 'bench'))
    persons = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM person')).rows[0]?.n ?? 0
  } finally {
    await db.close()
  }
  const username = `bench.writer.${randomBytes(3).toString('hex')}`
  coso(
    [
      'users',
      'add',
      '--username',
      username,
      '--role',
      'commune-officer',
      ...units.flatMap((u) => ['--unit', u]),
      '--password-stdin',
      ...flags,
    ],
    'Bench-passphrase-2026\n',
  )
  const token = coso(['tokens', 'add', '--user', username, ...flags])
  const server = await start(target)
  const times = new Map<Kind, number[]>()
  const all: number[] = []
  const refused: string[] = []
  try {
    for (const [i, r] of planned.entries()) {
      const t = performance.now()
      const res = await fetch(`${server.url}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(r.body),
      })
      const text = await res.text()
      const ms = performance.now() - t
      if (res.status !== 201) {
        refused.push(`${r.kind} ${res.status} ${text.slice(0, 300)}`)
        continue
      }
      // The first 50 warm the server up (connections, caches, JIT) and are not counted.
      if (i < 50) continue
      all.push(ms)
      times.set(r.kind, [...(times.get(r.kind) ?? []), ms])
    }
  } finally {
    await server.stop()
  }
  const f = (x: number) => x.toFixed(1).padStart(6)
  console.log(
    `${label}: ${persons.toLocaleString('en')} persons; a commune officer's token over ${units.length} units; ` +
      `${all.length} events written one at a time (after 50 to warm up)`,
  )
  console.log(`  all                  p50 ${f(pct(all, 50))} ms  p95 ${f(pct(all, 95))} ms  p99 ${f(pct(all, 99))} ms   (goal p95 < 30 ms)`)
  for (const [kind, xs] of times) console.log(`  ${kind.padEnd(20)} p50 ${f(pct(xs, 50))} ms  p95 ${f(pct(xs, 95))} ms  (${xs.length})`)
  console.log(`  refused ${refused.length}`)
  for (const r of refused.slice(0, 5)) console.log(`    ${r}`)
  if (target.engine === 'postgresql') {
    // The floor under any write on this server: one durable commit of one row (the WAL flushed).
    const c = new pg.Client({ connectionString: target.url })
    await c.connect()
    try {
      await c.query('CREATE TABLE bench_commit_floor (id int)')
      const floor: number[] = []
      for (let i = 0; i < 500; i++) {
        const t = performance.now()
        await c.query('INSERT INTO bench_commit_floor VALUES ($1)', [i])
        floor.push(performance.now() - t)
      }
      await c.query('DROP TABLE bench_commit_floor')
      console.log(
        `  one-row INSERT and commit on the same server: p50 ${f(pct(floor, 50))} ms  p95 ${f(pct(floor, 95))} ms  (the fsync floor)`,
      )
    } finally {
      await c.end()
    }
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      persons: { type: 'string', default: '1400000' },
      requests: { type: 'string', default: '3000' },
      'small-persons': { type: 'string', default: '20000' },
      'small-requests': { type: 'string', default: '1000' },
      engine: { type: 'string' },
    },
  })
  if (values.engine !== 'pglite') {
    // The province on the server: a copy of the kept database, or one built now.
    const dir = mkdtempSync(join(tmpdir(), 'coso-event-write-'))
    let copy: { url: string; drop(): Promise<void> }
    try {
      const given = values['database-url']
      if (given) {
        const template = decodeURIComponent(new URL(given).pathname.slice(1))
        const name = `coso_bench_run_${randomBytes(4).toString('hex')}`
        const t = performance.now()
        await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${pg.escapeIdentifier(template)} STRATEGY = FILE_COPY`))
        const url = new URL(SERVER)
        url.pathname = `/${name}`
        copy = { url: url.toString(), drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}) }
        log(`copied ${template} in ${((performance.now() - t) / 1000).toFixed(0)} s`)
      } else {
        copy = await benchDatabase()
        await buildRegister(Number(values.persons), ['--database-url', copy.url], { engine: 'postgresql', url: copy.url }, dir)
      }
      try {
        const target: DbTarget = { engine: 'postgresql', url: copy.url }
        const db = await openCoso(target)
        try {
          if (!(await hasBulkEvents(db)))
            throw new Error('the database has no bulk events: make it with npm run bench:population -- --keep')
        } finally {
          await db.close()
        }
        await measure('PostgreSQL', target, ['--database-url', copy.url], Number(values.requests))
      } finally {
        await copy.drop()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  if (values.engine !== 'postgresql') {
    const dir = mkdtempSync(join(tmpdir(), 'coso-event-write-pglite-'))
    try {
      const data = join(dir, 'data')
      const target: DbTarget = { engine: 'pglite', dataDir: data }
      await buildRegister(Number(values['small-persons']), ['--data', data], target, dir)
      await measure('PGlite (embedded)', target, ['--data', data], Number(values['small-requests']))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

if (process.argv[2] === 'serve') await serveMode(JSON.parse(process.argv[3] as string) as DbTarget)
else await main()
