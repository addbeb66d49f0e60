import assert from 'node:assert/strict'
import { test } from 'node:test'
import { eraDate, eraOf, isIsoDate, openDate, today } from './eras.ts'

test('the era of a date turns on 1 July 2025', () => {
  assert.equal(eraOf('2025-06-30'), 2024)
  assert.equal(eraOf('2025-07-01'), 2025)
})

test('a bare era stands for its last day, or today for the current one', () => {
  assert.equal(eraDate(2024), '2025-06-30')
  assert.equal(eraDate(2025, new Date('2026-03-04T12:00:00Z')), '2026-03-04')
  assert.equal(eraDate(2025, new Date('2025-01-01T00:00:00Z')), '2025-07-01')
})

test('today is the date in Vietnam (UTC+7)', () => {
  assert.equal(today(new Date('2026-01-01T16:59:00Z')), '2026-01-01')
  assert.equal(today(new Date('2026-01-01T17:00:00Z')), '2026-01-02')
})

test('isIsoDate rejects impossible dates', () => {
  assert.ok(isIsoDate('2024-02-29'))
  assert.ok(!isIsoDate('2025-02-29'))
  assert.ok(!isIsoDate('2025-13-01'))
  assert.ok(!isIsoDate('01/02/2025'))
})

test('openDate turns infinities into null', () => {
  assert.equal(openDate('-infinity'), null)
  assert.equal(openDate('infinity'), null)
  assert.equal(openDate('2025-07-01'), '2025-07-01')
})
