import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatDate, formatNumber } from './format.ts'

test('dates at their precision and numbers the Vietnamese way', () => {
  assert.equal(formatDate('1950-03-07'), '07/03/1950')
  assert.equal(formatDate('1950-03'), '03/1950')
  assert.equal(formatDate('1950'), '1950')
  assert.equal(formatDate(null), '')
  assert.equal(formatNumber(1234567), '1.234.567')
})
