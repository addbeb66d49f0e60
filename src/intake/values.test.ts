import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ageOn,
  type DateValue,
  daysInMonth,
  digits,
  earliestDay,
  fromList,
  isoPartial,
  MARITAL_STATUSES,
  normalizeName,
  normalizePhone,
  parseBloodGroup,
  parseDate,
  parseSex,
  RELATIONS,
  splitName,
  validEmail,
} from './values.ts'

const ok = (text: string): DateValue & { kind: 'ok' } => {
  const v = parseDate(text, true)
  assert.equal(v.kind, 'ok', `${text} should read`)
  return v as DateValue & { kind: 'ok' }
}

test('parseDate reads dd/mm/yyyy, d/m/yyyy and yyyy-mm-dd to day precision', () => {
  const day = { kind: 'ok', year: 1990, month: 4, day: 15, precision: 'day' }
  assert.deepEqual(parseDate('15/04/1990'), day)
  assert.deepEqual(parseDate('1990-04-15'), day)
  assert.deepEqual(parseDate('1990-4-15'), day)
  assert.deepEqual(parseDate('  15/04/1990 '), day)
  assert.deepEqual(parseDate('5/4/1990'), { kind: 'ok', year: 1990, month: 4, day: 5, precision: 'day' })
  // The Vietnamese order: day first, never the American month first.
  assert.deepEqual(parseDate('03/04/1990'), { kind: 'ok', year: 1990, month: 4, day: 3, precision: 'day' })
})

test('parseDate accepts - and . as separators in dd/mm/yyyy', () => {
  const day = { kind: 'ok', year: 1990, month: 4, day: 15, precision: 'day' }
  assert.deepEqual(parseDate('15-04-1990'), day)
  assert.deepEqual(parseDate('15.04.1990'), day)
  assert.deepEqual(parseDate('04.1990', true), { kind: 'ok', year: 1990, month: 4, day: null, precision: 'month' })
  assert.deepEqual(parseDate('04-1990', true), { kind: 'ok', year: 1990, month: 4, day: null, precision: 'month' })
})

test('parseDate reads the partial forms mm/yyyy and yyyy only when allowed', () => {
  assert.deepEqual(parseDate('04/1990', true), { kind: 'ok', year: 1990, month: 4, day: null, precision: 'month' })
  assert.deepEqual(parseDate('4/1990', true), { kind: 'ok', year: 1990, month: 4, day: null, precision: 'month' })
  assert.deepEqual(parseDate('1950', true), { kind: 'ok', year: 1950, month: null, day: null, precision: 'year' })
  assert.deepEqual(parseDate('04/1990'), { kind: 'unreadable' })
  assert.deepEqual(parseDate('1950'), { kind: 'unreadable' })
  assert.deepEqual(parseDate('04/1990', false), { kind: 'unreadable' })
  // A full date is read the same either way.
  assert.deepEqual(parseDate('15/04/1990', true), parseDate('15/04/1990', false))
})

test('parseDate: an impossible day keeps the typed year, month and day', () => {
  assert.deepEqual(parseDate('31/02/1990'), { kind: 'impossible', year: 1990, month: 2, day: 31 })
  assert.deepEqual(parseDate('31/04/1990'), { kind: 'impossible', year: 1990, month: 4, day: 31 })
  assert.deepEqual(parseDate('1990-02-30'), { kind: 'impossible', year: 1990, month: 2, day: 30 })
  assert.deepEqual(parseDate('00/05/1990'), { kind: 'impossible', year: 1990, month: 5, day: 0 })
  assert.deepEqual(parseDate('13/13/1990'), { kind: 'impossible', year: 1990, month: 13, day: 13 })
  assert.deepEqual(parseDate('15/00/1990'), { kind: 'impossible', year: 1990, month: 0, day: 15 })
  const month13 = parseDate('13/1990', true)
  assert.equal(month13.kind, 'impossible')
  assert.equal(month13.kind === 'impossible' && month13.year, 1990)
  assert.deepEqual(parseDate('31/12/1990').kind, 'ok')
  assert.deepEqual(parseDate('30/04/1990').kind, 'ok')
})

test('parseDate knows leap years (29/02)', () => {
  assert.equal(parseDate('29/02/2024').kind, 'ok')
  assert.equal(parseDate('29/02/2000').kind, 'ok') // divisible by 400
  assert.equal(parseDate('29/02/1996').kind, 'ok')
  assert.deepEqual(parseDate('29/02/2023'), { kind: 'impossible', year: 2023, month: 2, day: 29 })
  assert.deepEqual(parseDate('29/02/1900'), { kind: 'impossible', year: 1900, month: 2, day: 29 }) // century, not leap
  assert.deepEqual(parseDate('29/02/2100'), { kind: 'impossible', year: 2100, month: 2, day: 29 })
  assert.equal(daysInMonth(2024, 2), 29)
  assert.equal(daysInMonth(2023, 2), 28)
  assert.equal(daysInMonth(2023, 12), 31)
  assert.equal(daysInMonth(2023, 11), 30)
})

test('parseDate: empty and garbage', () => {
  assert.deepEqual(parseDate(''), { kind: 'empty' })
  assert.deepEqual(parseDate('   '), { kind: 'empty' })
  for (const s of ['abc', 'không rõ', '15/04/90', '15041990', '1990/04/15', '15/04/1990/1', '1990-04', '15 04 1990', '٣/٤/١٩٩٠', '15/4']) {
    assert.deepEqual(parseDate(s, true), { kind: 'unreadable' }, s)
  }
})

test('parseDate: years outside 1850–2200 are unreadable, the bounds are read', () => {
  assert.deepEqual(parseDate('01/01/1849'), { kind: 'unreadable' })
  assert.deepEqual(parseDate('1849', true), { kind: 'unreadable' })
  assert.deepEqual(parseDate('0001-01-01'), { kind: 'unreadable' })
  assert.deepEqual(parseDate('01/01/2201'), { kind: 'unreadable' })
  assert.deepEqual(parseDate('9999', true), { kind: 'unreadable' })
  assert.equal(parseDate('01/01/1850').kind, 'ok')
  assert.equal(parseDate('2200', true).kind, 'ok')
  // Out of range wins over impossible: there is no year to keep.
  assert.deepEqual(parseDate('31/02/1700'), { kind: 'unreadable' })
})

test('isoPartial never invents a day or month; earliestDay fills the earliest', () => {
  assert.equal(isoPartial(parseDate('1950', true)), '1950')
  assert.equal(isoPartial(parseDate('3/1950', true)), '1950-03')
  assert.equal(isoPartial(parseDate('7/3/1950')), '1950-03-07')
  assert.equal(isoPartial(parseDate('31/02/1950')), null)
  assert.equal(isoPartial(parseDate('')), null)
  assert.equal(isoPartial(parseDate('abc')), null)
  assert.equal(earliestDay(ok('1950')), '1950-01-01')
  assert.equal(earliestDay(ok('03/1950')), '1950-03-01')
  assert.equal(earliestDay(ok('07/03/1950')), '1950-03-07')
})

test('ageOn counts whole years for a full date', () => {
  const b = ok('15/04/1990')
  assert.equal(ageOn(b, '2026-04-14'), 35)
  assert.equal(ageOn(b, '2026-04-15'), 36) // birthday reached
  assert.equal(ageOn(b, '2026-03-31'), 35)
  assert.equal(ageOn(b, '2026-05-01'), 36)
  assert.equal(ageOn(b, '1990-04-15'), 0)
  const leap = ok('29/02/2008')
  assert.equal(ageOn(leap, '2026-02-28'), 17)
  assert.equal(ageOn(leap, '2026-03-01'), 18)
})

test('ageOn with a partial date counts from its earliest day (the oldest the person can be)', () => {
  const year = ok('1990')
  assert.equal(ageOn(year, '2026-01-01'), 36)
  assert.equal(ageOn(year, '2026-12-31'), 36)
  const month = ok('04/1990')
  assert.equal(ageOn(month, '2026-03-31'), 35) // before the month: not yet
  assert.equal(ageOn(month, '2026-04-01'), 36) // within the month: the day is unknown, counted as reached
  assert.equal(ageOn(month, '2026-04-30'), 36)
  // Consistent with earliestDay: the age a full date on that earliest day would give.
  for (const on of ['2026-01-01', '2026-03-31', '2026-04-01', '2026-12-31']) {
    assert.equal(ageOn(month, on), ageOn(ok('01/04/1990'), on), on)
    assert.equal(ageOn(year, on), ageOn(ok('01/01/1990'), on), on)
  }
})

test('parseSex reads Nam/Nữ in any case and with or without marks', () => {
  assert.equal(parseSex('Nam'), 'M')
  assert.equal(parseSex('nam'), 'M')
  assert.equal(parseSex(' NAM '), 'M')
  assert.equal(parseSex('M'), 'M')
  assert.equal(parseSex('male'), 'M')
  assert.equal(parseSex('Nữ'), 'F')
  assert.equal(parseSex('NỮ'), 'F')
  assert.equal(parseSex('Nu'), 'F')
  assert.equal(parseSex('nữ'.normalize('NFD')), 'F')
  assert.equal(parseSex('F'), 'F')
  assert.equal(parseSex('f'), 'F')
  assert.equal(parseSex('x'), 'unreadable')
  assert.equal(parseSex('Nam Nữ'), 'unreadable')
  assert.equal(parseSex('1'), 'unreadable')
  assert.equal(parseSex(''), 'empty')
  assert.equal(parseSex('  '), 'empty')
})

test('digits drops the separators people type', () => {
  assert.equal(digits('022 090 012 345'), '022090012345')
  assert.equal(digits('022.090.012.345'), '022090012345')
  assert.equal(digits('022-090_012\u00a0345'), '022090012345')
  assert.equal(digits('02209001234a'), '02209001234a') // not a separator: kept, so the format check fails
})

test('normalizePhone turns +84 and 84 into 0 and checks a 10-digit mobile number', () => {
  assert.deepEqual(normalizePhone('+84 912 345 678'), { value: '0912345678', valid: true })
  assert.deepEqual(normalizePhone('+84912345678'), { value: '0912345678', valid: true })
  assert.deepEqual(normalizePhone('84912345678'), { value: '0912345678', valid: true })
  assert.deepEqual(normalizePhone('0912.345.678'), { value: '0912345678', valid: true })
  assert.deepEqual(normalizePhone('0912-345-678'), { value: '0912345678', valid: true })
  assert.deepEqual(normalizePhone('(091) 234 5678'), { value: '0912345678', valid: true })
  for (const prefix of ['03', '05', '07', '08', '09']) assert.equal(normalizePhone(`${prefix}12345678`).valid, true, prefix)
})

test('normalizePhone refuses landlines, wrong lengths and other prefixes', () => {
  assert.deepEqual(normalizePhone('0203 3845 678'), { value: '02033845678', valid: false }) // Quảng Ninh landline
  assert.deepEqual(normalizePhone('+84 203 3845 678'), { value: '02033845678', valid: false })
  assert.deepEqual(normalizePhone('091234567'), { value: '091234567', valid: false }) // 9 digits
  assert.equal(normalizePhone('09123456789').valid, false) // 11 digits
  for (const prefix of ['00', '01', '02', '04', '06']) assert.equal(normalizePhone(`${prefix}12345678`).valid, false, prefix)
  assert.equal(normalizePhone('01234567890').valid, false) // old 11-digit mobile
  assert.equal(normalizePhone('912345678').valid, false) // no leading 0
  assert.equal(normalizePhone('0912abc678').valid, false)
  assert.equal(normalizePhone('').valid, false)
  // 84 followed by a ten-digit number is not the country code.
  assert.equal(normalizePhone('8491234567').value, '8491234567')
})

test('validEmail', () => {
  assert.equal(validEmail('an.nguyen@example.vn'), true)
  assert.equal(validEmail('a@b.co'), true)
  for (const s of ['an.nguyen@', '@example.vn', 'an nguyen@example.vn', 'an@example', 'an@@example.vn', '']) {
    assert.equal(validEmail(s), false, s)
  }
})

test('parseBloodGroup reads group and Rh', () => {
  assert.deepEqual(parseBloodGroup('O+'), { group: 'O', rh: '+' })
  assert.deepEqual(parseBloodGroup('ab-'), { group: 'AB', rh: '-' })
  assert.deepEqual(parseBloodGroup('AB Rh+'), { group: 'AB', rh: '+' })
  assert.deepEqual(parseBloodGroup('B rh-'), { group: 'B', rh: '-' })
  assert.deepEqual(parseBloodGroup('A'), { group: 'A', rh: null })
  assert.deepEqual(parseBloodGroup(' o + '), { group: 'O', rh: '+' })
  assert.deepEqual(parseBloodGroup('AB'), { group: 'AB', rh: null }) // not A followed by junk
})

test('parseBloodGroup reads the digit 0 as the group O', () => {
  assert.deepEqual(parseBloodGroup('0'), { group: 'O', rh: null })
  assert.deepEqual(parseBloodGroup('0+'), { group: 'O', rh: '+' })
  assert.deepEqual(parseBloodGroup('0 Rh-'), { group: 'O', rh: '-' })
  assert.equal(parseBloodGroup('00'), undefined)
  assert.equal(parseBloodGroup('0A'), undefined)
})

test('parseBloodGroup refuses what is no blood group', () => {
  for (const s of ['C', 'ABO', 'A+B', 'O++', 'Rh+', '', 'không biết', 'BA']) assert.equal(parseBloodGroup(s), undefined, s)
})

test('fromList matches folded (case and marks ignored) and returns the list spelling', () => {
  assert.equal(fromList(MARITAL_STATUSES, 'Goá'), 'Góa')
  assert.equal(fromList(MARITAL_STATUSES, 'Góa'), 'Góa')
  assert.equal(fromList(MARITAL_STATUSES, 'goa'), 'Góa')
  assert.equal(fromList(MARITAL_STATUSES, 'GÓA'), 'Góa')
  assert.equal(fromList(MARITAL_STATUSES, 'chua ket hon'), 'Chưa kết hôn')
  assert.equal(fromList(MARITAL_STATUSES, '  Đã  kết hôn '), 'Đã kết hôn')
  assert.equal(fromList(MARITAL_STATUSES, 'đã kết hôn'.normalize('NFD')), 'Đã kết hôn')
  assert.equal(fromList(MARITAL_STATUSES, 'Độc thân'), undefined)
  assert.equal(fromList(MARITAL_STATUSES, 'Góa vợ'), undefined)
  assert.equal(fromList(MARITAL_STATUSES, ''), undefined)
  assert.equal(fromList(RELATIONS, 'chu ho'), 'Chủ hộ')
  assert.equal(fromList(RELATIONS, 'con'), 'Con')
  assert.equal(fromList(RELATIONS, 'Con dau'), 'Con dâu')
  assert.equal(fromList(RELATIONS, 'CON RỂ'), 'Con rể')
  assert.equal(fromList(RELATIONS, 'Hàng xóm'), undefined)
})

test('normalizeName: name case, single spaces, NFC, traditional tone placement', () => {
  assert.equal(normalizeName('NGUYỄN VĂN AN'), 'Nguyễn Văn An')
  assert.equal(normalizeName('trần thị thuý'), 'Trần Thị Thúy')
  assert.equal(normalizeName('  lê   văn\u00a0hoà '), 'Lê Văn Hòa')
  assert.equal(normalizeName('đặng hữu nghĩa'), 'Đặng Hữu Nghĩa')
  const nfd = 'Nguyễn Thị Hoà'.normalize('NFD')
  assert.notEqual(nfd, 'Nguyễn Thị Hoà')
  assert.equal(normalizeName(nfd), 'Nguyễn Thị Hòa')
  assert.equal(normalizeName(nfd), normalizeName('NGUYỄN THỊ HÒA'))
  assert.equal(normalizeName(''), '')
})

test('splitName: family first, given last, middle names between', () => {
  assert.deepEqual(splitName('Nguyễn Văn An'), { family: 'Nguyễn', middle: 'Văn', given: 'An' })
  assert.deepEqual(splitName('Vũ Thị Ngọc Bích'), { family: 'Vũ', middle: 'Thị Ngọc', given: 'Bích' })
  assert.deepEqual(splitName('Lê An'), { family: 'Lê', middle: '', given: 'An' })
  assert.deepEqual(splitName('An'), { family: '', middle: '', given: 'An' })
  assert.deepEqual(splitName(''), { family: '', middle: '', given: '' })
  assert.deepEqual(splitName(' Trần  Thị  Thúy '), { family: 'Trần', middle: 'Thị', given: 'Thúy' })
})
