// The check of one new form against a province's register (1.4 million persons by default) on
// the PostgreSQL server: "possibly an existing person" as the form entry page asks it, for forms
// that repeat a registered person typed without diacritics. Prints p50/p95/p99 and how many
// found their person. Run: npm run bench:dedup-check [-- --persons 1400000] [-- --checks 500]
import { parseArgs } from 'node:util'
import { openCoso } from '../src/app.ts'
import { possibleMatches } from '../src/dedup/incremental.ts'
import { prepareForm } from '../src/intake/service.ts'
import { foldKey } from '../src/text/vietnamese.ts'
import { benchDatabase } from './database.ts'
import { fillRegister } from './register-fill.ts'

const { values } = parseArgs({ options: { persons: { type: 'string', default: '1400000' }, checks: { type: 'string', default: '500' } } })

const database = await benchDatabase()
const db = await openCoso({ engine: 'postgresql', url: database.url })
try {
  const samples = await fillRegister(db, Number(values.persons))
  await db.pool.query('ANALYZE')
  const times: number[] = []
  let found = 0
  const checks = Math.min(Number(values.checks), samples.length)
  for (let i = 0; i < checks; i++) {
    const s = samples[(i * 7919) % samples.length] as (typeof samples)[number]
    const form = {
      collecting_unit: s.unit,
      collected_on: '10/03/2026',
      full_name: foldKey(s.q).toUpperCase(),
      birth_date: String(s.year ?? ''),
    }
    const t = performance.now()
    const pending = await prepareForm(db, form, null)
    const matches = await possibleMatches(db, pending, null)
    times.push(performance.now() - t)
    if (matches.some((m) => foldKey(m.name_display) === foldKey(s.q))) found++
  }
  times.sort((a, b) => a - b)
  const at = (p: number) => (times[Math.min(times.length - 1, Math.floor(p * times.length))] as number).toFixed(1)
  console.log(
    `one-form check among ${Number(values.persons).toLocaleString('en')} persons: ${checks} checks, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms; ` +
      `the registered person among the matches in ${found}/${checks}`,
  )
} finally {
  await db.close()
  await database.drop()
}
