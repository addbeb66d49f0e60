// The living register through the API and the CLI on both engines: events in a person's
// timeline, refusals with reasons, undo, population at any date, household history, the split
// communes' work queue with its reconciliation, and freshness.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { engines, registerBeforeReform, runCli, type Served, serve, type TestDatabase, userWithToken } from './helpers.ts'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Body = any

interface Line {
  unit: string
  persons: number
}

for (const engine of await engines()) {
  describe(`living register on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let server: Served
    let auth: Record<string, string>
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: response.status, body: await response.json() }
    }
    const record = (event: Record<string, unknown>) => call('POST', '/api/events', event)
    const lines = async (on: string): Promise<Map<string, number>> => {
      const r = await call('GET', `/api/population?on=${on}`)
      assert.equal(r.status, 200, JSON.stringify(r.body))
      return new Map((r.body.lines as Line[]).map((l) => [l.unit, l.persons]))
    }
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)

    let splitCodes: string[]
    const officers = new Map<string, Record<string, string>>()
    let household: { id: string; unit_code: string; era: number }

    before(async () => {
      db = await engine.create()
      await registerBeforeReform(db.flags, 4000)
      auth = (await userWithToken(db.flags, 'province-admin')).auth
      // Users are added through the CLI, which the embedded engine allows only while no server runs.
      for (const unit of ['07192', '07183']) officers.set(unit, (await userWithToken(db.flags, 'commune-officer', [`${unit}:2025`])).auth)
      server = await serve(db.flags)
      const queue = await call('GET', '/api/reorganisation/queue')
      splitCodes = (queue.body.communes as { old_code: string }[]).map((c) => c.old_code)
      const page = await call('GET', '/api/households?limit=200')
      household = (page.body.items as { id: string; unit_code: string; era: number; members: number }[]).find(
        (h) => !splitCodes.includes(h.unit_code) && h.members >= 2,
      ) as typeof household
      assert.ok(household, 'a household of two or more outside the split communes')
    })
    after(async () => {
      await server?.stop()
      await db?.drop()
    })

    let child: string
    let destination: string
    let origin: string

    test('a birth, a move between communes, a correction and a death show in the timeline; counts move by one', async () => {
      const birth = await record({
        kind: 'birth',
        effective_on: '2026-01-10',
        full_name: 'nguyễn  văn bé',
        sex: 'M',
        household_id: household.id,
        document: 'Giấy khai sinh số 12/2026',
      })
      assert.equal(birth.status, 201, JSON.stringify(birth.body))
      child = birth.body.persons[0]
      const person = await call('GET', `/api/persons/${child}`)
      assert.equal(person.body.name_display, 'Nguyễn Văn Bé')
      assert.equal(person.body.personal_id, null, 'awaiting a number from the national system')

      // The birth adds one to the household's unit of today from its day.
      const eve = await lines('2026-01-09')
      const born = await lines('2026-01-10')
      const grew = [...born].filter(([unit, n]) => n !== (eve.get(unit) ?? 0))
      assert.equal(grew.length, 1, JSON.stringify(grew))
      origin = (grew[0] as [string, number])[0]
      assert.equal(born.get(origin), (eve.get(origin) ?? 0) + 1)
      destination = ['06652', '06706'].find((c) => c !== origin) as string
      const move = await record({
        kind: 'move',
        person_id: child,
        effective_on: '2026-03-01',
        to: { unit_code: destination, detail: 'Tổ 2' },
      })
      assert.equal(move.status, 201, JSON.stringify(move.body))
      const dayBefore = await lines('2026-02-28')
      const dayAfter = await lines('2026-03-02')
      const changed = [...new Set([...dayBefore.keys(), ...dayAfter.keys()])]
        .map((u) => [u, (dayAfter.get(u) ?? 0) - (dayBefore.get(u) ?? 0)] as const)
        .filter(([, d]) => d !== 0)
      assert.equal(changed.length, 2, JSON.stringify(changed))
      assert.deepEqual(
        changed.find(([, d]) => d === 1),
        [destination, 1],
      )
      assert.deepEqual(
        changed.find(([, d]) => d === -1),
        [origin, -1],
      )
      const unitAfter = await call('GET', `/api/population?unit=${destination}&on=2026-03-02`)
      const unitBefore = await call('GET', `/api/population?unit=${destination}&on=2026-02-28`)
      assert.equal(unitAfter.body.persons - unitBefore.body.persons, 1)

      const correction = await record({
        kind: 'correction',
        person_id: child,
        effective_on: '2026-04-01',
        field: 'full_name',
        value: 'Nguyễn Văn Bình',
        reason: 'Sai chính tả khi khai sinh',
      })
      assert.equal(correction.status, 201, JSON.stringify(correction.body))
      const death = await record({ kind: 'death', person_id: child, effective_on: '2026-09-01' })
      assert.equal(death.status, 201, JSON.stringify(death.body))

      const timeline = await call('GET', `/api/persons/${child}/timeline`)
      assert.equal(timeline.status, 200)
      assert.deepEqual(
        timeline.body.events.map((e: Body) => [e.kind, e.effective_on]),
        [
          ['birth', '2026-01-10'],
          ['move', '2026-03-01'],
          ['correction', '2026-04-01'],
          ['death', '2026-09-01'],
        ],
      )
      assert.equal(timeline.body.events[0].document, 'Giấy khai sinh số 12/2026')
      assert.deepEqual(timeline.body.events[2].details.previous, 'Nguyễn Văn Bé')
      assert.deepEqual(
        timeline.body.stays.map((s: Body) => [s.valid_from, s.valid_to]),
        [
          ['2026-01-10', '2026-03-01'],
          ['2026-03-01', '2026-09-01'],
        ],
      )
      const now = await call('GET', `/api/persons/${child}`)
      assert.equal(now.body.name_display, 'Nguyễn Văn Bình')
      assert.equal(now.body.died_on, '2026-09-01')
    })

    test('events that contradict the log are refused with reasons, and nothing is written', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ kind: 'name_change', person_id: child, effective_on: '2025-12-01', full_name: 'Trần Văn A' }, 'before-birth'],
        [{ kind: 'marriage', person_id: child, effective_on: '2026-10-01' }, 'after-death'],
        [
          { kind: 'move', person_id: child, effective_on: '2026-05-01', to: { unit_code: destination, detail: 'Tổ 2' } },
          'already-lives-there',
        ],
      ]
      for (const [event, code] of cases) {
        const r = await record(event)
        assert.equal(r.status, 422, `${event.kind}: ${JSON.stringify(r.body)}`)
        assert.equal(r.body.code, 'EVENT_REFUSED')
        assert.deepEqual(
          r.body.details.problems.map((p: Body) => p.code),
          [code],
        )
        assert.match(r.body.message.vi, /\p{L}/u)
      }
      // Back-dated before the move: the move (and the later death) would then follow a death.
      const timeline = await call('GET', `/api/persons/${child}/timeline`)
      const move = timeline.body.events.find((e: Body) => e.kind === 'move')
      const early = await record({ kind: 'death', person_id: child, effective_on: '2026-02-01' })
      assert.equal(early.status, 422)
      assert.ok(early.body.details.problems.some((p: Body) => p.code === 'after-death' && p.event_id === move.id))
      assert.match(early.body.message.en, /move 2026-03-01/)
      const future = await record({ kind: 'confirmation', person_id: child, effective_on: '2999-01-01' })
      assert.equal(future.status, 400)
      const unknownUnit = await record({ kind: 'move', person_id: child, effective_on: '2026-05-01', to: { unit_code: '99999' } })
      assert.equal(unknownUnit.status, 400)
      assert.match(unknownUnit.body.message.vi, /99999/)
      assert.equal((await call('GET', `/api/persons/${child}/timeline`)).body.events.length, 4, 'nothing refused was written')
    })

    test('undo: revoking the death brings the person back into the counts after it', async () => {
      const timeline = await call('GET', `/api/persons/${child}/timeline`)
      const death = timeline.body.events.find((e: Body) => e.kind === 'death')
      const beforeUndo = await call('GET', `/api/population?unit=${destination}&on=2026-10-01`)
      const undo = await record({ kind: 'revocation', effective_on: '2026-11-01', event_id: death.id, reason: 'Ghi nhầm người' })
      assert.equal(undo.status, 201, JSON.stringify(undo.body))
      const afterUndo = await call('GET', `/api/population?unit=${destination}&on=2026-10-01`)
      assert.equal(afterUndo.body.persons - beforeUndo.body.persons, 1)
      const again = await call('GET', `/api/persons/${child}/timeline`)
      assert.equal(again.body.events.find((e: Body) => e.id === death.id).revoked_by, undo.body.event.id)
      assert.equal((await call('GET', `/api/persons/${child}`)).body.died_on, null)
      const twice = await record({ kind: 'revocation', effective_on: '2026-11-01', event_id: death.id, reason: 'lần nữa' })
      assert.equal(twice.status, 400)
    })

    test('a household split shows in its history; members on a day before and after', async () => {
      const members = await call('GET', `/api/households/${household.id}/history?on=2026-01-01`)
      assert.equal(members.status, 200)
      const head = (await call('GET', `/api/households/${household.id}`)).body.head_person_id
      const leaving = (members.body.members_on as { person_id: string }[]).map((m) => m.person_id).find((p) => p !== head && p !== child)
      assert.ok(leaving, 'a member other than the head')
      const split = await record({
        kind: 'household_split',
        household_id: household.id,
        effective_on: '2026-06-01',
        members: [leaving],
        head_id: leaving,
        household_no: 'T-2026-001',
      })
      assert.equal(split.status, 201, JSON.stringify(split.body))
      const on = async (day: string) =>
        ((await call('GET', `/api/households/${household.id}/history?on=${day}`)).body.members_on as { person_id: string }[]).map(
          (m) => m.person_id,
        )
      assert.ok((await on('2026-05-31')).includes(leaving as string))
      assert.ok(!(await on('2026-06-01')).includes(leaving as string))
      const history = await call('GET', `/api/households/${household.id}/history`)
      assert.ok(history.body.events.some((e: Body) => e.kind === 'household_split'))
      const created = split.body.event.details.new_household_id
      const newHousehold = await call('GET', `/api/households/${created}`)
      assert.equal(newHousehold.body.head_person_id, leaving)
      // Today's members follow the events: the leaver is in the new household, as its head.
      assert.deepEqual(
        newHousehold.body.members.map((m: Body) => [m.person_id, m.relation_to_head]),
        [[leaving, 'Chủ hộ']],
      )
      const old = await call('GET', `/api/households/${household.id}`)
      assert.ok(!old.body.members.some((m: Body) => m.person_id === leaving))
      assert.ok(!old.body.members.some((m: Body) => m.person_id === child), 'the child born here has moved away')
      assert.ok(
        (await call('GET', `/api/households/${created}/history`)).body.events.some((e: Body) => e.kind === 'household_split'),
        'the split that made it is in the new household’s history',
      )

      // A head change: the new head is marked from its day, the old one no longer.
      const heir = (await on('2026-06-01')).find((p) => p !== head && p !== child) ?? child
      const change = await record({ kind: 'head_change', household_id: household.id, effective_on: '2026-07-01', head_id: heir })
      assert.equal(change.status, 201, JSON.stringify(change.body))
      const relation = async (day: string, person: string) =>
        ((await call('GET', `/api/households/${household.id}/history?on=${day}`)).body.members_on as Body[]).find(
          (m) => m.person_id === person,
        )?.relation_to_head
      assert.equal(await relation('2026-07-01', heir), 'Chủ hộ')
      assert.notEqual(await relation('2026-07-01', head), 'Chủ hộ')
      assert.equal(await relation('2026-06-30', head), 'Chủ hộ')
      const back = await record({ kind: 'head_change', household_id: household.id, effective_on: '2026-07-02', head_id: head })
      assert.equal(back.status, 201)
      // The head cannot split off without a new head first.
      const headLeaves = await record({
        kind: 'household_split',
        household_id: household.id,
        effective_on: '2026-06-02',
        members: [head],
        head_id: head,
        household_no: 'T-2026-002',
      })
      assert.equal(headLeaves.status, 400)
    })

    test('the split communes: unplaced households on their own line until placed, then counts reconcile', async () => {
      const queue = (await call('GET', '/api/reorganisation/queue')).body.communes as Body[]
      // The twelve communes the reform split, and two dissolved on 1 Nov 2024 into two of them.
      assert.deepEqual(
        queue.map((c) => c.old_code),
        ['06655', '06799', '06802', '06820', '06853', '06868', '06877', '06880', '06886', '06946', '07042', '07072', '07093', '07180'],
      )
      const withHouseholds = queue.filter((c) => c.households > 0)
      assert.ok(withHouseholds.length >= 8, `split communes with households: ${withHouseholds.length}`)
      const day = '2026-11-01'
      const beforePlacing = await lines(day)
      for (const c of withHouseholds) assert.ok((beforePlacing.get(`split:${c.old_code}`) ?? 0) > 0, c.old_code)
      const splitRows = ((await call('GET', '/api/overview')).body.items as Body[]).filter((u) => u.unit.startsWith('split:'))
      assert.ok(splitRows.length >= withHouseholds.length && splitRows.every((u) => u.households > 0))
      const open = (await call('GET', `/api/reorganisation/reconciliation?on=${day}`)).body
      assert.ok(open.unplaced.households > 0)

      // A wrong unit is refused, naming the successors.
      const c0 = withHouseholds[0]
      const wrong = await call('POST', '/api/reorganisation/placements', { old_code: c0.old_code, unit_code: '06652', hamlet: null })
      if (!c0.successors.some((s: Body) => s.code === '06652')) assert.equal(wrong.status, 400)

      // Each hamlet to a successor, alternating: the officer's work queue done.
      for (const c of withHouseholds) {
        for (const [i, h] of (c.hamlets as Body[]).entries()) {
          const unit = c.successors[i % c.successors.length].code
          const r = await call('POST', '/api/reorganisation/placements', { old_code: c.old_code, unit_code: unit, hamlet: h.hamlet })
          assert.equal(r.status, 200, JSON.stringify(r.body))
          assert.equal(r.body.placed, h.households)
        }
      }
      const done = (await call('GET', '/api/reorganisation/queue')).body.communes as Body[]
      assert.deepEqual(
        done.map((c) => c.unplaced_households),
        done.map(() => 0),
      )
      const afterPlacing = await lines(day)
      assert.deepEqual(
        [...afterPlacing.keys()].filter((u) => u.startsWith('split:')),
        [],
      )
      assert.equal(total(afterPlacing), total(beforePlacing), 'nobody lost or counted twice')
      // The overview follows the placements, its persons as the population of today says.
      const overview = (await call('GET', '/api/overview')).body.items as Body[]
      assert.deepEqual(
        overview.filter((u) => u.unit.startsWith('split:')),
        [],
      )
      const today = await lines(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10))
      for (const u of overview) assert.equal(u.persons, today.get(u.unit) ?? 0, u.unit)

      const r = (await call('GET', `/api/reorganisation/reconciliation?on=${day}`)).body
      assert.deepEqual(r.unplaced, { households: 0, persons: 0 })
      assert.deepEqual(
        r.new.filter((u: Body) => u.difference),
        [],
      )
      for (const c of withHouseholds) {
        const old = r.old.find((o: Body) => o.code === c.old_code)
        assert.equal(old.households, c.households, c.old_code)
        const carried = old.to.reduce((n: number, t: Body) => n + t.households, 0)
        assert.equal(carried, old.households, `${c.old_code}: households before = households after`)
        for (const t of old.to)
          assert.ok(
            c.successors.some((s: Body) => s.code === t.line),
            `${c.old_code} → ${t.line}`,
          )
      }

      // Taking a hamlet back puts it on the split line again.
      const back = withHouseholds[0]
      const undo = await call('POST', '/api/reorganisation/placements', {
        old_code: back.old_code,
        unit_code: null,
        hamlet: back.hamlets[0].hamlet,
      })
      assert.equal(undo.body.placed, back.hamlets[0].households)
      assert.ok(((await lines(day)).get(`split:${back.old_code}`) ?? 0) > 0)
    })

    test('a commune dissolved on 1 Nov 2024 into one the 2025 reform split: counted, queued and placed like its successor', async () => {
      const person = ((await call('GET', '/api/persons?limit=5')).body.items as Body[]).find((p) => p.id !== child)
      // Xã Cẩm Hải (06802), dissolved on 1 Nov 2024, went wholly to Xã Hải Hòa (06799), which the 2025 reform split.
      const move = await record({ kind: 'move', person_id: person.id, effective_on: '2024-10-01', to: { unit_code: '06802', era: 2024 } })
      assert.equal(move.status, 201, JSON.stringify(move.body))
      assert.equal((await lines('2026-11-01')).get('split:06802'), 1)
      const old = await call('GET', '/api/population?on=2024-10-15&era=2024')
      const oldLines = new Map((old.body.lines as Line[]).map((l) => [l.unit, l.persons]))
      assert.equal(oldLines.get('unknown:06802'), undefined, 'counted in the commune it went to')
      const queue = (await call('GET', '/api/reorganisation/queue')).body.communes as Body[]
      const dissolved = queue.find((c) => c.old_code === '06802')
      assert.ok(dissolved, 'in the work queue')
      assert.equal(dissolved.unplaced_households, 1)
      const placed = await call('POST', '/api/reorganisation/placements', {
        old_code: '06802',
        unit_code: dissolved.successors[0].code,
        hamlet: null,
      })
      assert.equal(placed.status, 200, JSON.stringify(placed.body))
      assert.equal((await lines('2026-11-01')).get('split:06802'), undefined)
    })

    test('freshness per commune: confirmed share, births awaiting a number', async () => {
      const birth = await record({
        kind: 'birth',
        effective_on: '2026-05-05',
        full_name: 'Lê Thị Hoa',
        sex: 'F',
        household_id: household.id,
      })
      assert.equal(birth.status, 201)
      const items = (await call('GET', '/api/freshness')).body.items as Body[]
      const units = items.filter((i) => !i.unit.includes(':'))
      assert.equal(units.length, 54)
      for (const i of items) assert.ok(i.confirmed_share === null || (i.confirmed_share >= 0 && i.confirmed_share <= 1))
      assert.ok(items.reduce((n, i) => n + i.awaiting_number, 0) >= 1, 'the newborn is awaiting a number')
      // Forms collected up to 30 June 2025 are more than twelve months old; the events' persons are fresh.
      const overall = items.reduce((n, i) => n + i.persons, 0)
      const confirmed = items.reduce((n, i) => n + (i.confirmed_share ?? 0) * i.persons, 0)
      assert.ok(confirmed >= 2 && confirmed < overall, `${confirmed} of ${overall}`)
    })

    test('a commune officer cannot record an event for someone outside their units', async () => {
      const [, officer] = [...officers].find(([unit]) => unit !== origin) as [string, Record<string, string>]
      const r = await fetch(`${server.url}/api/events`, {
        method: 'POST',
        headers: { ...officer, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'confirmation', person_id: child, effective_on: '2026-11-01' }),
      })
      assert.equal(r.status, 404)
      // Counts: their unit's line only; another unit's detail is not theirs.
      const [unit, token] = [...officers].find(([u]) => u !== origin) as [string, Record<string, string>]
      const lines = (await (await fetch(`${server.url}/api/population?on=2026-11-01`, { headers: token })).json()) as Body
      assert.deepEqual(
        lines.lines.map((l: Body) => l.unit),
        [unit],
      )
      const other = await fetch(`${server.url}/api/population?on=2026-11-01&unit=${destination}`, { headers: token })
      assert.equal(other.status, 404)
    })

    test('coso population: CODE<TAB>COUNT for every unit, or one number for --unit, as the API says', async () => {
      const api = await lines('2026-03-02')
      const unit = await call('GET', `/api/population?unit=${destination}&on=2026-03-02`)
      await server.stop()
      const all = await runCli(['population', '--on', '2026-03-02', ...db.flags])
      assert.equal(all.code, 0, all.stderr)
      const printed = all.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t'))
      assert.ok(printed.every((p) => p.length === 2 && /^\d+$/.test(p[1] as string)))
      assert.deepEqual(new Map(printed.map(([u, n]) => [u, Number(n)])), api)
      assert.equal(printed.filter(([u]) => !u?.includes(':')).length, 54)
      const one = await runCli(['population', '--on', '2026-03-02', '--unit', destination, ...db.flags])
      assert.equal(one.stdout.trim(), String(unit.body.persons))
      const json = JSON.parse((await runCli(['population', '--on', '2026-03-02', '--unit', destination, '--json', ...db.flags])).stdout)
      assert.equal(json.persons, unit.body.persons)
      assert.ok(json.recorded.length > 0)
      // Before the reform, in the old map: the old commune's count.
      const old = await runCli(['population', '--on', '2025-01-01', '--era', '2024', ...db.flags])
      assert.equal(old.code, 0, old.stderr)
      assert.ok(old.stdout.split('\n').filter((l) => /^\d{5}\t/.test(l)).length > 100)
      const bad = await runCli(['population', '--unit', '99999', ...db.flags])
      assert.notEqual(bad.code, 0)
      assert.match(bad.stderr, /99999/)
      const badDate = await runCli(['population', '--on', '2026-02-30', ...db.flags])
      assert.notEqual(badDate.code, 0)
      // The register export says where the moved child lives now.
      const exported = await runCli(['export', 'persons', '--format', 'jsonl', ...db.flags])
      assert.equal(exported.code, 0, exported.stderr)
      const row = exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .find((r) => r.id === child)
      assert.deepEqual([row.unit, row.residence_unit, row.residence_address, row.household_id], [destination, destination, 'Tổ 2', null])
      server = await serve(db.flags)
    })
  })
}
