// The identity-card pages of lists and figures in a real Chromium, on both engines, over a register
// generated before the 2025 reform with a few applications received through the API: the due list
// of a commune in door-to-door order with its CSV download (Vietnamese headers), a card held
// recorded from a row, and no horizontal scroll on a phone; the dashboard's backlog by state as the
// API counts it, for the user's units and for one commune; a mobile session opened, a shift
// started, two people given numbers (found by personal ID number and by name), one called and
// served with their application, the close refused while the other waits. axe-core finds nothing
// on any of these pages.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import axe from 'axe-core'
import type { Browser, Page } from 'playwright-core'
import { type ExportedPerson, launch, livingRegister, SHOTS, skip } from './browser.ts'
import { addUser, engines, runCli, type Served, serve, TEST_PASSWORD, type TestDatabase } from './helpers.ts'

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
type Body = any
/** As `coso export persons` writes them: `unit` is the commune of today they live in. */
type Person = ExportedPerson & { personal_id: string | null; unit: string | null }

const numbers = new Intl.NumberFormat('vi-VN')
const RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']

/** axe-core on the page as it is now; any violation fails, named with its elements. */
async function assertAccessible(page: Page, what: string) {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ content: axe.source })
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(RULES)} } })`)) as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[]
  }
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`,
  )
  assert.equal(found.length, 0, `${what}: ${found.length} axe violation(s)\n${found.join('\n')}`)
}

for (const engine of await engines()) {
  describe(`the identity-card lists, dashboard and mobile sessions in Chromium (${engine.name})`, { skip: skip || engine.skip }, () => {
    let db: TestDatabase
    let server: Served
    let browser: Browser
    let page: Page
    let persons: Person[]
    let auth: Record<string, string>
    /** Adults with a personal ID number, living in a commune of today: applicants. */
    let adults: Person[]

    /** The API as the officer of the browser sees it. */
    async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: response.status, body: await response.json() }
    }
    async function read(path: string): Promise<Body> {
      const r = await call('GET', path)
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`)
      return r.body
    }
    /** An application received for the next adult the rules accept, taken `steps` steps on. */
    async function apply(steps: string[]): Promise<Body> {
      for (let person = adults.shift(); person; person = adults.shift()) {
        const r = await call('POST', '/api/id/applications', { person_id: person.id, kind: 'first_issue' })
        if (r.status !== 201) continue
        for (const to of steps) {
          const s = await call('POST', `/api/id/applications/${r.body.application.id}/steps`, { to })
          assert.equal(s.status, 200, JSON.stringify(s.body))
        }
        return r.body.application
      }
      assert.fail('no adult left to apply')
    }

    before(async () => {
      db = await engine.create()
      const register = await livingRegister(db.flags, 300)
      persons = register.persons as Person[]
      // An officer of every commune of today: receives applications, sees the whole province.
      await addUser(db.flags, 'canbo', 'commune-officer', register.units)
      const token = await runCli(['tokens', 'add', '--user', 'canbo', ...db.flags])
      assert.equal(token.code, 0, token.stderr)
      auth = { authorization: `Bearer ${token.stdout.trim()}` }
      server = await serve(db.flags)
      adults = persons.filter(
        (p) => p.personal_id && /^\d{5}$/.test(p.unit ?? '') && p.birth_date && p.birth_date > '1960' && p.birth_date < '2000',
      )
      // The backlog: received, biometrics captured, sent for production (two), produced.
      await apply([])
      await apply(['biometrics_captured'])
      await apply(['biometrics_captured', 'sent_for_production'])
      await apply(['biometrics_captured', 'sent_for_production'])
      await apply(['biometrics_captured', 'sent_for_production', 'produced'])
      browser = await launch()
      // axe is injected as a script: the app's CSP (rightly) allows no inline script.
      page = await browser.newPage({ viewport: { width: 1024, height: 700 }, locale: 'vi-VN', bypassCSP: true })
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

    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `identity-lists-${engine.name}-${name}.png`), fullPage: true })

    test('the due list of a commune shows its rows in door-to-door order; the CSV link downloads it with the Vietnamese header; a card held recorded from a row takes its person off; a phone needs no sideways scroll', async () => {
      const summary = await read('/api/id/due/summary')
      const line = (summary.items as Body[]).filter((l) => /^\d{5}$/.test(l.unit) && l.missing > 1).sort((a, b) => b.missing - a.missing)[0]
      assert.ok(line, 'a commune with persons of 14 or more without a card')
      const api = await read(`/api/id/due?list=missing&unit=${line.unit}&limit=100`)
      assert.equal(api.total, line.missing)

      await page.getByRole('link', { name: 'Thẻ cần cấp, đổi' }).click()
      await page.getByRole('heading', { name: 'Danh sách cần cấp, đổi thẻ căn cước' }).waitFor()
      await page.getByLabel('Từ 14 tuổi, chưa có thẻ còn giá trị').check()
      await page.getByLabel('Xã, phường, đặc khu').selectOption(line.unit)
      const range = page.locator('#due-range')
      await range.filter({ hasText: `Hàng 1–${numbers.format(api.items.length)} trong ${numbers.format(api.total)}` }).waitFor()
      const table = page.getByRole('table', { name: 'Từ 14 tuổi, chưa có thẻ còn giá trị' })
      const rows = table.locator('tbody tr')
      assert.equal(await rows.count(), api.items.length)
      // The API's order, the door-to-door one: the first and the last row of the page.
      for (const i of [0, api.items.length - 1]) {
        const item = api.items[i]
        const text = (await rows.nth(i).textContent()) ?? ''
        assert.ok(text.includes(item.name) && text.includes(item.personal_id ?? '—'), `row ${i + 1}: ${text}`)
      }
      // The counts per commune, with this one's.
      const counts = page.getByRole('table', { name: /^Số người theo xã/ })
      const row = counts.getByRole('row').filter({ has: page.getByRole('button', { name: `${line.name} (${line.unit})`, exact: true }) })
      assert.equal(await row.getByRole('cell').nth(2).textContent(), numbers.format(line.missing))
      await assertAccessible(page, 'due list')
      await shot('due')

      // The file: every person of the list under the Vietnamese header.
      const href = (await page.getByRole('link', { name: 'Tải tệp CSV' }).getAttribute('href')) as string
      assert.match(href, new RegExp(`list=missing.*unit=${line.unit}.*format=csv`))
      const file = await page.evaluate(async (url) => {
        const r = await fetch(url)
        return { status: r.status, disposition: r.headers.get('content-disposition'), text: await r.text() }
      }, href)
      assert.equal(file.status, 200)
      assert.match(file.disposition ?? '', /attachment; filename="due-missing-\d{5}-/)
      const lines = file.text
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split(/\r?\n/)
      assert.match(lines[0] as string, /^STT,"Họ, chữ đệm và tên","Ngày, tháng, năm sinh",Giới tính,Số định danh cá nhân,/)
      assert.equal(lines.length, api.total + 1)
      assert.ok(lines[1]?.includes(api.items[0].name))
      const xlsx = (await page.getByRole('link', { name: 'Tải tệp Excel (XLSX)' }).getAttribute('href')) as string
      assert.match(xlsx, /format=xlsx/)

      // A card the first of them shows at the door, issued a month ago: recorded, they leave the list.
      const holder = api.items[0]
      const issued = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10)
      await rows
        .first()
        .getByRole('button', { name: `Ghi thẻ đã có ${holder.name}` })
        .click()
      const record = page.getByRole('form', { name: `Ghi thẻ đã có: ${holder.name}` })
      await record.getByLabel('Ngày cấp thẻ').fill(issued)
      await record.getByRole('button', { name: 'Ghi', exact: true }).click()
      await page.getByText(`Đã ghi thẻ của ${holder.name}: cấp ${issued.split('-').reverse().join('/')}, `).waitFor()
      const cards = await read(`/api/persons/${holder.person_id}/cards`)
      assert.equal(cards.valid, true)
      await range.filter({ hasText: ` trong ${numbers.format(api.total - 1)}` }).waitFor()
      await assertAccessible(page, 'due list, a card recorded')

      // In English, then on a phone.
      await page.getByRole('button', { name: 'English' }).click()
      await page.getByRole('heading', { name: 'Identity cards due: lists for door-to-door work' }).waitFor()
      await page.getByRole('table', { name: 'Aged 14 or more without a valid card' }).waitFor()
      await page.getByRole('button', { name: 'Tiếng Việt' }).click()
      await page.setViewportSize({ width: 390, height: 844 })
      await table.waitFor()
      assert.ok(((await page.evaluate('document.documentElement.scrollWidth')) as number) <= 390, 'no sideways scroll on a phone')
      await page.setViewportSize({ width: 1024, height: 700 })
    })

    test('the dashboard shows the backlog by state as the API counts it, for all the units and for one commune', async () => {
      const all = await read('/api/id/dashboard/backlog')
      assert.equal(all.backlog.total, 5)
      await page.getByRole('link', { name: 'Theo dõi cấp thẻ' }).click()
      await page.getByRole('heading', { name: 'Bảng theo dõi cấp thẻ căn cước' }).waitFor()
      const table = page.locator('#iddash-backlog-table')
      const check = async (backlog: Body) => {
        for (const s of backlog.states as Body[]) {
          const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: s.name.vi, exact: true }) })
          await row
            .getByRole('cell')
            .filter({ hasText: new RegExp(`^${numbers.format(s.count)}$`) })
            .waitFor()
        }
        await table
          .getByRole('row')
          .filter({ hasText: 'Cộng' })
          .getByRole('cell')
          .filter({ hasText: new RegExp(`^${numbers.format(backlog.total)}$`) })
          .waitFor()
        await page
          .locator('#iddash-figures div')
          .filter({ hasText: 'Hồ sơ đang xử lý' })
          .getByText(numbers.format(backlog.total), { exact: true })
          .waitFor()
      }
      await check(all.backlog)
      // By commune: the one with the most in progress, with its total.
      const top = all.backlog.by_unit[0]
      const byUnit = page.getByRole('table', { name: 'Hồ sơ đang xử lý theo xã' })
      const topRow = byUnit.getByRole('row').filter({ has: page.getByRole('button', { name: `${top.name} (${top.unit})`, exact: true }) })
      assert.equal(await topRow.getByRole('cell').last().textContent(), numbers.format(top.total))
      assert.equal(await byUnit.locator('tbody tr').count(), (all.backlog.by_unit as Body[]).filter((u) => u.total > 0).length)
      await page.locator('svg').first().waitFor()
      await assertAccessible(page, 'dashboard')
      await shot('dashboard')

      // One commune, chosen from the table.
      const one = await read(`/api/id/dashboard/backlog?unit=${top.unit}`)
      await byUnit.getByRole('button', { name: `${top.name} (${top.unit})`, exact: true }).click()
      assert.equal(await page.getByLabel('Đơn vị').inputValue(), top.unit)
      await byUnit.waitFor({ state: 'detached' })
      await check(one.backlog)
      // The period: the last 7 days; what was received today is in it.
      await page.getByRole('button', { name: '7 ngày' }).click()
      await page.getByText(/·\s*\d{2}\/\d{2}\/\d{4}–\d{2}\/\d{2}\/\d{4}/).waitFor()
      const week = await read(`/api/id/dashboard?unit=${top.unit}&from=${await page.getByLabel('Từ ngày').inputValue()}`)
      await page
        .locator('#iddash-figures div')
        .filter({ hasText: 'Hồ sơ tiếp nhận' })
        .getByText(numbers.format(week.per_day.received_total), { exact: true })
        .waitFor()
    })

    test('a mobile session: opened, a shift started, two people given numbers, one called and served with their application; closing refused while the other waits', async () => {
      const [first, second] = adults.filter((p) => persons.filter((q) => q.full_name === p.full_name).length === 1)
      assert.ok(first && second, 'two applicants, the second with a name of their own')
      const unit = first.unit as string
      const commune = await read(`/api/units/${unit}?era=2025`)

      await page.getByRole('link', { name: 'Cấp lưu động' }).click()
      await page.getByRole('heading', { name: 'Đợt cấp căn cước lưu động' }).waitFor()
      await assertAccessible(page, 'sessions')
      const form = page.getByRole('region', { name: 'Mở đợt mới' })
      await form.getByLabel('Xã, phường, đặc khu').selectOption(unit)
      await form.getByLabel('Địa điểm').fill('Nhà văn hoá thôn Đông')
      await form.getByRole('button', { name: 'Mở đợt' }).click()
      await page.getByRole('heading', { name: /^Nhà văn hoá thôn Đông — \d{2}\/\d{2}\/\d{4}$/ }).waitFor()
      await page.getByText(`${commune.name} (${unit}) · Đang mở`).waitFor()

      // A shift of the officer logged in.
      await page.getByRole('button', { name: 'Bắt đầu ca' }).click()
      const shifts = page.getByRole('table', { name: 'Ca làm việc' })
      await shifts.getByRole('row').filter({ hasText: 'canbo' }).filter({ hasText: 'đang làm' }).waitFor()

      // Two people: one found by personal ID number, one by name.
      const finder = page.getByLabel('Họ tên hoặc số định danh cá nhân')
      await finder.fill(first.personal_id as string)
      await page.getByRole('button', { name: 'Tìm trong sổ' }).click()
      await page.getByRole('button', { name: `Cấp số ${first.full_name}`, exact: true }).click()
      await page.getByText(`Đã cấp số 1: ${first.full_name}.`).waitFor()
      await finder.fill(second.full_name)
      await page.getByRole('button', { name: 'Tìm trong sổ' }).click()
      await page.getByRole('button', { name: `Cấp số ${second.full_name}`, exact: true }).click()
      await page.getByText(`Đã cấp số 2: ${second.full_name}.`).waitFor()
      const queue = page.getByRole('table', { name: 'Hàng chờ' })
      await queue.getByRole('row').filter({ hasText: second.full_name }).getByText('Đang chờ · thứ tự 2').waitFor()

      // The first called, their application received with biometrics at the desk.
      await page.getByRole('button', { name: 'Gọi số tiếp theo' }).click()
      await page.getByText(`Mời số 1: ${first.full_name}.`).waitFor()
      const receive = page.getByRole('form', { name: 'Tiếp nhận 1' })
      assert.equal(await receive.getByLabel('Loại hồ sơ').inputValue(), 'first_issue')
      assert.equal(await receive.getByLabel('Thu nhận sinh trắc học ngay tại bàn').isChecked(), true)
      await assertAccessible(page, 'session, a ticket being served')
      await receive.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click()
      const served = page.getByText(new RegExp(`^Đã tiếp nhận hồ sơ cho số 1: ${first.full_name} — hồ sơ số \\d+\\.$`))
      await served.waitFor()
      const no = /hồ sơ số (\d+)/.exec((await served.textContent()) ?? '')?.[1]
      const row = queue.getByRole('row').filter({ hasText: first.full_name })
      await row.getByText('Đã phục vụ').waitFor()
      await row.getByRole('link', { name: `hồ sơ số ${no}` }).waitFor()
      const summary = page.locator('#session-summary')
      await summary
        .locator('div')
        .filter({ hasText: /^Đã phục vụ1$/ })
        .waitFor()
      await summary
        .locator('div')
        .filter({ hasText: /^Đang chờ1$/ })
        .waitFor()
      const perOfficer = page.getByRole('table', { name: 'Năng suất theo cán bộ' })
      await perOfficer.getByRole('row').filter({ hasText: 'canbo' }).getByRole('cell').nth(1).filter({ hasText: /^1$/ }).waitFor()
      await page.getByRole('table', { name: 'Hồ sơ tiếp nhận theo giờ' }).waitFor()

      // "Hết người mới hết giờ": closing is refused while the second waits, and says why.
      await page.getByRole('button', { name: 'Đóng đợt', exact: true }).click()
      await page.getByRole('alert').filter({ hasText: 'Còn 1 người đang chờ' }).waitFor()
      await page.getByLabel('Lý do đóng khi còn người chờ').waitFor()
      await assertAccessible(page, 'session, closing refused')
      await shot('session')
      const session = await read(`/api/id/sessions/${page.url().split('/').at(-1)}`)
      assert.equal(session.session.status, 'open')
      assert.equal(session.session.summary.served, 1)
      assert.equal(session.session.summary.waiting, 1)
    })
  })
}
