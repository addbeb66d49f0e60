// Person search among a province's population (1.4 million by default) on the PostgreSQL
// server: the register is filled by COPY with rows made exactly as the importer makes them
// (same name keys), then searched the way the API searches, sequentially; prints p50/p95/p99.
// Run: npm run bench:search [-- --persons 1400000] [-- --queries 2000]
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { openCoso } from '../src/app.ts'
import { generateForms, loadReferenceData } from '../src/intake/generate.ts'
import { normalizeName, parseDate, parseSex, splitName } from '../src/intake/values.ts'
import { copyInto } from '../src/platform/copy.ts'
import { COLUMNS } from '../src/register/queries.ts'
import * as register from '../src/register/service.ts'
import { foldKey } from '../src/text/vietnamese.ts'

const SERVER = process.env.COSO_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const { values } = parseArgs({ options: { persons: { type: 'string', default: '1400000' }, queries: { type: 'string', default: '2000' } } })
const persons = Number(values.persons)

const name = `coso_search_${randomBytes(4).toString('hex')}`
const admin = new pg.Client({ connectionString: SERVER })
await admin.connect()
await admin.query(`CREATE DATABASE ${name}`)
const url = new URL(SERVER)
url.pathname = `/${name}`
const db = await openCoso({ engine: 'postgresql', url: url.toString() })
try {
  const started = performance.now()
  const samples: { q: string; year: number | null; unit: string }[] = []
  let batch = new register.RegisterWrites('22', null)
  const flush = async () => {
    const client = await db.pool.connect()
    try {
      await copyInto(db, client, 'person', [...COLUMNS.person], batch.rows.person)
      await copyInto(db, client, 'residence', [...COLUMNS.residence], batch.rows.residence)
    } finally {
      client.release()
    }
    batch = new register.RegisterWrites('22', null)
  }
  let n = 0
  for (const { form } of generateForms({ persons, seed: 14, dupRate: 0, errorRate: 0 }, loadReferenceData())) {
    const display = normalizeName(form.full_name)
    const parts = splitName(display)
    const birth = parseDate(form.birth_date, true)
    const sex = parseSex(form.sex)
    const id = batch.addPerson(
      {
        full_name: form.full_name,
        name_display: display,
        family: parts.family,
        given: parts.given,
        other_name: null,
        birth: birth.kind === 'ok' ? { year: birth.year, month: birth.month, day: birth.day, precision: birth.precision } : null,
        sex: sex === 'M' || sex === 'F' ? sex : null,
        personal_id: form.personal_id || null,
        old_id: null,
        ethnicity_code: null,
        ethnicity_text: form.ethnicity || null,
        religion: null,
        nationality: 'Việt Nam',
        blood_group: null,
        marital_status: null,
        occupation: null,
        phone: form.phone || null,
        email: null,
        birth_reg_place: null,
        hometown: null,
        unit: { code: form.current_unit, era: 2025 },
      },
      '00000000-0000-7000-8000-000000000000',
    )
    batch.addResidence(id, 'current', form.current_unit, 2025, null, '00000000-0000-7000-8000-000000000000')
    if (n % Math.ceil(persons / 500) === 0)
      samples.push({ q: display, year: birth.kind === 'ok' ? birth.year : null, unit: form.current_unit })
    if (++n % 20000 === 0) await flush()
  }
  await flush()
  await db.pool.query('VACUUM ANALYZE person')
  await db.pool.query('VACUUM ANALYZE residence')
  const loaded = (performance.now() - started) / 1000
  const count = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM person')).rows[0]?.n

  const kinds: [string, (s: (typeof samples)[number]) => Omit<register.PersonSearch, 'scope'>][] = [
    ['full name', (s) => ({ q: s.q })],
    ['full name, folded', (s) => ({ q: foldKey(s.q) })],
    ['given name only', (s) => ({ q: s.q.split(' ').pop() })],
    ['family + given', (s) => ({ q: `${s.q.split(' ')[0]} ${s.q.split(' ').pop()}` })],
    ['name + birth year', (s) => ({ q: s.q, birth_year: s.year ?? undefined })],
    ['given name + unit', (s) => ({ q: s.q.split(' ').pop(), units: [{ code: s.unit, era: 2025 }] })],
  ]
  const total = Number(values.queries)
  const times: number[] = []
  const byKind = new Map<string, number[]>()
  for (let i = 0; i < total; i++) {
    const sample = samples[i % samples.length] as (typeof samples)[number]
    const [kind, make] = kinds[i % kinds.length] as (typeof kinds)[number]
    const t = performance.now()
    await register.searchPersons(db.pool, '22', { ...make(sample), limit: 50, scope: null })
    const ms = performance.now() - t
    times.push(ms)
    byKind.set(kind, [...(byKind.get(kind) ?? []), ms])
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0
  console.log(
    `${count?.toLocaleString('en')} persons loaded by COPY in ${loaded.toFixed(0)} s; ${total} searches, 50 per page, one at a time`,
  )
  console.log(
    `  all           p50 ${pct(times, 50).toFixed(1)} ms  p95 ${pct(times, 95).toFixed(1)} ms  p99 ${pct(times, 99).toFixed(1)} ms   (goal p95 < 50 ms)`,
  )
  for (const [kind, xs] of byKind) console.log(`  ${kind.padEnd(18)} p50 ${pct(xs, 50).toFixed(1)} ms  p95 ${pct(xs, 95).toFixed(1)} ms`)
} finally {
  await db.close()
  await admin.query(`DROP DATABASE ${name} WITH (FORCE)`)
  await admin.end()
}
