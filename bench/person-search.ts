// Person search among a province's population (1.4 million by default) on the PostgreSQL
// server: the register is filled by COPY with rows made exactly as the importer makes them
// (same name keys), then searched the way the API searches, sequentially; prints p50/p95/p99.
// Run: npm run bench:search [-- --persons 1400000] [-- --queries 2000]
import { parseArgs } from 'node:util'
import { openCoso } from '../src/app.ts'
import type * as register from '../src/register/service.ts'
import { searchPersons } from '../src/register/service.ts'
import { foldKey } from '../src/text/vietnamese.ts'
import { benchDatabase } from './database.ts'
import { fillRegister } from './register-fill.ts'

const { values } = parseArgs({ options: { persons: { type: 'string', default: '1400000' }, queries: { type: 'string', default: '2000' } } })
const persons = Number(values.persons)

const database = await benchDatabase()
const db = await openCoso({ engine: 'postgresql', url: database.url })
try {
  const started = performance.now()
  const samples = await fillRegister(db, persons)
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
    await searchPersons(db.pool, '22', { ...make(sample), limit: 50, scope: null })
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
  await database.drop()
}
