import assert from 'node:assert/strict'
import { test } from 'node:test'
import { canonicalTone, collapseSpaces, exactKey, foldKey, nameCase, nfc, repairMojibake, toneKey } from './vietnamese.ts'

test('nfc joins decomposed letters', () => {
  const nfd = 'Nguyễn'.normalize('NFD')
  assert.notEqual(nfd, 'Nguyễn')
  assert.equal(nfc(nfd), 'Nguyễn')
})

test('collapseSpaces trims and joins runs of any whitespace', () => {
  assert.equal(collapseSpaces('  Nguyễn\u00a0 Văn\t\nAn\u200b '), 'Nguyễn Văn An')
})

test('canonicalTone moves marks to the traditional placement', () => {
  const cases: [string, string][] = [
    ['hoà', 'hòa'],
    ['Hải Hoà', 'Hải Hòa'],
    ['thuý', 'thúy'],
    ['khoẻ', 'khỏe'],
    ['HOÀ', 'HÒA'],
    ['Thuỷ', 'Thủy'],
    ['hoàng', 'hoàng'], // closed syllable: last vowel
    ['Hòang', 'Hoàng'],
    ['quý', 'quý'], // qu: u is part of the consonant
    ['qúy', 'quý'],
    ['giá', 'giá'],
    ['gìa', 'già'],
    ['người', 'người'], // ươ: on ơ
    ['nguòi', 'nguòi'], // not a real word, but stable
    ['tuyết', 'tuyết'],
    ['khuỷu', 'khuỷu'],
    ['ngoáy', 'ngoáy'],
    ['mía', 'mía'],
    ['Nguyễn Văn Đức', 'Nguyễn Văn Đức'],
  ]
  for (const [input, expected] of cases) assert.equal(canonicalTone(input), expected, input)
})

test('canonicalTone accepts NFD input and leaves non-words alone', () => {
  assert.equal(canonicalTone('hoà'.normalize('NFD')), 'hòa')
  assert.equal(canonicalTone('06652, P. Hà Tu'), '06652, P. Hà Tu')
})

test('toneKey is shared by both placements and keeps vowel shapes', () => {
  assert.equal(toneKey('Hoà'), toneKey('hòa'))
  assert.equal(toneKey('hòa'), 'hoa2')
  assert.notEqual(toneKey('hà'), toneKey('hạ'))
  assert.equal(toneKey('Đức'), 'đưc1')
})

test('foldKey drops every mark and maps đ to d', () => {
  assert.equal(foldKey('Nguyễn Văn Đức'), 'nguyen van duc')
  assert.equal(foldKey('HẠ LONG'), 'ha long')
  assert.equal(foldKey('P. Hà-Tu,  TP Hạ Long'), 'p ha tu tp ha long')
})

test('exactKey ignores case and tone placement but not tones', () => {
  assert.equal(exactKey('Hải Hoà'), exactKey('HẢI HÒA'))
  assert.notEqual(exactKey('Hà'), exactKey('Hạ'))
})

test('nameCase capitalises each word', () => {
  assert.equal(nameCase('NGUYỄN VĂN AN'), 'Nguyễn Văn An')
  assert.equal(nameCase('  trần   thị   thu  hà '), 'Trần Thị Thu Hà')
  assert.equal(nameCase('ĐẶNG ĐÌNH'), 'Đặng Đình')
})

test('repairMojibake undoes UTF-8 read as Windows-1252, and only that', () => {
  const broken = (s: string) =>
    [...Buffer.from(s, 'utf8')]
      .map((b) => (b >= 0x80 && b <= 0x9f ? '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ'[b - 0x80] : String.fromCharCode(b)))
      .join('')
  for (const s of ['Nguyễn Văn Đức', 'Nữ', 'Đã kết hôn', 'Xã Đồng Văn, Huyện Bình Liêu', 'Chủ hộ']) {
    assert.notEqual(broken(s), s)
    assert.equal(repairMojibake(broken(s)), s, s)
  }
  assert.equal(repairMojibake('Nguyễn Văn Đức'), undefined)
  assert.equal(repairMojibake('Ãn'), undefined)
  assert.equal(repairMojibake('plain ascii'), undefined)
})
