// The identity dashboard through the API on both engines: applications received and handed over
// per day, the backlog by state after some steps, a stage's median that moves with a new step, the
// share within the deadline, a commune user kept to their unit, and bad periods refused. Every
// application is received and moved through the applications API, on days in the past.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { today } from '../src/geo/eras.ts'
import { engines, registerBeforeReform, type Served, serve, type TestDatabase, userWithToken } from './helpers.ts'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Body = any

const A = '07192'
const B = '07183'
const dayOffset = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

for (const engine of await engines()) {
  describe(`identity dashboard on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let server: Served
    let admin: Record<string, string>
    let officerA: Record<string, string>
    const call = async (method: string, path: string, body?: unknown, auth = admin): Promise<{ status: number; body: Body }> => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: response.status, body: await response.json() }
    }
    const board = async (query: string, auth = admin) => {
      const r = await call('GET', `/api/id/dashboard${query}`, undefined, auth)
      assert.equal(r.status, 200, JSON.stringify(r.body))
      return r.body
    }

    // The days, counted back from today so every step lies in the past, as the API requires.
    const now = today()
    const D = dayOffset(now, -25)
    const on = (n: number) => dayOffset(D, n)
    const period = `from=${dayOffset(now, -29)}&to=${now}`

    let adults: string[]
    const receive = async (unit: string, day: string) => {
      // A person the rules refuse (a card already, an open application) gives way to the next.
      for (let person = adults.shift(); person; person = adults.shift()) {
        const r = await call('POST', '/api/id/applications', { person_id: person, kind: 'first_issue', received_on: day, unit_code: unit })
        if (r.status === 422) continue
        assert.equal(r.status, 201, JSON.stringify(r.body))
        return r.body.application
      }
      assert.fail('no person left to apply')
    }
    const step = async (id: string, to: string, day: string, extra: Record<string, unknown> = {}) => {
      const r = await call('POST', `/api/id/applications/${id}/steps`, { to, on: day, ...extra })
      assert.equal(r.status, 200, `${to} on ${day}: ${JSON.stringify(r.body)}`)
      return r.body.application
    }
    const stage = (d: Body, state: string) => d.stages.find((s: Body) => s.state === state)
    const count = (d: Body, state: string) => d.backlog.states.find((s: Body) => s.state === state).count

    // a1: the whole way, its card at the commune before its due day; a2: its card arrives late,
    // not yet handed over; a3: received only; a4: biometrics captured, later sent; b1: unit B, today.
    const apps: Record<string, Body> = {}

    before(async () => {
      db = await engine.create()
      await registerBeforeReform(db.flags, 800)
      admin = (await userWithToken(db.flags, 'province-admin')).auth
      officerA = (await userWithToken(db.flags, 'commune-officer', [`${A}:2025`])).auth
      server = await serve(db.flags)
      adults = []
      for (const year of [1990, 1985, 1978, 1970, 1995]) {
        const r = await call('GET', `/api/persons?birth_year=${year}&limit=100`)
        assert.equal(r.status, 200, JSON.stringify(r.body))
        adults.push(...(r.body.items as Body[]).filter((p) => p.personal_id).map((p) => p.id as string))
      }
      assert.ok(adults.length >= 6, 'the generated register has adults with numbers')

      apps.a1 = await receive(A, on(0))
      await step(apps.a1.id, 'biometrics_captured', on(1))
      await step(apps.a1.id, 'sent_for_production', on(2))
      await step(apps.a1.id, 'produced', on(3))
      apps.a1 = await step(apps.a1.id, 'arrived', on(4))
      apps.a1 = await step(apps.a1.id, 'handed_over', on(5), { receiver: 'Chính chủ' })

      apps.a2 = await receive(A, on(0))
      await step(apps.a2.id, 'biometrics_captured', on(0))
      await step(apps.a2.id, 'sent_for_production', on(2))
      await step(apps.a2.id, 'produced', on(3))
      apps.a2 = await step(apps.a2.id, 'arrived', on(20))

      apps.a3 = await receive(A, on(1))
      apps.a4 = await receive(A, on(1))
      apps.a4 = await step(apps.a4.id, 'biometrics_captured', on(2))
      apps.b1 = await receive(B, now)
    })
    after(async () => {
      await server?.stop()
      await db?.drop()
    })

    test('applications received and cards handed over per day, every day of the period, zeros included', async () => {
      const d = await board(`?unit=${A}&${period}`)
      assert.equal(d.unit, A)
      assert.deepEqual(d.units, [A])
      assert.equal(d.per_day.days.length, 30)
      assert.equal(d.per_day.days[0], dayOffset(now, -29))
      assert.equal(d.per_day.days.at(-1), now)
      const at = (day: string) => d.per_day.days.indexOf(day)
      assert.equal(d.per_day.received[at(on(0))], 2)
      assert.equal(d.per_day.received[at(on(1))], 2)
      assert.equal(d.per_day.received_total, 4, 'unit B’s is not counted')
      assert.equal(d.per_day.handed_over[at(on(5))], 1)
      assert.equal(d.per_day.handed_over_total, 1)
      assert.equal(d.per_day.received.filter((n: number) => n === 0).length, 28)

      // The default period: the last 30 days to today; the province counts unit B's too.
      const province = await board('')
      assert.equal(province.to, now)
      assert.equal(province.from, dayOffset(now, -29))
      assert.equal(province.per_day.received_total, 5)
      assert.equal(province.per_day.received.at(-1), 1)
    })

    test('the backlog by state and by unit; the backlog route alone agrees', async () => {
      const d = await board(`?unit=${A}`)
      assert.equal(d.backlog.by_unit, null, 'one unit asked for: no table by unit')
      assert.equal(count(d, 'received'), 1)
      assert.equal(count(d, 'biometrics_captured'), 1)
      assert.equal(count(d, 'arrived'), 1)
      assert.equal(d.backlog.total, 3, 'the handed-over application is not open')
      const province = await board('')
      assert.equal(province.backlog.total, 4)
      const byUnit = new Map(province.backlog.by_unit.map((u: Body) => [u.unit, u]))
      assert.equal((byUnit.get(A) as Body).total, 3)
      assert.equal((byUnit.get(B) as Body).counts.received, 1)
      assert.ok((byUnit.get(B) as Body).name, 'units are named')
      assert.equal(province.backlog.by_unit[0].unit, A, 'the largest backlog first')
      assert.ok(province.backlog.by_unit.length > 2, 'every commune is listed, zeros included')
      const alone = await call('GET', '/api/id/dashboard/backlog')
      assert.equal(alone.status, 200, JSON.stringify(alone.body))
      assert.deepEqual(alone.body.backlog, province.backlog)
    })

    test('the median time per stage over the period, in hours; a new step moves it', async () => {
      const before = await board(`?unit=${A}&${period}`)
      // Steps on earlier days are at noon in Vietnam: whole days apart.
      assert.equal(stage(before, 'biometrics_captured').median_hours, 36, 'of 24 and 48 hours')
      assert.equal(stage(before, 'biometrics_captured').steps, 2)
      assert.equal(stage(before, 'received').steps, 3, 'a1, a2, a4 left reception')
      assert.equal(stage(before, 'produced').median_hours, (24 * (1 + 17)) / 2)
      assert.equal(stage(before, 'returned_for_correction').median_hours, null)
      apps.a4 = await step(apps.a4.id, 'sent_for_production', on(5))
      const afterStep = await board(`?unit=${A}&${period}`)
      assert.equal(stage(afterStep, 'biometrics_captured').steps, 3)
      assert.equal(stage(afterStep, 'biometrics_captured').median_hours, 48, 'of 24, 48 and 72 hours')
      // A period that ends before the later steps does not count them.
      const early = await board(`?unit=${A}&from=${on(0)}&to=${on(1)}`)
      assert.equal(stage(early, 'biometrics_captured').steps, 0)
      assert.equal(stage(early, 'received').steps, 2, 'a1 and a2 captured by then')
    })

    test('the share within the deadline; overdue and provisional now', async () => {
      assert.ok(apps.a1.arrived_on <= apps.a1.due_on, 'a1 arrived in time')
      assert.ok(apps.a2.arrived_on > apps.a2.due_on, 'a2 arrived late')
      const d = await board(`?unit=${A}&${period}`)
      assert.equal(d.deadline.arrived, 2)
      assert.equal(d.deadline.within, 1)
      assert.equal(d.deadline.share, 0.5)
      // a4 is still owed its card, past its due day; a3 is not complete, so not yet due.
      assert.ok(apps.a4.due_on < now)
      assert.equal(d.deadline.overdue, 1)
      assert.equal(d.deadline.provisional, [apps.a3, apps.a4].filter((a) => a.due_provisional).length)
      // Before any card arrived: nothing to share.
      const early = await board(`?unit=${A}&from=${on(0)}&to=${on(3)}`)
      assert.deepEqual([early.deadline.arrived, early.deadline.share], [0, null])
    })

    test('a commune user sees their unit only and is refused another', async () => {
      const d = await board('', officerA)
      assert.deepEqual(d.units, [A])
      assert.equal(d.backlog.total, 3)
      assert.deepEqual(
        d.backlog.by_unit.map((u: Body) => u.unit),
        [A],
      )
      assert.equal(d.per_day.received_total, 4)
      assert.equal((await board(`?unit=${A}`, officerA)).backlog.total, 3)
      for (const path of [`/api/id/dashboard?unit=${B}`, `/api/id/dashboard/backlog?unit=${B}`]) {
        const refused = await call('GET', path, undefined, officerA)
        assert.equal(refused.status, 404, path)
      }
      const unknown = await call('GET', '/api/id/dashboard?unit=99999')
      assert.equal(unknown.status, 404)
      const anonymous = await call('GET', '/api/id/dashboard', undefined, {})
      assert.equal(anonymous.status, 401)
    })

    test('bad dates and units are refused with 400, the field and the rule', async () => {
      const cases: [string, string, string][] = [
        ['?from=2026-02-30', 'from', 'date'],
        ['?to=27/11/2026', 'to', 'date'],
        [`?from=${now}&to=${dayOffset(now, -1)}`, 'from', 'order'],
        [`?from=${dayOffset(now, -400)}&to=${now}`, 'to', 'max-days'],
      ]
      for (const [query, field, rule] of cases) {
        const r = await call('GET', `/api/id/dashboard${query}`)
        assert.equal(r.status, 400, query)
        assert.equal(r.body.code, 'BAD_INPUT')
        assert.deepEqual([r.body.details.field, r.body.details.rule], [field, rule], query)
        assert.ok(r.body.message.vi && r.body.message.en)
      }
      const unit = await call('GET', '/api/id/dashboard?unit=abc')
      assert.equal(unit.status, 400)
      assert.equal(unit.body.details[0].field, 'querystring.unit')
    })
  })
}
