import assert from 'node:assert/strict'
import { test } from 'node:test'
import { foldKey } from '../text/vietnamese.ts'
import { type CandidateUnit, hamletOf, parseAddress, resolveAddress } from './address.ts'
import { shortName } from './gazetteer.ts'

function unit(
  code: string,
  name: string,
  type: string,
  era: 2024 | 2025,
  parent: string | null,
  level: CandidateUnit['level'] = 'commune',
): CandidateUnit {
  const short = shortName(name, type)
  return {
    code,
    province_code: '22',
    name,
    type,
    level,
    era,
    valid_from: era === 2024 ? '-infinity' : '2025-07-01',
    valid_to: era === 2024 ? '2025-07-01' : 'infinity',
    parent_code: parent,
    short_name: short,
    short_fold_key: foldKey(short),
  }
}

const UNITS = [
  unit('22', 'Tỉnh Quảng Ninh', 'Tỉnh', 2025, null, 'province'),
  unit('31', 'Thành phố Hải Phòng', 'Thành phố Trung ương', 2025, null, 'province'),
  unit('34', 'Tỉnh Thái Bình', 'Tỉnh', 2024, null, 'province'),
  unit('193', 'Thành phố Hạ Long', 'Thành phố', 2024, '22', 'district'),
  unit('06664', 'Phường Hà Tu', 'Phường', 2024, '193'),
  unit('06652', 'Phường Hà Tu', 'Phường', 2025, '22'),
  unit('06688', 'Phường Hạ Long', 'Phường', 2025, '22'),
  unit('07012', 'Xã Hạ Long', 'Xã', 2024, '203'),
  unit('06742', 'Phường Hải Hoà', 'Phường', 2024, '194'),
]

test('parseAddress splits on commas and reads type words and abbreviations', () => {
  const parts = parseAddress('Số 12,  P.Hà Tu , TP. Hạ Long, T. Quảng Ninh')
  assert.deepEqual(
    parts.map((p) => [p.level, p.type, p.name]),
    [
      [undefined, undefined, 'Số 12'],
      ['commune', 'Phường', 'Hà Tu'],
      ['district', 'Thành phố', 'Hạ Long'],
      ['province', 'Tỉnh', 'Quảng Ninh'],
    ],
  )
  assert.deepEqual(
    parseAddress('thôn 3 xã Điền Xá huyện Vân Đồn').map((p) => p.text),
    ['thôn 3', 'xã Điền Xá', 'huyện Vân Đồn'],
  )
  assert.deepEqual(
    parseAddress('X. Hải Hoà; H. Tiên Yên').map((p) => [p.type, p.name]),
    [
      ['Xã', 'Hải Hoà'],
      ['Huyện', 'Tiên Yên'],
    ],
  )
})

test('a district in the text means the old era', () => {
  const r = resolveAddress('P. Hà Tu, TP Hạ Long', UNITS)
  assert.equal(r.candidates[0]?.code, '06664')
  assert.equal(r.ambiguous, false)
})

test('without a district both eras are candidates; the date decides', () => {
  const r = resolveAddress('Phường Hà Tu', UNITS)
  assert.equal(r.candidates.length, 2)
  assert.equal(r.ambiguous, true)
  const newer = resolveAddress('Phường Hà Tu', UNITS, '2026-03-01')
  assert.equal(newer.candidates[0]?.code, '06652')
  const older = resolveAddress('Phường Hà Tu', UNITS, '2024-03-01')
  assert.equal(older.candidates[0]?.code, '06664')
})

test('the type word separates same-named units; tones rank exact spellings first', () => {
  const r = resolveAddress('Xã Hạ Long', UNITS)
  assert.equal(r.candidates[0]?.code, '07012')
  const folded = resolveAddress('phuong hai hoa', UNITS)
  assert.equal(folded.candidates[0]?.code, '06742')
  const exact = resolveAddress('Phường Hải Hòa', UNITS)
  assert.ok((exact.candidates[0]?.confidence ?? 0) > (folded.candidates[0]?.confidence ?? 0))
})

test('what names no unit is returned as detail; another province gives nothing', () => {
  const r = resolveAddress('Số 5, tổ 3, khu 2, Phường Hà Tu, Thành phố Hạ Long, Tỉnh Quảng Ninh', UNITS)
  assert.equal(r.detail, 'Số 5, tổ 3, khu 2')
  const elsewhere = resolveAddress('Huyện An Lão, Thành phố Hải Phòng', UNITS)
  assert.deepEqual(
    elsewhere.candidates.map((c) => [c.code, c.level]),
    [['31', 'province']],
  )
  assert.equal(elsewhere.detail, 'Huyện An Lão')
  assert.equal(resolveAddress('Phường Hà Tu, Tỉnh Thái Bình', UNITS).candidates[0]?.code, '34')
  assert.equal(resolveAddress('TP Hạ Long', UNITS).candidates[0]?.code, '193')
  assert.deepEqual(resolveAddress('', UNITS).candidates, [])
})

test('hamletOf: the hamlet part of an address, a khu over its tổ, a tổ when that is all', () => {
  assert.equal(hamletOf('Thôn Đồng Cầu, xã Hải Hòa'), 'Thôn Đồng Cầu')
  assert.equal(hamletOf('Số 12, ngõ 4, đường Trần Phú, tổ 3, khu 5'), 'Khu 5')
  assert.equal(hamletOf('tổ 7'), 'Tổ 7')
  assert.equal(hamletOf('Khu 5, tổ 3, phường Hà Tu'), 'Khu 5', 'a khu named before its tổ')
  assert.equal(hamletOf('Khu phố  2'), 'Khu phố 2')
  assert.equal(hamletOf('bản Pắc Cáy, Bình Liêu'), 'Bản Pắc Cáy')
  assert.equal(hamletOf('Số 3 đường Lê Lợi'), null)
  assert.equal(hamletOf(null), null)
  // "Khu" alone names nothing; "khuôn" is no hamlet word.
  assert.equal(hamletOf('khu, khuôn viên'), null)
})
