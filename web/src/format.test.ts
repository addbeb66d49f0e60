import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatDate, formatMoney, formatNumber, formatPercent, formatWeight } from './format.ts'

test('dates at their precision and numbers the Vietnamese way', () => {
  assert.equal(formatDate('1950-03-07'), '07/03/1950')
  assert.equal(formatDate('1950-03'), '03/1950')
  assert.equal(formatDate('1950'), '1950')
  assert.equal(formatDate(null), '')
  assert.equal(formatNumber(1234567), '1.234.567')
})

test('amounts in đồng read in tỷ and triệu, with a decimal comma', () => {
  assert.equal(formatMoney(12_500_000_000), '12,5 tỷ đồng')
  assert.equal(formatMoney(1_234_567_890), '1,23 tỷ đồng')
  assert.equal(formatMoney(350_000_000), '350 triệu đồng')
  assert.equal(formatMoney(900_000), '900.000 đồng')
  assert.equal(formatMoney(-2_000_000_000), '-2 tỷ đồng')
  assert.equal(formatMoney(12_500_000_000, 'en'), '12,5 billion đồng')
})

test('probabilities as percentages and weights with their sign, with a decimal comma', () => {
  assert.equal(formatPercent(0.991), '99,1%')
  assert.equal(formatPercent(0.4), '40%')
  assert.equal(formatPercent(0.99996), '99,9%')
  assert.equal(formatPercent(1), '100%')
  assert.equal(formatWeight(5.166), '+5,2')
  assert.equal(formatWeight(-3.314), '-3,3')
  assert.equal(formatWeight(0), '0,0')
})
