import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Explanation, expectedCenturyDigit, explainNumber, idParts, numberFindings, provincesNamed } from './number.ts'
import { idPlaces } from './places.ts'

const places = idPlaces()
const TODAY = '2026-11-27'

function explained(n: string): Explanation {
  const r = explainNumber(n, places, TODAY)
  assert.ok(r.ok, n)
  return r.explanation
}

test('idParts reads province, century/sex digit and birth year', () => {
  assert.deepEqual(idParts('022090012345'), { province: '022', centuryDigit: 0, sex: 'M', birthYear: 1990 })
  assert.deepEqual(idParts('022190012345'), { province: '022', centuryDigit: 1, sex: 'F', birthYear: 1990 })
  assert.deepEqual(idParts('001205000001'), { province: '001', centuryDigit: 2, sex: 'M', birthYear: 2005 })
  assert.deepEqual(idParts('079399000001'), { province: '079', centuryDigit: 3, sex: 'F', birthYear: 2099 })
  assert.deepEqual(idParts('079401000001'), { province: '079', centuryDigit: 4, sex: 'M', birthYear: 2101 })
  assert.deepEqual(idParts('079500000001'), { province: '079', centuryDigit: 5, sex: 'F', birthYear: 2100 })
  assert.deepEqual(idParts('079799000001'), { province: '079', centuryDigit: 7, sex: 'F', birthYear: 2299 })
  assert.deepEqual(idParts('036899000001'), { province: '036', centuryDigit: 8, sex: 'M', birthYear: 1899 })
  assert.deepEqual(idParts('036985000001'), { province: '036', centuryDigit: 9, sex: 'F', birthYear: 1885 })
})

test('idParts refuses anything but 12 digits', () => {
  for (const s of ['', '02209001234', '0220900123456', '022 090 012 345', '02209001234a', '123456789']) {
    assert.equal(idParts(s), undefined, s)
  }
})

test('expectedCenturyDigit: 1900s 0/1, 2000s 2/3, 2100s 4/5, 1800s 8/9', () => {
  assert.equal(expectedCenturyDigit('M', 1990), 0)
  assert.equal(expectedCenturyDigit('F', 1990), 1)
  assert.equal(expectedCenturyDigit('M', 1900), 0)
  assert.equal(expectedCenturyDigit('F', 1999), 1)
  assert.equal(expectedCenturyDigit('M', 2000), 2)
  assert.equal(expectedCenturyDigit('F', 2005), 3)
  assert.equal(expectedCenturyDigit('M', 2099), 2)
  assert.equal(expectedCenturyDigit('M', 2100), 4)
  assert.equal(expectedCenturyDigit('F', 2150), 5)
  assert.equal(expectedCenturyDigit('M', 1899), 8)
  assert.equal(expectedCenturyDigit('F', 1850), 9)
})

test('expectedCenturyDigit agrees with idParts for every century/sex digit', () => {
  for (let g = 0; g <= 9; g++) {
    for (const yy of ['00', '47', '99']) {
      const parts = idParts(`001${g}${yy}000001`)
      assert.ok(parts)
      assert.equal(expectedCenturyDigit(parts.sex, parts.birthYear), g, `digit ${g}, year ${yy}`)
    }
  }
})

test('the place codes come from the seed file: 63 provinces, with their province since 1 July 2025', () => {
  assert.equal(places.size, 63)
  assert.deepEqual(places.get('022'), { code: '022', name: 'Quảng Ninh', code2025: '22', name2025: 'Quảng Ninh' })
  assert.deepEqual(places.get('030'), { code: '030', name: 'Hải Dương', code2025: '31', name2025: 'Hải Phòng' })
  assert.equal(places.get('001')?.name, 'Hà Nội')
})

test('explainNumber: a Quảng Ninh man born in 1990', () => {
  assert.deepEqual(explainNumber('022090012345', places, TODAY), {
    ok: true,
    explanation: {
      number: '022090012345',
      place: places.get('022'),
      centuryDigit: 0,
      century: 20,
      sex: 'M',
      birthYear: 1990,
      serial: '012345',
    },
  })
})

test('explainNumber: century and sex from G, the separators people type ignored', () => {
  const e = explained(' 001 305 000 001 ')
  assert.equal(e.number, '001305000001')
  assert.equal(e.sex, 'F')
  assert.equal(e.birthYear, 2005)
  assert.equal(e.century, 21)
  const old = explained('036985000001')
  assert.deepEqual([old.sex, old.birthYear, old.century], ['F', 1885, 19])
  assert.equal(explained('022200000001').birthYear, 2000)
  assert.equal(explained('022199000001').century, 20) // 1999 is still the 20th century as the circular counts
})

test('explainNumber: a place code that is no province is unknown (a birth abroad, perhaps), not an error', () => {
  const e = explained('704090012345')
  assert.deepEqual(e.place, { code: '704', unknown: true })
  assert.equal(e.birthYear, 1990)
  assert.deepEqual(explained('000090012345').place, { code: '000', unknown: true })
})

test('explainNumber refuses what cannot be a number, saying why in both languages', () => {
  const cases: [string, string][] = [
    ['02209001234', 'id-length'],
    ['0220900123456', 'id-length'],
    ['', 'id-length'],
    ['02209001234a', 'id-not-digits'],
    ['abc', 'id-not-digits'],
    ['022090 012/345', 'id-not-digits'],
  ]
  for (const [n, code] of cases) {
    const r = explainNumber(n, places, TODAY)
    assert.equal(r.ok, false, n)
    if (r.ok) continue
    assert.equal(r.code, code, n)
    assert.ok(r.message.vi && r.message.en, n)
  }
  const short = explainNumber('02209001234', places, TODAY)
  assert.ok(!short.ok && short.message.en.includes('has 11'))
})

test('explainNumber refuses a birth year after today in Vietnam, and takes this year', () => {
  const future = explainNumber('022227000001', places, TODAY) // 2027
  assert.ok(!future.ok)
  assert.equal(future.code, 'id-birth-year-future')
  assert.match(future.message.en, /2027/)
  assert.equal(explained('022226000001').birthYear, 2026)
  assert.equal(explainNumber('022226000001', places, '2025-12-31').ok, false)
  for (const g of [4, 5, 6, 7]) assert.equal(explainNumber(`022${g}00000001`, places, TODAY).ok, false, `digit ${g}`)
})

test('numberFindings: nothing when the person agrees, or when nothing is known of them', () => {
  const e = explained('022190012345')
  assert.deepEqual(
    numberFindings(e, { sex: 'F', birthYear: 1990, birthRegistrationPlace: 'Xã Vạn Yên, huyện Vân Đồn, tỉnh Quảng Ninh' }, places),
    [],
  )
  assert.deepEqual(numberFindings(e, {}, places), [])
  assert.deepEqual(numberFindings(e, { sex: null, birthYear: null, birthRegistrationPlace: null }, places), [])
})

test('numberFindings: sex and birth year that disagree, with codes and both languages', () => {
  const e = explained('022090012345')
  const found = numberFindings(e, { sex: 'F', birthYear: 1991 }, places)
  assert.deepEqual(
    found.map((f) => [f.code, f.details]),
    [
      ['id-sex', { number: 'Nam', person: 'Nữ' }],
      ['id-birth-year', { number: 1990, person: 1991 }],
    ],
  )
  for (const f of found) assert.ok(f.message.vi && f.message.en)
  // the century counts: 2000 is not 1900
  assert.deepEqual(
    numberFindings(explained('022200012345'), { sex: 'M', birthYear: 1900 }, places).map((f) => f.details),
    [{ number: 2000, person: 1900 }],
  )
})

test('numberFindings: the registration province against the place of birth registration', () => {
  const qn = explained('022090012345')
  const [f] = numberFindings(qn, { birthRegistrationPlace: 'Phường Cửa Nam, Quận Hoàn Kiếm, Hà Nội' }, places)
  assert.equal(f?.code, 'id-birth-province')
  assert.deepEqual(f?.details, { number: '022', province: 'Quảng Ninh', person: 'Hà Nội' })
  assert.deepEqual(numberFindings(qn, { birthRegistrationPlace: 'quang ninh' }, places), [], 'diacritics do not count')
  assert.deepEqual(numberFindings(qn, { birthRegistrationPlace: '022' }, places), [], 'an ID place code')
  assert.equal(numberFindings(qn, { birthRegistrationPlace: '001' }, places)[0]?.code, 'id-birth-province')
  assert.deepEqual(numberFindings(qn, { birthRegistrationPlace: 'Trạm y tế xã' }, places), [], 'no province named: nothing to say')
  // provinces merged on 1 July 2025 count as one
  const haiDuong = explained('030090012345')
  assert.deepEqual(numberFindings(haiDuong, { birthRegistrationPlace: 'Thành phố Hải Phòng' }, places), [])
  assert.deepEqual(numberFindings(explained('031090012345'), { birthRegistrationPlace: 'Tỉnh Hải Dương' }, places), [])
  // a code that is no province, against a province
  const abroad = explained('704090012345')
  assert.deepEqual(numberFindings(abroad, { birthRegistrationPlace: 'Quảng Ninh' }, places)[0]?.details, {
    number: '704',
    province: null,
    person: 'Quảng Ninh',
  })
  assert.deepEqual(numberFindings(abroad, { birthRegistrationPlace: 'Cộng hòa Pháp' }, places), [])
})

test('provincesNamed reads whole words, aliases and place codes', () => {
  const names = (t: string) => provincesNamed(t, places).map((p) => p.code)
  assert.deepEqual(names('TP. Hồ Chí Minh'), ['079'])
  assert.deepEqual(names('TP HCM'), ['079'])
  assert.deepEqual(names('Huế'), ['046'])
  assert.deepEqual(names('Bà Rịa - Vũng Tàu'), ['077'])
  assert.deepEqual(names('Hậu Giang'), ['093'], 'not Hà Giang nor An Giang')
  assert.deepEqual(names('huyện Quảng Ninh, tỉnh Quảng Bình').sort(), ['022', '044'])
  assert.deepEqual(names('999'), [])
})
