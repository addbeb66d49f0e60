// Deduplication quality and speed on a generated file with ground truth the scorer never sees:
// generate, import, run, then compare the register's clusters with the truth — pairwise
// precision, recall and F1 over forms (review pairs count as non-links), auto-link precision,
// blocking recall, review pairs per form, recall per injected error type, and the run's times.
// Run: npm run bench:dedup [-- --persons 20000] [-- --engine pglite|postgresql]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { cliActor } from '../src/access/service.ts'
import { openCoso } from '../src/app.ts'
import { LINK, linkPrecision, pairwiseScores, REVIEW } from '../src/dedup/cluster.ts'
import { clusterRows } from '../src/dedup/queries.ts'
import { type RunView, runDedup } from '../src/dedup/service.ts'
import { parseCsv } from '../src/platform/csv.ts'
import { benchDatabase } from './database.ts'

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '20000' },
    'dup-rate': { type: 'string', default: '0.15' },
    'error-rate': { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '11' },
    engine: { type: 'string', default: 'postgresql' },
  },
})
const dir = mkdtempSync(join(tmpdir(), 'coso-dedup-'))
const file = join(dir, 'forms.csv')
const coso = (args: string[]) => execFileSync(process.execPath, ['bin/coso.js', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
coso([
  'generate',
  '--persons',
  values.persons,
  '--dup-rate',
  values['dup-rate'],
  '--error-rate',
  values['error-rate'],
  '--seed',
  values.seed,
  '--out',
  file,
])

// Truth per form: the generated person, and the errors injected into that form.
const truth = new Map<string, { person: string; errors: string[] }>()
for (const [formNo, unit, person, errors] of parseCsv(readFileSync(join(dir, 'forms.truth.csv'), 'utf8')).slice(1)) {
  truth.set(`${unit}/${formNo}`, { person: person as string, errors: errors ? errors.split(';') : [] })
}

const database = values.engine === 'pglite' ? undefined : await benchDatabase()
const target = database ? { engine: 'postgresql' as const, url: database.url } : { engine: 'pglite' as const, dataDir: join(dir, 'data') }
const flags = database ? ['--database-url', database.url] : ['--data', join(dir, 'data')]
try {
  coso(['import', file, ...flags])
  const db = await openCoso(target)
  try {
    // Before the run: each register person's forms, to know which person pairs are true matches.
    const before = new Map<string, string>()
    for await (const page of clusterRows(db.pool, '22')) for (const r of page) before.set(`${r.collecting_unit}/${r.form_no}`, r.person_id)
    const personTruth = new Map<string, string>()
    for (const [form, person] of before) if (!personTruth.has(person)) personTruth.set(person, truth.get(form)?.person ?? form)

    let view: RunView | undefined
    const rssBefore = process.memoryUsage().rss
    let peak = rssBefore
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 100)
    const report = await runDedup(db, {
      actor: cliActor(),
      inspect: (v) => {
        view = v
      },
    })
    clearInterval(sampler)
    if (!view) throw new Error('the run did not show its decisions')
    const v = view
    const labels = v.ids.map((id) => personTruth.get(id) ?? id)

    // Blocking recall: of the person pairs that are one true person, the share blocking proposed.
    const byTruth = new Map<string, number>()
    for (const l of labels) byTruth.set(l, (byTruth.get(l) ?? 0) + 1)
    let truePersonPairs = 0
    for (const n of byTruth.values()) truePersonPairs += (n * (n - 1)) / 2
    let found = 0
    for (let i = 0; i < v.a.length; i++) if (labels[v.a[i] as number] === labels[v.b[i] as number]) found++
    const links = linkPrecision(v, v.decision, labels)
    let review = 0
    for (const d of v.decision) if (d === REVIEW) review++

    const after = new Map<string, string>()
    for await (const page of clusterRows(db.pool, '22')) for (const r of page) after.set(`${r.collecting_unit}/${r.form_no}`, r.person_id)
    const forms = [...after.keys()]
    const personNo = new Map([...new Set(after.values())].map((p, i) => [p, i]))
    const scores = pairwiseScores(
      forms.map((f) => personNo.get(after.get(f) as string) as number),
      forms.map((f) => truth.get(f)?.person ?? f),
    )
    // Recall per injected error: pairs of one true person where one form carries the error.
    const perError = new Map<string, { pairs: number; joined: number }>()
    const formsOf = new Map<string, string[]>()
    for (const f of forms) {
      const p = truth.get(f)?.person ?? f
      formsOf.set(p, [...(formsOf.get(p) ?? []), f])
    }
    for (const group of formsOf.values()) {
      for (let i = 0; i < group.length; i++)
        for (let j = i + 1; j < group.length; j++) {
          const x = group[i] as string
          const y = group[j] as string
          const kinds = new Set([...(truth.get(x)?.errors ?? []), ...(truth.get(y)?.errors ?? [])])
          if (kinds.size === 0) kinds.add('(none)')
          for (const k of kinds) {
            const e = perError.get(k) ?? { pairs: 0, joined: 0 }
            e.pairs++
            if (after.get(x) === after.get(y)) e.joined++
            perError.set(k, e)
          }
        }
    }
    const pct = (x: number) => `${(100 * x).toFixed(2)} %`
    console.log(
      `dedup on ${target.engine}: ${truth.size.toLocaleString('en')} forms, ${report.persons.toLocaleString('en')} register persons before the run`,
    )
    console.log(
      `blocking recall ${pct(truePersonPairs ? found / truePersonPairs : 1)} (${found}/${truePersonPairs} true person pairs proposed)`,
    )
    console.log(`auto-link precision ${pct(links.precision)} (${links.correct}/${links.links} link pairs)`)
    console.log(
      `pairwise over forms: precision ${pct(scores.precision)}, recall ${pct(scores.recall)}, F1 ${scores.f1.toFixed(4)} (${scores.correctPairs}/${scores.truePairs} true pairs)`,
    )
    console.log(`review pairs ${review} = ${pct(review / truth.size)} of forms; link pairs ${v.decision.filter((d) => d === LINK).length}`)
    console.log(
      `times (s): ${JSON.stringify(report.seconds)}; pairs scored ${report.pairs_scored.toLocaleString('en')}; peak RSS ${Math.round(peak / 2 ** 20)} MB`,
    )
    console.log('recall per injected error (form pairs of one person):')
    for (const [k, e] of [...perError].sort((x, y) => y[1].pairs - x[1].pairs))
      console.log(`  ${k.padEnd(16)} ${pct(e.joined / e.pairs).padStart(9)}  (${e.joined}/${e.pairs})`)
  } finally {
    await db.close()
  }
} finally {
  await database?.drop()
}
