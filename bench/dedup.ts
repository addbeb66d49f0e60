// Deduplication quality and speed on a generated file with ground truth the scorer never sees:
// generate, import, run, then compare the register's clusters with the truth — pairwise
// precision, recall and F1 over forms (review pairs count as non-links), auto-link precision,
// blocking recall, review pairs per form, recall per injected error type, and the run's times.
// Run: npm run bench:dedup [-- --persons 20000] [-- --engine pglite|postgresql]
//
// Importing a province (1.7 million forms) takes a quarter of an hour, so a run can start from a
// register imported before: --keep leaves the file, its truth and the imported register behind
// and prints how to reuse them; --dir DIR with --database-url URL (or --data DIR on PGlite) runs
// on a copy of that register (CREATE DATABASE … TEMPLATE, or a copied data directory), so every
// run starts from the same register as it was before any run.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { cliActor } from '../src/access/service.ts'
import { openCoso } from '../src/app.ts'
import { LINK, linkPrecision, pairwiseScores, REVIEW } from '../src/dedup/cluster.ts'
import { clusterRows } from '../src/dedup/queries.ts'
import { type RunView, runDedup } from '../src/dedup/service.ts'
import type { DbTarget } from '../src/platform/config.ts'
import { parseCsv } from '../src/platform/csv.ts'
import { benchDatabase, SERVER } from './database.ts'

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '20000' },
    'dup-rate': { type: 'string', default: '0.15' },
    'error-rate': { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '11' },
    engine: { type: 'string', default: 'postgresql' },
    /** Where the file and its truth are; generated there when missing (default: a new temp directory). */
    dir: { type: 'string' },
    /** An imported register on the server, left untouched: the run works on a copy of it. */
    'database-url': { type: 'string' },
    /** An imported PGlite data directory, left untouched: the run works on a copy of it. */
    data: { type: 'string' },
    /** Keep the file, its truth and the imported register, and print how to run again on them. */
    keep: { type: 'boolean', default: false },
  },
})
const engine = values.engine === 'pglite' || values.data ? 'pglite' : 'postgresql'
const dir = values.dir ? resolve(values.dir) : mkdtempSync(join(tmpdir(), 'coso-dedup-'))
mkdirSync(dir, { recursive: true })
const file = join(dir, 'forms.csv')
const coso = (args: string[]) => execFileSync(process.execPath, ['bin/coso.js', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
if (!existsSync(file)) {
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
} else {
  console.log(`reusing ${file} (generation flags ignored)`)
}
if ((values['database-url'] || values.data) && !values.dir)
  throw new Error('--database-url and --data need --dir, where the file and its truth are')

/** The register the run starts from, imported now or before, and how to get a fresh copy of it. */
interface Register {
  /** Reuse flags for the next run. */
  flags: string[]
  /** A copy to run on (or the register itself when it is not kept), and how to remove it. */
  copy(): Promise<{ target: DbTarget; drop(): Promise<void> }>
  drop(): Promise<void>
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: SERVER })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

async function serverRegister(): Promise<Register> {
  const given = values['database-url']
  const imported = given ? { url: given, drop: async () => {} } : await benchDatabase()
  if (!given) coso(['import', file, '--database-url', imported.url])
  const copied = given !== undefined || values.keep
  return {
    flags: ['--database-url', imported.url],
    async copy() {
      if (!copied) return { target: { engine: 'postgresql', url: imported.url }, drop: async () => {} }
      // A file-level copy of the imported database (not block by block through the WAL, PostgreSQL
      // 15's default): seconds, where importing again takes a quarter of an hour.
      const template = decodeURIComponent(new URL(imported.url).pathname.slice(1))
      const name = `coso_bench_run_${randomBytes(4).toString('hex')}`
      await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${pg.escapeIdentifier(template)} STRATEGY = FILE_COPY`))
      const url = new URL(SERVER)
      url.pathname = `/${name}`
      return {
        target: { engine: 'postgresql', url: url.toString() },
        drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
      }
    },
    drop: () => (values.keep ? Promise.resolve() : imported.drop()),
  }
}

async function embeddedRegister(): Promise<Register> {
  const imported = values.data ? resolve(values.data) : join(dir, 'data')
  if (!values.data) coso(['import', file, '--data', imported])
  const copied = values.data !== undefined || values.keep
  return {
    flags: ['--engine', 'pglite', '--data', imported],
    async copy() {
      if (!copied) return { target: { engine: 'pglite', dataDir: imported }, drop: async () => {} }
      const run = mkdtempSync(join(tmpdir(), 'coso-dedup-run-'))
      cpSync(imported, run, { recursive: true, filter: (source) => !source.endsWith('coso.lock') })
      return { target: { engine: 'pglite', dataDir: run }, drop: async () => rmSync(run, { recursive: true, force: true }) }
    },
    drop: async () => {
      if (!values.keep && !values.data) rmSync(imported, { recursive: true, force: true })
    },
  }
}

// Truth per form: the generated person, and the errors injected into that form.
const truth = new Map<string, { person: string; errors: string[] }>()
for (const [formNo, unit, person, errors] of parseCsv(readFileSync(join(dir, 'forms.truth.csv'), 'utf8')).slice(1)) {
  truth.set(`${unit}/${formNo}`, { person: person as string, errors: errors ? errors.split(';') : [] })
}

const register = engine === 'pglite' ? await embeddedRegister() : await serverRegister()
const started = performance.now()
const run = await register.copy()
const target = run.target
console.log(`register ready in ${((performance.now() - started) / 1000).toFixed(1)} s`)
try {
  const db = await openCoso(target)
  try {
    // Before the run: each register person's forms, to know which person pairs are true matches.
    const before = new Map<string, string>()
    for await (const page of clusterRows(db.pool, '22')) for (const r of page) before.set(`${r.collecting_unit}/${r.form_no}`, r.person_id)
    const personTruth = new Map<string, string>()
    for (const [form, person] of before) if (!personTruth.has(person)) personTruth.set(person, truth.get(form)?.person ?? form)

    let view: RunView | undefined
    const rssBefore = process.memoryUsage().rss
    // Sampled at each stage and between (a stage's loop holds the event loop), and the process's
    // own high-water mark (which includes what the bench held before the run).
    let peak = rssBefore
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }
    const sampler = setInterval(sample, 100)
    const report = await runDedup(db, {
      actor: cliActor(),
      onProgress: (stage) => {
        sample()
        process.stderr.write(`dedup: ${stage} (RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB)\n`)
      },
      inspect: (v) => {
        sample()
        view = v
      },
    })
    clearInterval(sampler)
    sample()
    const maxRss = process.resourceUsage().maxRSS * 1024
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
      `times (s): ${JSON.stringify(report.seconds)}; pairs scored ${report.pairs_scored.toLocaleString('en')}; RSS before the run ${Math.round(rssBefore / 2 ** 20)} MB, sampled peak ${Math.round(peak / 2 ** 20)} MB, process maximum ${Math.round(maxRss / 2 ** 20)} MB`,
    )
    console.log('recall per injected error (form pairs of one person):')
    for (const [k, e] of [...perError].sort((x, y) => y[1].pairs - x[1].pairs))
      console.log(`  ${k.padEnd(16)} ${pct(e.joined / e.pairs).padStart(9)}  (${e.joined}/${e.pairs})`)
  } finally {
    await db.close()
  }
} finally {
  await run.drop()
  await register.drop()
  if (values.keep) {
    console.log(`kept: ${dir} and the imported register; run again on a copy of it with`)
    console.log(`  npm run bench:dedup -- --dir ${dir} ${register.flags.join(' ')}`)
  } else if (!values.dir) {
    rmSync(dir, { recursive: true, force: true })
  }
}
