import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renewalWindows } from './due.ts'
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
