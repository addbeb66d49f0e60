// geo through HTTP on both engines: the acceptance points of the foundation issue and more.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { engines, getJson, type Served, serve, type TestDatabase, userWithToken } from './helpers.ts'

for (const engine of await engines()) {
  describe(`geo over HTTP on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let server: Served
    let ADMIN: string
    before(async () => {
      db = await engine.create()
      ADMIN = (await userWithToken(db.flags, 'province-admin')).token
      server = await serve(db.flags)
    })
    after(async () => {
      assert.equal(await server.stop(), 0)
      await db.drop()
    })

    test('health names the engine, version and migrations', async () => {
      const { status, body } = await getJson(`${server.url}/api/health`)
      assert.equal(status, 200)
      assert.equal(body.engine, engine.name)
      assert.match(body.version, /^\d+\.\d+\.\d+/)
      assert.ok(body.migrations.includes('20261127T0700_geo'))
    })

    test('the 2025 list has 54 units; the 2024 list 13 districts and 171 communes', async () => {
      const now = await getJson(`${server.url}/api/units?era=2025`)
      assert.equal(now.body.items.length, 54)
      const old = await getJson(`${server.url}/api/units?era=2024`)
      assert.equal(old.body.items.filter((u: { level: string }) => u.level === 'district').length, 13)
      assert.equal(old.body.items.filter((u: { level: string }) => u.level === 'commune').length, 171)
      const beforeNov = await getJson(`${server.url}/api/units?on=2024-10-31&level=commune`)
      assert.equal(beforeNov.body.items.length, 177)
      const provinces = await getJson(`${server.url}/api/units?era=2025&level=province`)
      assert.equal(provinces.body.items.length, 34)
    })

    test('a code means the unit valid on the date asked', async () => {
      const a = await getJson(`${server.url}/api/units/06652?on=2025-01-01`)
      assert.equal(a.body.name, 'Phường Hà Phong')
      assert.equal(a.body.parent_name, 'Thành phố Hạ Long')
      const b = await getJson(`${server.url}/api/units/06652?on=2025-08-01`)
      assert.equal(b.body.name, 'Phường Hà Tu')
      const today = await getJson(`${server.url}/api/units/06652`)
      assert.equal(today.body.name, 'Phường Hà Tu')
      const era = await getJson(`${server.url}/api/units/06652?era=2024`)
      assert.equal(era.body.name, 'Phường Hà Phong')
      const renamed = await getJson(`${server.url}/api/units/06799?on=2024-10-01`)
      assert.equal(renamed.body.name, 'Xã Cộng Hòa')
    })

    test('successors of split Hải Lạng are three parts; dissolved units chain to today', async () => {
      const { body } = await getJson(`${server.url}/api/units/06886/successors`)
      assert.deepEqual(
        body.map((s: { code: string; portion: string }) => [s.code, s.portion]),
        [
          ['06799', 'part'],
          ['06886', 'part'],
          ['06970', 'part'],
        ],
      )
      const whole = await getJson(`${server.url}/api/units/06649/successors`)
      assert.deepEqual(whole.body, [{ code: '06658', name: 'Phường Cao Xanh', portion: 'whole', era: 2025, valid_from: '2025-07-01' }])
      // Tân Việt (dissolved 1/11/2024 into Việt Dân) → Việt Dân's successor in 2025.
      const chain = await getJson(`${server.url}/api/units/07087/successors`)
      assert.ok(chain.body.length >= 1)
      assert.ok(chain.body.every((s: { era: number }) => s.era === 2025))
    })

    test('Yết Kiêu has no successor until an admin sets one', async () => {
      const none = await getJson(`${server.url}/api/units/06682/successors`)
      assert.deepEqual(none.body, [])
      const denied = await fetch(`${server.url}/api/units/06682/successors`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: '06685' }),
      })
      assert.equal(denied.status, 401)
      const set = await fetch(`${server.url}/api/units/06682/successors`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ code: '06685' }),
      })
      assert.equal(set.status, 200)
      const after = await getJson(`${server.url}/api/units/06682/successors`)
      assert.ok(after.body.length >= 1)
      const lawful = await fetch(`${server.url}/api/units/06886/successors`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ code: '06685' }),
      })
      assert.equal(lawful.status, 409)
    })

    test('search ignores case, diacritics and tone placement', async () => {
      const names = async (q: string) =>
        (await getJson(`${server.url}/api/units?era=2024&q=${encodeURIComponent(q)}`)).body.items.map((u: { code: string }) => u.code)
      assert.deepEqual(await names('ha long'), await names('HẠ LONG'))
      assert.ok((await names('ha long')).includes('193'))
      assert.deepEqual(await names('Hải Hoà'), await names('hai hòa'))
      assert.ok((await names('Hải Hoà')).includes('06742'))
    })

    test('addresses resolve with abbreviations and era', async () => {
      const resolve = async (text: string, on?: string) =>
        (await getJson(`${server.url}/api/addresses/resolve?text=${encodeURIComponent(text)}${on ? `&on=${on}` : ''}`)).body
      const a = await resolve('Xã Bình Dân, Huyện Vân Đồn, Tỉnh Quảng Ninh')
      assert.equal(a.candidates[0].code, '07000')
      assert.equal(a.candidates[0].era, 2024)
      assert.equal(a.ambiguous, false)
      const b = await resolve('P. Hà Tu, TP Hạ Long')
      assert.equal(b.candidates[0].code, '06664')
      assert.equal(b.candidates[0].era, 2024)
      const c = await resolve('Số 5, tổ 3, Phường Hà Tu', '2026-01-01')
      assert.equal(c.candidates[0].code, '06652')
      assert.equal(c.candidates[0].era, 2025)
      assert.equal(c.detail, 'Số 5, tổ 3')
      const elsewhere = await resolve('Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh')
      assert.equal(elsewhere.candidates[0].level, 'province')
      assert.equal(elsewhere.candidates[0].code, '79')
      const none = await resolve('Số 5 đường Không Tên')
      assert.deepEqual(none.candidates, [])
    })

    test('hamlets: added by an admin, listed, imported from CSV with bad rows reported', async () => {
      const add = await fetch(`${server.url}/api/units/06652/hamlets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ names: ['Tổ 1 khu 2', 'Tổ 2 khu 2', 'tổ 1  khu 2'] }),
      })
      assert.equal(add.status, 201)
      const added = (await add.json()) as { added: { kind: string }[] }
      assert.equal(added.added.length, 2)
      assert.equal(added.added[0]?.kind, 'tổ')
      const csv = 'unit_code,name\n06652,Tổ 3 khu 2\n99999,Thôn X\n06652,\n06652,Tổ 1 khu 2\n'
      const imported = await fetch(`${server.url}/api/hamlets/import`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${ADMIN}` },
        body: csv,
      })
      const report = (await imported.json()) as { added: number; existing: number; rejected: { row: number; field: string }[] }
      assert.equal(report.added, 1)
      assert.equal(report.existing, 1)
      assert.deepEqual(
        report.rejected.map((r: { row: number; field: string }) => [r.row, r.field]),
        [
          [3, 'unit_code'],
          [4, 'name'],
        ],
      )
      const list = await getJson(`${server.url}/api/units/06652/hamlets`)
      assert.equal(list.body.items.length, 3)
      const district = await fetch(`${server.url}/api/units/193/hamlets?era=2024`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ names: ['Thôn 1'] }),
      })
      assert.equal(district.status, 400)
    })

    test('errors share one shape with a request id', async () => {
      const missing = await getJson(`${server.url}/api/units/99999`)
      assert.equal(missing.status, 404)
      assert.equal(missing.body.code, 'NOT_FOUND')
      assert.ok(missing.body.message.vi && missing.body.message.en && missing.body.request_id)
      const invalid = await getJson(`${server.url}/api/units?era=1999`)
      assert.equal(invalid.status, 400)
      assert.equal(invalid.body.code, 'VALIDATION')
      const badDate = await getJson(`${server.url}/api/units/06652?on=2025-02-31`)
      assert.equal(badDate.status, 400)
      const route = await getJson(`${server.url}/api/nothing`)
      assert.equal(route.status, 404)
      assert.equal(route.body.code, 'ROUTE_NOT_FOUND')
      const writesOff = await fetch(`${server.url}/api/units/06652/hamlets`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      })
      assert.equal(writesOff.status, 401)
    })

    test('OpenAPI 3.1 document and the docs page are served', async () => {
      const { body } = await getJson(`${server.url}/api/openapi.json`)
      assert.equal(body.openapi, '3.1.0')
      assert.ok(body.paths['/api/units/{code}'])
      assert.ok(body.paths['/api/addresses/resolve'])
      const docs = await fetch(`${server.url}/api/docs/`)
      assert.equal(docs.status, 200)
      assert.match(await docs.text(), /swagger/i)
    })

    test('logs carry route patterns, never query strings', async () => {
      await fetch(`${server.url}/api/addresses/resolve?text=${encodeURIComponent('Số 9 Nguyễn Văn Secret')}`)
      await new Promise((r) => setTimeout(r, 100))
      assert.match(server.stderr(), /"route":"\/api\/addresses\/resolve"/)
      assert.doesNotMatch(server.stderr(), /Secret/)
    })
  })
}
