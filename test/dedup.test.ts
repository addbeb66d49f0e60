// Deduplication through the CLI on both engines: a run on generated forms with ground truth, the
// clusters and pairs contract, and merges undone to the exact register they replaced.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { openCoso } from '../src/app.ts'
import { pairwiseScores } from '../src/dedup/cluster.ts'
import { parseCsv } from '../src/platform/csv.ts'
import { engines, runCli, serve, type TestDatabase, tempDir, userWithToken } from './helpers.ts'

/** Every register table a merge touches, in key order: what "exactly as before" compares. */
const REGISTER = {
  person: 'id',
  person_identifier: 'national_id',
  form: 'id',
  residence: 'id',
  household: 'id',
  household_member: 'household_id, person_id',
  relationship: 'person_id, kind, form_id',
  review_item: 'id',
  stay: 'person_id, seq',
  event: 'id',
}

async function dump(target: TestDatabase['target']) {
  const db = await openCoso(target)
  try {
    const tables: Record<string, unknown[]> = {}
    for (const [table, key] of Object.entries(REGISTER))
      tables[table] = (await db.pool.query(`SELECT * FROM ${table} ORDER BY ${key}`)).rows
    return tables
  } finally {
    await db.close()
  }
}

for (const engine of await engines()) {
  describe(`dedup on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let truth: Map<string, string>
    let registerBefore: Record<string, unknown[]>
    before(async () => {
      db = await engine.create()
      const file = join(tempDir(), 'forms.csv')
      const g = await runCli(['generate', '--persons', '300', '--dup-rate', '0.3', '--error-rate', '0.3', '--seed', '11', '--out', file])
      assert.equal(g.code, 0, g.stderr)
      assert.equal((await runCli(['import', file, ...db.flags])).code, 0)
      truth = new Map(
        parseCsv(readFileSync(file.replace(/\.csv$/, '.truth.csv'), 'utf8'))
          .slice(1)
          .map(([formNo, unit, person]) => [`${unit}/${formNo}`, person as string]),
      )
      registerBefore = await dump(db.target)
    })
    after(() => db.drop())

    test('a run links the duplicates; clusters and pairs print the documented CSV', async () => {
      const run = await runCli(['dedup', 'run', '--json', ...db.flags])
      assert.equal(run.code, 0, run.stderr)
      const report = JSON.parse(run.stdout) as { pairs_scored: number; links: number; merges: number; review: number }
      assert.ok(report.pairs_scored > 0 && report.merges > 0, run.stdout)

      const clusters = await runCli(['dedup', 'clusters', '--format', 'csv', ...db.flags])
      assert.equal(clusters.code, 0, clusters.stderr)
      assert.ok(!clusters.stdout.startsWith('\uFEFF'), 'no byte-order mark')
      const [header, ...rows] = parseCsv(clusters.stdout)
      assert.deepEqual(header, ['form_no', 'collecting_unit', 'person_id'])
      const held = (registerBefore.form as { state: string }[]).filter((f) => !f.state.startsWith('accepted')).length
      assert.equal(rows.length, (registerBefore.form as unknown[]).length - held, 'every register form once, none held for correction')
      const persons = new Map<string, number>()
      const predicted = rows.map((r) => persons.get(r[2] as string) ?? persons.set(r[2] as string, persons.size).size - 1)
      const scores = pairwiseScores(
        predicted,
        rows.map((r) => truth.get(`${r[1]}/${r[0]}`) as string),
      )
      assert.ok(scores.precision >= 0.99 && scores.recall >= 0.9, JSON.stringify(scores))
      assert.ok(persons.size < (registerBefore.person as unknown[]).length, 'persons were merged')

      const pairs = await runCli(['dedup', 'pairs', '--format', 'csv', ...db.flags])
      assert.equal(pairs.code, 0, pairs.stderr)
      const [pairHeader, ...pairRows] = parseCsv(pairs.stdout)
      assert.deepEqual(pairHeader, ['form_no_a', 'collecting_unit_a', 'form_no_b', 'collecting_unit_b', 'probability', 'decision'])
      assert.equal(pairRows.length, report.links + report.review)
      for (const [, , , , probability, decision] of pairRows) {
        assert.ok(Number(probability) >= 0 && Number(probability) <= 1)
        assert.match(decision as string, /^(link|review)$/)
      }
    })

    test('undoing the merges, last first, leaves the register tables exactly as before', async () => {
      const list = await runCli(['dedup', 'merges', '--json', ...db.flags])
      assert.equal(list.code, 0, list.stderr)
      const merges = JSON.parse(list.stdout) as { id: string; state: string }[]
      assert.ok(merges.length > 0)
      assert.notDeepEqual(await dump(db.target), registerBefore)
      for (const m of merges.filter((x) => x.state === 'applied').reverse()) {
        const undone = await runCli(['dedup', 'unmerge', m.id, ...db.flags])
        assert.equal(undone.code, 0, undone.stderr)
      }
      assert.deepEqual(await dump(db.target), registerBefore)
      const again = await runCli(['dedup', 'unmerge', merges[0]?.id as string, ...db.flags])
      assert.notEqual(again.code, 0)
      assert.match(again.stderr, /không còn hiệu lực|not in effect/)
    })

    test('an officer’s merge waits for a commune head, and so does its undoing; "not same" keeps two apart in later runs', async () => {
      const admin = await userWithToken(db.flags, 'province-admin')
      const officer = await userWithToken(db.flags, 'commune-officer', ['06652'])
      const head = await userWithToken(db.flags, 'commune-head', ['06652'])
      const elsewhere = await userWithToken(db.flags, 'commune-officer', ['06658'])
      const server = await serve(db.flags)
      try {
        const call = async (who: { auth: Record<string, string> }, method: string, path: string, body?: unknown) => {
          const r = await fetch(`${server.url}${path}`, {
            method,
            headers: { ...who.auth, ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
          })
          // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
          return { status: r.status, body: (await r.json()) as any }
        }
        const person = async (formNo: string, name: string) => {
          const form = {
            form_no: formNo,
            collected_on: '10/03/2026',
            collecting_unit: '06652',
            full_name: name,
            birth_date: '05/06/1981',
            sex: 'Nam',
            permanent_unit: '06652',
          }
          const r = await call(officer, 'POST', '/api/forms', form)
          assert.match(r.body.outcome, /^accepted/, JSON.stringify(r.body))
          const found = await call(officer, 'GET', `/api/forms?unit=06652&form_no=${formNo}`)
          return (found.body.items as { person_id: string }[])[0]?.person_id as string
        }
        // Two pairs of the same name and birth date: one an officer will call two people.
        const [a, b, c, d] = [
          await person('M-1', 'Trần Văn Tám'),
          await person('M-2', 'Lê Văn Hùng'),
          await person('M-3', 'Trần Văn Tám'),
          await person('M-4', 'Lê Văn Hùng'),
        ]
        assert.ok(a && b && c && d && new Set([a, b, c, d]).size === 4)

        const review = await call(admin, 'GET', '/api/dedup/review?limit=50')
        assert.equal(review.status, 200)
        for (const item of review.body.items) assert.equal(item.evidence.length, 10)
        const queued = (review.body.items as { a: { id: string }; b: { id: string } }[]).map((i) => [i.a.id, i.b.id].sort().join())
        assert.ok(queued.includes([b, d].sort().join()), 'the second Lê Văn Hùng joined the queue as it arrived, before any run')
        const uncertainty = (review.body.items as { probability: number }[]).map((i) => Math.abs(i.probability - 0.5))
        assert.deepEqual(
          uncertainty,
          [...uncertainty].sort((x, y) => x - y),
          'most uncertain first',
        )

        const same = await call(officer, 'POST', '/api/dedup/decisions', { person_a: a, person_b: b, decision: 'same' })
        assert.equal(same.status, 200, JSON.stringify(same.body))
        assert.equal(same.body.merge.state, 'pending')
        const merge = same.body.merge.id as string
        assert.equal((await call(officer, 'POST', `/api/dedup/merges/${merge}/approve`)).status, 403)
        const waiting = await call(head, 'GET', '/api/dedup/merges?waiting=true')
        assert.ok((waiting.body.items as { id: string }[]).some((m) => m.id === merge))
        type Named = { id: string; persons: { id: string; name_display: string; in_register: boolean }[] }
        const persons = async (path: string) =>
          (await call(head, 'GET', path)).body.items
            .find((m: Named) => m.id === merge)
            .persons.map((p: Named['persons'][0]) => [p.id, p.name_display, p.in_register])
        assert.deepEqual(await persons('/api/dedup/merges?waiting=true'), [
          [a, 'Trần Văn Tám', true],
          [b, 'Lê Văn Hùng', true],
        ])
        assert.equal((await call(head, 'POST', `/api/dedup/merges/${merge}/approve`)).body.state, 'applied')
        assert.deepEqual(
          await persons(`/api/dedup/merges?person=${a}`),
          [
            [a, 'Trần Văn Tám', true],
            [b, 'Lê Văn Hùng', false],
          ],
          'the absorbed person named from the snapshot',
        )
        assert.equal((await call(officer, 'GET', `/api/persons/${b}`)).status, 404, 'the absorbed person is gone')
        assert.equal((await call(officer, 'GET', `/api/persons/${a}`)).body.form_ids.length, 2)

        assert.equal((await call(officer, 'POST', `/api/dedup/merges/${merge}/undo`)).body.state, 'undo_pending')
        const undoWaiting = (await call(head, 'GET', '/api/dedup/merges?waiting=true')).body.items.find(
          (m: { id: string }) => m.id === merge,
        )
        assert.equal(undoWaiting.state, 'undo_pending')
        assert.ok(Date.parse(undoWaiting.undo_requested_at) >= Date.parse(undoWaiting.requested_at), 'the undo has its own time')
        assert.equal((await call(officer, 'GET', `/api/persons/${b}`)).status, 404, 'not before a head approves')
        assert.equal((await call(head, 'POST', `/api/dedup/merges/${merge}/approve`)).body.state, 'undone')
        assert.equal((await call(officer, 'GET', `/api/persons/${b}`)).status, 200)
        assert.equal((await call(officer, 'GET', `/api/persons/${a}`)).body.form_ids.length, 1)

        // A new form is checked against the register before it is saved: possibly an existing person.
        const typed = {
          collecting_unit: '06652',
          collected_on: '11/03/2026',
          full_name: 'LE VAN HUNG',
          birth_date: '05/06/1981',
          sex: 'Nam',
          permanent_unit: '06652',
        }
        const check = await call(officer, 'POST', '/api/forms/check', typed)
        assert.equal(check.status, 200)
        const matched = (
          check.body.matches as { person_id: string; probability: number; evidence: { field: string; level: string | null }[] }[]
        ).map((m) => m.person_id)
        assert.ok(matched.includes(b) && matched.includes(d), JSON.stringify(check.body.matches))
        assert.ok(!matched.includes(a), 'Trần Văn Tám is no candidate')
        const given = check.body.matches[0].evidence.find((e: { field: string }) => e.field === 'given')
        assert.equal(given.level, 'unmarked', 'typed without diacritics')
        assert.deepEqual((await call(elsewhere, 'POST', '/api/forms/check', typed)).body.matches, [], 'nobody outside the caller’s units')

        const apart = await call(officer, 'POST', '/api/dedup/decisions', { person_a: a, person_b: c, decision: 'not_same' })
        assert.equal(apart.body.merge, null)
        assert.equal((await call(elsewhere, 'POST', '/api/dedup/decisions', { person_a: a, person_b: c, decision: 'same' })).status, 404)
      } finally {
        await server.stop()
      }
      assert.equal((await runCli(['dedup', 'run', ...db.flags])).code, 0)
      const clusters = parseCsv((await runCli(['dedup', 'clusters', '--format', 'csv', ...db.flags])).stdout)
      const of = (no: string) => clusters.find((r) => r[0] === no)?.[2]
      assert.equal(of('M-2'), of('M-4'), 'the run links such a pair by itself')
      assert.notEqual(of('M-1'), of('M-3'), 'but not one an officer said is not the same')
    })
  })
}
