import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { hamletOf } from '../geo/address.ts'
import {
  addMonths,
  bornBefore,
  DUE_FILE_COLUMNS,
  dueCells,
  dueHamlet,
  HAMLET_PATTERNS,
  issuedProblem,
  mapCardsHeader,
  numberProblem,
  renewalWindows,
  viDate,
} from './due.ts'
import { birthdayAt } from './validity.ts'

test('renewal windows: one per renewal age, birth days shifted by the age', () => {
  assert.deepEqual(renewalWindows('2026-12-01', '2027-03-01'), [
    { age: 14, born_from: '2012-12-01', born_to: '2013-03-01' },
    { age: 25, born_from: '2001-12-01', born_to: '2002-03-01' },
    { age: 40, born_from: '1986-12-01', born_to: '1987-03-01' },
    { age: 60, born_from: '1966-12-01', born_to: '1967-03-01' },
  ])
})

test('a birth day is in a window exactly when the birthday at that age falls in the stretch', () => {
  const stretches: [string, string][] = [
    ['2026-02-28', '2026-03-02'],
    ['2028-02-29', '2028-03-01'],
    ['2027-02-28', '2027-03-01'],
    ['2026-01-01', '2027-01-01'],
  ]
  const births = [
    '2012-02-28',
    '2012-02-29',
    '2012-03-01',
    '2014-02-28',
    '2014-03-01',
    '2002-02-28',
    '2003-02-28',
    '1968-02-29',
    '1967-03-01',
  ]
  for (const [from, to] of stretches) {
    for (const w of renewalWindows(from, to)) {
      for (const birth of births) {
        const birthday = birthdayAt(birth, w.age)
        const reaches = from <= birthday && birthday < to
        const inWindow = w.born_from <= birth && birth < w.born_to
        assert.equal(inWindow, reaches, `${birth} at ${w.age} in [${from}, ${to}): birthday ${birthday}`)
      }
    }
  }
})

test('months ahead: the same day, or the last day of a shorter month', () => {
  assert.equal(addMonths('2026-11-27', 3), '2027-02-27')
  assert.equal(addMonths('2026-01-31', 1), '2026-02-28')
  assert.equal(addMonths('2028-01-31', 1), '2028-02-29')
  assert.equal(addMonths('2026-12-15', 1), '2027-01-15')
  assert.equal(addMonths('2026-05-31', 24), '2028-05-31')
})

test('the hamlet a due list orders by: the last thôn/khu part, else the last tổ part, in either case', () => {
  const cases: [string | null, string | null][] = [
    ['Thôn 3', 'Thôn 3'],
    ['thôn  Đông   Hải , xã Quảng Tân', 'Thôn Đông Hải'],
    ['Số 12, đường Trần Phú, tổ 3, khu 5', 'Khu 5'],
    ['Tổ 3, khu 5', 'Khu 5'],
    ['Tổ 3 khu 5', 'Tổ 3 khu 5'],
    ['Số 7, phố Hạ Long, khu 2', 'Khu 2'],
    ['Khu phố 4', 'Khu phố 4'],
    ['THÔN NAM', 'THÔN NAM'],
    ['Bản Khe Lạc, xã Đồng Văn', 'Bản Khe Lạc'],
    ['Tổ dân phố 7, phường Hồng Gai', 'Tổ dân phố 7'],
    ['Số 12, đường Lê Lợi', null],
    ['Khu', null],
    [null, null],
  ]
  for (const [address, hamlet] of cases) assert.equal(dueHamlet(address), hamlet, String(address))
  // The geo module's reading (the reorganisation's work queue) agrees.
  for (const [address] of cases) assert.equal(dueHamlet(address), hamletOf(address), String(address))
  // The patterns are plain ARE/ECMAScript: no lookbehind, no flags the database would not honour.
  for (const p of Object.values(HAMLET_PATTERNS)) assert.doesNotMatch(p, /\(\?[<=!i]/)
})

test('dates for people: day, month or year as known', () => {
  assert.equal(viDate('2001-12-05'), '05/12/2001')
  assert.equal(viDate('1950-03'), '03/1950')
  assert.equal(viDate('1950'), '1950')
  assert.equal(viDate(null), null)
})

test('a due-list file row: Vietnamese headers, numbered, a card that never expires said so', () => {
  assert.equal(DUE_FILE_COLUMNS[0]?.header, 'STT')
  const cells = dueCells(
    {
      person_id: 'p',
      name: 'Nguyễn Thị Lan',
      birth_date: '1966-03',
      sex: 'F',
      personal_id: '022166000001',
      unit: '20101',
      unit_name: 'Phường Hạ Long',
      household_id: null,
      address: 'Tổ 2, khu 3',
      hamlet: 'Khu 3',
      renewal_age: 60,
      renewal_on: '2026-03-01',
      card_issued_on: '2021-04-02',
      card_expires_on: null,
      application_state: 'received',
    },
    7,
  )
  const byHeader = Object.fromEntries(DUE_FILE_COLUMNS.map((c, i) => [c.header, cells[i]]))
  assert.equal(byHeader.STT, '7')
  assert.equal(byHeader['Ngày, tháng, năm sinh'], '03/1966')
  assert.equal(byHeader['Giới tính'], 'Nữ')
  assert.equal(byHeader['Ngày đến tuổi'], '01/03/2026')
  assert.equal(byHeader['Thẻ có giá trị đến'], 'Không thời hạn')
  assert.equal(byHeader['Đã có hồ sơ đang giải quyết'], 'Có')
})

test('a cards file header: English keys or Vietnamese labels, case and marks ignored; others reported', () => {
  const h = mapCardsHeader(['\ufeffSỐ ĐỊNH DANH CÁ NHÂN', 'ngay cap', 'Ghi chú'])
  assert.deepEqual(h.index, { personal_id: 0, issued_on: 1 })
  assert.deepEqual(h.unknown, ['Ghi chú'])
  assert.deepEqual(h.missing, [])
  assert.deepEqual(mapCardsHeader(['personal_id', 'personal_id']).missing, ['issued_on'])
})

test('a number on a card: 12 digits, spaces and dots allowed; a lost leading zero told as such', () => {
  assert.equal(numberProblem('022 190 000 001'), null)
  assert.equal(numberProblem('022.190.000.001'), null)
  assert.equal(numberProblem('')?.rule, 'required')
  const lost = numberProblem('22190000001')
  assert.equal(lost?.rule, 'personal-id-format')
  assert.match(lost?.en ?? '', /leading 0/)
  assert.equal(numberProblem('02219000000A')?.rule, 'personal-id-format')
})

test('an issue day: not in the future, not before the earliest possible birth, not after death', () => {
  const person = { birth_year: 2001, birth_month: 6, birth_day: null, died_on: null }
  assert.equal(issuedProblem('2026-11-28', person, '2026-11-27')?.rule, 'issued-in-future')
  assert.equal(issuedProblem('2001-05-31', person, '2026-11-27')?.rule, 'issued-before-birth')
  // Born some day of June 2001: a card dated in June may be after the birth.
  assert.equal(issuedProblem('2001-06-01', person, '2026-11-27'), null)
  assert.equal(issuedProblem('2026-11-27', person, '2026-11-27'), null)
  assert.equal(issuedProblem('2025-01-02', { ...person, died_on: '2025-01-01' }, '2026-11-27')?.rule, 'issued-after-death')
  assert.equal(issuedProblem('1900-01-01', { birth_year: null, birth_month: null, birth_day: null, died_on: null }, '2026-11-27'), null)
})

test('the database reads the hamlet with the same patterns (stored with each household)', () => {
  const sql = readFileSync(new URL('../../migrations/20261127T1958_due_lists.sql', import.meta.url), 'utf8')
  for (const p of Object.values(HAMLET_PATTERNS)) assert.ok(sql.includes(`substring(address from '${p}')`), p)
})

test('born before the bound, a person has reached the age by the day (29 February too)', () => {
  const births = ['2012-02-28', '2012-02-29', '2012-03-01', '2011-12-31', '2012-12-31', '2013-01-01']
  for (const day of ['2026-02-27', '2026-02-28', '2026-03-01', '2028-02-28', '2028-02-29', '2026-12-31', '2027-01-01']) {
    for (const birth of births) {
      assert.equal(birth < bornBefore(day, 14), birthdayAt(birth, 14) <= day, `${birth} on ${day}`)
    }
  }
})
