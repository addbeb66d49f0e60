import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { foldKey } from '../text/vietnamese.ts'
import { type Dc01Form, emptyForm } from './dc01.ts'
import { type Details, type Finding, finding, findingMessage, RULES, type RuleCode } from './rules.ts'
import { type Checked, checkForm, cleanForm, codeList, MAX_VALUE_LENGTH, type Reference, type UnitRef } from './validate.ts'

// ---- A small reference built from real Quảng Ninh units and the real reference lists ----

const seed = (path: string) =>
  parse(readFileSync(new URL(`../../seed/${path}`, import.meta.url), 'utf8'), { columns: true }) as Record<string, string>[]

interface TestUnit extends UnitRef {
  /** Exclusive end; 'infinity' when still in force. */
  valid_to: string
}

const unit = (code: string, name: string, era: number, valid_from: string, valid_to: string, level = 'commune'): TestUnit => ({
  code,
  name,
  era,
  valid_from,
  valid_to,
  level,
})

const REFORM = '2025-07-01'
const NOV_2024 = '2024-11-01'
// Sorted by valid_from within a code, as unitVersions returns them.
const UNITS: TestUnit[] = [
  unit('06652', 'Phường Hà Phong', 2024, '-infinity', REFORM),
  unit('06652', 'Phường Hà Tu', 2025, REFORM, 'infinity'),
  unit('06664', 'Phường Hà Tu', 2024, '-infinity', REFORM),
  unit('06655', 'Phường Hà Khẩu', 2024, '-infinity', REFORM),
  unit('06682', 'Phường Yết Kiêu', 2024, '-infinity', NOV_2024), // dissolved by NQ 1199, no successor listed
  unit('06799', 'Xã Cộng Hòa', 2024, '-infinity', NOV_2024),
  unit('06799', 'Xã Hải Hòa', 2024, NOV_2024, REFORM),
  unit('06799', 'Xã Hải Hòa', 2025, REFORM, 'infinity'),
  unit('06886', 'Xã Hải Lạng', 2024, '-infinity', REFORM),
  unit('06886', 'Xã Hải Lạng', 2025, REFORM, 'infinity'),
  unit('06970', 'Thị trấn Ba Chẽ', 2024, '-infinity', REFORM),
  unit('06970', 'Xã Ba Chẽ', 2025, REFORM, 'infinity'),
  unit('06661', 'Phường Việt Hưng', 2025, REFORM, 'infinity'),
  unit('06706', 'Phường Tuần Châu', 2025, REFORM, 'infinity'),
  unit('193', 'Thành phố Hạ Long', 2024, '-infinity', REFORM, 'district'),
]

type Successor = { code: string; name: string; portion: string }
const s = (code: string, name: string, portion: 'whole' | 'part'): Successor => ({ code, name, portion })
// From seed/geo/qn-merge-2025.csv (and qn-changes-2024-11.csv for 06799).
const SUCCESSORS = new Map<string, Successor[]>([
  ['06652@-infinity', [s('06652', 'Phường Hà Tu', 'whole')]],
  ['06664@-infinity', [s('06652', 'Phường Hà Tu', 'whole')]],
  ['06655@-infinity', [s('06661', 'Phường Việt Hưng', 'part'), s('06706', 'Phường Tuần Châu', 'part')]],
  ['06682@-infinity', []],
  ['06799@2024-11-01', [s('06799', 'Xã Hải Hòa', 'part'), s('06886', 'Xã Hải Lạng', 'part')]],
  ['06886@-infinity', [s('06799', 'Xã Hải Hòa', 'part'), s('06886', 'Xã Hải Lạng', 'part'), s('06970', 'Xã Ba Chẽ', 'part')]],
  ['06970@-infinity', [s('06970', 'Xã Ba Chẽ', 'whole')]],
])

const ETHNIC = seed('reference/ethnic-groups.csv')
type Ethnicity = { code: string; name: string }
// Other names first: they are less authoritative, and a later entry overrides an earlier one.
const ethnicEntries: [string, Ethnicity][] = []
for (const r of ETHNIC) {
  for (const other of (r.other_names ?? '').split(';')) {
    if (other.trim()) ethnicEntries.push([other.trim(), { code: r.code as string, name: r.name as string }])
  }
}
for (const r of ETHNIC) ethnicEntries.push([r.name as string, { code: r.code as string, name: r.name as string }])
for (const r of ETHNIC) ethnicEntries.push([r.code as string, { code: r.code as string, name: r.name as string }])

const RELIGIONS = seed('reference/religions.csv').map((r) => r.name as string)
const ID_PROVINCES = new Set(seed('reference/id-province-codes.csv').map((r) => r.id_code as string))

const TODAY = '2026-03-20'

function makeRef(overrides: Partial<Reference> = {}): Reference {
  return {
    today: TODAY,
    unitOn: (code, date) => UNITS.find((u) => u.code === code && u.valid_from <= date && (u.valid_to === 'infinity' || date < u.valid_to)),
    unitVersions: (code) => UNITS.filter((u) => u.code === code),
    successors: (code, validFrom) => SUCCESSORS.get(`${code}@${validFrom}`) ?? [],
    addressKnown: (text) => UNITS.some((u) => foldKey(text).includes(foldKey(u.name))),
    ethnicity: codeList(ethnicEntries),
    religion: codeList([...RELIGIONS.map((r): [string, string] => [r, r]), ['Không', 'Không']]),
    idProvinceKnown: (code) => ID_PROVINCES.has(code),
    ...overrides,
  }
}
const REF = makeRef()

// ---- A clean form: a married adult man, head of his household in Phường Hà Tu ----

const CLEAN: Dc01Form = {
  ...emptyForm(),
  form_no: 'HT-0001',
  collected_on: '10/03/2026',
  collecting_unit: '06652',
  full_name: 'Nguyễn Văn An',
  birth_date: '15/04/1990',
  sex: 'Nam',
  personal_id: '022090012345', // 022 Quảng Ninh, 0 = man born 19xx, 90
  old_id: '100234567',
  birth_reg_place: 'Phường Hà Phong, Thành phố Hạ Long, Tỉnh Quảng Ninh',
  hometown: '06664',
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
  father_id: '022060001234', // man, 1960
  mother_name: 'Trần Thị Hoa',
  mother_id: '022162001234', // woman, 1962
  spouse_name: 'Lê Thị Thúy',
  spouse_id: '022192004321', // woman, 1992
  household_no: 'HK-0012',
  household_head_name: 'Nguyễn Văn An',
  household_head_id: '022090012345',
  relation_to_head: 'Chủ hộ',
  phone: '0912345678',
  email: 'an.nguyen@example.vn',
}

/** The keys a rule's message reads from its details. */
function keysRead(rule: RuleCode): string[] {
  const read = new Set<string>()
  const details = new Proxy({} as Details, {
    get: (_target, key) => {
      if (typeof key === 'string') read.add(key)
      return undefined
    },
  })
  findingMessage({ rule, details })
  return [...read]
}

/** Every finding has a message in both languages, fed by details that are there. */
function assertMessages(findings: Finding[]) {
  for (const f of findings) {
    const m = findingMessage(f)
    assert.ok(m.vi.trim() && m.en.trim(), `${f.rule}: both languages`)
    assert.doesNotMatch(`${m.vi} ${m.en}`, /undefined|null|\[object/, f.rule)
    for (const key of keysRead(f.rule)) assert.ok(key in f.details, `${f.rule}: message reads "${key}", details lack it`)
  }
}

function check(changes: Partial<Dc01Form> = {}, ref: Reference = REF): Checked {
  const c = checkForm({ ...CLEAN, ...changes }, ref)
  assertMessages(c.findings)
  return c
}

const rules = (c: Checked) => c.findings.map((f) => f.rule).sort()
const only = (c: Checked, rule: RuleCode): Finding => {
  assert.deepEqual(rules(c), [rule])
  return c.findings[0] as Finding
}

// ---- The reference itself (so the tests below stand on real data) ----

test('test reference: real seed lists, units chosen by date', () => {
  assert.equal(ETHNIC.length, 54)
  assert.ok(ID_PROVINCES.has('022') && ID_PROVINCES.has('001') && !ID_PROVINCES.has('003'))
  assert.equal(REF.unitOn('06652', '2025-06-30')?.name, 'Phường Hà Phong')
  assert.equal(REF.unitOn('06652', REFORM)?.name, 'Phường Hà Tu')
  assert.equal(REF.unitOn('06664', '2025-06-30')?.name, 'Phường Hà Tu')
  assert.equal(REF.unitOn('06664', REFORM), undefined)
})

// ---- Clean forms ----

test('a clean form has no findings', () => {
  const c = check()
  assert.deepEqual(c.findings, [])
  assert.equal(c.hasError, false)
  assert.equal(c.collectedOn, '2026-03-10')
  assert.equal(c.era, 2025)
})

test('a clean form of the 2024 era, with 2024 codes, has no findings', () => {
  const c = check({ collected_on: '15/03/2025', collecting_unit: '06664', permanent_unit: '06664', current_unit: '06652' })
  assert.deepEqual(c.findings, [])
  assert.equal(c.era, 2024)
})

test('a code the 2025 unit kept (06886 Xã Hải Lạng) is valid in both eras', () => {
  assert.deepEqual(check({ collected_on: '15/03/2025', collecting_unit: '06886' }).findings, [])
  assert.deepEqual(check({ collected_on: '15/03/2026', collecting_unit: '06886' }).findings, [])
})

test('a 2024 code is in force until 30/06/2025 and out of force from 01/07/2025', () => {
  assert.deepEqual(check({ collected_on: '30/06/2025', collecting_unit: '06664' }).findings, [])
  const after = check({ collected_on: '01/07/2025', collecting_unit: '06664' })
  assert.equal(only(after, 'unit-wrong-era').details.on, '2025-07-01')
  assert.equal(after.era, 2025)
})

// ---- The acceptance case ----

test('acceptance: wrong century digit, 31/02/1990 and a pre-2025 unit give exactly three findings', () => {
  const c = check({ collected_on: '10/03/2026', personal_id: '022290012345', birth_date: '31/02/1990', collecting_unit: '06664' })
  const byRule = new Map(c.findings.map((f) => [f.rule, f]))
  assert.equal(c.findings.length, 3)
  assert.deepEqual(rules(c), ['birth-date-impossible', 'id-century-sex', 'unit-wrong-era'])
  assert.equal(byRule.get('birth-date-impossible')?.severity, 'error')
  assert.equal(byRule.get('birth-date-impossible')?.field, 'birth_date')
  assert.equal(byRule.get('id-century-sex')?.severity, 'warning')
  assert.deepEqual(byRule.get('id-century-sex')?.details, { found: 2, expected: 0 })
  const era = byRule.get('unit-wrong-era') as Finding
  assert.equal(era.severity, 'warning')
  assert.equal(era.field, 'collecting_unit')
  const m = findingMessage(era)
  assert.match(m.vi, /06652 Phường Hà Tu/)
  assert.match(m.en, /06652 Phường Hà Tu/)
  assert.match(m.vi, /06664/)
  assert.equal(c.hasError, true)
  assert.equal(c.person.birth, null)
  assert.equal(c.person.birth_iso, null)
})

// ---- Errors, each alone ----

const ERROR_CASES: [string, Partial<Dc01Form>, RuleCode, string][] = [
  ['name missing', { full_name: '' }, 'name-missing', 'full_name'],
  ['name only spaces', { full_name: '  \u00a0 ' }, 'name-missing', 'full_name'],
  ['birth date missing', { birth_date: '' }, 'birth-date-missing', 'birth_date'],
  ['birth date unreadable', { birth_date: 'mười lăm tháng tư' }, 'birth-date-unreadable', 'birth_date'],
  ['birth date impossible', { birth_date: '31/02/1990' }, 'birth-date-impossible', 'birth_date'],
  ['birth month impossible', { birth_date: '15/13/1990' }, 'birth-date-impossible', 'birth_date'],
  ['birth 29/02 of a common year', { birth_date: '29/02/1990' }, 'birth-date-impossible', 'birth_date'],
  // The ID would disagree with a 2026 birth year; without one the date is the only fault.
  ['birth after collection', { birth_date: '11/03/2026', personal_id: '' }, 'birth-date-future', 'birth_date'],
  ['birth month after collection', { birth_date: '04/2026', personal_id: '' }, 'birth-date-future', 'birth_date'],
  ['sex missing', { sex: '' }, 'sex-missing', 'sex'],
  ['sex unreadable', { sex: 'x' }, 'sex-unreadable', 'sex'],
  ['collecting unit unknown in every era', { collecting_unit: '99999' }, 'collecting-unit-unknown', 'collecting_unit'],
  ['collecting unit a district code', { collecting_unit: '193' }, 'collecting-unit-unknown', 'collecting_unit'],
  // In force on that day, but a district (Thành phố Hạ Long), not a commune.
  [
    'collecting unit a district in force',
    { collected_on: '15/03/2025', collecting_unit: '193' },
    'collecting-unit-unknown',
    'collecting_unit',
  ],
  ['collecting unit missing', { collecting_unit: '' }, 'collecting-unit-unknown', 'collecting_unit'],
  ['form number missing', { form_no: ' ' }, 'form-no-missing', 'form_no'],
  ['collected on unreadable', { collected_on: 'hôm qua' }, 'collected-on-invalid', 'collected_on'],
  ['collected on missing', { collected_on: '' }, 'collected-on-invalid', 'collected_on'],
  ['collected on partial', { collected_on: '03/2026' }, 'collected-on-invalid', 'collected_on'],
  ['collected on impossible', { collected_on: '30/02/2026' }, 'collected-on-invalid', 'collected_on'],
  ['collected on in the future', { collected_on: '21/03/2026' }, 'collected-on-invalid', 'collected_on'],
]

for (const [name, changes, rule, field] of ERROR_CASES) {
  test(`error alone: ${name} → ${rule}`, () => {
    const c = check(changes)
    const f = only(c, rule)
    assert.equal(f.severity, 'error')
    assert.equal(f.field, field)
    assert.equal(c.hasError, true)
  })
}

test('error details carry what was typed', () => {
  assert.deepEqual(only(check({ birth_date: '31/02/1990' }), 'birth-date-impossible').details, { value: '31/02/1990' })
  assert.deepEqual(only(check({ sex: 'x' }), 'sex-unreadable').details, { value: 'x' })
  assert.deepEqual(only(check({ collecting_unit: ' 99999 ' }), 'collecting-unit-unknown').details, { value: '99999' })
  assert.deepEqual(only(check({ collected_on: '21/03/2026' }), 'collected-on-invalid').details, { value: '21/03/2026' })
})

test('a birth date on the collection day, or a year not yet over, is not after collection', () => {
  assert.deepEqual(check({ birth_date: '10/03/2026', personal_id: '', marital_status: '', spouse_name: '', spouse_id: '' }).findings, [])
  assert.deepEqual(check({ birth_date: '03/2026', personal_id: '', marital_status: '', spouse_name: '', spouse_id: '' }).findings, [])
  assert.deepEqual(check({ birth_date: '2026', personal_id: '', marital_status: '', spouse_name: '', spouse_id: '' }).findings, [])
})

test('an unreadable or future collection date: the checks use today instead, and no era is given', () => {
  const unreadable = check({ collected_on: 'hôm qua', collecting_unit: '06664' })
  assert.deepEqual(rules(unreadable), ['collected-on-invalid', 'unit-wrong-era'])
  assert.equal(unreadable.collectedOn, null)
  assert.equal(unreadable.era, null)
  const wrongEra = unreadable.findings.find((f) => f.rule === 'unit-wrong-era') as Finding
  assert.equal(wrongEra.details.on, TODAY)
  // A birth date after today is after collection whatever the collection date says.
  assert.ok(rules(check({ collected_on: '01/01/2030', birth_date: '25/03/2026', personal_id: '' })).includes('birth-date-future'))
})

test('a 2024 unit used on a 2024 date is fine even when today is in 2026', () => {
  assert.deepEqual(check({ collected_on: '01/06/2024', collecting_unit: '06652', permanent_unit: '06664' }).findings, [])
})

// ---- Warnings, each alone ----

const WARNING_CASES: [string, Partial<Dc01Form>, RuleCode, string, Details?][] = [
  ['ID of 11 digits', { personal_id: '02209001234' }, 'id-format', 'personal_id', { value: '02209001234' }],
  ['ID with a letter', { personal_id: '02209001234A' }, 'id-format', 'personal_id'],
  ['ID province not in the list', { personal_id: '003090012345' }, 'id-province', 'personal_id', { code: '003' }],
  ['ID century digit of a woman', { personal_id: '022190012345' }, 'id-century-sex', 'personal_id', { found: 1, expected: 0 }],
  ['ID century digit of the 2000s', { personal_id: '022290012345' }, 'id-century-sex', 'personal_id', { found: 2, expected: 0 }],
  ['ID year digits', { personal_id: '022091012345' }, 'id-year', 'personal_id', { found: '91', year: 1990 }],
  ['old ID of 8 digits', { old_id: '10023456' }, 'old-id-format', 'old_id', { value: '10023456' }],
  ['old ID of 12 digits', { old_id: '022090012345' }, 'old-id-format', 'old_id'],
  ['permanent unit of the old era', { permanent_unit: '06664' }, 'unit-wrong-era', 'permanent_unit'],
  ['current unit unknown', { current_unit: '99999' }, 'unit-unknown', 'current_unit', { field: 'current_unit', value: '99999' }],
  ['hometown text unresolved', { hometown: 'Xã Không Có, Huyện Nào Đó' }, 'address-unresolved', 'hometown'],
  [
    'birth place code unknown',
    { birth_reg_place: '99999' },
    'address-unresolved',
    'birth_reg_place',
    { field: 'birth_reg_place', value: '99999' },
  ],
  ['ethnicity unknown', { ethnicity: 'Kinhh' }, 'ethnicity-unknown', 'ethnicity', { value: 'Kinhh' }],
  ['ethnicity code out of the list', { ethnicity: '55' }, 'ethnicity-unknown', 'ethnicity'],
  ['religion unknown', { religion: 'Đạo Lạ' }, 'religion-unknown', 'religion', { value: 'Đạo Lạ' }],
  ['phone a landline', { phone: '0203 3845 678' }, 'phone-format', 'phone', { value: '0203 3845 678' }],
  ['phone of 9 digits', { phone: '091234567' }, 'phone-format', 'phone'],
  ['email without domain', { email: 'an.nguyen@' }, 'email-format', 'email', { value: 'an.nguyen@' }],
  ['blood group C', { blood_group: 'C' }, 'code-unknown', 'blood_group', { field: 'blood_group', value: 'C' }],
  [
    'marital status off the list',
    { marital_status: 'Độc thân' },
    'code-unknown',
    'marital_status',
    { field: 'marital_status', value: 'Độc thân' },
  ],
  [
    'relation off the list',
    { relation_to_head: 'Hàng xóm' },
    'code-unknown',
    'relation_to_head',
    { field: 'relation_to_head', value: 'Hàng xóm' },
  ],
  ['father 5 years older', { father_id: '022085001234' }, 'parent-too-young', 'father_id', { parent: 'Cha', parent_en: 'father', gap: 5 }],
  ['mother 11 years older', { mother_id: '022179001234' }, 'parent-too-young', 'mother_id', { parent: 'Mẹ', parent_en: 'mother', gap: 11 }],
  [
    'mother born after the child',
    { mother_id: '022195001234' },
    'parent-too-young',
    'mother_id',
    { parent: 'Mẹ', parent_en: 'mother', gap: -5 },
  ],
  // A man born 11/03/2006 is 19 on 10/03/2026.
  [
    'married man of 19',
    { birth_date: '11/03/2006', personal_id: '022206012345' },
    'spouse-under-age',
    'birth_date',
    { who: 'Người khai', who_en: 'The person', age: 19 },
  ],
  [
    'woman of 17 with a spouse named, status not given',
    { birth_date: '11/03/2008', sex: 'Nữ', personal_id: '022308012345', marital_status: '' },
    'spouse-under-age',
    'birth_date',
    { who: 'Người khai', who_en: 'The person', age: 17 },
  ],
  // A woman born in 2009 is at most 17 in 2026 (at least 16).
  [
    'spouse ID of a girl born 2009',
    { spouse_id: '022309004321' },
    'spouse-under-age',
    'spouse_id',
    { who: 'Vợ/chồng', who_en: 'The spouse', age: 16 },
  ],
]

for (const [name, changes, rule, field, details] of WARNING_CASES) {
  test(`warning alone: ${name} → ${rule}`, () => {
    const c = check(changes)
    const f = only(c, rule)
    assert.equal(f.severity, 'warning')
    assert.equal(f.field, field)
    if (details) assert.deepEqual(f.details, details)
    assert.equal(c.hasError, false)
  })
}

test('unit-wrong-era names the old unit, the date and its successors', () => {
  const f = only(check({ permanent_unit: '06664' }), 'unit-wrong-era')
  assert.deepEqual(f.details, {
    field: 'permanent_unit',
    value: '06664',
    name: 'Phường Hà Tu',
    on: '2026-03-10',
    successors: '06652 Phường Hà Tu',
  })
  const m = findingMessage(f)
  assert.match(m.vi, /^Mã 06664 \(permanent_unit\) là Phường Hà Tu, không còn hiệu lực ngày 2026-03-10; đơn vị mới: 06652 Phường Hà Tu\.$/)
  assert.match(m.en, /new unit\(s\): 06652 Phường Hà Tu\.$/)
})

test('unit-wrong-era marks successors that took only part of the unit', () => {
  const f = only(check({ current_unit: '06655' }), 'unit-wrong-era')
  assert.equal(f.details.name, 'Phường Hà Khẩu')
  assert.equal(f.details.successors, '06661 Phường Việt Hưng (một phần/part); 06706 Phường Tuần Châu (một phần/part)')
})

test('unit-wrong-era without known successors says so', () => {
  const f = only(check({ current_unit: '06682' }), 'unit-wrong-era')
  assert.equal(f.details.successors, '')
  assert.match(findingMessage(f).vi, /đơn vị mới: chưa xác định\.$/)
  assert.match(findingMessage(f).en, /new unit\(s\): not known\.$/)
})

test('unit-wrong-era also for a unit dissolved in November 2024 (still the 2024 era)', () => {
  assert.deepEqual(check({ collected_on: '15/10/2024', collecting_unit: '06682' }).findings, [])
  const c = check({ collected_on: '15/12/2024', collecting_unit: '06682' })
  const f = only(c, 'unit-wrong-era')
  assert.equal(f.details.name, 'Phường Yết Kiêu')
  assert.equal(c.era, 2024)
  assert.equal(c.hasError, false)
})

test('unit-wrong-era names the version last in force before the date', () => {
  // 06799 was Xã Cộng Hòa, renamed Xã Hải Hòa on 01/11/2024: with a version missing in 2025,
  // the message must name the renamed unit, and ask for the successors of that version.
  const asked: string[] = []
  const ref = makeRef({
    unitOn: (code, date) => (code === '06799' && date >= REFORM ? undefined : REF.unitOn(code, date)),
    unitVersions: (code) => REF.unitVersions(code).filter((u) => !(u.code === '06799' && u.era === 2025)),
    successors: (code, validFrom) => {
      asked.push(`${code}@${validFrom}`)
      return REF.successors(code, validFrom)
    },
  })
  const f = only(check({ current_unit: '06799' }, ref), 'unit-wrong-era')
  assert.equal(f.details.name, 'Xã Hải Hòa')
  assert.deepEqual(asked, ['06799@2024-11-01'])
  assert.equal(f.details.successors, '06799 Xã Hải Hòa (một phần/part); 06886 Xã Hải Lạng (một phần/part)')
})

test('a collecting unit of the wrong era is a warning, not an error', () => {
  const c = check({ collecting_unit: '06664' })
  assert.equal(only(c, 'unit-wrong-era').field, 'collecting_unit')
  assert.equal(c.hasError, false)
})

test('hometown and birth place: a unit code of any era or a recognised address', () => {
  assert.deepEqual(check({ hometown: '06682', birth_reg_place: '06655' }).findings, [])
  assert.deepEqual(check({ hometown: 'Xã Hải Lạng, Huyện Tiên Yên, Quảng Ninh' }).findings, [])
  assert.deepEqual(check({ hometown: '', birth_reg_place: '' }).findings, [])
})

test('the ID checks use the typed year even when the birth date is impossible', () => {
  const c = check({ birth_date: '31/02/1991' })
  assert.deepEqual(rules(c), ['birth-date-impossible', 'id-year'])
  assert.deepEqual(c.findings.find((f) => f.rule === 'id-year')?.details, { found: '90', year: 1991 })
})

test('the century/sex digit is checked only when sex is known', () => {
  assert.deepEqual(rules(check({ sex: '', personal_id: '022190012345' })), ['sex-missing'])
  assert.deepEqual(rules(check({ sex: 'Nữ', personal_id: '022190012345' })), [])
  assert.deepEqual(rules(check({ sex: 'Nữ' })), ['id-century-sex'])
})

test('an ID typed with spaces or dots is read as its digits', () => {
  const c = check({ personal_id: '022 090 012 345', old_id: '100.234.567' })
  assert.deepEqual(c.findings, [])
  assert.equal(c.person.personal_id, '022090012345')
  assert.equal(c.person.old_id, '100234567')
})

test('several ID faults at once', () => {
  assert.deepEqual(rules(check({ personal_id: '003291012345' })), ['id-century-sex', 'id-province', 'id-year'])
  // A malformed ID gets only the format warning.
  assert.deepEqual(rules(check({ personal_id: '0032910123' })), ['id-format'])
})

test('parent-too-young: a gap of exactly 12 years passes, 11 does not', () => {
  assert.deepEqual(check({ father_id: '022078001234' }).findings, [])
  assert.equal(only(check({ father_id: '022079001234' }), 'parent-too-young').details.gap, 11)
  // A malformed parent ID is not read at all.
  assert.deepEqual(check({ father_id: '02208500' }).findings, [])
})

test('spouse-under-age at the legal ages: men 20, women 18, on the collection day', () => {
  const man = (birth: string) => check({ birth_date: birth, personal_id: '022206012345' })
  assert.deepEqual(man('10/03/2006').findings, [])
  assert.deepEqual(rules(man('11/03/2006')), ['spouse-under-age'])
  const woman = (birth: string) => check({ birth_date: birth, sex: 'Nữ', personal_id: '022308012345' })
  assert.deepEqual(woman('10/03/2008').findings, [])
  assert.equal(only(woman('11/03/2008'), 'spouse-under-age').details.age, 17)
})

test('spouse-under-age only for someone married or with a spouse', () => {
  const young = { birth_date: '11/03/2008', sex: 'Nữ', personal_id: '022308012345' }
  assert.deepEqual(check({ ...young, marital_status: 'Chưa kết hôn', spouse_name: '', spouse_id: '' }).findings, [])
  assert.deepEqual(rules(check({ ...young, marital_status: '', spouse_name: '', spouse_id: '' })), [])
  assert.deepEqual(rules(check({ ...young, marital_status: 'Đã kết hôn', spouse_name: '', spouse_id: '' })), ['spouse-under-age'])
  assert.deepEqual(rules(check({ ...young, marital_status: '', spouse_name: 'Lê Văn Cường', spouse_id: '' })), ['spouse-under-age'])
  assert.deepEqual(rules(check({ ...young, marital_status: '', spouse_name: '', spouse_id: '022090004321' })), ['spouse-under-age'])
})

test('spouse-under-age from the spouse ID: by the spouse sex, counted as the youngest they can be', () => {
  assert.deepEqual(check({ spouse_id: '022307004321' }).findings, []) // woman born 2007: at least 18
  const man = only(check({ spouse_id: '022206004321' }), 'spouse-under-age') // man born 2006: at least 19
  assert.deepEqual(man.details, { who: 'Vợ/chồng', who_en: 'The spouse', age: 19 })
  assert.deepEqual(check({ spouse_id: '022205004321' }).findings, []) // man born 2005: at least 20
  // A spouse "born" after the collection year does not give a negative age.
  assert.equal(only(check({ spouse_id: '022328004321' }), 'spouse-under-age').details.age, 0)
})

test('no relation checks without a readable birth date', () => {
  assert.deepEqual(rules(check({ birth_date: '', father_id: '022085001234', spouse_id: '022309004321' })), ['birth-date-missing'])
})

// ---- Values too long ----

test('a value longer than MAX_VALUE_LENGTH is an error and is cut', () => {
  const long = 'A'.repeat(MAX_VALUE_LENGTH + 1)
  const c = check({ occupation: long })
  const f = only(c, 'value-too-long')
  assert.equal(f.severity, 'error')
  assert.equal(f.field, 'occupation')
  assert.deepEqual(f.details, { field: 'occupation', length: MAX_VALUE_LENGTH + 1, limit: MAX_VALUE_LENGTH })
  assert.equal(c.form.occupation.length, MAX_VALUE_LENGTH)
  assert.equal(c.person.occupation?.length, MAX_VALUE_LENGTH)
  assert.equal(c.hasError, true)
})

test('a value of exactly MAX_VALUE_LENGTH is kept whole', () => {
  const c = check({ occupation: 'A'.repeat(MAX_VALUE_LENGTH) })
  assert.deepEqual(c.findings, [])
  assert.equal(c.form.occupation.length, MAX_VALUE_LENGTH)
})

test('the length is measured after NFC', () => {
  const nfd = 'ễ'.repeat(MAX_VALUE_LENGTH).normalize('NFD')
  assert.ok(nfd.length > MAX_VALUE_LENGTH)
  const c = check({ occupation: nfd })
  assert.deepEqual(c.findings, [])
  assert.equal(c.form.occupation, 'ễ'.repeat(MAX_VALUE_LENGTH))
})

test('cleanForm: NFC every value, fill missing keys, keep unknown columns', () => {
  const input = { ...CLEAN, full_name: 'Nguyễn  Văn Ân'.normalize('NFD'), extra: { ghi_chu: 'x' } } as Dc01Form
  delete (input as Partial<Dc01Form>).email
  const { form, findings } = cleanForm(input)
  assert.deepEqual(findings, [])
  assert.equal(form.full_name, 'Nguyễn  Văn Ân') // NFC, but as typed otherwise
  assert.equal(form.email, '')
  assert.deepEqual(form.extra, { ghi_chu: 'x' })
  assert.equal(input.full_name, 'Nguyễn  Văn Ân'.normalize('NFD')) // the input is not changed
})

test('two long values give two findings, one per field', () => {
  const c = check({ full_name: 'x'.repeat(2000), permanent_address: 'y'.repeat(1500) })
  assert.deepEqual(
    c.findings.map((f) => [f.rule, f.field]),
    [
      ['value-too-long', 'full_name'],
      ['value-too-long', 'permanent_address'],
    ],
  )
})

// ---- Reference lists ----

test('ethnicity by name, other name or code, case and marks ignored', () => {
  const cases: [string, string][] = [
    ['Kinh', '01'],
    ['kinh', '01'],
    ['KINH', '01'],
    ['Việt', '01'],
    ['viet', '01'],
    ['01', '01'],
    ['Sán Dìu', '18'],
    ['san diu', '18'],
    ['18', '18'],
    ['Mèo', '08'],
    ['Hmông', '08'],
    ['Khơ-me', '05'],
    ['Khơ me', '05'],
    ['Ê-đê', '12'],
    ['Bru-Vân Kiều', '23'],
    // Names shared with other groups' other names: the name of the group wins.
    ['Tày', '02'],
    ['Thổ', '24'],
  ]
  for (const [typed, code] of cases) {
    const c = check({ ethnicity: typed })
    assert.deepEqual(c.findings, [], typed)
    assert.equal(c.person.ethnicity_code, code, typed)
    assert.equal(c.person.ethnicity_text, typed, typed)
  }
})

test('religion by name from the recognised list, or Không', () => {
  const cases: [string, string][] = [
    ['Không', 'Không'],
    ['khong', 'Không'],
    ['Phật giáo', 'Phật giáo'],
    ['phat giao', 'Phật giáo'],
    ['CÔNG GIÁO', 'Công giáo'],
    ['Phật giáo Hòa Hảo', 'Phật giáo Hòa Hảo'],
    ['Cao Đài', 'Cao Đài'],
  ]
  for (const [typed, name] of cases) {
    const c = check({ religion: typed })
    assert.deepEqual(c.findings, [], typed)
    assert.equal(c.person.religion, name, typed)
  }
  const unknown = check({ religion: 'Đạo Lạ' })
  assert.equal(unknown.person.religion, 'Đạo Lạ') // what was typed is kept
})

test('codeList: case- and diacritic-blind, a later entry for a key overrides an earlier one', () => {
  const lookup = codeList<number>([
    ['Tày', 1],
    ['Tay', 2],
    ['Hòa', 3],
  ])
  assert.equal(lookup('TÀY'), 2)
  assert.equal(lookup('tay'), 2)
  assert.equal(lookup('hoà'), 3)
  assert.equal(lookup('Hoa'), 3)
  assert.equal(lookup('Thái'), undefined)
})

// ---- The person ----

test('person: normalised beside what was typed', () => {
  const c = check({
    full_name: '  NGUYỄN  VĂN   AN ',
    other_name: ' ',
    birth_date: '1950',
    personal_id: '022050012345',
    father_id: '',
    mother_id: '',
    phone: '+84 912 345 678',
    nationality: '',
    blood_group: '0',
    marital_status: 'da ket hon',
    relation_to_head: 'chu ho',
    ethnicity: 'kinh',
    religion: 'phat giao',
  })
  assert.deepEqual(c.findings, [])
  const p = c.person
  assert.equal(c.form.full_name, '  NGUYỄN  VĂN   AN ') // the form keeps it as typed
  assert.equal(p.full_name, 'NGUYỄN VĂN AN')
  assert.equal(p.name_display, 'Nguyễn Văn An')
  assert.equal(p.other_name, null)
  assert.equal(p.birth_iso, '1950')
  assert.deepEqual(p.birth, { kind: 'ok', year: 1950, month: null, day: null, precision: 'year' })
  assert.equal(p.sex, 'M')
  assert.equal(p.phone, '0912345678')
  assert.equal(p.nationality, 'Việt Nam')
  assert.equal(p.blood_group, 'O')
  assert.equal(p.marital_status, 'Đã kết hôn')
  assert.equal(p.relation_to_head, 'Chủ hộ')
  assert.equal(p.ethnicity_code, '01')
  assert.equal(p.ethnicity_text, 'kinh')
  assert.equal(p.religion, 'Phật giáo')
})

test('person: birth_iso keeps the precision typed', () => {
  assert.equal(check({ birth_date: '15/04/1990' }).person.birth_iso, '1990-04-15')
  assert.equal(check({ birth_date: '1990-04-15' }).person.birth_iso, '1990-04-15')
  assert.equal(check({ birth_date: '4/1990' }).person.birth_iso, '1990-04')
  assert.equal(check({ birth_date: 'abc' }).person.birth_iso, null)
})

test('person: NFD names become NFC with the traditional tone placement', () => {
  const c = check({ full_name: 'trần thị thuý'.normalize('NFD'), sex: 'Nữ', personal_id: '022190012345' })
  assert.deepEqual(c.findings, [])
  assert.equal(c.form.full_name, 'trần thị thuý')
  assert.equal(c.person.name_display, 'Trần Thị Thúy')
})

test('person: an unknown value is kept as typed, an invalid phone normalised anyway', () => {
  const c = check({
    nationality: ' Lào ',
    blood_group: 'AB Rh+',
    marital_status: 'Độc thân',
    relation_to_head: 'Hàng xóm',
    phone: '0203.3845.678',
    email: '',
    occupation: '',
  })
  assert.deepEqual(rules(c), ['code-unknown', 'code-unknown', 'phone-format'])
  const p = c.person
  assert.equal(p.nationality, 'Lào')
  assert.equal(p.blood_group, 'AB+')
  assert.equal(p.marital_status, null)
  assert.equal(p.relation_to_head, 'Hàng xóm')
  assert.equal(p.phone, '02033845678')
  assert.equal(p.email, null)
  assert.equal(p.occupation, null)
})

test('person: an unreadable sex or birth date leaves them null', () => {
  const c = check({ sex: 'x', birth_date: '31/02/1990' })
  assert.equal(c.person.sex, null)
  assert.equal(c.person.birth, null)
})

// ---- hasError and findings passed in ----

test('hasError is about errors only; findings from reading the file are kept first', () => {
  const warnings = check({ phone: '123', email: 'x' })
  assert.deepEqual(rules(warnings), ['email-format', 'phone-format'])
  assert.equal(warnings.hasError, false)
  const pre = [finding('row-malformed', null, { reason: 'too many columns' })]
  const c = checkForm(CLEAN, REF, pre)
  assert.deepEqual(c.findings, pre)
  assert.equal(c.hasError, true)
})

// ---- Rules and their messages ----

test('every rule has a message in Vietnamese and English that uses its details', () => {
  const codes = Object.keys(RULES) as RuleCode[]
  assert.ok(codes.length >= 25)
  for (const rule of codes) {
    // A recognisable value for every detail the message reads.
    const sample: Details = Object.fromEntries(keysRead(rule).map((key) => [key, `«${key}»`]))
    const m = findingMessage({ rule, details: sample })
    assert.equal(typeof m.vi, 'string')
    assert.ok(m.vi.trim().length > 5, `${rule} vi`)
    assert.ok(m.en.trim().length > 5, `${rule} en`)
    assert.notEqual(m.vi, m.en, rule)
    assert.match(m.vi, /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i, `${rule} vi is Vietnamese`)
    assert.doesNotMatch(`${m.vi} ${m.en}`, /undefined|\[object/, rule)
    for (const [key, value] of Object.entries(sample)) assert.ok(`${m.vi} ${m.en}`.includes(String(value)), `${rule} shows ${key}`)
    // Empty details still give a sentence.
    const bare = findingMessage({ rule, details: {} })
    assert.ok(bare.vi.trim() && bare.en.trim(), `${rule} without details`)
  }
})

test('severities: errors keep a form out, warnings do not', () => {
  const errors = (Object.keys(RULES) as RuleCode[]).filter((r) => RULES[r].severity === 'error').sort()
  assert.deepEqual(errors, [
    'birth-date-future',
    'birth-date-impossible',
    'birth-date-missing',
    'birth-date-unreadable',
    'collected-on-invalid',
    'collecting-unit-unknown',
    'form-no-missing',
    'name-missing',
    'row-malformed',
    'sex-missing',
    'sex-unreadable',
    'unit-out-of-scope',
    'value-too-long',
  ])
  for (const rule of Object.keys(RULES) as RuleCode[]) {
    assert.ok(['error', 'warning'].includes(RULES[rule].severity), rule)
    assert.equal(finding(rule, 'x').severity, RULES[rule].severity)
  }
  assert.deepEqual(finding('id-year', 'personal_id', { found: '91', year: 1990 }), {
    rule: 'id-year',
    severity: 'warning',
    field: 'personal_id',
    details: { found: '91', year: 1990 },
  })
})
