// `coso calendar …` through the CLI on both engines: the seeded working-day calendar, a
// deadline across Tết 2026, an administrator announcing 2027's Tết, a reload of a changed seed
// that keeps the administrator's days, and bad input refused.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { openCoso } from '../src/app.ts'
import { engines, ROOT, runCli, type TestDatabase } from './helpers.ts'

interface DeadlineJson {
  from: string
  days: number
  due: string
  counted: string[]
  provisional: boolean
  estimated_years: number[]
}

for (const engine of await engines()) {
  describe(`coso calendar (${engine.name})`, { skip: engine.skip }, () => {
    let db: TestDatabase
    const cli = (...args: string[]) => runCli([...args, ...db.flags])
    const deadline = async (from: string, days = 7): Promise<DeadlineJson> => {
      const r = await cli('calendar', 'deadline', '--from', from, '--days', String(days), '--json')
      assert.equal(r.code, 0, r.stderr)
      return JSON.parse(r.stdout) as DeadlineJson
    }

    before(async () => {
      db = await engine.create()
    })
    after(async () => {
      await db?.drop()
    })

    test('the seeded days are there', async () => {
      const r = await cli('calendar', 'list', '--year', '2026', '--json')
      assert.equal(r.code, 0, r.stderr)
      const days = JSON.parse(r.stdout) as { date: string; kind: string; name: string; source: string; set_by_admin: boolean }[]
      const seeded = readFileSync(join(ROOT, 'seed/reference/vn-holidays.csv'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('2026-'))
      assert.equal(days.length, seeded.length)
      const tet = days.find((d) => d.date === '2026-02-17')
      assert.equal(tet?.kind, 'holiday')
      assert.match(tet?.name ?? '', /mùng 1 Tết Bính Ngọ/)
      assert.match(tet?.source ?? '', /9441\/TB-BNV/)
      assert.equal(tet?.set_by_admin, false)
      assert.equal(days.find((d) => d.date === '2026-01-10')?.kind, 'makeup_workday')
      const table = await cli('calendar', 'list', '--year', '2024')
      assert.equal(table.code, 0, table.stderr)
      assert.match(table.stdout, /2024-05-04 +makeup_workday/)
    })

    test('a file complete on 2026-02-12 is due after the Tết days off', async () => {
      const d = await deadline('2026-02-12')
      assert.equal(d.due, '2026-03-02')
      assert.equal(d.counted[0], '2026-02-13')
      assert.equal(d.counted[1], '2026-02-23') // after Tết 16–20 February and the weekends around it
      assert.equal(d.provisional, false)
      const plain = await cli('calendar', 'deadline', '--from', '2026-02-12')
      assert.equal(plain.code, 0, plain.stderr)
      assert.equal(plain.stdout, '2026-03-02\n')
    })

    test("an administrator adding 2027's Tết makes a 2027 deadline final", async () => {
      const before = await deadline('2027-02-04', 2)
      assert.equal(before.provisional, true)
      assert.deepEqual(before.estimated_years, [2027])
      const plain = await cli('calendar', 'deadline', '--from', '2027-02-04', '--days', '2')
      assert.match(plain.stdout, /provisional/)
      // Tết Đinh Mùi: mùng 1 is Saturday 6 February 2027.
      for (const date of ['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11']) {
        const r = await cli('calendar', 'set', date, '--kind', 'holiday', '--name', 'Tết Âm lịch', '--source', 'Thông báo (thử)')
        assert.equal(r.code, 0, r.stderr)
      }
      const d = await deadline('2027-02-04', 2)
      assert.equal(d.provisional, false)
      assert.deepEqual(d.counted, ['2027-02-12', '2027-02-15'])
      // A Saturday worked in exchange counts.
      const set = await cli('calendar', 'set', '2027-02-13', '--kind', 'makeup_workday', '--name', 'Làm bù', '--json')
      assert.equal(set.code, 0, set.stderr)
      assert.equal(JSON.parse(set.stdout).set_by_admin, true)
      assert.deepEqual((await deadline('2027-02-04', 2)).counted, ['2027-02-12', '2027-02-13'])
      // Removed, the Saturday is a weekend day again.
      const removed = await cli('calendar', 'remove', '2027-02-13')
      assert.equal(removed.code, 0, removed.stderr)
      assert.deepEqual((await deadline('2027-02-04', 2)).counted, ['2027-02-12', '2027-02-15'])
    })

    test("a changed seed reloads and keeps the administrator's days", async () => {
      // An administrator removes a seeded day, then the shipped file changes (a new checksum).
      assert.equal((await cli('calendar', 'remove', '2027-11-24')).code, 0)
      const coso = await openCoso(db.target)
      try {
        await coso.pool.query(`UPDATE reference_data SET checksum = 'older' WHERE name = 'calendar'`)
      } finally {
        await coso.close()
      }
      const r = await cli('calendar', 'list', '--year', '2027', '--json')
      assert.equal(r.code, 0, r.stderr)
      const days = (JSON.parse(r.stdout) as { date: string; set_by_admin: boolean }[]).map((d) => d.date)
      assert.ok(days.includes('2027-02-08'), 'a day the administrator set stays')
      assert.ok(days.includes('2027-01-01'), 'the seed is loaded again')
      assert.ok(!days.includes('2027-11-24'), 'a seeded day the administrator removed stays removed')
      assert.equal((await deadline('2027-02-04', 2)).provisional, false)
    })

    test('bad input is refused with a clear message', async () => {
      const badDate = await cli('calendar', 'set', '2026-02-31', '--kind', 'holiday', '--name', 'x')
      assert.equal(badDate.code, 2)
      assert.match(badDate.stderr, /not a valid date "2026-02-31"/)
      assert.match(badDate.stderr, /ngày không hợp lệ/)
      const badKind = await cli('calendar', 'set', '2026-03-02', '--kind', 'party', '--name', 'x')
      assert.equal(badKind.code, 2)
      assert.match(badKind.stderr, /unknown kind "party" \(one of: holiday, makeup_workday, compensatory_day_off\)/)
      const badFrom = await cli('calendar', 'deadline', '--from', '2026-13-01')
      assert.equal(badFrom.code, 2)
      assert.match(badFrom.stderr, /from: not a valid date/)
      const badDays = await cli('calendar', 'deadline', '--from', '2026-03-02', '--days', 'seven')
      assert.equal(badDays.code, 2)
      assert.match(badDays.stderr, /1–366/)
      // Nothing was written.
      const list = await cli('calendar', 'list', '--year', '2026', '--json')
      assert.ok(!(JSON.parse(list.stdout) as { date: string }[]).some((d) => d.date === '2026-03-02'))
    })
  })
}
