// `coso id explain`: the personal ID number through the CLI; no database involved.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { ROOT, runCli } from './helpers.ts'

async function explainJson(number: string) {
  const r = await runCli(['id', 'explain', number, '--json'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stderr, '')
  return JSON.parse(r.stdout)
}

test('a Quảng Ninh number: province, sex, birth year and century for tools', async () => {
  assert.deepEqual(await explainJson('022090012345'), {
    number: '022090012345',
    province: 'Quảng Ninh',
    province_code: '022',
    province_2025: 'Quảng Ninh',
    province_2025_code: '22',
    sex: 'Nam',
    birth_year: 1990,
    century: 20,
    century_digit: 0,
    serial: '012345',
    note: null,
  })
})

test('a Hà Nội number of a woman born in 2005, typed in groups', async () => {
  const j = await explainJson('001 305 000 001')
  assert.equal(j.number, '001305000001')
  assert.equal(j.province, 'Hà Nội')
  assert.equal(j.province_code, '001')
  assert.equal(j.sex, 'Nữ')
  assert.equal(j.birth_year, 2005)
  assert.equal(j.century, 21)
})

test('a province merged on 1 July 2025 says where it belongs now', async () => {
  const j = await explainJson('030190000001')
  assert.equal(j.province, 'Hải Dương')
  assert.equal(j.province_2025, 'Hải Phòng')
})

test('an unknown place code is explained as unknown, not refused', async () => {
  const j = await explainJson('704090012345')
  assert.equal(j.province, null)
  assert.equal(j.province_code, '704')
  assert.equal(j.sex, 'Nam')
  assert.equal(j.birth_year, 1990)
  assert.match(j.note.en, /abroad/)
  assert.match(j.note.vi, /nước ngoài/)
  const human = await runCli(['id', 'explain', '704090012345'])
  assert.equal(human.code, 0)
  assert.match(human.stdout, /704 — không rõ/)
})

test('the human output: one line per fact, in Vietnamese and English', async () => {
  const r = await runCli(['id', 'explain', '022190012345'])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  assert.deepEqual(lines, [
    'Số định danh / ID number: 022190012345',
    'Nơi đăng ký khai sinh / Birth registered in: Quảng Ninh (022)',
    'Giới tính / Sex: Nữ / female',
    'Năm sinh / Birth year: 1990',
    'Thế kỷ / Century: 20 (1900–1999), mã 1 / digit 1',
    'Số ngẫu nhiên / Random digits: 012345',
  ])
})

test('a number that cannot be valid: non-zero exit, the reason on stderr in both languages, nothing on stdout', async () => {
  const cases: [string, RegExp, RegExp][] = [
    ['022299000001', /năm sinh theo số định danh là 2099/i, /birth year is 2099, after this year/],
    ['02209001234', /12 chữ số; số này có 11/, /has 12 digits; this one has 11/],
    ['02209001234a', /chỉ gồm chữ số/, /digits only/],
    ['abcdefghijkl', /chỉ gồm chữ số/, /digits only/],
  ]
  for (const [number, vi, en] of cases) {
    for (const flags of [[], ['--json']]) {
      const r = await runCli(['id', 'explain', number, ...flags])
      assert.equal(r.code, 1, `${number} ${flags}`)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, vi, number)
      assert.match(r.stderr, en, number)
    }
  }
})

test('explaining needs no database: no data directory is made', async () => {
  const r = await runCli(['id', 'explain', '022090012345'], { env: { COSO_DATA: join(ROOT, '.coso-test', 'id-explain-no-db') } })
  assert.equal(r.code, 0, r.stderr)
  assert.equal(existsSync(join(ROOT, '.coso-test', 'id-explain-no-db')), false)
})
