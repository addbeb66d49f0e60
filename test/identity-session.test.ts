// Mobile sessions through the API on both engines ("hết người mới hết giờ"): a session at a place
// today, two officers on shift (an overlapping shift refused), a queue of several persons called
// in arrival order and served with the applications received in the session (one in a single
// call, one through the applications' route), one who leaves, throughput per officer and hour as
// it was done, closing refused while anyone waits, and commune officers kept to their units.
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

const HOUR = 3600_000
const todayVn = () => new Date(Date.now() + 7 * HOUR).toISOString().slice(0, 10)
// The session's day began at least three hours ago (yesterday's, just after midnight), so its
// first shift starts three hours before now, whenever the tests run.
const started = Date.now() - 3 * HOUR
const heldOn = new Date(started + 7 * HOUR).toISOString().slice(0, 10)

for (const engine of await engines()) {
  describe(`mobile sessions on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let server: Served
    let admin: Record<string, string>
    type User = { username: string; auth: Record<string, string> }
    let officerA: User
    let officerB: User
    let outsider: User
    let analyst: Record<string, string>
    let adults: PersonSummary[]
    const unit = '07192'
    const call = async (method: string, path: string, body?: unknown, auth = admin): Promise<{ status: number; body: Body }> => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: response.status, body: await response.json() }
    }
    const bornIn = async (year: number): Promise<PersonSummary[]> => {
      const r = await call('GET', `/api/persons?birth_year=${year}&limit=200`)
      assert.equal(r.status, 200, JSON.stringify(r.body))
      return (r.body.items as PersonSummary[]).filter((p) => p.personal_id && p.birth_date?.length === 10)
    }
    let session: Body
    const s = (path = '') => `/api/id/sessions/${session.id}${path}`

    before(async () => {
      db = await engine.create()
      await registerBeforeReform(db.flags, 1500)
      admin = (await userWithToken(db.flags, 'province-admin')).auth
      officerA = await userWithToken(db.flags, 'commune-officer', [`${unit}:2025`])
      officerB = await userWithToken(db.flags, 'commune-officer', [`${unit}:2025`])
      outsider = await userWithToken(db.flags, 'commune-officer', ['07183:2025'])
      analyst = (await userWithToken(db.flags, 'province-analyst')).auth
      server = await serve(db.flags)
      adults = [...(await bornIn(1990)), ...(await bornIn(1985))]
      assert.ok(adults.length > 8, 'the generated register has adults with numbers')
    })
    after(async () => {
      await server?.stop()
      await db?.drop()
    })

    test('a session is opened at a place and day, listed and read; a day that does not exist is refused', async () => {
      const bad = await call(
        'POST',
        '/api/id/sessions',
        { unit_code: unit, place: 'Nhà văn hoá thôn 3', held_on: '2026-02-30' },
        officerA.auth,
      )
      assert.equal(bad.status, 400)
      assert.equal(bad.body.details[0].field, 'body.held_on')
      assert.ok(bad.body.details[0].rule)
      const noUnit = await call('POST', '/api/id/sessions', { unit_code: '99999', place: 'X', held_on: todayVn() })
      assert.equal(noUnit.status, 400)
      assert.deepEqual([noUnit.body.details.field, noUnit.body.details.rule], ['unit_code', 'unit'])
      const created = await call(
        'POST',
        '/api/id/sessions',
        { unit_code: unit, place: 'Nhà văn hoá thôn 3', held_on: heldOn, note: 'Làm cả tối' },
        officerA.auth,
      )
      assert.equal(created.status, 201, JSON.stringify(created.body))
      session = created.body.session
      assert.equal(session.status, 'open')
      assert.equal(session.created_by, officerA.username)
      assert.ok(session.unit_name)
      assert.deepEqual(session.summary.waiting, 0)
      const list = await call('GET', `/api/id/sessions?unit=${unit}&from=${heldOn}&to=${heldOn}&status=open`, undefined, officerB.auth)
      assert.equal(list.status, 200)
      const item = list.body.items.find((i: Body) => i.id === session.id)
      assert.ok(item)
      assert.deepEqual(item.counts, { waiting: 0, called: 0, served: 0, left: 0, applications: 0 })
      const closedOnly = await call('GET', '/api/id/sessions?status=closed')
      assert.ok(!closedOnly.body.items.some((i: Body) => i.id === session.id))
    })

    test('two officers on shift; an overlapping shift, one before the session’s day and one outside the unit are refused', async () => {
      const now = Date.now()
      const dayStart = Date.parse(`${heldOn}T00:00:00+07:00`)
      const startA = started
      const a = await call('POST', s('/shifts'), { starts_at: new Date(startA).toISOString() }, officerA.auth)
      assert.equal(a.status, 201, JSON.stringify(a.body))
      assert.equal(a.body.shift.officer, officerA.username, 'the caller by default')
      assert.equal(a.body.shift.running, true)
      const b = await call('POST', s('/shifts'), { officer: officerB.username, starts_at: new Date((startA + now) / 2).toISOString() })
      assert.equal(b.status, 201, JSON.stringify(b.body))
      const overlap = await call('POST', s('/shifts'), {}, officerA.auth)
      assert.equal(overlap.status, 400)
      assert.deepEqual([overlap.body.details.field, overlap.body.details.rule], ['starts_at', 'overlap'])
      const early = await call('POST', s('/shifts'), { officer: officerB.username, starts_at: new Date(dayStart - HOUR).toISOString() })
      assert.deepEqual([early.body.details.field, early.body.details.rule], ['starts_at', 'session-day'])
      const out = await call('POST', s('/shifts'), { officer: outsider.username })
      assert.deepEqual([out.body.details.field, out.body.details.rule], ['officer', 'scope'])
      const nobody = await call('POST', s('/shifts'), { officer: 'nobody-here' })
      assert.deepEqual([nobody.body.details.field, nobody.body.details.rule], ['officer', 'user'])
      const read = await call('GET', s())
      assert.equal(read.body.session.shifts.length, 2)
      assert.equal(read.body.session.summary.officers_on_shift, 2)
    })

    test('the queue: numbers in arrival order, called in turn, served with the session’s applications, one leaves', async () => {
      const [p0, p1, p2, p3, p4] = adults as [PersonSummary, PersonSummary, PersonSummary, PersonSummary, PersonSummary]
      const numbers: number[] = []
      for (const body of [
        { person_id: p0.id },
        { person_id: p1.id },
        { name: 'Nguyễn Văn Khách' },
        { person_id: p2.id },
        { person_id: p3.id },
      ]) {
        const r = await call('POST', s('/tickets'), body, officerA.auth)
        assert.equal(r.status, 201, JSON.stringify(r.body))
        numbers.push(r.body.ticket.ticket)
      }
      assert.deepEqual(numbers, [1, 2, 3, 4, 5])
      const twice = await call('POST', s('/tickets'), { person_id: p0.id }, officerA.auth)
      assert.equal(twice.status, 422)
      assert.equal(twice.body.details.rule, 'already-waiting')
      const nameless = await call('POST', s('/tickets'), {}, officerA.auth)
      assert.deepEqual([nameless.body.details.field, nameless.body.details.rule], ['name', 'required'])

      // Officer A: ticket 1, received and biometrics captured in one call.
      const first = await call('POST', s('/tickets/next'), undefined, officerA.auth)
      assert.equal(first.body.ticket.ticket, 1)
      assert.equal(first.body.ticket.called_by, officerA.username)
      const r1 = await call('POST', s('/tickets/1/receive'), { kind: 'first_issue', capture: true }, officerA.auth)
      assert.equal(r1.status, 201, JSON.stringify(r1.body))
      assert.equal(r1.body.application.session_id, session.id)
      assert.equal(r1.body.application.unit_code, unit)
      assert.equal(r1.body.application.state, 'biometrics_captured')
      assert.equal(r1.body.ticket.status, 'served')
      assert.equal(r1.body.ticket.application_id, r1.body.application.id)

      // Officer B: ticket 2 through the applications' route, then served with that application.
      const second = await call('POST', s('/tickets/next'), undefined, officerB.auth)
      assert.equal(second.body.ticket.ticket, 2)
      const a2 = await call(
        'POST',
        '/api/id/applications',
        { person_id: p1.id, kind: 'first_issue', session_id: session.id },
        officerB.auth,
      )
      assert.equal(a2.status, 201, JSON.stringify(a2.body))
      const captured = await call(
        'POST',
        `/api/id/applications/${a2.body.application.id}/steps`,
        { to: 'biometrics_captured' },
        officerB.auth,
      )
      assert.equal(captured.status, 200)
      const wrong = await call('POST', s('/tickets/5/serve'), { application_id: a2.body.application.id }, officerB.auth)
      assert.deepEqual([wrong.body.details.field, wrong.body.details.rule], ['application_id', 'person'])
      const served2 = await call('POST', s('/tickets/2/serve'), { application_id: a2.body.application.id }, officerB.auth)
      assert.equal(served2.status, 200, JSON.stringify(served2.body))
      assert.equal(served2.body.ticket.application_no, a2.body.application.no)

      // Officer A: ticket 3 had a name only; found in the register at the desk.
      assert.equal((await call('POST', s('/tickets/next'), undefined, officerA.auth)).body.ticket.ticket, 3)
      const noPerson = await call('POST', s('/tickets/3/receive'), { kind: 'first_issue' }, officerA.auth)
      assert.deepEqual([noPerson.body.details.field, noPerson.body.details.rule], ['person_id', 'required'])
      const r3 = await call('POST', s('/tickets/3/receive'), { person_id: p4.id, kind: 'first_issue', capture: true }, officerA.auth)
      assert.equal(r3.status, 201, JSON.stringify(r3.body))
      assert.equal(r3.body.ticket.person_id, p4.id)

      // Ticket 4 leaves; it cannot be served after.
      const left = await call('POST', s('/tickets/4/leave'), undefined, officerA.auth)
      assert.equal(left.body.ticket.status, 'left')
      const late = await call('POST', s('/tickets/4/serve'), { application_id: r3.body.application.id }, officerA.auth)
      assert.equal(late.status, 422)
      assert.equal(late.body.details.rule, 'ticket-done')

      const queue = await call('GET', s('/tickets'), undefined, officerB.auth)
      assert.deepEqual(
        queue.body.items.map((t: Body) => [t.ticket, t.status, t.position]),
        [
          [1, 'served', null],
          [2, 'served', null],
          [3, 'served', null],
          [4, 'left', null],
          [5, 'waiting', 1],
        ],
      )
      const read = await call('GET', s(), undefined, officerB.auth)
      const summary = read.body.session.summary
      assert.deepEqual([summary.waiting, summary.called, summary.served, summary.left, summary.applications], [1, 0, 3, 1, 3])
      assert.equal(typeof summary.median_wait_minutes, 'number')
      const listed = await call('GET', `/api/id/applications?session=${session.id}`)
      assert.equal(listed.body.items.length, 3)
    })

    test('throughput per officer and hour is what was done', async () => {
      const nowHour = `${new Date(Date.now() + 7 * HOUR).toISOString().slice(0, 13)}:00+07:00`
      const r = await call('GET', s('/throughput'), undefined, officerB.auth)
      assert.equal(r.status, 200, JSON.stringify(r.body))
      const t = r.body
      const byName = new Map(t.officers.map((o: Body) => [o.officer, o]))
      const a: Body = byName.get(officerA.username)
      const b: Body = byName.get(officerB.username)
      assert.deepEqual([a.received, a.biometrics, b.received, b.biometrics], [2, 2, 1, 1])
      assert.deepEqual([t.totals.received, t.totals.biometrics, t.totals.officers], [3, 3, 2])
      // Every hour counted, and each officer's hours line up with the session's.
      const sum = (hours: Body[], key: string) => hours.reduce((n, h) => n + h[key], 0)
      assert.equal(sum(t.hours, 'received'), 3)
      assert.equal(sum(a.hours, 'biometrics'), 2)
      assert.deepEqual(
        a.hours.map((h: Body) => h.start),
        t.hours.map((h: Body) => h.start),
      )
      assert.ok(t.hours.some((h: Body) => h.start === nowHour && h.officers === 2))
      // Per hour worked: what each did over the hours on shift (officer A started first).
      assert.ok(a.shift_hours > b.shift_hours)
      assert.ok(Math.abs(a.per_shift_hour.received - 2 / a.shift_hours) < 0.05 * (2 / a.shift_hours) + 0.01)
      assert.ok(Math.abs(sum(a.hours, 'shift_minutes') - a.shift_hours * 60) <= a.hours.length)
    })

    test('shifts end once; a new shift inside an ended one is refused', async () => {
      const read = await call('GET', s())
      const shiftB = read.body.session.shifts.find((x: Body) => x.officer === officerB.username)
      const ended = await call('POST', s(`/shifts/${shiftB.seq}/end`), {}, officerB.auth)
      assert.equal(ended.status, 200, JSON.stringify(ended.body))
      assert.equal(ended.body.shift.running, false)
      const again = await call('POST', s(`/shifts/${shiftB.seq}/end`), {}, officerB.auth)
      assert.equal(again.status, 422)
      assert.equal(again.body.details.rule, 'shift-ended')
      const inside = await call('POST', s('/shifts'), {
        officer: officerB.username,
        starts_at: shiftB.starts_at,
        ends_at: new Date().toISOString(),
      })
      assert.deepEqual([inside.status, inside.body.details.field, inside.body.details.rule], [400, 'starts_at', 'overlap'])
    })

    test('closing is refused while anyone waits; served to the last, it closes; forced with a reason, those waiting leave', async () => {
      const refused = await call('POST', s('/close'), {}, officerA.auth)
      assert.equal(refused.status, 422)
      assert.equal(refused.body.details.rule, 'people-waiting')
      assert.equal(refused.body.details.waiting, 1)
      const noReason = await call('POST', s('/close'), { force: true }, officerA.auth)
      assert.deepEqual([noReason.status, noReason.body.details.field, noReason.body.details.rule], [400, 'reason', 'required'])
      // Hết người mới hết giờ: the last one is served, then the session closes.
      assert.equal((await call('POST', s('/tickets/next'), undefined, officerA.auth)).body.ticket.ticket, 5)
      const last = await call('POST', s('/tickets/5/receive'), { kind: 'first_issue', capture: true }, officerA.auth)
      assert.equal(last.status, 201, JSON.stringify(last.body))
      assert.equal((await call('POST', s('/tickets/next'), undefined, officerA.auth)).body.ticket, null)
      const closed = await call('POST', s('/close'), {}, officerA.auth)
      assert.equal(closed.status, 200, JSON.stringify(closed.body))
      assert.equal(closed.body.session.status, 'closed')
      assert.equal(closed.body.shifts_ended, 1, 'officer A’s shift ended at the close')
      assert.ok(closed.body.session.shifts.every((x: Body) => !x.running))
      // Closed: no more tickets or applications in it; reopened, it takes them again.
      const more = await call('POST', s('/tickets'), { name: 'Trần Thị Muộn' }, officerA.auth)
      assert.equal(more.body.details.rule, 'session-closed')
      const app = await call('POST', '/api/id/applications', { person_id: adults[6]?.id, kind: 'first_issue', session_id: session.id })
      assert.equal(app.body.details.rule, 'session-closed')
      const reopened = await call('POST', s('/reopen'), undefined, officerA.auth)
      assert.equal(reopened.body.session.status, 'open')

      // Another session: forced closed with one still waiting.
      const other = await call('POST', '/api/id/sessions', { unit_code: unit, place: 'Trường tiểu học', held_on: todayVn() }, officerB.auth)
      const id = other.body.session.id
      await call('POST', `/api/id/sessions/${id}/tickets`, { name: 'Lê Văn Chờ' }, officerB.auth)
      const forced = await call('POST', `/api/id/sessions/${id}/close`, { force: true, reason: 'Mất điện' }, officerB.auth)
      assert.equal(forced.status, 200, JSON.stringify(forced.body))
      assert.equal(forced.body.left, 1)
      assert.equal(forced.body.session.close_reason, 'Mất điện')
      assert.deepEqual([forced.body.session.summary.waiting, forced.body.session.summary.left], [0, 1])
    })

    test('a commune officer cannot touch another unit’s session', async () => {
      const o = outsider.auth
      assert.equal((await call('GET', s(), undefined, o)).status, 404)
      assert.equal((await call('GET', s('/tickets'), undefined, o)).status, 404)
      assert.equal((await call('GET', s('/throughput'), undefined, o)).status, 404)
      assert.equal((await call('POST', s('/tickets'), { name: 'X' }, o)).status, 404)
      assert.equal((await call('POST', s('/tickets/next'), undefined, o)).status, 404)
      assert.equal((await call('POST', s('/close'), { force: true, reason: 'x' }, o)).status, 404)
      assert.equal((await call('POST', s('/shifts'), {}, o)).status, 404)
      const list = await call('GET', '/api/id/sessions', undefined, o)
      assert.equal(list.status, 200)
      assert.equal(list.body.items.length, 0)
      const create = await call('POST', '/api/id/sessions', { unit_code: unit, place: 'X', held_on: todayVn() }, o)
      assert.equal(create.status, 403)
      // A reader without cards.manage reads but may not write.
      assert.equal((await call('GET', s(), undefined, analyst)).status, 200)
      assert.equal((await call('POST', s('/tickets'), { name: 'X' }, analyst)).status, 403)
    })
  })
}
