import assert from 'node:assert/strict'
import { test } from 'node:test'
import { completeness, expectedFields } from './completeness.ts'
import { type Dc01Form, type Dc01Key, emptyForm } from './dc01.ts'
import { type Checked, checkForm, type Reference } from './validate.ts'

// Completeness does not depend on the reference: every unit and list value is accepted here.
const REF: Reference = {
  today: '2026-03-20',
  unitOn: (code) => ({ code, name: `Xã ${code}`, era: 2025, valid_from: '2025-07-01', level: 'commune' }),
  unitVersions: (code) => [{ code, name: `Xã ${code}`, era: 2025, valid_from: '2025-07-01', level: 'commune' }],
  successors: () => [],
  addressKnown: () => true,
  ethnicity: (text) => ({ code: '01', name: text }),
  religion: (text) => text,
  idProvinceKnown: () => true,
}

const ALWAYS: Dc01Key[] = [
  'full_name',
  'birth_date',
  'sex',
  'ethnicity',
  'religion',
  'nationality',
  'hometown',
  'birth_reg_place',
  'permanent_unit',
  'permanent_address',
  'current_unit',
  'current_address',
  'household_no',
  'relation_to_head',
]

/** A married man of 35, head of his household, every field filled. */
const ADULT: Dc01Form = {
  ...emptyForm(),
  form_no: 'HT-0001',
  collected_on: '10/03/2026',
  collecting_unit: '06652',
  full_name: 'Nguyễn Văn An',
  birth_date: '15/04/1990',
  sex: 'Nam',
  personal_id: '022090012345',
  old_id: '100234567',
  birth_reg_place: 'Phường Hà Phong, Thành phố Hạ Long, Tỉnh Quảng Ninh',
  hometown: 'Xã Hải Lạng, Huyện Tiên Yên, Tỉnh Quảng Ninh',
  ethnicity: 'Kinh',
  religion: 'Không',
  nationality: 'Việt Nam',
  blood_group: 'O+',
  marital_status: 'Đã kết hôn',
  permanent_unit: '06652',
  permanent_address: 'Tổ 5, Khu 3',
  current_unit: '06652',
  current_address: 'Tổ 5, Khu 3',
  occupation: 'Công nhân',
  father_name: 'Nguyễn Văn Bình',
  father_id: '022060001234',
  mother_name: 'Trần Thị Hoa',
  mother_id: '022162001234',
  spouse_name: 'Lê Thị Thúy',
  spouse_id: '022192004321',
  household_no: 'HK-0012',
  household_head_name: 'Nguyễn Văn An',
  household_head_id: '022090012345',
  relation_to_head: 'Chủ hộ',
  phone: '0912345678',
  email: 'an.nguyen@example.vn',
}

const checked = (changes: Partial<Dc01Form> = {}): Checked => checkForm({ ...ADULT, ...changes }, REF)
const expected = (changes: Partial<Dc01Form> = {}) => expectedFields(checked(changes))
const score = (changes: Partial<Dc01Form> = {}) => completeness(checked(changes))

/** A child's form: no ID, occupation, phone, marital status or spouse; a son of the head. */
const child = (birth_date: string, extra: Partial<Dc01Form> = {}): Partial<Dc01Form> => ({
  birth_date,
  personal_id: '',
  old_id: '',
  occupation: '',
  phone: '',
  email: '',
  marital_status: '',
  spouse_name: '',
  spouse_id: '',
  relation_to_head: 'Con',
  ...extra,
})

test('a complete married adult head of household scores 100', () => {
  const c = checked()
  assert.deepEqual(c.findings, [])
  assert.deepEqual(completeness(c), { score: 100, missing: [] })
  assert.deepEqual(expectedFields(c), [...ALWAYS, 'personal_id', 'occupation', 'phone', 'marital_status', 'spouse_name'])
})

test('an adult is not expected to give parents, e-mail or old ID', () => {
  const fields = expected()
  for (const k of ['father_name', 'mother_name', 'father_id', 'mother_id', 'email', 'old_id', 'blood_group', 'other_name'] as const) {
    assert.ok(!fields.includes(k), k)
  }
  assert.deepEqual(score({ father_name: '', mother_name: '', email: '', old_id: '', blood_group: '' }), { score: 100, missing: [] })
})

test('missing lists the expected fields left empty, in order', () => {
  const r = score({ ethnicity: '', phone: '', household_no: '   ', spouse_name: '' })
  assert.deepEqual(r.missing, ['ethnicity', 'household_no', 'phone', 'spouse_name'])
  assert.equal(r.score, Math.round((100 * 15) / 19))
  assert.equal(r.score, 79)
})

test('a value of only spaces counts as missing', () => {
  assert.deepEqual(score({ occupation: ' \t ' }).missing, ['occupation'])
})

test('score rounds to the nearest whole percent', () => {
  // 19 expected fields (married adult).
  assert.equal(score({ phone: '' }).score, 95) // 18/19 = 94.7
  assert.equal(score({ phone: '', occupation: '', religion: '' }).score, 84) // 16/19 = 84.2
  // 18 expected fields (single adult).
  const single = { marital_status: 'Chưa kết hôn', spouse_name: '', spouse_id: '' }
  assert.equal(expected(single).length, 18)
  assert.equal(score({ ...single, phone: '' }).score, 94) // 17/18 = 94.4
  assert.equal(score({ ...single, phone: '', occupation: '', religion: '' }).score, 83) // 15/18 = 83.3
  // 16 expected fields (newborn, head of nothing): 15/16 = 93.75 rounds up, not down.
  const newborn = child('01/02/2026', { relation_to_head: 'Chủ hộ' })
  assert.equal(expected(newborn).length, 16)
  assert.equal(score({ ...newborn, religion: '' }).score, 94)
})

test('an empty form scores 0 and misses every expected field', () => {
  const c = checkForm(emptyForm(), REF)
  const r = completeness(c)
  assert.equal(r.score, 0)
  assert.deepEqual(r.missing, expectedFields(c))
})

test('a newborn is not expected to have an ID, occupation, phone or marital status', () => {
  const form = child('01/02/2026')
  const fields = expected(form)
  for (const k of ['personal_id', 'occupation', 'phone', 'marital_status', 'spouse_name'] as const) assert.ok(!fields.includes(k), k)
  assert.deepEqual(fields, [...ALWAYS, 'father_name', 'mother_name', 'household_head_name'])
  assert.deepEqual(score(form), { score: 100, missing: [] })
})

test('the ID number is expected from the first birthday', () => {
  assert.ok(!expected(child('11/03/2025')).includes('personal_id')) // 364 days old
  assert.ok(expected(child('10/03/2025')).includes('personal_id')) // one year old that day
  assert.deepEqual(score(child('10/03/2025')).missing, ['personal_id'])
})

test('a child is expected to have father_name and mother_name', () => {
  const form = child('15/04/2016')
  assert.deepEqual(expected(form), [...ALWAYS, 'personal_id', 'father_name', 'mother_name', 'household_head_name'])
  const r = score({ ...form, personal_id: '022216012345', father_name: '', mother_name: '' })
  assert.deepEqual(r.missing, ['father_name', 'mother_name'])
  assert.equal(r.score, Math.round((100 * 16) / 18))
})

test('from 15 occupation and phone are expected, from 18 marital status and no longer the parents', () => {
  const at = (birth: string) => expected(child(birth, { personal_id: '022208012345' }))
  const fifteen = at('10/03/2011')
  assert.ok(fifteen.includes('occupation') && fifteen.includes('phone'))
  assert.ok(fifteen.includes('father_name') && fifteen.includes('mother_name'))
  assert.ok(!fifteen.includes('marital_status'))
  const fourteen = at('11/03/2011')
  assert.ok(!fourteen.includes('occupation') && !fourteen.includes('phone'))
  const eighteen = at('10/03/2008')
  assert.ok(eighteen.includes('marital_status'))
  assert.ok(!eighteen.includes('father_name') && !eighteen.includes('mother_name'))
  const seventeen = at('11/03/2008')
  assert.ok(!seventeen.includes('marital_status'))
  assert.ok(seventeen.includes('father_name') && seventeen.includes('mother_name'))
})

test('age counts on the collection day, not today', () => {
  // 18 on 10/03/2026 (collection), already 18 on today's date too; 17 if collected a day earlier.
  const form = child('10/03/2008', { personal_id: '022208012345' })
  assert.ok(expected(form).includes('marital_status'))
  assert.ok(!expected({ ...form, collected_on: '09/03/2026' }).includes('marital_status'))
})

test('with no readable age, the adult fields are expected and the parents are not', () => {
  for (const changes of [{ birth_date: 'abc' }, { birth_date: '31/02/1990' }, { birth_date: '' }, { collected_on: 'hôm qua' }]) {
    const fields = expected(changes)
    for (const k of ['personal_id', 'occupation', 'phone', 'marital_status'] as const)
      assert.ok(fields.includes(k), `${k} ${JSON.stringify(changes)}`)
    assert.ok(!fields.includes('father_name') && !fields.includes('mother_name'), JSON.stringify(changes))
  }
  // A missing birth date is itself missing.
  assert.deepEqual(score({ birth_date: '' }).missing, ['birth_date'])
})

test('a married person is expected to have spouse_name; others are not', () => {
  assert.ok(expected({ marital_status: 'Đã kết hôn' }).includes('spouse_name'))
  assert.ok(expected({ marital_status: 'da ket hon' }).includes('spouse_name'))
  assert.deepEqual(score({ spouse_name: '' }).missing, ['spouse_name'])
  for (const status of ['Chưa kết hôn', 'Ly hôn', 'Góa', '', 'Độc thân']) {
    assert.ok(!expected({ marital_status: status, spouse_name: '' }).includes('spouse_name'), status)
  }
})

test('a household member who is not the head is expected to have household_head_name', () => {
  for (const relation of ['Vợ', 'Con', 'Cha', 'Cháu', 'Khác', 'con dâu', 'Hàng xóm']) {
    assert.ok(expected({ relation_to_head: relation }).includes('household_head_name'), relation)
  }
  assert.deepEqual(score({ relation_to_head: 'Vợ', household_head_name: '' }).missing, ['household_head_name'])
  for (const relation of ['Chủ hộ', 'chu ho', 'CHỦ HỘ']) {
    assert.ok(!expected({ relation_to_head: relation }).includes('household_head_name'), relation)
  }
  // Without a relation, the relation itself is what is missing.
  const none = score({ relation_to_head: '', household_head_name: '' })
  assert.deepEqual(none.missing, ['relation_to_head'])
})

test('completeness counts filled fields, whatever their validity', () => {
  // Checking is validation's job: a filled but wrong value is not "missing".
  const c = checked({ phone: '123', ethnicity: 'Kinhh', sex: 'x' })
  assert.ok(c.hasError)
  assert.deepEqual(completeness(c), { score: 100, missing: [] })
})
