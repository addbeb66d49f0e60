// The living register's pages in a real Chromium, on both engines: a register generated before
// the 2025 reform (2024 units; split communes with households) and imported by the CLI. An
// officer records a move on a person's page and sees it in the timeline, is refused the same
// move again (the reason beside the form, in Vietnamese, then English, nothing typed lost) and
// undoes it; records a birth into a household; reads a unit's population on a date; places a
// hamlet of a split commune and sees the unplaced count drop, then takes it back.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { type ExportedPerson, launch, livingRegister, SHOTS, skip } from './browser.ts'
import { addUser, engines, type Served, serve, TEST_PASSWORD, type TestDatabase, userWithToken } from './helpers.ts'

const numbers = new Intl.NumberFormat('vi-VN')
const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The day `days` before today, in the browser's (and this machine's) calendar. */
function daysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

interface SplitCommune {
  old_code: string
  old_name: string
  successors: { code: string; name: string }[]
  unplaced_households: number
  hamlets: { hamlet: string | null; households: number; unplaced: number }[]
}

for (const engine of await engines()) {
  describe(`the living register's pages in Chromium (${engine.name})`, { skip: skip || engine.skip }, () => {
    let db: TestDatabase
    let server: Served
    let browser: Browser
    let page: Page
    let persons: ExportedPerson[]
    let auth: Record<string, string>

    /** The API as a province analyst reads it, for the numbers the pages must show. */
    async function read<T>(path: string): Promise<T> {
      const response = await fetch(`${server.url}${path}`, { headers: auth })
      assert.equal(response.status, 200, path)
      return (await response.json()) as T
    }

    before(async () => {
      db = await engine.create()
      const register = await livingRegister(db.flags)
      persons = register.persons
      // An officer of every commune of today: the whole province, with register.write.
      await addUser(db.flags, 'canbo', 'commune-officer', register.units)
      ;({ auth } = await userWithToken(db.flags, 'province-analyst'))
      server = await serve(db.flags)
      browser = await launch()
      page = await browser.newPage({ viewport: { width: 1024, height: 700 }, locale: 'vi-VN' })
      await page.goto(server.url)
      await page.getByLabel('Tên đăng nhập').fill('canbo')
      await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD)
      await page.getByRole('button', { name: 'Đăng nhập' }).click()
      await page.getByRole('button', { name: 'Đăng xuất' }).waitFor()
    })
    after(async () => {
      await browser?.close()
      await server?.stop()
      await db?.drop()
    })

    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `events-${engine.name}-${name}.png`), fullPage: true })

    test('a move recorded on the person page shows in the timeline and the stays; the same move again is refused with its reason, nothing typed lost; the undo strikes it through', async () => {
      const person = persons.find((p) => p.residence_era === '2024' && p.household_id && (p.birth_date ?? '9999') < '2000-01-01')
      assert.ok(person, 'an adult living in a 2024 unit')
      const target = person.residence_unit === '06652' ? '06649' : '06652'
      const unit = await read<{ name: string }>(`/api/units/${target}?era=2024`)
      const place = `${unit.name} (${target}, 2024)`

      await page.goto(`${server.url}/persons/${person.id}`)
      await page.getByRole('heading', { name: 'Dòng thời gian' }).waitFor()
      await page.getByText('Chưa có sự kiện nào.').waitFor()
      const form = page.getByRole('region', { name: 'Ghi sự kiện' })
      assert.equal(await form.getByLabel('Loại sự kiện').inputValue(), 'move')
      await form.getByLabel('Ngày hiệu lực').fill('2025-03-01')
      // Before 1 July 2025 the units offered are the old ones.
      await form.getByText('Ngày hiệu lực trước 01/07/2025').waitFor()
      await form.getByLabel('Xã, phường, đặc khu').selectOption(target)
      await form.getByLabel('Địa chỉ chi tiết').fill('Số 7, tổ 3')
      await form.getByRole('button', { name: 'Ghi vào sổ' }).click()
      await form.getByText('Đã ghi: Chuyển nơi ở, 01/03/2025.').waitFor()

      const entry = page.locator('ol.timeline > li').filter({ hasText: '01/03/2025' })
      await entry.getByText(`Chuyển nơi ở: đến ${place}, Số 7, tổ 3`).waitFor()
      const stays = page.getByRole('table', { name: 'Nơi ở theo thời gian' })
      const now = stays.getByRole('row').filter({ hasText: place })
      await now.waitFor()
      assert.match((await now.textContent()) ?? '', /01\/03\/2025.*nay.*Thường trú/)
      const before = stays.getByRole('row').filter({ hasText: `(${person.residence_unit}, 2024)` })
      assert.match((await before.textContent()) ?? '', /\d{2}\/\d{2}\/\d{4}01\/03\/2025Thường trú/, 'the stay before ends on the move')
      await shot('person-move')

      // The same move again: refused, the reason beside the form, what was typed still there.
      await form.getByLabel('Ngày hiệu lực').fill('2025-03-01')
      await form.getByLabel('Xã, phường, đặc khu').selectOption(target)
      await form.getByLabel('Địa chỉ chi tiết').fill('Số 7, tổ 3')
      await form.getByRole('button', { name: 'Ghi vào sổ' }).click()
      // By its place, not its name: the region's name changes with the language.
      const alert = page.locator('.event-form').getByRole('alert')
      await alert.filter({ hasText: 'Người này đã cư trú tại nơi chuyển đến.' }).waitFor()
      assert.equal(await form.getByLabel('Địa chỉ chi tiết').inputValue(), 'Số 7, tổ 3')
      assert.equal(await form.getByLabel('Xã, phường, đặc khu').inputValue(), target)
      assert.equal(await form.getByLabel('Ngày hiệu lực').inputValue(), '2025-03-01')
      await page.getByRole('button', { name: 'English' }).click()
      await alert.filter({ hasText: 'This person already lives at the destination.' }).waitFor()
      assert.equal(await page.getByRole('region', { name: 'Record an event' }).getByLabel('Address').inputValue(), 'Số 7, tổ 3')
      await page.getByRole('button', { name: 'Tiếng Việt' }).click()
      await alert.filter({ hasText: 'Người này đã cư trú' }).waitFor()
      await shot('person-refused')

      // The undo, with its reason: struck through, and the person lives where they did.
      await entry.getByRole('button', { name: 'Thu hồi' }).click()
      await entry.getByLabel('Lý do thu hồi').fill('Ghi nhầm người')
      await entry.getByRole('button', { name: 'Xác nhận thu hồi' }).click()
      await entry.locator('del').waitFor()
      await entry.getByText(/^Đã thu hồi ngày \d{2}\/\d{2}\/\d{4} \(canbo\): Ghi nhầm người$/).waitFor()
      assert.equal(await entry.getByRole('button', { name: 'Thu hồi' }).count(), 0, 'a revoked event has no undo')
      await now.waitFor({ state: 'detached' })
      assert.match((await before.textContent()) ?? '', /nay/)
    })

    test('a birth recorded on the household page puts the child among its members', async () => {
      const person = persons.find((p) => p.residence_era === '2024' && p.household_id)
      const born = daysAgo(20)
      await page.goto(`${server.url}/households/${person?.household_id}`)
      await page.getByRole('heading', { name: 'Lịch sử hộ' }).waitFor()
      const form = page.getByRole('region', { name: 'Ghi sự kiện' })
      assert.equal(await form.getByLabel('Loại sự kiện').inputValue(), 'birth')
      await form.getByLabel('Ngày sinh').fill(born)
      await form.getByLabel('Họ và tên').fill('Trần Bảo An')
      await form.getByLabel('Giới tính').selectOption('F')
      await form.getByRole('button', { name: 'Ghi vào sổ' }).click()
      await form.getByText(`Đã ghi: Khai sinh, ${ddmmyyyy(born)}.`).waitFor()
      const members = page.getByRole('table', { name: /^Thành viên vào ngày/ })
      await members.getByRole('row').filter({ hasText: 'Trần Bảo An' }).getByText('Con').waitFor()
      const events = page.getByRole('region', { name: 'Lịch sử hộ' }).locator('ol.timeline > li')
      await events.filter({ hasText: `${ddmmyyyy(born)} · Khai sinh` }).waitFor()
      // The members on a day before the birth: not yet.
      await page.getByLabel('Thành viên vào ngày', { exact: true }).fill(daysAgo(40))
      await members.getByRole('row').filter({ hasText: 'Trần Bảo An' }).waitFor({ state: 'detached' })
      await shot('household-birth')
    })

    test('the population page shows a unit’s count on a date in the old map, its detail, and split communes’ people on their own lines', async () => {
      const day = '2025-06-30'
      const population = await read<{ lines: { unit: string; name: string | null; persons: number }[] }>(
        `/api/population?on=${day}&era=2024`,
      )
      const unit = population.lines.filter((l) => !l.unit.includes(':')).sort((a, b) => b.persons - a.persons)[0]
      assert.ok(unit && unit.persons > 0)
      await page.getByRole('link', { name: 'Dân số theo ngày' }).click()
      await page.getByRole('heading', { name: 'Dân số theo đơn vị tại một ngày' }).waitFor()
      await page.getByLabel('Ngày', { exact: true }).fill(day)
      await page.getByLabel('Bản đồ đơn vị').selectOption('2024')
      const table = page.getByRole('table', { name: `Dân số theo đơn vị tại một ngày ${ddmmyyyy(day)}` })
      const row = table.getByRole('row').filter({ has: page.getByRole('button', { name: `${unit.name} (${unit.unit})`, exact: true }) })
      await row.waitFor()
      assert.equal(await row.getByRole('cell').nth(1).textContent(), numbers.format(unit.persons))
      // The most populous unit heads the table and the chart.
      assert.match((await table.locator('tbody tr').first().textContent()) ?? '', new RegExp(literal(`(${unit.unit})`)))
      const chart = page.getByRole('img', { name: /^Nhân khẩu theo đơn vị/ })
      await chart.locator('svg').first().waitFor()
      assert.match((await chart.getAttribute('aria-label')) ?? '', new RegExp(literal(`${unit.name} (${unit.unit}) ${unit.persons}`)))
      await row.getByRole('button').click()
      const detail = page.getByRole('region', { name: `${unit.name} (${unit.unit})` })
      assert.match((await detail.textContent()) ?? '', new RegExp(`Ngày 30/06/2025: ${literal(numbers.format(unit.persons))} nhân khẩu`))
      // Today's map: the households of split communes not placed yet are counted apart.
      await page.getByLabel('Bản đồ đơn vị').selectOption('2025')
      await page.getByLabel('Ngày', { exact: true }).fill(daysAgo(0))
      await page
        .getByRole('cell', { name: /^Chưa xếp \(xã bị chia\): .*\(\d{5}, 2024\)/ })
        .first()
        .waitFor()
      await page
        .getByRole('table', { name: 'Độ cập nhật của hồ sơ' })
        .getByRole('columnheader', { name: 'Xác nhận trong 12 tháng' })
        .waitFor()
      await shot('population')
    })

    test('placing a hamlet of a split commune lowers the unplaced count; taking it back restores it', async () => {
      const queue = await read<{ communes: SplitCommune[] }>('/api/reorganisation/queue')
      const commune = queue.communes.find((c) => c.hamlets.some((h) => h.hamlet !== null && h.unplaced > 0))
      assert.ok(commune, 'a split commune with households in a named hamlet')
      const hamlet = commune.hamlets.find((h) => h.hamlet !== null && h.unplaced > 0) as SplitCommune['hamlets'][number]
      const successor = commune.successors[1] ?? commune.successors[0]
      assert.ok(successor)
      const total = (await read<{ unplaced: { households: number } }>('/api/reorganisation/reconciliation')).unplaced.households
      assert.ok(total >= hamlet.unplaced)

      await page.getByRole('link', { name: 'Xếp hộ xã bị chia' }).click()
      await page.getByRole('heading', { name: 'Xếp hộ của các xã bị chia' }).waitFor()
      const unplacedTotal = page.locator('#unplaced-total')
      await unplacedTotal.filter({ hasText: `Chưa xếp: ${numbers.format(total)} hộ` }).waitFor()
      const section = page.getByRole('region', { name: `${commune.old_name} (${commune.old_code})` })
      const unplaced = section.locator('.commune-unplaced')
      assert.equal(await unplaced.textContent(), `Chưa xếp: ${numbers.format(commune.unplaced_households)} hộ`)
      const row = section.getByRole('row').filter({ has: page.getByRole('rowheader', { name: hamlet.hamlet as string, exact: true }) })
      await row.getByRole('combobox').selectOption(successor.code)
      await row.getByRole('button', { name: 'Xếp' }).click()
      await page
        .getByText(`Đã xếp ${numbers.format(hamlet.unplaced)} hộ (${hamlet.hamlet}) → ${successor.name} (${successor.code}).`)
        .waitFor()
      await unplacedTotal.filter({ hasText: `Chưa xếp: ${numbers.format(total - hamlet.unplaced)} hộ` }).waitFor()
      await unplaced.filter({ hasText: `Chưa xếp: ${numbers.format(commune.unplaced_households - hamlet.unplaced)} hộ` }).waitFor()
      assert.match((await row.textContent()) ?? '', new RegExp(literal(`${successor.name}: ${hamlet.unplaced}`)))
      await shot('reorganisation-placed')

      await row.getByRole('button', { name: 'Rút lại' }).click()
      await page.getByText(`Đã rút lại ${numbers.format(hamlet.unplaced)} hộ (${hamlet.hamlet}).`).waitFor()
      await unplacedTotal.filter({ hasText: `Chưa xếp: ${numbers.format(total)} hộ` }).waitFor()
    })
  })
}
