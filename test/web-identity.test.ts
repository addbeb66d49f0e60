// The identity-card pages in a real Chromium, on both engines, on a register generated before the
// 2025 reform: an officer receives an application on a person's page, prints its appointment slip
// (the return day on the paper, A5), captures the biometrics on the application's page, sends it
// to production and receives the card back on the batch screen by typing the personal ID number
// and the slip number (a number of no application shown refused beside them), hands it over with
// the receiver's name — six steps, each with its officer — and is refused a renewal not yet due,
// the reason in Vietnamese, then English. The list filters by state and overdue and pages by its
// cursor. axe finds nothing on the list, one application, the slip, the batch screen and the
// person's applications, on a laptop and on a phone (390×844), where nothing is wider than the screen.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import axe from 'axe-core'
import type { Browser, Page } from 'playwright-core'
import { type ExportedPerson, launch, livingRegister, SHOTS, skip } from './browser.ts'
import { addUser, engines, type Served, serve, TEST_PASSWORD, type TestDatabase, userWithToken } from './helpers.ts'

const RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']
const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[]
}

/** axe-core on the page as it is now; any violation fails, named with its elements. */
async function assertAccessible(page: Page, what: string) {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.addScriptTag({ content: axe.source })
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(RULES)} } })`)) as AxeResult
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`,
  )
  assert.equal(found.length, 0, `${what}: ${found.length} axe violation(s)\n${found.join('\n')}`)
}

async function logIn(page: Page, url: string) {
  await page.goto(url)
  await page.getByLabel('Tên đăng nhập').fill('canbo')
  await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor()
}

type Exported = ExportedPerson & { personal_id: string | null; unit: string | null }

interface Application {
  id: string
  no: number
  state: string
  unit_code: string
}

for (const engine of await engines()) {
  describe(`the identity-card pages in Chromium (${engine.name})`, { skip: skip || engine.skip }, () => {
    let db: TestDatabase
    let server: Served
    let browser: Browser
    let page: Page
    let persons: Exported[]
    let units: string[]
    let auth: Record<string, string>
    /** The application the main flow takes from reception to hand-over. */
    let flow: { person: Exported; application: Application } | undefined

    async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: response.status, body: (await response.json()) as T }
    }
    /** Adults with a personal ID number, a full birth date and a commune of today, born in these years. */
    const adults = (from: number, to: number) =>
      persons.filter((p) => {
        const year = Number(p.birth_date?.slice(0, 4))
        return p.personal_id?.length === 12 && p.birth_date?.length === 10 && p.unit && year >= from && year <= to
      })

    before(async () => {
      db = await engine.create()
      const register = await livingRegister(db.flags)
      persons = register.persons as Exported[]
      units = register.units
      // An officer of every commune of today: the whole province, with cards.manage.
      await addUser(db.flags, 'canbo', 'commune-officer', units)
      ;({ auth } = await userWithToken(db.flags, 'province-admin'))
      server = await serve(db.flags)
      browser = await launch()
      // Vietnam's day in the browser too; axe is injected as a script past the app's CSP.
      page = await browser.newPage({
        viewport: { width: 1024, height: 700 },
        locale: 'vi-VN',
        timezoneId: 'Asia/Ho_Chi_Minh',
        bypassCSP: true,
      })
      await logIn(page, server.url)
    })
    after(async () => {
      await browser?.close()
      await server?.stop()
      await db?.drop()
    })

    const shot = (name: string, on = page) => on.screenshot({ path: join(SHOTS, `identity-${engine.name}-${name}.png`), fullPage: true })

    test('an officer receives an application on the person page, prints its slip with the return day, captures biometrics, sends and receives it back by scanning, hands it over: six steps', async () => {
      // Born 1970–1983: the next renewal is at 60, so a renewal is refused once the card is issued.
      const person = adults(1970, 1983)[0]
      assert.ok(person, 'an adult with a number and a commune of today')
      await page.goto(`${server.url}/persons/${person.id}`)
      const section = page.getByRole('region', { name: 'Hồ sơ cấp thẻ căn cước' })
      await section.getByText('Chưa có hồ sơ nào.').waitFor()
      const form = section.getByRole('form', { name: 'Nhận hồ sơ cấp thẻ' })
      assert.equal(await form.getByLabel('Loại hồ sơ').inputValue(), 'first_issue')
      // A reissue needs its reason: the field comes with the kind.
      await form.getByLabel('Loại hồ sơ').selectOption('reissue')
      await form.getByLabel('Lý do cấp lại (mất, hư hỏng…)').waitFor()
      await form.getByLabel('Loại hồ sơ').selectOption('first_issue')
      assert.equal(await form.getByLabel('Lý do cấp lại (mất, hư hỏng…)').count(), 0)
      await form.getByRole('button', { name: 'Nhận hồ sơ' }).click()
      const received = form.getByText(/^Đã tiếp nhận hồ sơ số \d+ \(Cấp mới\)\./)
      await received.waitFor()
      const no = Number(/số (\d+)/.exec((await received.textContent()) ?? '')?.[1])
      const listed = await call<{ items: Application[] }>('GET', `/api/id/applications?person=${person.id}`)
      const application = listed.body.items[0] as Application
      assert.equal(application.no, no)
      assert.equal(application.unit_code, person.unit, 'received in the commune where the person lives')
      flow = { person, application }
      await section.getByRole('link', { name: `Số ${no}` }).waitFor()

      // The slip: the return day seven working days on, on A5 paper, alone when printed.
      const slip = await call<{ return_on: string; unit_name: string }>('GET', `/api/id/applications/${application.id}/slip`)
      await form.getByRole('link', { name: 'In giấy hẹn trả kết quả' }).click()
      await page.getByRole('heading', { name: `Giấy hẹn trả kết quả — Số ${no}` }).waitFor()
      const paper = page.getByRole('article', { name: 'Giấy hẹn trả kết quả' })
      const text = (await paper.textContent()) ?? ''
      assert.match(text, /GIẤY HẸN TRẢ KẾT QUẢ/)
      assert.match(text, new RegExp(`Số: ${no}`))
      assert.match(text, new RegExp(person.personal_id as string))
      assert.match(text, new RegExp(`CÔNG AN ${slip.body.unit_name.toLocaleUpperCase('vi')}`))
      assert.match(text, /CÔNG AN TỈNH QUẢNG NINH/)
      assert.equal(await paper.locator('.slip-return-day').textContent(), ddmmyyyy(slip.body.return_on))
      assert.match(text, /CÁN BỘ TIẾP NHẬN.*canbo/)
      await assertAccessible(page, 'the slip')
      await shot('slip')
      await page.emulateMedia({ media: 'print' })
      assert.equal(await page.getByRole('button', { name: 'In', exact: true }).isVisible(), false, 'no button on the paper')
      assert.equal(await page.getByRole('heading', { level: 1 }).isVisible(), false, 'no page heading on the paper')
      assert.equal(await page.locator('header').isVisible(), false)
      assert.ok(await paper.locator('.slip-return-day').isVisible(), 'the return day is on the paper')
      await shot('slip-print')
      // A5 is 148 × 210 mm: 419.5 × 595.3 points; A4 when chosen.
      const mediaBox = (pdf: Buffer) => /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'))?.slice(1).map(Number)
      const pages = (pdf: Buffer) => pdf.toString('latin1').match(/\/MediaBox/g)?.length
      // Printed as the browser prints it: in print media, still emulated here.
      const a5pdf = await page.pdf({ preferCSSPageSize: true })
      assert.equal(pages(a5pdf), 1, 'the slip on one sheet')
      const a5 = mediaBox(a5pdf)
      assert.ok(a5 && Math.abs((a5[0] as number) - 419.5) < 1 && Math.abs((a5[1] as number) - 595.3) < 1, `A5: ${a5}`)
      await page.emulateMedia({ media: 'screen' })
      await page.getByLabel('Khổ giấy').selectOption('a4')
      await page.emulateMedia({ media: 'print' })
      const a4 = mediaBox(await page.pdf({ preferCSSPageSize: true }))
      assert.ok(a4 && Math.abs((a4[0] as number) - 595.3) < 1, `A4: ${a4}`)
      await page.emulateMedia({ media: 'screen' })
      await page.getByLabel('Khổ giấy').selectOption('a5')

      // The application: biometrics captured on its page, the due day set.
      await page.getByRole('link', { name: 'Về hồ sơ' }).click()
      await page.getByRole('heading', { name: `Hồ sơ số ${no}: ${person.full_name}` }).waitFor()
      const state = page.locator('p.state')
      await state.filter({ hasText: 'Trạng thái: Đã tiếp nhận · Hẹn trả: chưa đủ hồ sơ' }).waitFor()
      await assertAccessible(page, 'one application, received')
      await page.getByRole('button', { name: 'Thu nhận sinh trắc học' }).click()
      await page.getByRole('button', { name: 'Trả hồ sơ để sửa' }).waitFor()
      await assertAccessible(page, 'one application, a step about to be taken')
      await page.getByRole('button', { name: 'Xác nhận: Thu nhận sinh trắc học' }).click()
      await page.getByText('Đã chuyển sang: Đã thu nhận sinh trắc học.').waitFor()
      await state.filter({ hasText: `Trạng thái: Đã thu nhận sinh trắc học · Hẹn trả: ${ddmmyyyy(slip.body.return_on)}` }).waitFor()

      // Sent by typing the personal ID number on the batch screen, as a scanner would.
      await page.getByRole('link', { name: 'Gửi, nhận, trả thẻ theo lô' }).click()
      await page.getByRole('heading', { name: 'Gửi, nhận, trả thẻ theo lô' }).waitFor()
      assert.equal(await page.getByLabel('Gửi sản xuất').isChecked(), true)
      const scan = page.getByLabel('Quét hoặc gõ số')
      await scan.fill(person.personal_id as string)
      await scan.press('Enter')
      assert.equal(await scan.inputValue(), '', 'the field is ready for the next number')
      const list = page.getByRole('table', { name: 'Các số đã quét (1)' })
      await list.getByRole('row').filter({ hasText: person.full_name }).getByText('Thực hiện được: Đã gửi sản xuất').waitFor()
      await assertAccessible(page, 'the batch screen with a preview')
      await shot('batch-send')
      await page.getByRole('button', { name: 'Thực hiện với 1 hồ sơ' }).click()
      const done = page.getByRole('region', { name: 'Đã thực hiện' })
      await done.getByText('Số hồ sơ đã thực hiện: 1 / 1').waitFor()
      await done.getByText(`${person.personal_id} · ${person.full_name} · Đã gửi sản xuất`).waitFor()

      // Received back by its slip number, beside a number of no application: only the good one goes.
      await page.getByLabel('Nhận thẻ về xã').check()
      await scan.fill(String(no))
      await scan.press('Enter')
      await scan.fill('999999999999')
      await scan.press('Enter')
      const two = page.getByRole('table', { name: 'Các số đã quét (2)' })
      await two.getByRole('row').filter({ hasText: person.full_name }).getByText('Thực hiện được: Đã sản xuất → Đã về xã').waitFor()
      await two
        .getByRole('row')
        .filter({ hasText: '999999999999' })
        .getByText('Không có hồ sơ nào mang số này trong các đơn vị của bạn.')
        .waitFor()
      await assertAccessible(page, 'the batch screen with a refusal')
      await page.getByRole('button', { name: 'Thực hiện với 1 hồ sơ' }).click()
      await done.getByText('Số hồ sơ đã thực hiện: 1 / 1').waitFor()
      await done.getByText(`${no} · ${person.full_name} · Đã về xã`).waitFor()

      // Handed over on its page, with who received the card.
      await done.getByRole('link', { name: person.full_name }).click()
      await state.filter({ hasText: 'Trạng thái: Đã về xã' }).waitFor()
      await page.getByRole('button', { name: 'Trả thẻ' }).click()
      await page.getByLabel('Người nhận thẻ').fill('Chính chủ')
      await page.getByRole('button', { name: 'Xác nhận: Trả thẻ' }).click()
      await state.filter({ hasText: 'Trạng thái: Đã trả thẻ' }).waitFor()
      assert.equal(await page.getByRole('region', { name: 'Bước tiếp theo' }).count(), 0, 'no step follows a hand-over')
      const steps = page.getByRole('table', { name: 'Các bước của hồ sơ' }).locator('tbody tr')
      assert.equal(await steps.count(), 6)
      const rows = await steps.allTextContents()
      for (const [i, name] of [
        'Đã tiếp nhận',
        'Đã thu nhận sinh trắc học',
        'Đã gửi sản xuất',
        'Đã sản xuất',
        'Đã về xã',
        'Đã trả thẻ',
      ].entries()) {
        assert.ok(rows[i]?.startsWith(name), `step ${i + 1}: ${rows[i]}`)
        assert.match(rows[i] as string, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}canbo/, `step ${i + 1} has its time and officer`)
      }
      assert.match(rows[2] as string, /theo lô/)
      assert.match(rows[5] as string, /Người nhận thẻ: Chính chủ/)
      await assertAccessible(page, 'one application, handed over')
      await shot('application-handed-over')
      const read = await call<Application & { steps: unknown[] }>('GET', `/api/id/applications/${application.id}`)
      assert.equal(read.body.state, 'handed_over')
      assert.equal(read.body.steps.length, 6)

      // A renewal before its time: refused by the rules by age, the reason beside the form.
      await page.getByRole('link', { name: 'Trang nhân khẩu' }).click()
      await section.getByText(`Đã trả thẻ`).waitFor()
      await form.getByLabel('Loại hồ sơ').selectOption('renewal')
      await form.getByRole('button', { name: 'Nhận hồ sơ' }).click()
      // By its place, not its name: the form's name changes with the language.
      const alert = page.locator('#id-receive-heading').locator('..').getByRole('alert')
      await alert.filter({ hasText: 'Chưa đến tuổi đổi thẻ' }).waitFor()
      await page.getByRole('button', { name: 'English' }).click()
      await alert.filter({ hasText: 'Not yet due: the holder turns 60' }).waitFor()
      assert.equal(await page.getByRole('form', { name: 'Receive an application' }).getByLabel('Kind').inputValue(), 'renewal')
      await page.getByRole('button', { name: 'Tiếng Việt' }).click()
      await alert.filter({ hasText: 'Chưa đến tuổi đổi thẻ' }).waitFor()
      await assertAccessible(page, 'the person page with its applications and a refusal')
      await shot('person-refused')
    })

    test('the applications list filters by state and overdue, and pages by its cursor', async () => {
      assert.ok(flow, 'the main flow ran')
      // 55 more, received through the API: more than a page of 50.
      let made = 0
      for (const p of adults(1900, 2026)) {
        if (made === 55) break
        if (p.id === flow.person.id) continue
        const r = await call<unknown>('POST', '/api/id/applications', { person_id: p.id, kind: 'first_issue' })
        if (r.status === 201) made++
      }
      assert.equal(made, 55)
      await page.getByRole('link', { name: 'Hồ sơ cấp thẻ' }).click()
      await page.getByRole('heading', { name: 'Hồ sơ cấp thẻ căn cước' }).waitFor()
      const table = page.getByRole('table', { name: 'Hồ sơ, mới nhận trước' })
      await table.locator('tbody tr').nth(49).waitFor()
      assert.equal(await table.locator('tbody tr').count(), 50)
      await assertAccessible(page, 'the applications list')
      await shot('list')
      await page.getByRole('button', { name: 'Trang sau' }).click()
      await page.getByText('Hồ sơ, mới nhận trước · trang 2').waitFor()
      assert.equal(await table.locator('tbody tr').count(), 6)
      assert.equal(await page.getByRole('button', { name: 'Trang sau' }).count(), 0, 'the last page')
      await page.getByRole('button', { name: 'Trang trước' }).click()
      await table.locator('tbody tr').nth(49).waitFor()

      await page.getByLabel('Trạng thái').selectOption('handed_over')
      const handed = table.locator('tbody tr')
      await handed.filter({ hasText: flow.person.full_name }).waitFor()
      assert.equal(await handed.count(), 1)
      assert.match((await handed.textContent()) ?? '', /Đã trả thẻ/)
      await page.getByLabel('Trạng thái').selectOption('')
      await page.getByLabel('Chỉ hồ sơ quá hạn').check()
      // Nothing received today is overdue yet.
      await page.getByText('Không có hồ sơ nào.').waitFor()
      await assertAccessible(page, 'the applications list, overdue only and empty')
    })

    test('on a phone (390×844) the list, one application, the slip, the batch screen and the person’s applications fit the width', async () => {
      assert.ok(flow, 'the main flow ran')
      const phone = await browser.newPage({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        locale: 'vi-VN',
        timezoneId: 'Asia/Ho_Chi_Minh',
        bypassCSP: true,
      })
      try {
        const fits = async (what: string) =>
          assert.equal(await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true, `${what} scrolls sideways`)
        await logIn(phone, `${server.url}/id/applications`)
        await phone.getByRole('table', { name: 'Hồ sơ, mới nhận trước' }).locator('tbody tr').first().waitFor()
        await fits('the list')
        await assertAccessible(phone, 'the list on a phone')
        await shot('phone-list', phone)
        await phone.goto(`${server.url}/id/applications/${flow.application.id}`)
        await phone.getByRole('table', { name: 'Các bước của hồ sơ' }).waitFor()
        await fits('one application')
        await assertAccessible(phone, 'one application on a phone')
        await shot('phone-application', phone)
        await phone.goto(`${server.url}/id/applications/${flow.application.id}/slip`)
        await phone.getByRole('article', { name: 'Giấy hẹn trả kết quả' }).waitFor()
        await fits('the slip')
        await assertAccessible(phone, 'the slip on a phone')
        await phone.goto(`${server.url}/persons/${flow.person.id}`)
        await phone
          .getByRole('region', { name: 'Hồ sơ cấp thẻ căn cước' })
          .getByRole('link', { name: /^Số \d+$/ })
          .waitFor()
        await phone.getByLabel('Đơn vị tiếp nhận').locator('option').nth(1).waitFor({ state: 'attached' })
        await fits('the person page with the form receiving an application')
        await assertAccessible(phone, 'the person’s applications on a phone')
        await phone.goto(`${server.url}/id/batches`)
        await phone.getByLabel('Trả thẻ').check()
        await phone.getByLabel('Người nhận thẻ').fill('Chính chủ')
        await phone.getByLabel('Quét hoặc gõ số').fill(flow.person.personal_id as string)
        await phone.getByLabel('Quét hoặc gõ số').press('Enter')
        await phone.getByText('Hồ sơ đã kết thúc: không thể chuyển tiếp.').waitFor()
        await fits('the batch screen')
        await assertAccessible(phone, 'the batch screen on a phone')
        await shot('phone-batch', phone)
      } finally {
        await phone.close()
      }
    })
  })
}
