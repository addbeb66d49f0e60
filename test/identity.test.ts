// Identity-card applications through the API on both engines: reception with the rules by age
// (a 5-year-old skips biometrics), every step with its officer, refusals with reasons, the
// deadline after the Tết days off of 2026, the card a production issues, overdue lists, the
// appointment slip, and commune users kept to their units.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { engines, registerBeforeReform, type Served, serve, type TestDatabase, userWithToken } from './helpers.ts'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Body = any

interface PersonSummary {
  id: string
  personal_id: string | null
  birth_date: string | null
}

for (const engine of await engines()) {
  describe(`identity-card applications on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let server: Served
    let admin: Record<string, string>
    const call = async (method: string, path: string, body?: unknown, auth = admin): Promise<{ status: number; body: Body }> => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: response.status, body: await response.json() }
    }
    const step = (id: string, to: string, extra: Record<string, unknown> = {}, auth = admin) =>
      call('POST', `/api/id/applications/${id}/steps`, { to, ...extra }, auth)
    /** Persons born in a year, with a personal ID number and a full birth date. */
    const bornIn = async (year: number): Promise<PersonSummary[]> => {
      const r = await call('GET', `/api/persons?birth_year=${year}&limit=200`)
      assert.equal(r.status, 200, JSON.stringify(r.body))
      return (r.body.items as PersonSummary[]).filter((p) => p.personal_id && p.birth_date?.length === 10)
    }
    /** Receives for the first of the persons whose commune is known (a split commune's are not placed). */
    const receiveAny = async (persons: PersonSummary[], body: Record<string, unknown> = {}, auth = admin) => {
      for (const p of persons) {
        const r = await call('POST', '/api/id/applications', { person_id: p.id, kind: 'first_issue', ...body }, auth)
        if (r.status === 400 && r.body.details?.rule === 'required') continue
        return { person: p, response: r }
      }
      throw new Error('no person with a known commune')
    }
    let adults: PersonSummary[]
    let officer: { auth: Record<string, string>; unit: string }

    before(async () => {
      db = await engine.create()
      await registerBeforeReform(db.flags, 1500)
      admin = (await userWithToken(db.flags, 'province-admin')).auth
      officer = { unit: '07192', auth: (await userWithToken(db.flags, 'commune-officer', ['07192:2025'])).auth }
      server = await serve(db.flags)
      adults = [...(await bornIn(1990)), ...(await bornIn(1985)), ...(await bornIn(1978))]
      assert.ok(adults.length > 10, 'the generated register has adults with numbers')
    })
    after(async () => {
      await server?.stop()
      await db?.drop()
    })

    test('an application for a 5-year-old skips biometrics: complete at reception, straight to production', async () => {
      const children = (await bornIn(2021)).filter((p) => (p.birth_date as string) < '2021-11-27')
      const { response } = await receiveAny(children)
      assert.equal(response.status, 201, JSON.stringify(response.body))
      const a = response.body.application
      assert.equal(a.biometrics, false)
      assert.equal(a.complete_on, a.received_on, 'complete at reception')
      assert.ok(a.due_on > a.received_on)
      assert.deepEqual(a.next.includes('biometrics_captured'), false)
      const refused = await step(a.id, 'biometrics_captured')
      assert.equal(refused.status, 422)
      assert.equal(refused.body.details.rule, 'under-biometrics-age')
      const sent = await step(a.id, 'sent_for_production')
      assert.equal(sent.status, 200, JSON.stringify(sent.body))
      assert.equal(sent.body.application.state, 'sent_for_production')
    })

    test('the whole way: each step with its officer; production issues the card; the hand-over names who received it', async () => {
      const { person, response } = await receiveAny(adults.slice(0, 8))
      assert.equal(response.status, 201, JSON.stringify(response.body))
      const a = response.body.application
      assert.equal(a.biometrics, true)
      assert.equal(a.complete_on, null, 'not complete before biometrics')
      // The same person cannot have two open applications.
      const again = await call('POST', '/api/id/applications', { person_id: person.id, kind: 'first_issue' })
      assert.equal(again.status, 422)
      assert.equal(again.body.details.rule, 'open-application')
      // Out of order: refused, naming both states.
      const early = await step(a.id, 'produced')
      assert.equal(early.status, 422)
      assert.equal(early.body.details.rule, 'order')
      assert.match(early.body.message.vi, /Đã tiếp nhận/)
      for (const to of ['biometrics_captured', 'sent_for_production', 'produced', 'arrived']) {
        const r = await step(a.id, to)
        assert.equal(r.status, 200, `${to}: ${JSON.stringify(r.body)}`)
      }
      const noReceiver = await step(a.id, 'handed_over')
      assert.equal(noReceiver.status, 422)
      assert.equal(noReceiver.body.details.rule, 'receiver-needed')
      const handed = await step(a.id, 'handed_over', { receiver: 'Chính chủ' })
      assert.equal(handed.status, 200)
      assert.equal(handed.body.application.receiver, 'Chính chủ')
      const read = await call('GET', `/api/id/applications/${a.id}`)
      assert.deepEqual(
        read.body.steps.map((s: Body) => s.to_state),
        ['received', 'biometrics_captured', 'sent_for_production', 'produced', 'arrived', 'handed_over'],
      )
      assert.ok(read.body.steps.every((s: Body) => s.officer.length > 0))
      const finalStep = await step(a.id, 'cancelled', { reason: 'x' })
      assert.equal(finalStep.status, 422)
      assert.equal(finalStep.body.details.rule, 'final')
      // The card is in force: a first issue is refused now, a reissue needs its reason.
      const first = await call('POST', '/api/id/applications', { person_id: person.id, kind: 'first_issue' })
      assert.equal(first.status, 422)
      assert.equal(first.body.details.rule, 'has-card')
      const reissue = await call('POST', '/api/id/applications', { person_id: person.id, kind: 'reissue' })
      assert.equal(reissue.body.details.rule, 'reason-needed')
    })

    test('a file complete on 2026-02-12 is due after the Tết days off; overdue lists and the slip show it', async () => {
      const { response } = await receiveAny(adults.slice(8, 16), { received_on: '2026-02-12' })
      assert.equal(response.status, 201, JSON.stringify(response.body))
      const a = response.body.application
      const captured = await step(a.id, 'biometrics_captured', { on: '2026-02-12' })
      assert.equal(captured.status, 200, JSON.stringify(captured.body))
      assert.equal(captured.body.application.complete_on, '2026-02-12')
      assert.equal(captured.body.application.due_on, '2026-03-02')
      assert.equal(captured.body.application.due_provisional, false)
      assert.equal(captured.body.application.overdue, true)
      const overdue = await call('GET', '/api/id/applications?overdue=true')
      assert.ok(overdue.body.items.some((i: Body) => i.id === a.id))
      const slip = await call('GET', `/api/id/applications/${a.id}/slip`)
      assert.equal(slip.status, 200)
      assert.equal(slip.body.return_on, '2026-03-02')
      assert.equal(slip.body.personal_id, a.personal_id)
      // Back for correction: the deadline is cleared, and set again when complete again.
      const back = await step(a.id, 'returned_for_correction', { reason: 'Ảnh mờ' })
      assert.equal(back.body.application.due_on, null)
      assert.equal((await step(a.id, 'received')).status, 200)
      const again = await step(a.id, 'biometrics_captured')
      assert.ok(again.body.application.due_on > again.body.application.received_on)
      assert.equal(again.body.application.overdue, false)
      // A step in the future, or dated before the step before it, is refused.
      assert.equal((await step(a.id, 'sent_for_production', { on: '2099-01-01' })).body.details.rule, 'not-future')
      assert.equal((await step(a.id, 'sent_for_production', { on: '2026-01-01' })).body.details.rule, 'order')
    })

    test('a renewal is received from two years before the renewal age, not earlier', async () => {
      // Born in 1978: 48 today, next renewal at 60 — with a card recorded through an application, not yet due.
      const older = (await bornIn(1978)).slice(0, 6)
      const { person, response } = await receiveAny(older)
      assert.equal(response.status, 201)
      const id = response.body.application.id
      for (const to of ['biometrics_captured', 'sent_for_production', 'produced', 'arrived']) await step(id, to)
      await step(id, 'handed_over', { receiver: 'Chính chủ' })
      const renewal = await call('POST', '/api/id/applications', { person_id: person.id, kind: 'renewal' })
      assert.equal(renewal.status, 422)
      assert.equal(renewal.body.details.rule, 'not-yet')
      assert.match(renewal.body.message.en, /turns 60/)
    })

    test('a commune officer receives and reads in their units only', async () => {
      const other = await call(
        'POST',
        '/api/id/applications',
        { person_id: adults[20]?.id, kind: 'first_issue', unit_code: '07183' },
        officer.auth,
      )
      assert.equal(other.status, 403)
      const list = await call('GET', '/api/id/applications?limit=500', undefined, officer.auth)
      assert.equal(list.status, 200)
      assert.ok(list.body.items.every((i: Body) => i.unit_code === officer.unit))
      const all = await call('GET', '/api/id/applications?limit=500')
      const outside = all.body.items.find((i: Body) => i.unit_code !== officer.unit)
      assert.ok(outside, 'some application lies outside the officer’s unit')
      assert.equal((await call('GET', `/api/id/applications/${outside.id}`, undefined, officer.auth)).status, 404)
      assert.equal((await step(outside.id, 'cancelled', { reason: 'x' }, officer.auth)).status, 404)
    })

    test('bad input: an unknown state, a bad day, an unknown person', async () => {
      const bad = await call('POST', '/api/id/applications', { person_id: adults[0]?.id, kind: 'first_issue', received_on: '2026-02-30' })
      assert.equal(bad.status, 400)
      const unknown = await call('POST', '/api/id/applications', { person_id: '00000000-0000-4000-8000-000000000000', kind: 'first_issue' })
      assert.equal(unknown.status, 404)
      const list = await call('GET', '/api/id/applications?state=lost')
      assert.equal(list.status, 400)
      const cursor = await call('GET', '/api/id/applications?after=garbage')
      assert.equal(cursor.status, 400)
      assert.equal(cursor.body.details.rule, 'cursor')
    })
  })
}
