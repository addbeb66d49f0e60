import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildGazetteer, shortName } from './gazetteer.ts'
import { readSeed } from './seed.ts'

const { units, successions } = buildGazetteer(readSeed().files)
const valid = (on: string) => units.filter((u) => u.valid_from <= on && on < u.valid_to)

test('shortName drops the type word', () => {
  assert.equal(shortName('Phường Hà Tu', 'Phường'), 'Hà Tu')
  assert.equal(shortName('Thành phố Hà Nội', 'Thành phố Trung ương'), 'Hà Nội')
  assert.equal(shortName('Đặc khu Vân Đồn', 'Đặc khu'), 'Vân Đồn')
  assert.equal(shortName('Tỉnh Quảng Ninh', 'Tỉnh'), 'Quảng Ninh')
})

test('three periods of Quảng Ninh communes', () => {
  const communes = (on: string) => valid(on).filter((u) => u.level === 'commune' && u.province_code === '22').length
  assert.equal(communes('2024-10-31'), 177)
  assert.equal(communes('2024-11-01'), 171)
  assert.equal(communes('2025-07-01'), 54)
  assert.equal(valid('2025-06-30').filter((u) => u.level === 'district').length, 13)
  assert.equal(valid('2025-07-01').filter((u) => u.level === 'district').length, 0)
})

test('no two units share a code on any day', () => {
  for (const on of ['2024-01-01', '2024-11-01', '2025-06-30', '2025-07-01', '2030-01-01']) {
    const codes = valid(on).map((u) => u.code)
    assert.equal(new Set(codes).size, codes.length, on)
  }
})

test('every succession points at units that exist; every 2024 commune has a successor', () => {
  const keys = new Set(units.map((u) => `${u.code}@${u.valid_from}`))
  for (const s of successions) {
    assert.ok(keys.has(`${s.from_code}@${s.from_valid_from}`), `from ${s.from_code}`)
    assert.ok(keys.has(`${s.to_code}@${s.to_valid_from}`), `to ${s.to_code}`)
  }
  const communes2024 = valid('2025-06-30').filter((u) => u.level === 'commune' && u.province_code === '22')
  for (const c of communes2024)
    assert.ok(
      successions.some((s) => s.from_code === c.code && s.from_valid_from === c.valid_from),
      c.code,
    )
  const parts = successions.filter((s) => s.from_code === '06886' && s.to_valid_from === '2025-07-01')
  assert.deepEqual(parts.map((s) => [s.to_code, s.portion]).sort(), [
    ['06799', 'part'],
    ['06886', 'part'],
    ['06970', 'part'],
  ])
  assert.equal(successions.filter((s) => s.from_code === '06682').length, 0, 'Yết Kiêu: successor unknown')
})
