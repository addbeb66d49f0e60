// Batches of identity-card applications through the API on both engines: a scan of mixed
// references takes the good ones and lists the rest (refused with the rule, unknown, unreadable,
// duplicate); a receive takes production and arrival; a hand-over needs its receiver and refuses
// cards not arrived; a commune officer's references reach their units only; a preview writes
// nothing; the CLI reads the numbers from a file or stdin.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { openCoso } from '../src/app.ts'
import { engines, registerBeforeReform, runCli, type Served, serve, type TestDatabase, tempDir, userWithToken } from './helpers.ts'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Body = any

const HOME = '07192'
const OTHER = '07183'
const FORWARD = ['biometrics_captured', 'sent_for_production', 'produced', 'arrived'] as const
type Stage = 'received' | (typeof FORWARD)[number]

for (const engine of await engines()) {
  describe(`identity-card batches on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let server: Served
    let admin: Record<string, string>
    let officer: Record<string, string>
    const call = async (method: string, path: string, body?: unknown, auth = admin): Promise<{ status: number; body: Body }> => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: response.status, body: await response.json() }
    }
    const batch = (body: Record<string, unknown>, auth = admin) => call('POST', '/api/id/batches', body, auth)
    const read = async (id: string): Promise<Body> => (await call('GET', `/api/id/applications/${id}`)).body
    const persons: string[] = []
    /** An application received at `unit` for the next person who may apply, taken to `stage`. */
    const application = async (stage: Stage, unit = HOME): Promise<Body> => {
      for (;;) {
        const person = persons.shift()
        if (!person) throw new Error('no person left to apply')
        const r = await call('POST', '/api/id/applications', { person_id: person, kind: 'first_issue', unit_code: unit })
        if (r.status !== 201) continue
        let a = r.body.application
        for (const to of FORWARD.slice(0, FORWARD.indexOf(stage as (typeof FORWARD)[number]) + 1)) {
          const s = await call('POST', `/api/id/applications/${a.id}/steps`, { to })
          assert.equal(s.status, 200, JSON.stringify(s.body))
          a = s.body.application
        }
        return a
      }
    }
    /** Groups of three, as a clerk might type them. */
    const spaced = (n: string) => n.replace(/(\d{3})(?=\d)/g, '$1 ')

    before(async () => {
      db = await engine.create()
      await registerBeforeReform(db.flags, 1500)
      admin = (await userWithToken(db.flags, 'province-admin')).auth
      officer = (await userWithToken(db.flags, 'commune-officer', [`${HOME}:2025`])).auth
      server = await serve(db.flags)
      for (const year of [1990, 1985, 1978, 1972, 1995]) {
        const r = await call('GET', `/api/persons?birth_year=${year}&limit=200`)
        assert.equal(r.status, 200, JSON.stringify(r.body))
        persons.push(...r.body.items.filter((p: Body) => p.personal_id && p.birth_date?.length === 10).map((p: Body) => p.id))
      }
      assert.ok(persons.length > 20, 'the generated register has adults with numbers')
    })
    after(async () => {
      await server?.stop()
      await db?.drop()
    })

    let good: Body[]
    let early: Body
    let sent: Body

    test('a scan of mixed references sends the good ones and lists the rest, each with why', async () => {
      good = [await application('biometrics_captured'), await application('biometrics_captured'), await application('biometrics_captured')]
      early = await application('received')
      const refs = [
        good[0].personal_id,
        String(good[1].no),
        'xin chào',
        early.personal_id,
        '000000000000',
        spaced(good[2].personal_id),
        `00${good[0].no}`,
      ]
      const r = await batch({ kind: 'send', refs, note: 'Chuyến 1' })
      assert.equal(r.status, 201, JSON.stringify(r.body))
      assert.deepEqual(r.body.counts, { ok: 3, refused: 1, unknown: 1, unreadable: 1, duplicate: 1 })
      assert.deepEqual(
        r.body.items.map((i: Body) => i.outcome),
        ['ok', 'ok', 'unreadable', 'refused', 'unknown', 'ok', 'duplicate'],
      )
      const [first, , garbage, refused, unknown, grouped, duplicate] = r.body.items
      assert.equal(first.state, 'sent_for_production')
      assert.deepEqual(first.steps, ['sent_for_production'])
      assert.equal(grouped.application_id, good[2].id, 'a number typed in groups')
      assert.equal(refused.rule, 'order')
      assert.equal(refused.state, 'received', 'left as it was')
      assert.match(refused.message.vi, /Đã tiếp nhận/)
      assert.match(refused.message.en, /Cannot go from/)
      assert.equal(unknown.application_id, null)
      assert.ok(unknown.message.en.length > 0 && garbage.message.vi.length > 0)
      assert.equal(duplicate.duplicate_of, 0, 'the first one’s slip number, with leading zeros')
      const b = r.body.batch
      assert.equal(b.kind, 'send')
      assert.equal(b.applications, 3)
      assert.equal(b.unit_code, HOME)
      assert.equal(b.note, 'Chuyến 1')
      for (const a of good) {
        const now = await read(a.id)
        assert.equal(now.state, 'sent_for_production')
        assert.equal(now.steps.at(-1).batch_id, b.id, 'the step carries the batch')
      }
      assert.equal((await read(early.id)).state, 'received')
      const one = await call('GET', `/api/id/batches/${b.id}`)
      assert.equal(one.status, 200, JSON.stringify(one.body))
      assert.deepEqual(one.body.items.map((i: Body) => i.application_id).sort(), good.map((a) => a.id).sort())
      assert.ok(one.body.items.every((i: Body) => i.steps.join() === 'sent_for_production' && i.name_display))
      const list = await call('GET', '/api/id/batches?kind=send')
      assert.equal(list.body.items[0]?.id, b.id)
      assert.equal((await call('GET', '/api/id/batches?kind=receive')).body.items.length, 0)
      assert.ok((await call('GET', `/api/id/batches?unit=${HOME}`)).body.items.some((i: Body) => i.id === b.id))
      assert.equal((await call('GET', `/api/id/batches?unit=${OTHER}`)).body.items.length, 0)
    })

    test('cards received back: produced, then arrived the same day, the card issued; one not sent is refused', async () => {
      const r = await batch({ kind: 'receive', refs: [...good.map((a) => a.personal_id), early.personal_id] })
      assert.equal(r.status, 201, JSON.stringify(r.body))
      assert.deepEqual(r.body.counts, { ok: 3, refused: 1, unknown: 0, unreadable: 0, duplicate: 0 })
      assert.equal(r.body.items[3].rule, 'order')
      for (const item of r.body.items.slice(0, 3)) {
        assert.deepEqual(item.steps, ['produced', 'arrived'])
        assert.equal(item.state, 'arrived')
      }
      const a = await read(good[0].id)
      assert.equal(a.arrived_on, r.body.on)
      assert.deepEqual(
        a.steps.slice(-2).map((s: Body) => [s.to_state, s.batch_id]),
        [
          ['produced', r.body.batch.id],
          ['arrived', r.body.batch.id],
        ],
      )
      const cards = await call('GET', `/api/persons/${good[0].person_id}/cards`)
      assert.equal(cards.status, 200, JSON.stringify(cards.body))
      assert.equal(cards.body.in_force.issued_on, r.body.on)
      assert.equal(cards.body.in_force.application_id, good[0].id)
    })

    test('a batch leaves an application as single steps do: states, days, versions, steps, the card', async () => {
      const single = await application('sent_for_production')
      const batched = await application('sent_for_production')
      for (const to of ['produced', 'arrived']) {
        assert.equal((await call('POST', `/api/id/applications/${single.id}/steps`, { to })).status, 200)
      }
      assert.equal((await batch({ kind: 'receive', refs: [batched.personal_id] })).status, 201)
      const [a, b] = [await read(single.id), await read(batched.id)]
      for (const field of ['state', 'arrived_on', 'handed_over_on', 'receiver', 'complete_on', 'due_on', 'due_provisional', 'version']) {
        assert.deepEqual(b[field], a[field], field)
      }
      const shape = (x: Body) => x.steps.map((s: Body) => [s.seq, s.from_state, s.to_state, s.officer, s.reason, s.receiver])
      assert.deepEqual(shape(b), shape(a))
      assert.equal(b.steps.at(-1).at, b.steps.at(-2).at, 'produced and arrived at the same moment')
      const cardOf = async (x: Body) => (await call('GET', `/api/persons/${x.person_id}/cards`)).body.in_force
      const [ca, cb] = [await cardOf(a), await cardOf(b)]
      assert.equal(cb.application_id, b.id)
      assert.equal(cb.issued_on, ca.issued_on)
      assert.equal(cb.recorded_by, ca.recorded_by)
      assert.equal(typeof cb.expires_on, typeof ca.expires_on)
    })

    test('a hand-over needs one receiver for the batch and refuses the cards not arrived', async () => {
      sent = await application('sent_for_production')
      const refs = [good[0].personal_id, good[1].personal_id, early.personal_id, String(sent.no)]
      const none = await batch({ kind: 'hand_over', refs })
      assert.equal(none.status, 400)
      assert.equal(none.body.details.rule, 'required')
      assert.equal(none.body.details.field, 'receiver')
      const r = await batch({ kind: 'hand_over', refs, receiver: 'Chính chủ' })
      assert.equal(r.status, 201, JSON.stringify(r.body))
      assert.deepEqual(
        r.body.items.map((i: Body) => i.rule ?? i.outcome),
        ['ok', 'ok', 'order', 'order'],
      )
      const a = await read(good[1].id)
      assert.equal(a.state, 'handed_over')
      assert.equal(a.receiver, 'Chính chủ')
      assert.equal(a.handed_over_on, r.body.on)
      assert.equal((await read(sent.id)).state, 'sent_for_production')
      // Handed over already: the end.
      const again = await batch({ kind: 'hand_over', refs: [good[1].personal_id], receiver: 'Chính chủ' })
      assert.equal(again.status, 200, 'nothing taken, no batch written')
      assert.equal(again.body.batch, null)
      assert.equal(again.body.items[0].rule, 'final')
    })

    test('a commune officer’s batch reaches their units only: another unit’s applications are unknown, not revealed', async () => {
      const mine = await application('biometrics_captured')
      const theirs = await application('biometrics_captured', OTHER)
      const others = await batch({ kind: 'send', refs: [String(theirs.no)] })
      assert.equal(others.status, 201)
      const r = await batch({ kind: 'send', refs: [mine.personal_id, theirs.personal_id, String(theirs.no)] }, officer)
      assert.equal(r.status, 201, JSON.stringify(r.body))
      assert.deepEqual(
        r.body.items.map((i: Body) => i.outcome),
        ['ok', 'unknown', 'unknown'],
      )
      assert.equal(r.body.items[1].name_display, null)
      assert.equal(r.body.items[1].state, null)
      const seen = await call('GET', '/api/id/batches?limit=500', undefined, officer)
      assert.ok(seen.body.items.some((b: Body) => b.id === r.body.batch.id))
      assert.ok(!seen.body.items.some((b: Body) => b.id === others.body.batch.id), 'a batch of another unit is not listed')
      assert.equal((await call('GET', `/api/id/batches/${others.body.batch.id}`, undefined, officer)).status, 404)
      const own = await call('GET', `/api/id/batches/${r.body.batch.id}`, undefined, officer)
      assert.deepEqual(
        own.body.items.map((i: Body) => i.application_id),
        [mine.id],
      )
      // The province's administrator reads both.
      assert.equal((await call('GET', `/api/id/batches/${others.body.batch.id}`)).status, 200)
    })

    test('a preview reports the outcomes and writes nothing', async () => {
      const a = await application('biometrics_captured')
      const before = (await call('GET', '/api/id/batches?limit=500')).body.items.length
      const r = await batch({ kind: 'send', refs: [a.personal_id, 'x'], dry_run: true })
      assert.equal(r.status, 200, JSON.stringify(r.body))
      assert.equal(r.body.dry_run, true)
      assert.equal(r.body.batch, null)
      assert.deepEqual(
        r.body.items.map((i: Body) => [i.outcome, i.state, i.steps]),
        [
          ['ok', 'biometrics_captured', ['sent_for_production']],
          ['unreadable', null, []],
        ],
      )
      assert.equal((await read(a.id)).state, 'biometrics_captured')
      assert.equal((await read(a.id)).steps.length, 2)
      assert.equal((await call('GET', '/api/id/batches?limit=500')).body.items.length, before)
      // A day before the application's last step is refused for it; a day to come, for the batch.
      const yesterday = new Date(Date.parse(r.body.on) - 86_400_000).toISOString().slice(0, 10)
      const early = await batch({ kind: 'send', refs: [a.personal_id], on: yesterday, dry_run: true })
      assert.equal(early.body.items[0].rule, 'before-previous-step')
      const future = await batch({ kind: 'send', refs: [a.personal_id], on: '2099-01-01' })
      assert.equal(future.status, 400)
      assert.equal(future.body.details.rule, 'not-future')
      assert.equal((await batch({ kind: 'send', refs: [] })).status, 400)
    })

    test('the CLI reads the numbers from a file or stdin: the counts, the lines not taken, exit 1 for them', async () => {
      const a = await application('biometrics_captured')
      const b = await application('biometrics_captured')
      // The embedded engine is one process's: the server lets go of it for the CLI.
      await server.stop()
      const file = join(tempDir(), 'numbers.txt')
      writeFileSync(file, `# chuyến 2\n${a.personal_id}\n\n${b.no}\nxin chào\n`)
      const json = await runCli(['id', 'batch', 'send', '--numbers', file, '--note', 'CLI', '--json', ...db.flags])
      assert.equal(json.code, 1, json.stderr)
      const result = JSON.parse(json.stdout)
      assert.deepEqual(result.counts, { ok: 2, refused: 0, unknown: 0, unreadable: 1, duplicate: 0 })
      assert.equal(result.batch.applications, 2)
      assert.equal(result.batch.note, 'CLI')
      const preview = await runCli(['id', 'batch', 'send', '--numbers', '-', '--dry-run', ...db.flags], {
        input: `${a.personal_id}\n${a.personal_id}\n`,
      })
      assert.equal(preview.code, 1)
      assert.match(preview.stdout, /preview, nothing written/)
      assert.match(preview.stdout, /stdin:1 \d{12} refused order/)
      const received = await runCli(['id', 'batch', 'receive', '--numbers', file, ...db.flags])
      assert.equal(received.code, 1, received.stderr)
      assert.match(received.stdout, /taken 2/)
      assert.match(received.stdout, new RegExp(`${file.replaceAll('.', '\\.')}:5 xin chào unreadable`))
      const hand = await runCli(['id', 'batch', 'hand-over', '--numbers', file, ...db.flags])
      assert.equal(hand.code, 2, 'no --receiver')
      assert.match(hand.stderr, /receiver/)
      // Every step's `since` is exactly when the one before it was taken, batches' steps too.
      const coso = await openCoso(db.target)
      try {
        const { rows } = await coso.pool.query<{ n: number; broken: number }>(
          `SELECT count(*)::int AS n,
                  count(*) FILTER (WHERE s.since IS DISTINCT FROM p.at)::int AS broken
             FROM id_application_step s
             JOIN id_application_step p ON p.province_code = s.province_code AND p.application_id = s.application_id AND p.seq = s.seq - 1`,
        )
        assert.ok((rows[0]?.n ?? 0) >= 8, JSON.stringify(rows))
        assert.equal(rows[0]?.broken, 0)
      } finally {
        await coso.close()
      }
    })
  })
}
