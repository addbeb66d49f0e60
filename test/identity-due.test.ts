// Due lists and the cards people already hold, through the CLI and the API on both engines: a
// register collected before the reform, cards imported from a legacy-encoded file with Vietnamese
// headers (a report naming file, row, field and rule; nothing recorded twice), cards recorded one
// by one, and the three lists — renewal (the 2-year rule), missing, expired — scoped to a commune
// officer's units, as JSON pages, CSV and XLSX files and counts per commune; bad input refused.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import ExcelJS from 'exceljs'
import { today } from '../src/geo/eras.ts'
import { dueHamlet } from '../src/identity/due.ts'
import { type BirthDate, nextRenewal } from '../src/identity/validity.ts'
import { encode } from '../src/intake/encoding.ts'
import { csvLine, parseCsv } from '../src/platform/csv.ts'
import { engines, registerBeforeReform, runCli, type Served, serve, type TestDatabase, tempDir, userWithToken } from './helpers.ts'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
type Body = any

interface Person {
  id: string
  full_name: string
  birth_date: string
  personal_id: string
  unit: string
}

const DAY = 86_400_000
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10)
const addYears = (iso: string, n: number) => `${Number(iso.slice(0, 4)) + n}${iso.slice(4)}`
const addMonths = (iso: string, n: number) => {
  const d = new Date(Date.parse(`${iso}T00:00:00Z`))
  d.setUTCMonth(d.getUTCMonth() + n)
  return d.toISOString().slice(0, 10)
}
const vi = (iso: string) => iso.split('-').reverse().join('/')

for (const engine of await engines()) {
  describe(`due lists and cards held on ${engine.name}`, { skip: engine.skip }, () => {
    let db: TestDatabase
    let dir: string
    let persons: Person[]
    /** Everyone in the register, whatever their birth date's precision. */
    let everyone: Person[]
    let admin: Record<string, string>
    /** Turns 25 about three weeks after ON, no card: in the renewal list. */
    let turning: Person
    /** Turns 25 within three months of ON; card issued 18 months before: valid to 40, not in the list. */
    let early: Person
    /** An adult without a card: missing. */
    let without: Person
    /** An adult whose card expired at 25: expired (and missing). */
    let lapsed: Person
    /** An adult whose card is valid: on neither list. */
    let holder: Person
    let on: string

    before(async () => {
      db = await engine.create()
      dir = tempDir()
      await registerBeforeReform(db.flags, 2000)
      const exported = await runCli(['export', 'persons', '--format', 'csv', ...db.flags])
      assert.equal(exported.code, 0, exported.stderr)
      const [header, ...rows] = parseCsv(exported.stdout)
      everyone = rows.map((r) => Object.fromEntries((header as string[]).map((h, i) => [h, r[i] ?? ''])) as unknown as Person)
      persons = everyone.filter((p) => /^\d{4}-\d{2}-\d{2}$/.test(p.birth_date) && /^\d{12}$/.test(p.personal_id) && p.unit !== '')
      // Two persons turning 25 close together, within half a year of today (their cards' days are past).
      const now = today()
      const young = persons
        .filter((p) => {
          const at25 = addYears(p.birth_date, 25)
          return at25 >= addMonths(now, -6) && at25 < addMonths(now, 6)
        })
        .sort((a, b) => a.birth_date.localeCompare(b.birth_date))
      const pair = young
        .slice(1)
        .map((b, i) => [young[i] as Person, b] as const)
        .find(([a, b]) => addYears(b.birth_date, 25) < addMonths(addYears(a.birth_date, 25), 2))
      assert.ok(pair, 'two persons turning 25 within two months of each other')
      ;[turning, early] = pair
      on = addDays(addYears(turning.birth_date, 25), -20)
      const adults = persons.filter((p) => p.birth_date < addYears(on, -30) && p.birth_date > addYears(on, -38))
      without = adults[0] as Person
      lapsed = adults.find((p) => p.unit !== without.unit) as Person
      holder = adults.find((p) => p !== without && p !== lapsed) as Person
      assert.ok(without && lapsed && holder, 'three adults')
      admin = (await userWithToken(db.flags, 'province-admin')).auth
    })
    after(async () => {
      await db?.drop()
    })

    let cardsFile: string
    test('cards held are imported from a legacy-encoded file with Vietnamese headers; every other row told by file, row, field and rule', async () => {
      const header = ['Số định danh cá nhân', 'Ngày cấp', 'Ghi chú']
      const rows = [
        [lapsed.personal_id, vi(addYears(lapsed.birth_date, 20)), 'thẻ cũ'], // row 2: recorded, expired at 25
        [holder.personal_id.replace(/(\d{3})(\d{3})/, '$1 $2 '), addYears(holder.birth_date, 27), ''], // row 3: recorded, ISO date
        ['022099123456', '01/01/2020', ''], // row 4: no one holds it
        [without.personal_id, '31/02/2020', ''], // row 5: no such day
        [without.personal_id.slice(1), '01/01/2020', 'Excel đã bỏ số 0'], // row 6: 11 digits
        [without.personal_id, vi(addDays(today(), 3)), ''], // row 7: in the future
        [without.personal_id, vi(addDays(without.birth_date, -1)), ''], // row 8: before birth
        [lapsed.personal_id, vi(addYears(lapsed.birth_date, 20)), 'lặp'], // row 9: the same card again
        ['', '', ''], // skipped
      ]
      cardsFile = join(dir, 'the-cu.csv')
      writeFileSync(cardsFile, encode(`${[header, ...rows].map((r) => csvLine(r)).join('\r\n')}\r\n`, 'vni'))
      const r = await runCli(['id', 'cards', 'import', cardsFile, '--json', ...db.flags])
      assert.equal(r.code, 0, r.stderr)
      const report = JSON.parse(r.stdout) as Body
      assert.equal(report.encoding, 'vni')
      assert.equal(report.rows, 8)
      assert.deepEqual(report.outcomes, { recorded: 2, unknown_number: 1, invalid: 4, duplicate: 1 })
      assert.deepEqual(report.unknown_columns, ['Ghi chú'])
      const told = report.problems.map((p: Body) => [p.file, p.row, p.outcome, p.field, p.rule])
      assert.deepEqual(told, [
        ['the-cu.csv', 4, 'unknown_number', 'personal_id', 'unknown-number'],
        ['the-cu.csv', 5, 'invalid', 'issued_on', 'issued-on-impossible'],
        ['the-cu.csv', 6, 'invalid', 'personal_id', 'personal-id-format'],
        ['the-cu.csv', 7, 'invalid', 'issued_on', 'issued-in-future'],
        ['the-cu.csv', 8, 'invalid', 'issued_on', 'issued-before-birth'],
        ['the-cu.csv', 9, 'duplicate', 'row', 'duplicate'],
      ])
      for (const p of report.problems) assert.ok(p.vi && p.en, 'a message in both languages')
      const text = await runCli(['id', 'cards', 'import', cardsFile, ...db.flags])
      assert.equal(text.code, 0, text.stderr)
      assert.match(text.stdout, /the-cu\.csv:6 personal_id personal-id-format: .*leading 0/)
    })

    test('importing the same file again records nothing twice', async () => {
      const r = await runCli(['id', 'cards', 'import', cardsFile, '--json', ...db.flags])
      assert.equal(r.code, 0, r.stderr)
      const report = JSON.parse(r.stdout) as Body
      assert.equal(report.outcomes.recorded, 0)
      assert.equal(report.outcomes.duplicate, 3)
      const missing = await runCli(['id', 'cards', 'import', join(dir, 'nowhere.csv'), ...db.flags])
      assert.notEqual(missing.code, 0)
      const noColumn = join(dir, 'no-date.csv')
      writeFileSync(noColumn, 'personal_id,ghi_chu\n022190000001,x\n')
      const refused = await runCli(['id', 'cards', 'import', noColumn, ...db.flags])
      assert.notEqual(refused.code, 0)
      assert.match(refused.stderr, /issued_on/)
    })

    describe('over HTTP', () => {
      let server: Served
      let officer: Record<string, string>
      let officerUnit: string
      const call = async (method: string, path: string, options: { body?: unknown; auth?: Record<string, string> } = {}) => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { ...(options.auth ?? admin), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        })
        const type = response.headers.get('content-type') ?? ''
        return {
          status: response.status,
          headers: response.headers,
          body: (type.startsWith('application/json') ? await response.json() : Buffer.from(await response.arrayBuffer())) as Body,
        }
      }
      const list = async (query: string, auth?: Record<string, string>) => {
        const r = await call('GET', `/api/id/due?${query}`, { auth })
        assert.equal(r.status, 200, JSON.stringify(r.body))
        return r.body
      }
      const ids = (page: Body) => new Set(page.items.map((i: Body) => i.person_id))
      /** Every row of a list, page by page. */
      const whole = async (query: string, auth?: Record<string, string>) => {
        const items: Body[] = []
        for (let offset = 0; ; offset += 500) {
          const page = await list(`${query}&limit=500&offset=${offset}`, auth)
          items.push(...page.items)
          if (page.items.length < 500) {
            assert.equal(items.length, page.total)
            return { total: page.total, items }
          }
        }
      }

      before(async () => {
        // The officer's commune: where the person without a card lives today, as the lists place them
        // (read through the CLI: users are added while no server holds the embedded database).
        const r = await runCli(['id', 'due', '--list', 'missing', '--on', on, '--format', 'csv', ...db.flags])
        assert.equal(r.code, 0, r.stderr)
        const [header, ...rows] = parseCsv(r.stdout)
        const row = rows.find((x) => x[header?.indexOf('Mã người') as number] === without.id)
        assert.ok(row, 'the person without a card is on the missing list')
        officerUnit = row[header?.indexOf('Mã xã') as number] as string
        officer = (await userWithToken(db.flags, 'commune-officer', [`${officerUnit}:2025`])).auth
        server = await serve(db.flags)
      })
      after(async () => {
        await server?.stop()
      })

      test('cards recorded one by one: the expiry by the card rules, the 2-year rule, the same card twice changes nothing', async () => {
        const at25 = addYears(early.birth_date, 25)
        const issued = addMonths(at25, -18)
        const first = await call('POST', '/api/id/cards', { body: { person_id: early.id, issued_on: issued } })
        assert.equal(first.status, 201, JSON.stringify(first.body))
        assert.equal(first.body.card.expires_on, addYears(early.birth_date, 40), 'valid until the holder turns 40')
        assert.equal(first.body.card.source, 'recorded')
        assert.equal(first.body.card.personal_id, early.personal_id)
        const again = await call('POST', '/api/id/cards', { body: { person_id: early.id, issued_on: issued } })
        assert.equal(again.status, 200)
        assert.equal(again.body.created, false)
        // A card issued at 15 expires on the 25th birthday: its holder is due then.
        const at15 = await call('POST', '/api/id/cards', { body: { person_id: turning.id, issued_on: addYears(turning.birth_date, 15) } })
        assert.equal(at15.status, 201, JSON.stringify(at15.body))
        assert.equal(at15.body.card.expires_on, addYears(turning.birth_date, 25))

        const cards = await call('GET', `/api/persons/${early.id}/cards`)
        assert.equal(cards.status, 200)
        assert.equal(cards.body.in_force.issued_on, issued)
        assert.equal(cards.body.valid, true)
        const lapsedCards = await call('GET', `/api/persons/${lapsed.id}/cards`)
        assert.equal(lapsedCards.body.cards.length, 1)
        assert.equal(lapsedCards.body.in_force.expires_on, addYears(lapsed.birth_date, 25))
        assert.equal(lapsedCards.body.valid, false)
      })

      test('a card that cannot have been issued is refused with the field and rule, in both languages', async () => {
        const future = await call('POST', '/api/id/cards', { body: { person_id: without.id, issued_on: addDays(today(), 1) } })
        assert.equal(future.status, 400)
        assert.deepEqual([future.body.details.field, future.body.details.rule], ['issued_on', 'issued-in-future'])
        assert.match(future.body.message.vi, /tương lai/)
        assert.match(future.body.message.en, /future/)
        const unborn = await call('POST', '/api/id/cards', { body: { person_id: without.id, issued_on: addDays(without.birth_date, -1) } })
        assert.equal(unborn.status, 400)
        assert.deepEqual([unborn.body.details.field, unborn.body.details.rule], ['issued_on', 'issued-before-birth'])
        const badDay = await call('POST', '/api/id/cards', { body: { person_id: without.id, issued_on: '2020-02-30' } })
        assert.equal(badDay.status, 400)
        assert.equal(badDay.body.details[0].field, 'body.issued_on')
        const nobody = await call('POST', '/api/id/cards', {
          body: { person_id: '01900000-0000-7000-8000-000000000000', issued_on: '2020-01-01' },
        })
        assert.equal(nobody.status, 404)
      })

      test('renewal: turning 25 next month is listed; a card issued 18 months before 25 keeps its holder off', async () => {
        // Two residents whose birth date is known only to the year, or the month: listed as soon as they may be due.
        const year = Number(on.slice(0, 4))
        for (const [no, birth, name] of [
          ['DUE-60', String(year - 60), 'Đỗ Văn Sáu Mươi'],
          ['DUE-40', `${on.slice(5, 7)}/${year - 40}`, 'Đỗ Thị Bốn Mươi'],
        ] as const) {
          const saved = await call('POST', '/api/forms', {
            body: {
              form_no: no,
              collected_on: vi(today()),
              collecting_unit: officerUnit,
              full_name: name,
              birth_date: birth,
              sex: name.includes('Thị') ? 'Nữ' : 'Nam',
              permanent_unit: officerUnit,
              permanent_address: 'Thôn Đoài',
            },
          })
          assert.equal(saved.body.outcome, 'accepted', JSON.stringify(saved.body))
          const found = await call('GET', `/api/persons?q=${encodeURIComponent(name)}`)
          const p = found.body.items[0]
          everyone.push({ id: p.id, full_name: name, birth_date: p.birth_date, personal_id: '', unit: officerUnit })
        }
        const page = await whole(`list=renewal&months=3&on=${on}`)
        const row = page.items.find((i: Body) => i.person_id === turning.id)
        assert.ok(row, 'turning 25 in three weeks')
        assert.equal(row.renewal_age, 25)
        assert.equal(row.renewal_on, addYears(turning.birth_date, 25))
        assert.equal(row.card_expires_on, addYears(turning.birth_date, 25))
        assert.equal(row.birth_date, turning.birth_date)
        assert.equal(row.personal_id, turning.personal_id)
        assert.equal(row.application_state, null)
        assert.ok(addYears(early.birth_date, 25) < addMonths(on, 3), 'the other one turns 25 within the three months too')
        assert.ok(!ids(page).has(early.id), 'the 2-year rule: valid until 40')
        assert.equal(page.total, page.items.length)
        for (const r of page.items) {
          assert.ok(r.renewal_on >= on && r.renewal_on < addMonths(on, 3), JSON.stringify(r))
          assert.ok([14, 25, 40, 60].includes(r.renewal_age))
        }
        // Everyone the card rules (validity.ts) say reaches a renewal age in the three months is
        // listed, partial birth dates at their earliest possible birthday; only the card issued
        // 18 months before 25 keeps one off.
        const birthOf = (p: Person): BirthDate | null => {
          const [y, m, d] = p.birth_date.split('-').map(Number)
          return y ? { year: y, month: m ?? null, day: d ?? null } : null
        }
        const expected = new Map<string, { age: number; date: string }>()
        for (const p of everyone) {
          const birth = birthOf(p)
          const next = birth && nextRenewal(birth, on)
          if (next && next.date < addMonths(on, 3) && p.id !== early.id) expected.set(p.id, next)
        }
        assert.ok(
          [...everyone].some((p) => p.birth_date.length < 10 && expected.has(p.id)),
          'a partial birth date among them',
        )
        assert.deepEqual(new Set(page.items.map((i: Body) => i.person_id)), new Set(expected.keys()))
        for (const r of page.items) {
          assert.deepEqual({ age: r.renewal_age, date: r.renewal_on }, expected.get(r.person_id), r.birth_date)
        }
        // One month ahead is fewer; a page is a slice of the same order.
        const month = await list(`list=renewal&months=1&on=${on}&limit=1000`)
        assert.ok(month.total <= page.total && ids(month).has(turning.id))
        const second = await list(`list=renewal&months=3&on=${on}&limit=1&offset=1`)
        assert.equal(second.total, page.total)
        assert.equal(second.items[0]?.person_id, page.items[1]?.person_id)
      })

      test('missing and expired: 14 or older without a valid card; the card in force expired', async () => {
        const missing = await whole(`list=missing&on=${on}`)
        const expired = await whole(`list=expired&on=${on}`)
        assert.ok(ids(missing).has(without.id))
        assert.ok(ids(missing).has(lapsed.id), 'an expired card is no valid card')
        assert.ok(!ids(missing).has(holder.id))
        assert.ok(!ids(missing).has(early.id))
        assert.ok(ids(expired).has(lapsed.id))
        assert.ok(!ids(expired).has(without.id))
        const row = expired.items.find((i: Body) => i.person_id === lapsed.id)
        assert.equal(row.card_issued_on, addYears(lapsed.birth_date, 20))
        assert.equal(row.card_expires_on, addYears(lapsed.birth_date, 25))
        // The hamlet the database stored with the household is the one the address names.
        for (const r of missing.items) assert.equal(r.hamlet, dueHamlet(r.address), r.address)
        // Door-to-door order: by unit, then hamlet (the same hamlet's rows together).
        const seen = new Set<string>()
        let previous = ''
        let unit = ''
        for (const r of missing.items) {
          assert.ok(r.unit >= unit, `${r.unit} after ${unit}`)
          unit = r.unit
          const key = `${r.unit}|${r.hamlet ?? ''}`
          if (key !== previous) {
            assert.ok(!seen.has(key), `rows of ${key} together`)
            seen.add(key)
            previous = key
          }
        }
      })

      test('a commune officer sees only their units', async () => {
        const mine = await whole(`list=missing&on=${on}`, officer)
        assert.ok(mine.total > 0)
        const allowed = new Set([officerUnit])
        for (const r of mine.items) assert.ok(allowed.has(r.unit) || r.unit.startsWith('split:'), r.unit)
        assert.ok(ids(mine).has(without.id))
        assert.ok(!ids(mine).has(lapsed.id), 'a person of another commune')
        const other = await call('GET', `/api/id/due?list=missing&on=${on}&unit=${lapsed.unit === officerUnit ? '06652' : lapsed.unit}`, {
          auth: officer,
        })
        assert.equal(other.status, 403)
        const summary = await call('GET', `/api/id/due/summary?months=3&on=${on}`, { auth: officer })
        assert.equal(summary.status, 200)
        assert.ok(summary.body.items.every((i: Body) => i.unit === officerUnit || i.unit.startsWith('split:')))
        const own = summary.body.items.filter((i: Body) => i.unit === officerUnit || i.unit.startsWith('split:'))
        assert.equal(
          own.reduce((n: number, i: Body) => n + i.missing, 0),
          mine.total,
        )
        const card = await call('POST', '/api/id/cards', { body: { person_id: lapsed.id, issued_on: '2024-01-02' }, auth: officer })
        assert.equal(card.status, 404, 'a person outside the officer’s units')
      })

      test('the summary counts each commune’s lists as the lists do', async () => {
        const summary = await call('GET', `/api/id/due/summary?months=3&on=${on}`)
        assert.equal(summary.status, 200)
        assert.ok(summary.body.items.filter((i: Body) => !i.unit.includes(':')).length >= 54, 'every unit of today')
        for (const list of ['renewal', 'missing', 'expired'] as const) {
          const page = await list_(list)
          assert.equal(
            summary.body.items.reduce((n: number, i: Body) => n + i[list], 0),
            page.total,
            list,
          )
        }
      })
      const list_ = (name: string) => list(`list=${name}&months=3&on=${on}&limit=1`)

      test('CSV and XLSX files hold the whole list with Vietnamese headers', async () => {
        const csv = await call('GET', `/api/id/due?list=missing&on=${on}&format=csv`)
        assert.equal(csv.status, 200)
        assert.match(csv.headers.get('content-type') ?? '', /text\/csv/)
        assert.match(csv.headers.get('content-disposition') ?? '', /due-missing-all-/)
        const text = (csv.body as Buffer).toString('utf8')
        assert.ok(text.startsWith('\ufeff'), 'a BOM for Excel')
        const [header, ...rows] = parseCsv(text)
        assert.deepEqual(header?.slice(0, 5), ['STT', 'Họ, chữ đệm và tên', 'Ngày, tháng, năm sinh', 'Giới tính', 'Số định danh cá nhân'])
        assert.equal(rows.length, Number(csv.headers.get('x-total-count')))
        const page = await list(`list=missing&on=${on}&limit=1`)
        assert.equal(rows.length, page.total)
        const numberAt = header?.indexOf('Số định danh cá nhân') as number
        const row = rows.find((r) => r[numberAt] === without.personal_id)
        assert.ok(row, 'the person without a card')
        assert.equal(row[header?.indexOf('Ngày, tháng, năm sinh') as number], vi(without.birth_date))

        const xlsx = await call('GET', `/api/id/due?list=renewal&months=3&on=${on}&format=xlsx&unit=${officerUnit}`, { auth: officer })
        assert.equal(xlsx.status, 200)
        const book = new ExcelJS.Workbook()
        await book.xlsx.load(xlsx.body)
        const sheet = book.worksheets[0]
        assert.ok(sheet)
        assert.equal(sheet.getRow(1).getCell(2).value, 'Họ, chữ đệm và tên')
        assert.equal(sheet.rowCount - 1, Number(xlsx.headers.get('x-total-count')))
        const mine = await list(`list=renewal&months=3&on=${on}&unit=${officerUnit}&limit=1000`, officer)
        const numbers = new Set<string | null>()
        for (let n = 2; n <= sheet.rowCount; n++) {
          const value = sheet.getRow(n).getCell(5).value
          numbers.add(value === null ? null : String(value))
        }
        assert.deepEqual(numbers, new Set(mine.items.map((i: Body) => i.personal_id)))
      })

      test('bad input is refused with the field and rule', async () => {
        for (const [query, field] of [
          ['list=soon', 'querystring.list'],
          ['list=renewal&months=0', 'querystring.months'],
          ['list=renewal&months=25', 'querystring.months'],
          ['list=renewal&on=2026-02-30', 'querystring.on'],
          ['list=renewal&unit=abc', 'querystring.unit'],
          ['list=renewal&format=pdf', 'querystring.format'],
        ]) {
          const r = await call('GET', `/api/id/due?${query}`)
          assert.equal(r.status, 400, query)
          assert.equal(r.body.details[0].field, field, query)
          assert.ok(r.body.details[0].rule, query)
        }
        const unit = await call('GET', '/api/id/due?list=renewal&unit=99999')
        assert.equal(unit.status, 400)
        assert.deepEqual([unit.body.details.field, unit.body.details.rule], ['unit', 'unit'])
        const summary = await call('GET', '/api/id/due/summary?months=abc')
        assert.equal(summary.status, 400)
      })
    })

    test('coso id due writes the list as CSV or XLSX with a progress line', async () => {
      const file = join(dir, 'renewal.csv')
      const r = await runCli(
        ['id', 'due', '--list', 'renewal', '--months', '3', '--on', on, '--format', 'csv', '--out', file, ...db.flags],
        {
          env: { COSO_PROGRESS_MS: '0' },
        },
      )
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stderr, /dòng\/rows/)
      assert.match(r.stdout, /renewal\.csv: \d+ người \/ persons/)
      const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'))
      const at = header?.indexOf('Số định danh cá nhân') as number
      assert.ok(rows.some((row) => row[at] === turning.personal_id))
      assert.ok(!rows.some((row) => row[at] === early.personal_id))
      const xlsx = join(dir, 'expired.xlsx')
      const x = await runCli(['id', 'due', '--list', 'expired', '--on', on, '--out', xlsx, ...db.flags])
      assert.equal(x.code, 0, x.stderr)
      assert.ok(existsSync(xlsx))
      for (const bad of [
        ['--list', 'soon'],
        ['--list', 'renewal', '--months', '25'],
        ['--list', 'renewal', '--on', '2026-02-30'],
      ]) {
        const refused = await runCli(['id', 'due', ...bad, '--format', 'csv', ...db.flags])
        assert.equal(refused.code, 2, `${bad.join(' ')}: ${refused.stderr}`)
      }
    })
  })
}
