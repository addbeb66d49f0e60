// Accessibility of the web app in a real Chromium: axe-core (WCAG 2.0/2.1, A and AA) on every
// main page, the keyboard (skip link, focus after navigation), and the phone layout for look-ups
// at 390×844; the dedup pages on a register of their own, with duplicates; the living register's
// pages (timeline and event forms, household history, population, the split communes' queue) on
// a register generated before the 2025 reform. Screenshots go to .coso-test/screenshots (not committed).
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import axe from 'axe-core'
import * as OTPAuth from 'otpauth'
import type { Browser, Page } from 'playwright-core'
import { browserRegister, type ExportedPerson, HEADER, launch, livingRegister, SHOTS, skip } from './browser.ts'
import {
  addUser,
  embeddedDatabase,
  registerWithDuplicates,
  type Served,
  serve,
  TEST_PASSWORD,
  type TestDatabase,
  tempDir,
} from './helpers.ts'

const ROWS = [
  'HT-1,05/01/2026,06652,Nguyễn Văn Hà,12/03/1980,Nam,022080000123,Kinh,H1,Chủ hộ,06652',
  'HT-2,05/01/2026,06652,Nguyễn Thị Lan,20/07/1982,Nữ,022182000789,Kinh,H1,Vợ,06652',
]
// WCAG 2.0 and 2.1, A and AA; and axe's best practices (one main landmark, content in landmarks,
// no empty table header), which the app meets too.
const RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']

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

async function logIn(page: Page, username: string) {
  await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor() // not the users page's own username field
  await page.getByLabel('Tên đăng nhập').fill(username)
  await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
}

const focusedName = (page: Page) => page.evaluate('document.activeElement?.tagName + ":" + (document.activeElement?.textContent ?? "")')

describe('accessibility of the web app', { skip }, () => {
  let db: TestDatabase
  let server: Served
  let browser: Browser
  let page: Page
  let ids: Record<string, string> = {}

  before(async () => {
    ;({ db, ids } = await browserRegister(ROWS))
    await addUser(db.flags, 'hatu', 'commune-officer', ['06652'])
    await addUser(db.flags, 'kiemtra', 'auditor')
    await addUser(db.flags, 'quantri', 'province-admin')
    server = await serve(db.flags)
    browser = await launch()
    // axe is injected as a script: the app's CSP (rightly) allows no inline script.
    page = await browser.newPage({ viewport: { width: 1024, height: 600 }, locale: 'vi-VN', bypassCSP: true })
  })
  after(async () => {
    await browser?.close()
    await server?.stop()
    await db?.drop()
  })

  test('the login form, and its error', async () => {
    await page.goto(server.url)
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor()
    await assertAccessible(page, 'login')
    await page.getByLabel('Tên đăng nhập').fill('hatu')
    await page.getByLabel('Mật khẩu').fill('wrong-password-123')
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    await page.getByRole('alert').waitFor()
    await assertAccessible(page, 'login with an error')
  })

  test('search with results', async () => {
    await logIn(page, 'hatu')
    await page.getByRole('heading', { name: 'Tra cứu nhân khẩu' }).waitFor()
    await page.getByLabel('Họ tên (không cần dấu)').fill('nguyen ha')
    await page.keyboard.press('Enter')
    await page.getByRole('link', { name: 'Nguyễn Văn Hà' }).waitFor()
    await assertAccessible(page, 'search')
  })

  test('the skip link is the first stop of the keyboard and leads to the content', async () => {
    await page.goto(`${server.url}/overview`)
    await page.getByRole('heading', { name: 'Tổng quan theo đơn vị' }).waitFor()
    await page.keyboard.press('Tab')
    const skipLink = page.getByRole('link', { name: 'Bỏ qua, đến nội dung chính' })
    assert.equal(await focusedName(page), 'A:Bỏ qua, đến nội dung chính')
    assert.ok(((await skipLink.boundingBox())?.y ?? -1) >= 0, 'on the screen once focused')
    await page.keyboard.press('Enter')
    assert.equal(await page.evaluate('document.activeElement?.id'), 'main')
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate('document.activeElement?.closest("main") !== null'), true, 'the next stop is in the content')
  })

  test('after a navigation the focus is on the new page’s heading', async () => {
    await page.getByRole('link', { name: 'Tra cứu nhân khẩu' }).click()
    await page.getByRole('heading', { name: 'Tra cứu nhân khẩu' }).waitFor()
    await page.waitForFunction('document.activeElement?.tagName === "H1"')
    assert.equal(await focusedName(page), 'H1:Tra cứu nhân khẩu')
    await page.getByRole('link', { name: 'Nguyễn Văn Hà' }).click()
    await page.getByRole('heading', { name: 'Nguyễn Văn Hà' }).waitFor()
    await page.waitForFunction('document.activeElement?.tagName === "H1"')
    assert.equal(await focusedName(page), 'H1:Nguyễn Văn Hà')
  })

  test('person and household', async () => {
    await page.getByRole('note').waitFor()
    await assertAccessible(page, 'person')
    await page.getByRole('link', { name: 'Xem hộ' }).click()
    await page.getByRole('heading', { name: 'Hộ số H1' }).waitFor()
    await assertAccessible(page, 'household')
  })

  test('the overview', async () => {
    await page.getByRole('link', { name: 'Tổng quan' }).click()
    await page.getByRole('heading', { name: 'Tổng quan theo đơn vị' }).waitFor()
    await page.locator('figure.map path').nth(53).waitFor({ state: 'attached' })
    await assertAccessible(page, 'overview')
  })

  test('form entry with a finding, announced politely', async () => {
    await page.getByRole('link', { name: 'Nhập phiếu DC01' }).click()
    await page.getByLabel('Số phiếu').fill('A-1')
    await page.getByLabel('Đơn vị thu thập').fill('06652')
    await page.getByLabel('Họ, chữ đệm và tên khai sinh').fill('LÊ VĂN BA')
    await page.getByLabel('Ngày, tháng, năm sinh').fill('31/02/1990')
    const date = page.getByLabel('Ngày, tháng, năm sinh')
    await page.waitForFunction('document.getElementById("f-birth_date")?.getAttribute("aria-invalid") === "true"')
    const findings = page.locator(`[id="${await date.getAttribute('aria-describedby')}"]`)
    assert.equal(await findings.getAttribute('aria-live'), 'polite', 'the finding describes its field, and is announced')
    assert.match((await findings.textContent()) ?? '', /\S/)
    await assertAccessible(page, 'form entry')
  })

  test('import, with its progress and report', async () => {
    const file = join(tempDir(), 'upload.csv')
    writeFileSync(
      file,
      `${HEADER}\nU-1,06/01/2026,06652,Vũ Văn Một,01/01/1970,Nam,,Kinh,H5,Chủ hộ,06652\nU-2,06/01/2026,06652,Vũ Thị Hai,31/02/1975,Nữ,,Kinh,H5,Vợ,06652\n`,
    )
    await page.getByRole('link', { name: 'Nhập tệp' }).click()
    await page.getByRole('heading', { name: 'Nhập tệp' }).waitFor()
    await assertAccessible(page, 'import (empty)')
    await page.getByLabel('Tệp (CSV, XLSX, JSON Lines)').setInputFiles(file)
    await page.getByRole('button', { name: 'Tải lên và nhập' }).click()
    await page.getByRole('heading', { name: 'upload.csv — đã xong' }).waitFor({ timeout: 60_000 })
    await page.locator('[aria-live="polite"]').filter({ hasText: 'đã xong' }).waitFor({ state: 'attached' })
    await assertAccessible(page, 'import report')
  })

  test('the correction queue, with a conflict compared', async () => {
    await page.getByRole('link', { name: 'Phiếu cần sửa' }).click()
    await page.getByRole('cell', { name: /U-2/ }).waitFor()
    await assertAccessible(page, 'corrections')
    await page.getByRole('button', { name: 'Xung đột' }).click()
    await page.getByRole('button', { name: 'So sánh' }).click()
    await page.locator('table.compare tr.differs').first().waitFor()
    await assertAccessible(page, 'conflict compared')
  })

  test('an administrator: enrolling the second factor, then the users page', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).click()
    await logIn(page, 'quantri')
    await page.getByRole('heading', { name: 'Bật xác thực hai lớp' }).waitFor()
    const secret = (await page.locator('code').textContent()) ?? ''
    await assertAccessible(page, 'TOTP enrolment')
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
    await page.getByLabel('Mã 6 số').fill(totp.generate())
    await page.getByRole('button', { name: 'Xác nhận' }).click()
    await page.getByRole('link', { name: 'Người dùng' }).click()
    await page.getByRole('cell', { name: 'kiemtra' }).waitFor()
    await assertAccessible(page, 'users')
  })

  test('an auditor: the audit log with entries', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).click()
    await logIn(page, 'kiemtra')
    await page.getByRole('heading', { name: 'Nhật ký truy cập' }).waitFor()
    await page.getByLabel('Người (mã trong sổ)').fill(ids['022080000123'] as string)
    await page.getByRole('button', { name: 'Tìm' }).click()
    await page.getByRole('cell', { name: 'person.read' }).first().waitFor()
    await assertAccessible(page, 'audit log')
  })

  test('on a phone (390×844): the menu folds, search, person and household fit the width', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'vi-VN',
      bypassCSP: true,
    })
    try {
      const fits = async (what: string) =>
        assert.equal(await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true, `${what} scrolls sideways`)
      await phone.goto(server.url)
      await fits('login')
      await logIn(phone, 'hatu')
      await phone.getByRole('heading', { name: 'Tra cứu nhân khẩu' }).waitFor()
      const menu = phone.getByRole('button', { name: 'Menu' })
      assert.equal(await menu.getAttribute('aria-expanded'), 'false')
      assert.equal(await phone.getByRole('link', { name: 'Tổng quan' }).isVisible(), false, 'the navigation is folded')
      await menu.focus()
      await phone.keyboard.press('Enter')
      assert.equal(await menu.getAttribute('aria-expanded'), 'true')
      await phone.getByRole('link', { name: 'Tổng quan' }).waitFor()
      await assertAccessible(phone, 'the menu unfolded on a phone')
      await phone.keyboard.press('Enter') // the button again: folded
      assert.equal(await menu.getAttribute('aria-expanded'), 'false')

      await phone.getByLabel('Họ tên (không cần dấu)').fill('nguyen ha')
      await phone.keyboard.press('Enter')
      await phone.getByRole('link', { name: 'Nguyễn Văn Hà' }).waitFor()
      await fits('search')
      await assertAccessible(phone, 'search on a phone')
      await phone.screenshot({ path: join(SHOTS, 'phone-search.png'), fullPage: true })
      await phone.getByRole('link', { name: 'Nguyễn Văn Hà' }).click()
      const name = phone.getByRole('heading', { name: 'Nguyễn Văn Hà' })
      await name.waitFor()
      assert.ok(await name.isVisible())
      await fits('person')
      await assertAccessible(phone, 'person on a phone')
      await phone.screenshot({ path: join(SHOTS, 'phone-person.png'), fullPage: true })
      await phone.getByRole('link', { name: 'Xem hộ' }).click()
      await phone.getByRole('heading', { name: 'Hộ số H1' }).waitFor()
      await fits('household')
    } finally {
      await phone.close()
    }
  })
})

describe('accessibility of the dedup pages', { skip }, () => {
  let db: TestDatabase
  let server: Served
  let browser: Browser
  let page: Page

  before(async () => {
    db = embeddedDatabase()
    const units = await registerWithDuplicates(db.flags)
    await addUser(db.flags, 'canbo', 'commune-officer', units)
    await addUser(db.flags, 'truong', 'commune-head', units)
    server = await serve(db.flags)
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1024, height: 600 }, locale: 'vi-VN', bypassCSP: true })
  })
  after(async () => {
    await browser?.close()
    await server?.stop()
    await db?.drop()
  })

  test('the review queue: a pair with its evidence, and a decision announced', async () => {
    await page.goto(server.url)
    await logIn(page, 'canbo')
    await page.getByRole('link', { name: 'Cặp nghi trùng' }).click()
    await page.getByRole('heading', { name: /^Cặp 1: / }).waitFor()
    await page.getByRole('table', { name: 'Phiếu gốc (như đã nhập)' }).waitFor()
    await assertAccessible(page, 'review queue')
    await page.getByRole('button', { name: 'Cùng một người' }).click()
    await page.getByRole('status').filter({ hasText: 'chờ trưởng công an xã duyệt' }).waitFor()
    await assertAccessible(page, 'review queue after a decision')
  })

  test('the form entry page with a possible existing person and its evidence', async () => {
    await page.getByRole('link', { name: 'Cặp nghi trùng' }).click()
    const normalised = page.getByRole('table', { name: 'Giá trị trong sổ (đã chuẩn hoá)' })
    const cell = (row: string) =>
      normalised
        .getByRole('row', { name: new RegExp(`^${row}`) })
        .getByRole('cell')
        .first()
    await cell('Ngày sinh').waitFor()
    const name = ((await cell('Họ và tên').textContent()) ?? '').replace('(mở trong tab mới)', '').trim()
    const birth = (await cell('Ngày sinh').textContent()) ?? ''
    await page.getByRole('link', { name: 'Nhập phiếu DC01' }).click()
    await page.getByLabel('Họ, chữ đệm và tên khai sinh').fill(name)
    await page.getByLabel('Ngày, tháng, năm sinh').fill(birth)
    const matches = page.getByRole('region', { name: 'Có thể là người đã có trong sổ' })
    await matches.getByText('Bằng chứng', { exact: true }).first().click()
    await matches.getByRole('table').first().waitFor()
    await assertAccessible(page, 'form entry with possible matches')
  })

  test('approvals, with a waiting merge; the person page with its merges', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).click()
    await logIn(page, 'truong')
    await page.getByRole('link', { name: 'Duyệt hợp nhất' }).click()
    const row = page.getByRole('row').filter({ hasText: 'canbo' })
    await row.waitFor()
    await assertAccessible(page, 'approvals')
    await row.getByRole('link').first().click()
    await page.getByRole('heading', { name: 'Hợp nhất', exact: true }).waitFor()
    await assertAccessible(page, 'person with a waiting merge')
    await page.getByRole('link', { name: 'Duyệt hợp nhất' }).click()
    await page.getByRole('row').filter({ hasText: 'canbo' }).getByRole('button', { name: 'Duyệt' }).click()
    await page.getByRole('status').filter({ hasText: 'Đã duyệt' }).waitFor()
    await assertAccessible(page, 'approvals, approved')
  })

  test('the review queue on a phone (390×844) fits the width', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'vi-VN',
      bypassCSP: true,
    })
    try {
      await phone.goto(server.url)
      await logIn(phone, 'canbo')
      await phone.getByRole('button', { name: 'Menu' }).click()
      await phone.getByRole('link', { name: 'Cặp nghi trùng' }).click()
      await phone.getByRole('table', { name: 'Phiếu gốc (như đã nhập)' }).waitFor()
      assert.equal(
        await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth'),
        true,
        'the review queue scrolls sideways',
      )
      await assertAccessible(phone, 'review queue on a phone')
      await phone.screenshot({ path: join(SHOTS, 'phone-dedup-review.png'), fullPage: true })
    } finally {
      await phone.close()
    }
  })
})

describe('accessibility of the living register pages', { skip }, () => {
  let db: TestDatabase
  let server: Served
  let browser: Browser
  let page: Page
  let persons: ExportedPerson[]

  before(async () => {
    db = embeddedDatabase()
    const register = await livingRegister(db.flags)
    persons = register.persons
    await addUser(db.flags, 'canbo', 'commune-officer', register.units)
    server = await serve(db.flags)
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1024, height: 600 }, locale: 'vi-VN', bypassCSP: true })
    await page.goto(server.url)
    await logIn(page, 'canbo')
    await page.getByRole('button', { name: 'Đăng xuất' }).waitFor()
  })
  after(async () => {
    await browser?.close()
    await server?.stop()
    await db?.drop()
  })

  /** An adult living in a 2024 unit, with a household. */
  const adult = () => persons.find((p) => p.residence_era === '2024' && p.household_id && (p.birth_date ?? '9999') < '2000-01-01')

  test('a person’s timeline with a revoked event, a refusal beside the form, the undo form and the other event forms', async () => {
    const person = adult() as ExportedPerson
    await page.goto(`${server.url}/persons/${person.id}`)
    const form = page.getByRole('region', { name: 'Ghi sự kiện' })
    await form.getByLabel('Ngày hiệu lực').fill('2025-02-01')
    await form.getByLabel('Loại sự kiện').selectOption('temporary_absence')
    await form.getByLabel('Nơi đến').fill('Hà Nội')
    await form.getByRole('button', { name: 'Ghi vào sổ' }).click()
    await form.getByText('Đã ghi: Khai báo tạm vắng').waitFor()
    const entry = page.locator('ol.timeline > li').first()
    await entry.getByRole('button', { name: 'Thu hồi' }).click()
    await entry.getByLabel('Lý do thu hồi').fill('Ghi nhầm')
    await assertAccessible(page, 'person: the undo form')
    await entry.getByRole('button', { name: 'Xác nhận thu hồi' }).click()
    await entry.locator('del').waitFor()
    // A divorce dated before the person was born: refused, the reason announced beside the form.
    await form.getByLabel('Loại sự kiện').selectOption('divorce')
    await form.getByLabel('Ngày hiệu lực').fill('1960-01-01')
    await form.getByRole('button', { name: 'Ghi vào sổ' }).click()
    await form.getByRole('alert').waitFor()
    await assertAccessible(page, 'person: a revoked event and a refusal')
    for (const [kind, what] of [
      ['move', 'a move'],
      ['temporary_residence', 'a temporary residence'],
      ['marriage', 'a marriage'],
      ['correction', 'a correction'],
      ['death', 'a death'],
    ] as const) {
      await form.getByLabel('Loại sự kiện').selectOption(kind)
      if (kind === 'move') await form.getByLabel('Chuyển đến').selectOption('existing')
      if (kind === 'marriage') await form.getByLabel('Tìm trong sổ theo họ tên').fill('Nguyen')
      await assertAccessible(page, `person: the form of ${what}`)
    }
    await page.screenshot({ path: join(SHOTS, 'a11y-person-events.png'), fullPage: true })
  })

  test('a household’s members on a date, its history, and the split form', async () => {
    const person = adult() as ExportedPerson
    await page.goto(`${server.url}/households/${person.household_id}`)
    await page.getByRole('heading', { name: 'Lịch sử hộ' }).waitFor()
    await page
      .getByRole('table', { name: /^Thành viên vào ngày/ })
      .getByRole('link')
      .first()
      .waitFor()
    await assertAccessible(page, 'household')
    const form = page.getByRole('region', { name: 'Ghi sự kiện' })
    for (const kind of ['household_split', 'household_merge', 'head_change']) {
      await form.getByLabel('Loại sự kiện').selectOption(kind)
      if (kind === 'household_split') await form.getByRole('checkbox').first().waitFor()
      await assertAccessible(page, `household: the form of ${kind}`)
    }
  })

  test('the population page with a unit’s detail and the chart, and the freshness table', async () => {
    await page.getByRole('link', { name: 'Dân số theo ngày' }).click()
    await page.getByRole('heading', { name: 'Dân số theo đơn vị tại một ngày' }).waitFor()
    await page
      .getByRole('img', { name: /^Nhân khẩu theo đơn vị/ })
      .locator('svg')
      .first()
      .waitFor()
    await page.getByRole('table', { name: 'Độ cập nhật của hồ sơ' }).waitFor()
    await page.locator('tbody button.link').first().click()
    await page.locator('#unit-heading').waitFor()
    await assertAccessible(page, 'population')
  })

  test('the split communes’ queue, and a hamlet placed', async () => {
    await page.getByRole('link', { name: 'Xếp hộ xã bị chia' }).click()
    const place = page.getByRole('button', { name: /^Xếp / }).first()
    await place.waitFor()
    await assertAccessible(page, 'reorganisation queue')
    await place.click()
    await page.getByText(/^Đã xếp \d+ hộ/).waitFor()
    await assertAccessible(page, 'reorganisation, a hamlet placed')
  })

  test('on a phone (390×844): the person’s timeline and form, population and the queue fit the width', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'vi-VN',
      bypassCSP: true,
    })
    try {
      const fits = async (what: string) =>
        assert.equal(await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true, `${what} scrolls sideways`)
      await phone.goto(server.url)
      await logIn(phone, 'canbo')
      await phone.getByRole('button', { name: 'Đăng xuất' }).waitFor()
      await phone.goto(`${server.url}/persons/${(adult() as ExportedPerson).id}`)
      await phone.getByRole('table', { name: 'Nơi ở theo thời gian' }).waitFor()
      await phone.getByLabel('Xã, phường, đặc khu').locator('option').nth(1).waitFor({ state: 'attached' })
      await fits('person with the event form')
      await assertAccessible(phone, 'person on a phone')
      await phone.screenshot({ path: join(SHOTS, 'phone-person-events.png'), fullPage: true })
      await phone.goto(`${server.url}/population`)
      await phone.getByRole('table', { name: 'Độ cập nhật của hồ sơ' }).waitFor()
      await phone
        .getByRole('img', { name: /^Nhân khẩu theo đơn vị/ })
        .locator('svg')
        .first()
        .waitFor()
      await fits('population')
      await assertAccessible(phone, 'population on a phone')
      await phone.screenshot({ path: join(SHOTS, 'phone-population.png'), fullPage: true })
      await phone.goto(`${server.url}/reorganisation`)
      await phone.getByRole('button', { name: /^Xếp / }).first().waitFor()
      await fits('reorganisation')
      await assertAccessible(phone, 'reorganisation on a phone')
      await phone.screenshot({ path: join(SHOTS, 'phone-reorganisation.png'), fullPage: true })
    } finally {
      await phone.close()
    }
  })
})
