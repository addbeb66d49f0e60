import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compareNames, formatBillions, formatDate, formatNumber } from './format.ts'

test('dates at their precision, numbers and money the Vietnamese way', () => {
  assert.equal(formatDate('1950-03-07'), '07/03/1950')
  assert.equal(formatDate('1950-03'), '03/1950')
  assert.equal(formatDate('1950'), '1950')
  assert.equal(formatDate(null), '')
  assert.equal(formatNumber(1234567), '1.234.567')
  assert.equal(formatBillions(12_500_000_000), '12,5 tỷ đồng')
})

test('people sort by given name, then middle, then family, in Vietnamese order (tones after letters)', () => {
  const names = ['Trần Văn Đức', 'Nguyễn Thị Ánh', 'Lê Văn Dũng', 'Phạm Thị Ân', 'Nguyễn Văn An', 'Bùi Ăn', 'Đỗ Thị Anh']
  assert.deepEqual([...names].sort(compareNames), [
    'Nguyễn Văn An',
    'Đỗ Thị Anh',
    'Nguyễn Thị Ánh',
    'Bùi Ăn',
    'Phạm Thị Ân',
    'Lê Văn Dũng',
    'Trần Văn Đức',
  ])
})
