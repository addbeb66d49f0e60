import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  ageOnDay,
  ageRange,
  type BirthDate,
  birthdayAt,
  cardExpiry,
  cardValidOn,
  mayHaveCard,
  needsBiometrics,
  needsCard,
  nextRenewal,
  possibleBirthDays,
} from './validity.ts'

const born = (text: string): BirthDate => {
  const [y, m, d] = text.split('-').map(Number)
  return { year: y as number, month: m ?? null, day: d ?? null }
}
const B = born('2000-06-15')

test('acceptance: a card issued 18 months before its holder turns 25 is valid until the holder turns 40', () => {
  assert.equal(cardExpiry(B, '2023-12-15'), '2040-06-15')
  assert.equal(cardValidOn(B, '2023-12-15', '2030-01-01'), true)
  assert.equal(cardValidOn(B, '2023-12-15', '2040-06-15'), true)
  assert.equal(cardValidOn(B, '2023-12-15', '2040-06-16'), false)
})

test('acceptance: an application for a 5-year-old skips biometrics', () => {
  const child = born('2021-03-10')
  assert.equal(needsBiometrics(child, '2026-11-27'), false) // 5
  assert.equal(needsBiometrics(child, '2027-03-09'), false) // the day before turning 6
  assert.equal(needsBiometrics(child, '2027-03-10'), true) // 6 that day
  assert.equal(mayHaveCard(child, '2026-11-27'), true)
  assert.equal(needsCard(child, '2026-11-27'), false)
})

test('a card issued before the 2 years expires at the renewal age; exactly 2 years before is within them', () => {
  assert.equal(cardExpiry(B, '2023-06-14'), '2025-06-15') // 2 years and a day before
  assert.equal(cardExpiry(B, '2023-06-15'), '2040-06-15') // the 23rd birthday: exactly 2 years before
  assert.equal(cardExpiry(B, '2025-06-14'), '2040-06-15') // the day before turning 25
  assert.equal(cardExpiry(B, '2016-01-01'), '2025-06-15') // at 15
})

test('a card issued on the birthday is issued at that age', () => {
  assert.equal(cardExpiry(B, '2025-06-15'), '2040-06-15') // turning 25
  assert.equal(cardExpiry(B, '2014-06-15'), '2025-06-15') // turning 14
  assert.equal(cardExpiry(B, '2040-06-15'), '2060-06-15') // turning 40
  assert.equal(cardExpiry(B, '2038-06-15'), '2060-06-15') // 38: within the 2 years before 40
})

test('a card issued at 60 or later, or within the 2 years before 60, does not expire', () => {
  const old = born('1950-04-01')
  assert.equal(cardExpiry(old, '2010-04-01'), null) // turning 60
  assert.equal(cardExpiry(old, '2025-07-01'), null) // at 75
  assert.equal(cardExpiry(old, '2008-04-01'), null) // 58: no renewal age after 60
  assert.equal(cardExpiry(old, '2008-03-31'), '2010-04-01') // the day before turning 58
  assert.equal(cardValidOn(old, '2025-07-01', '2100-01-01'), true)
})

test('cards under 14: expire at 14, or at 25 when issued within the 2 years before 14', () => {
  const child = born('2015-01-10')
  assert.equal(cardExpiry(child, '2015-02-01'), '2029-01-10')
  assert.equal(cardExpiry(child, '2027-01-09'), '2029-01-10')
  assert.equal(cardExpiry(child, '2027-01-10'), '2040-01-10') // the 12th birthday
  assert.throws(() => cardExpiry(child, '2014-12-31'), RangeError)
  assert.equal(cardValidOn(child, '2015-02-01', '2015-01-31'), false) // before it was issued
})

test('born on 29 February: the birthday is 28 February in other years', () => {
  const leap = born('2004-02-29')
  assert.equal(birthdayAt('2004-02-29', 14), '2018-02-28')
  assert.equal(birthdayAt('2004-02-29', 40), '2044-02-29')
  assert.equal(ageOnDay('2004-02-29', '2018-02-27'), 13)
  assert.equal(ageOnDay('2004-02-29', '2018-02-28'), 14)
  assert.equal(cardExpiry(leap, '2024-03-01'), '2029-02-28') // at 20: expires turning 25
  assert.equal(cardExpiry(leap, '2027-02-28'), '2044-02-29') // the 23rd birthday, exactly 2 years before 25
  assert.equal(cardExpiry(leap, '2027-02-27'), '2029-02-28')
  assert.equal(needsCard(leap, '2018-02-27'), false)
  assert.equal(needsCard(leap, '2018-02-28'), true)
})

test('partial birth dates: the earliest expiry any possible birth day gives', () => {
  assert.equal(possibleBirthDays({ year: 1999, month: null, day: null }).length, 365)
  assert.equal(possibleBirthDays({ year: 2000, month: 2, day: null }).length, 29)
  // born in 1999: born 1999-03-01 or before, the card issued on 2022-03-01 is within the 2 years
  // before 25 (valid to 40); born 1999-03-02, it is not, and expires on 2024-03-02.
  assert.equal(cardExpiry({ year: 1999, month: null, day: null }, '2022-03-01'), '2024-03-02')
  assert.equal(cardExpiry({ year: 1999, month: 3, day: null }, '2022-03-01'), '2024-03-02')
  assert.equal(cardExpiry({ year: 1999, month: 2, day: null }, '2022-03-01'), '2039-02-01')
  assert.equal(cardExpiry({ year: 1999, month: null, day: null }, '2019-06-01'), '2024-01-01')
  // a card issued during the birth year counts only the days born by then
  assert.equal(cardExpiry({ year: 2020, month: null, day: null }, '2020-01-05'), '2034-01-01')
  assert.equal(cardExpiry({ year: 1950, month: null, day: null }, '2009-06-01'), null) // 58 or 59: no expiry either way
  assert.equal(cardExpiry({ year: 1950, month: null, day: null }, '2007-06-01'), '2010-01-01') // 56 or 57
})

test('partial birth dates: a card is needed as soon as the person may be 14; biometrics only when surely 6', () => {
  const y = { year: 2012, month: null, day: null }
  assert.deepEqual(ageRange(y, '2026-06-01'), { min: 13, max: 14 })
  assert.equal(needsCard(y, '2025-12-31'), false)
  assert.equal(needsCard(y, '2026-01-01'), true)
  const small = { year: 2020, month: 7, day: null }
  assert.equal(needsBiometrics(small, '2026-07-01'), false) // 6 only if born on 1 July
  assert.equal(needsBiometrics(small, '2026-07-30'), false)
  assert.equal(needsBiometrics(small, '2026-07-31'), true)
  assert.equal(mayHaveCard(small, '2020-06-30'), false)
  assert.equal(mayHaveCard(small, '2020-07-01'), true)
})

test('nextRenewal: the next renewal age on or after a day, none after 60', () => {
  assert.deepEqual(nextRenewal(B, '2026-11-27'), { age: 40, date: '2040-06-15' })
  assert.deepEqual(nextRenewal(B, '2025-06-15'), { age: 25, date: '2025-06-15' })
  assert.deepEqual(nextRenewal(B, '2025-06-16'), { age: 40, date: '2040-06-15' })
  assert.deepEqual(nextRenewal(B, '2005-01-01'), { age: 14, date: '2014-06-15' })
  assert.equal(nextRenewal(born('1950-04-01'), '2026-11-27'), null)
  assert.deepEqual(nextRenewal({ year: 1986, month: null, day: null }, '2026-06-01'), { age: 40, date: '2026-06-01' })
  assert.deepEqual(nextRenewal(born('2004-02-29'), '2026-01-01'), { age: 25, date: '2029-02-28' })
})
