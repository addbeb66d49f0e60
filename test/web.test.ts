// The web app in a real Chromium (Debian's /usr/bin/chromium through playwright-core), served by
// `coso serve` on the embedded engine (the API's behaviour on both engines is tested through
// HTTP elsewhere). Screenshots of each page go to .coso-test/screenshots (not committed).
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { browserRegister, HEADER, launch, SHOTS, skip } from './browser.ts'
import { addUser, type Served, serve, TEST_PASSWORD, type TestDatabase, tempDir } from './helpers.ts'

const ROWS = [
  'HT-1,05/01/2026,06652,Nguyễn Văn Hà,12/03/1980,Nam,022080000123,Kinh,H1,Chủ hộ,06652',
  'CT-1,05/01/2026,07192,Trần Thị Tô,01/02/1990,Nữ,022190000456,Kinh,H9,Chủ hộ,07192',
  'HT-2,05/01/2026,06652,Phạm Văn Ba,03/04/1985,Nam,022085000789,Kinh,H2,Chủ hộ,06652',
]

describe('the web app in Chromium', { skip }, () => {
  let db: TestDatabase
  let server: Served
  let browser: Browser
  let page: Page
  let ids: Record<string, string> = {}

  before(async () => {
    ;({ db, ids } = await browserRegister(ROWS))
    await addUser(db.flags, 'hatu', 'commune-officer', ['06652'])
    await addUser(db.flags, 'phantich', 'province-analyst')
    await addUser(db.flags, 'kiemtra', 'auditor')
    server = await serve(db.flags)
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1024, height: 600 }, locale: 'en-US' })
  })
  after(async () => {
    await browser?.close()
    await server?.stop()
    await db?.drop()
  })

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
  /** The aria label of the chart so named, once ECharts has drawn it (as SVG, inside the labelled box). */
  async function chartLabel(on: Page, name: RegExp) {
    const chart = on.getByRole('img', { name })
    await chart.locator('svg').first().waitFor()
    return (await chart.getAttribute('aria-label')) ?? ''
  }

  test('without a session the login form shows, in Vietnamese whatever the browser’s language', async () => {
    await page.goto(server.url)
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor()
    await shot('login')
    await page.getByLabel('Tên đăng nhập').fill('hatu')
    await page.getByLabel('Mật khẩu').fill('wrong-password-123')
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    await page.getByRole('alert').filter({ hasText: 'Sai tên đăng nhập hoặc mật khẩu' }).waitFor()
  })

  test('log in, search a person without diacritics, open them (the view is logged)', async () => {
    await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    await page.getByRole('heading', { name: 'Tra cứu nhân khẩu' }).waitFor()
    await page.getByLabel('Họ tên (không cần dấu)').fill('nguyen ha')
    await page.keyboard.press('Enter')
    await page.getByRole('link', { name: 'Nguyễn Văn Hà' }).waitFor()
    assert.equal(await page.getByText('12/03/1980').count(), 1, 'dates as dd/mm/yyyy')
    await shot('search')
    await page.keyboard.press('ArrowDown') // from the search form to the first result
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Nguyễn Văn Hà' }).waitFor()
    await page.getByRole('note').filter({ hasText: 'nhật ký truy cập' }).waitFor()
    assert.match(page.url(), new RegExp(`/persons/${ids['022080000123']}$`))
    await shot('person')
    await page.getByRole('link', { name: 'Xem hộ' }).click()
    await page.getByRole('heading', { name: 'Hộ số H1' }).waitFor()
    await page.getByRole('button', { name: 'In danh sách' }).waitFor()
    assert.equal(await page.getByRole('link', { name: 'Nguyễn Văn Hà' }).count(), 1)
    await shot('household')
  })

  test('the overview: the officer’s unit in a table and a chart, and the map of 54 units with its attribution', async () => {
    await page.getByRole('link', { name: 'Tổng quan' }).click()
    await page.getByRole('heading', { name: 'Tổng quan theo đơn vị' }).waitFor()
    await page.getByRole('cell', { name: /\(06652\)/ }).waitFor()
    assert.equal(await page.getByRole('cell', { name: /\(07192\)/ }).count(), 0, 'only the officer’s units')
    assert.match(await chartLabel(page, /^Nhân khẩu theo đơn vị:/), /\(06652\) 2$/)
    await page.getByLabel('Biểu đồ thể hiện').selectOption('completeness')
    assert.match(await chartLabel(page, /^Mức đầy đủ theo đơn vị:/), /\(06652\) \d+%$/)
    await page.locator('figure.map path').nth(53).waitFor({ state: 'attached' })
    assert.equal(await page.locator('figure.map path').count(), 54)
    assert.match((await page.locator('figure.map figcaption').textContent()) ?? '', /Lam Ngoc Khuong/)
    await shot('overview')
  })

  test('a province analyst sorts the overview by a number, both ways, from the keyboard too', async () => {
    const analyst = await browser.newPage({ viewport: { width: 1024, height: 600 } })
    await analyst.goto(server.url)
    await analyst.getByLabel('Tên đăng nhập').fill('phantich')
    await analyst.getByLabel('Mật khẩu').fill(TEST_PASSWORD)
    await analyst.getByRole('button', { name: 'Đăng nhập' }).click()
    await analyst.getByRole('link', { name: 'Tổng quan' }).click()
    const units = analyst.locator('table.results tbody tr td:first-child')
    await units.nth(1).waitFor()
    const persons = analyst.getByRole('columnheader', { name: 'Nhân khẩu' })
    // Most persons first to begin with: 06652 has two, 07192 one.
    assert.equal(await persons.getAttribute('aria-sort'), 'descending')
    assert.match((await units.allTextContents()).join(' '), /06652.*07192/)
    await persons.getByRole('button').click()
    assert.equal(await persons.getAttribute('aria-sort'), 'ascending')
    assert.match((await units.allTextContents()).join(' '), /07192.*06652/)
    await persons.getByRole('button').focus()
    await analyst.keyboard.press('Enter')
    assert.equal(await persons.getAttribute('aria-sort'), 'descending')
    assert.match((await units.allTextContents()).join(' '), /06652.*07192/)
    await analyst.close()
  })

  test('a commune officer cannot reach another commune’s person by URL', async () => {
    await page.goto(`${server.url}/persons/${ids['022190000456']}`)
    await page.getByRole('alert').filter({ hasText: 'ngoài địa bàn' }).waitFor()
    assert.equal(await page.getByText('Trần Thị Tô').count(), 0)
  })

  test('the English switch is remembered across reloads', async () => {
    await page.goto(server.url)
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByRole('heading', { name: 'Find a person' }).waitFor()
    await page.reload()
    await page.getByRole('heading', { name: 'Find a person' }).waitFor()
    await page.getByRole('button', { name: 'Tiếng Việt' }).click()
    await page.getByRole('heading', { name: 'Tra cứu nhân khẩu' }).waitFor()
  })

  test('enter a form with an error, see the finding as it is typed, fix it, save', async () => {
    await page.goto(server.url)
    await page.getByRole('link', { name: 'Nhập phiếu DC01' }).click()
    await page.getByRole('heading', { name: /DC01/ }).waitFor()
    await page.getByLabel('Số phiếu').fill('W-1')
    await page.getByLabel('Đơn vị thu thập').fill('06652')
    await page.getByLabel('Họ, chữ đệm và tên khai sinh').fill('LÊ THỊ MỚI')
    await page.getByLabel('Ngày, tháng, năm sinh').fill('31/02/1990')
    await page.getByLabel('Giới tính').fill('Nữ')
    await page.getByLabel('Nơi thường trú (mã xã)').fill('06652')
    // The address names the commune: the form offers its code for the day the form was collected.
    await page.getByLabel('Nơi ở hiện tại (chi tiết)').fill('Tổ 5, phường Hà Tu, Hạ Long')
    await page.getByRole('button', { name: /Phường Hà Tu \(06652\)/ }).click()
    assert.equal(await page.getByLabel('Nơi ở hiện tại (mã xã)').inputValue(), '06652')
    const dateField = page.locator('.field', { has: page.getByLabel('Ngày, tháng, năm sinh') })
    await dateField.locator('.findings .error').waitFor()
    await shot('form-entry')
    // The draft survives a reload (as it would a session that expired).
    await page.reload()
    assert.equal(await page.getByLabel('Số phiếu').inputValue(), 'W-1')
    await page.getByLabel('Ngày, tháng, năm sinh').fill('28/02/1990')
    await dateField.locator('.findings .error').waitFor({ state: 'detached' })
    await page.getByRole('button', { name: 'Lưu phiếu' }).click()
    await page.getByRole('status').filter({ hasText: 'Đã nhận phiếu' }).waitFor()
    assert.equal(await page.getByLabel('Số phiếu').inputValue(), '', 'a saved form clears the draft')
    await page.getByRole('link', { name: 'Tra cứu nhân khẩu' }).click()
    await page.getByLabel('Họ tên (không cần dấu)').fill('le thi moi')
    await page.keyboard.press('Enter')
    await page.getByRole('link', { name: 'Lê Thị Mới' }).waitFor()
  })

  test('upload a file, follow the progress to the report, download the correction file', async () => {
    const file = join(tempDir(), 'upload.csv')
    writeFileSync(
      file,
      `${HEADER}\nU-1,06/01/2026,06652,Vũ Văn Một,01/01/1970,Nam,,Kinh,H5,Chủ hộ,06652\nU-2,06/01/2026,06652,Vũ Thị Hai,31/02/1975,Nữ,,Kinh,H5,Vợ,06652\n`,
    )
    await page.getByRole('link', { name: 'Nhập tệp' }).click()
    await page.getByLabel('Tệp (CSV, XLSX, JSON Lines)').setInputFiles(file)
    await page.getByRole('button', { name: 'Tải lên và nhập' }).click()
    await page.getByRole('heading', { name: 'upload.csv — đã xong' }).waitFor({ timeout: 60_000 })
    assert.match(await chartLabel(page, /^Kết quả theo loại:/), /Cần sửa 1/)
    assert.match(await chartLabel(page, /^Phát hiện theo quy tắc:/), /birth-date-impossible 1/)
    // The counts as text as well, beside the charts.
    const outcomes = page.getByRole('table', { name: 'Kết quả theo loại' })
    assert.equal(await outcomes.getByRole('row', { name: 'Cần sửa 1' }).count(), 1)
    await shot('import')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải tệp sửa lỗi (CSV)' }).click()])
    const saved = join(tempDir(), 'corrections.csv')
    await download.saveAs(saved)
    const text = readFileSync(saved, 'utf8')
    assert.match(text, /U-2/)
    assert.doesNotMatch(text, /U-1/)
  })

  test('the correction queue: open the held form, fix it, save it as its correction', async () => {
    await page.getByRole('link', { name: 'Phiếu cần sửa' }).click()
    await page.getByRole('cell', { name: /U-2/ }).waitFor()
    await page.getByRole('link', { name: 'Sửa phiếu' }).first().click()
    await page.getByLabel('Ngày, tháng, năm sinh').waitFor()
    await page.waitForFunction("document.getElementById('f-full_name')?.value === 'Vũ Thị Hai'") // filled from the held form
    await page.getByLabel('Ngày, tháng, năm sinh').fill('28/02/1975')
    await page.getByRole('button', { name: 'Lưu phiếu' }).click()
    await page.getByRole('status').filter({ hasText: 'Đã nhận phiếu' }).waitFor()
    await page.getByRole('link', { name: 'Phiếu cần sửa' }).click()
    await page.getByText('Không có phiếu nào.').waitFor()
    // A conflict opens beside the accepted form, the differing field marked.
    await page.getByRole('button', { name: 'Xung đột' }).click()
    await page.getByRole('button', { name: 'So sánh' }).click()
    const differs = page.locator('table.compare tr.differs')
    await differs.first().waitFor()
    assert.equal(await differs.count(), 1)
    assert.match((await differs.textContent()) ?? '', /12\/03\/1980.*13\/03\/1980/)
    await shot('conflict')
  })

  test('a session that ends under a half-typed form: log in again in place, nothing typed is lost', async () => {
    const endSession = async () => {
      const csrf = (await page.context().cookies()).find((c) => c.name === 'coso_csrf')?.value ?? ''
      await page.evaluate(async (token) => {
        await fetch('/api/session', { method: 'DELETE', headers: { 'x-csrf-token': token } })
      }, decodeURIComponent(csrf))
    }
    await page.getByRole('link', { name: 'Nhập phiếu DC01' }).click()
    // The live check of what was typed answers first: on a slow machine it would otherwise find the
    // session gone before the name is typed, and the form would be covered already.
    const checked = page.waitForResponse((r) => r.url().endsWith('/api/forms/check') && (r.request().postData() ?? '').includes('X-9'))
    await page.getByLabel('Số phiếu').fill('X-9')
    await checked
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }))
    await endSession()
    // Typing runs the live checks, which find the session gone.
    await page.getByLabel('Họ, chữ đệm và tên khai sinh').fill('Trần Văn Hết')
    const dialog = page.getByRole('dialog', { name: 'Đăng nhập' })
    await dialog.getByText(/hết hạn/).waitFor()
    assert.equal(await dialog.getByLabel('Tên đăng nhập').inputValue(), 'hatu')
    await shot('session-expired')
    await dialog.getByLabel('Mật khẩu').fill(TEST_PASSWORD)
    await dialog.getByRole('button', { name: 'Đăng nhập' }).click()
    await dialog.waitFor({ state: 'detached' })
    assert.equal(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded), true, 'the page was not reloaded')
    assert.equal(await page.getByLabel('Họ, chữ đệm và tên khai sinh').inputValue(), 'Trần Văn Hết')
    assert.equal(await page.getByLabel('Số phiếu').inputValue(), 'X-9')
    // Someone else logging in over the dialog gets their own start page, none of the officer's form.
    await endSession()
    await page.getByLabel('Họ, chữ đệm và tên khai sinh').fill('Trần Văn Khác')
    await dialog.getByLabel('Tên đăng nhập').fill('phantich')
    await dialog.getByLabel('Mật khẩu').fill(TEST_PASSWORD)
    await dialog.getByRole('button', { name: 'Đăng nhập' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByLabel('Họ tên (không cần dấu)').waitFor()
    assert.equal(await page.getByLabel('Số phiếu').count(), 0)
    assert.match((await page.locator('header').textContent()) ?? '', /phantich/)
  })

  test('logging out returns to the login form', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).click()
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor()
    const session = await page.evaluate(async () => (await fetch('/api/session')).status)
    assert.equal(session, 401)
  })

  test('an auditor lands on the audit log and finds the officer’s reads of a person', async () => {
    await page.getByLabel('Tên đăng nhập').fill('kiemtra')
    await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Đăng nhập' }).click()
    await page.getByRole('heading', { name: 'Nhật ký truy cập' }).waitFor()
    assert.equal(await page.getByRole('link', { name: 'Tra cứu nhân khẩu' }).count(), 0, 'no register in the auditor’s navigation')
    assert.equal(await page.getByText('upload.csv').count(), 0, 'nothing the officer saw is left in the page cache')
    await page.getByLabel('Người (mã trong sổ)').fill(ids['022080000123'] as string)
    await page.getByRole('button', { name: 'Tìm' }).click()
    await page.getByRole('cell', { name: 'person.read' }).first().waitFor()
    assert.ok((await page.getByRole('cell', { name: 'hatu', exact: true }).count()) >= 1)
    await shot('audit')
  })
})
