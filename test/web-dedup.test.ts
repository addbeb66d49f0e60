// The dedup pages in a real Chromium, on a register with duplicates (generated, imported and
// deduplicated by the CLI before serving): an officer works through the review queue, a commune
// head approves the merge, the person page shows it and its undo, and the form entry page shows
// a possible existing person while a duplicate is typed. Screenshots go to .coso-test/screenshots.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { launch, SHOTS, skip } from './browser.ts'
import { addUser, embeddedDatabase, registerWithDuplicates, type Served, serve, TEST_PASSWORD, type TestDatabase } from './helpers.ts'

/** Without diacritics, as officers often type: the check must still find the person. */
const unmarked = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')

describe('the dedup pages in Chromium', { skip }, () => {
  let db: TestDatabase
  let server: Served
  let browser: Browser
  /** The commune officer's page and the commune head's, side by side (two browser profiles). */
  let officer: Page
  let head: Page
  /** The person of the first pair, left undecided: the form entry types them again. */
  let undecided: { name: string; birth: string; unit: string }
  let survivorPath: string

  before(async () => {
    db = embeddedDatabase()
    const units = await registerWithDuplicates(db.flags)
    await addUser(db.flags, 'canbo', 'commune-officer', units)
    await addUser(db.flags, 'truong', 'commune-head', units)
    server = await serve(db.flags)
    browser = await launch()
    const logIn = async (username: string) => {
      const page = await (await browser.newContext({ viewport: { width: 1024, height: 600 } })).newPage()
      await page.goto(server.url)
      await page.getByLabel('Tên đăng nhập').fill(username)
      await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD)
      await page.getByRole('button', { name: 'Đăng nhập' }).click()
      await page.getByRole('button', { name: 'Đăng xuất' }).waitFor()
      return page
    }
    officer = await logIn('canbo')
    head = await logIn('truong')
  })
  after(async () => {
    await browser?.close()
    await server?.stop()
    await db?.drop()
  })

  test('an officer sees the first pair with its evidence, leaves it undecided from the keyboard, and calls the next one the same', async () => {
    assert.equal(await officer.getByRole('link', { name: 'Duyệt hợp nhất' }).count(), 0, 'approvals are the commune head’s')
    await officer.getByRole('link', { name: 'Cặp nghi trùng' }).click()
    await officer.getByRole('heading', { name: 'Cặp nghi trùng cần xem xét' }).waitFor()
    const first = officer.getByRole('article')
    await first.getByRole('heading', { name: /^Cặp 1: / }).waitFor()
    assert.match((await first.locator('.probability').textContent()) ?? '', /\d+(,\d)?%$/)
    // Every field's level in words and its signed weight.
    const evidence = first.getByRole('table', { name: 'Bằng chứng theo từng trường' })
    assert.equal(await evidence.locator('tbody tr').count(), 10)
    const given = evidence.getByRole('row', { name: /^Tên / })
    assert.match((await given.textContent()) ?? '', /(trùng khớp|khác|giống|dấu|i\/y|ký tự|vùng miền|thiếu).*[+-]?\d+,\d/)
    // Both persons' register values, and both origin forms as typed.
    const normalised = first.getByRole('table', { name: 'Giá trị trong sổ (đã chuẩn hoá)' })
    const raw = first.getByRole('table', { name: 'Phiếu gốc (như đã nhập)' })
    await raw.getByRole('columnheader', { name: /Người thứ hai · DC01-/ }).waitFor()
    const cells = (row: string) => normalised.getByRole('row', { name: new RegExp(`^${row}`) }).getByRole('cell')
    undecided = {
      name: (await cells('Họ và tên').first().textContent())?.replace('(mở trong tab mới)', '').trim() ?? '',
      birth: (await cells('Ngày sinh').first().textContent()) ?? '',
      unit: (await cells('Đơn vị').first().textContent()) ?? '',
    }
    assert.match(undecided.birth, /^\d{2}\/\d{2}\/\d{4}$/, 'a full birth date, dd/mm/yyyy')
    await officer.screenshot({ path: join(SHOTS, 'dedup-review.png'), fullPage: true })

    // The keys within the pair: 3 is "not sure", and the next pair takes the focus.
    await first.getByRole('heading', { name: /^Cặp 1: / }).focus()
    await officer.keyboard.press('3')
    await officer.getByRole('status').filter({ hasText: 'chưa chắc — cặp vẫn nằm trong danh sách' }).waitFor()
    const second = officer.getByRole('heading', { name: /^Cặp 2: / })
    await second.waitFor()
    await officer.waitForFunction('document.activeElement?.id === "pair-heading"')
    assert.match(await officer.evaluate('document.activeElement.textContent'), /^Cặp 2: /)
    await officer.getByRole('button', { name: 'Cùng một người' }).click()
    await officer.getByRole('status').filter({ hasText: 'việc hợp nhất đang chờ trưởng công an xã duyệt' }).waitFor()
  })

  test('the commune head sees the waiting merge, who asked and the persons, and approves it', async () => {
    await head.getByRole('link', { name: 'Duyệt hợp nhất' }).click()
    await head.getByRole('heading', { name: 'Hợp nhất và tách chờ duyệt' }).waitFor()
    const row = head.getByRole('row').filter({ hasText: 'canbo' })
    await row.waitFor()
    assert.match((await row.textContent()) ?? '', /Hợp nhất.*\(giữ lại\).*\(gộp vào\).*canbo.*\d{2}\/\d{2}\/\d{4}/)
    survivorPath = (await row.getByRole('link').first().getAttribute('href')) ?? ''
    assert.match(survivorPath, /^\/persons\//)
    await head.screenshot({ path: join(SHOTS, 'dedup-approvals.png'), fullPage: true })
    await row.getByRole('button', { name: 'Duyệt' }).click()
    await head.getByRole('status').filter({ hasText: 'Đã duyệt: những người này đã được hợp nhất.' }).waitFor()
    await head.getByText('Không có việc nào chờ duyệt.').waitFor()
  })

  test('the person page lists the merge; the officer’s undo waits for the commune head', async () => {
    await officer.goto(`${server.url}${survivorPath}`)
    await officer.getByRole('heading', { name: 'Hợp nhất', exact: true }).waitFor()
    const merge = officer.locator('ul.merges > li').first()
    assert.match((await merge.textContent()) ?? '', /^đã hợp nhất · do cán bộ · \d{2}\/\d{2}\/\d{4}.*\(giữ lại\).*\(gộp vào\)/)
    officer.once('dialog', (dialog) => dialog.accept())
    await merge.getByRole('button', { name: 'Tách' }).click()
    await officer.getByRole('status').filter({ hasText: 'Đã đề nghị tách: chờ trưởng công an xã duyệt.' }).waitFor()
    await merge.getByText(/^đề nghị tách đang chờ duyệt/).waitFor()
    assert.equal(await merge.getByRole('button', { name: 'Tách' }).count(), 0)
    await officer.screenshot({ path: join(SHOTS, 'dedup-person.png'), fullPage: true })

    await head.reload()
    const row = head.getByRole('row').filter({ hasText: 'Tách (huỷ hợp nhất)' })
    assert.match((await row.textContent()) ?? '', /canbo/)
    await row.getByRole('button', { name: 'Duyệt' }).click()
    await head.getByRole('status').filter({ hasText: 'Đã duyệt: việc hợp nhất đã được tách.' }).waitFor()
    await officer.reload()
    await officer
      .locator('ul.merges > li')
      .first()
      .getByText(/^đã tách/)
      .waitFor()
  })

  test('typing a person already in the register, without diacritics: the form shows them before saving', async () => {
    await officer.getByRole('link', { name: 'Nhập phiếu DC01' }).click()
    await officer.getByLabel('Số phiếu').fill('DUP-1')
    await officer.getByLabel('Đơn vị thu thập').fill(undecided.unit)
    await officer.getByLabel('Họ, chữ đệm và tên khai sinh').fill(unmarked(undecided.name).toUpperCase())
    await officer.getByLabel('Ngày, tháng, năm sinh').fill(undecided.birth)
    await officer.getByLabel('Nơi thường trú (mã xã)').fill(undecided.unit)
    const matches = officer.getByRole('region', { name: 'Có thể là người đã có trong sổ' })
    const named = officer.getByRole('link', { name: new RegExp(`^${undecided.name}`) })
    const item = matches.getByRole('listitem').filter({ has: named }).first()
    await item.waitFor()
    assert.equal(await item.getByRole('link').getAttribute('target'), '_blank', 'the person opens beside the form')
    assert.match(
      (await item.textContent()) ?? '',
      new RegExp(`Năm sinh ${undecided.birth.slice(-4)} · Xác suất là cùng một người \\d+(,\\d)?%`),
    )
    await item.getByText('Bằng chứng', { exact: true }).click()
    await item.getByRole('table', { name: 'Bằng chứng theo từng trường' }).getByRole('row', { name: /^Tên / }).waitFor()
    assert.equal(await officer.getByRole('button', { name: 'Lưu phiếu' }).isEnabled(), true, 'nothing blocks saving')
    await officer.screenshot({ path: join(SHOTS, 'dedup-form-match.png'), fullPage: true })
  })
})
