import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Lookups, mapEventHeader, parseKind, type RowCells, type RowResult, readRow, rowCells } from './csv-row.ts'

const A = '01a21da2-4f60-7063-a31f-753d384279df'
const B = '01a21da2-4f61-70af-9c9c-1905c57741b2'
const H = '01a21da2-4f60-7066-beda-5f4160b2e1ec'
const H2 = '01a21da2-4f63-7062-9c37-c34dc9cdd730'

const lookups: Lookups = {
  person: (n) => ({ '022196060219': A, '022093519747': B })[n],
  households: (unit, no, era) => {
    const all = [
      { id: H, unit: '06661', no: '220059195', era: 2025 },
      { id: H2, unit: '06652', no: '7', era: 2024 },
      { id: B, unit: '06652', no: '7', era: 2025 },
    ]
    return all.filter((h) => h.unit === unit && h.no === no && (era === null || h.era === era)).map((h) => h.id)
  },
}

function ok(cells: RowCells, l: Lookups | undefined = lookups) {
  const r = readRow(cells, l)
  assert.ok(r.ok, JSON.stringify(r))
  return r
}

function problems(r: RowResult) {
  assert.ok(!r.ok, 'the row should not read')
  return r.problems.map((x) => `${x.rule}@${x.column}`)
}

test('header: English keys or Vietnamese labels in any case and spelling; coso_ columns ignored; unknown kept; required named', () => {
  const h = mapEventHeader(['\ufeffKind', 'NGÀY HIỆU LỰC', 'Số định danh cá nhân', 'ghi chú', 'coso_row', 'personal_id'])
  assert.deepEqual(h.cells, [
    { key: 'kind' },
    { key: 'effective_on' },
    { key: 'personal_id' },
    { unknown: 'ghi chú' },
    { ours: true },
    { unknown: 'personal_id' },
  ])
  assert.deepEqual(h.unknown, ['ghi chú', 'personal_id'])
  assert.deepEqual(h.missing, [])
  assert.deepEqual(mapEventHeader(['form_no', 'full_name', 'effective_on']).missing, ['kind'])
  assert.deepEqual(rowCells(h, ['death', ' 01/02/2026 ', '', 'x', '9', 'y']), { kind: 'death', effective_on: '01/02/2026' })
})

test('kinds by key or Vietnamese name', () => {
  assert.equal(parseKind('move'), 'move')
  assert.equal(parseKind('Khai tử'), 'death')
  assert.equal(parseKind('KHAI TU'), 'death')
  assert.equal(parseKind('temporary residence'), 'temporary_residence')
  assert.equal(parseKind('Tạm vắng'), 'temporary_absence')
  assert.equal(parseKind('ngày hội'), undefined)
})

test('dates dd/mm/yyyy and yyyy-mm-dd read the same, and the row hash with them', () => {
  const a = ok({ kind: 'death', effective_on: '01/04/2026', personal_id: '022196060219' })
  const b = ok({ kind: 'Khai tử', effective_on: '2026-04-01', personal_id: '022 196 060 219' })
  assert.deepEqual(a.input, { kind: 'death', effective_on: '2026-04-01', person_id: A })
  assert.equal(a.hash, b.hash)
  const c = ok({ kind: 'death', effective_on: '2026-04-02', personal_id: '022196060219' })
  assert.notEqual(a.hash, c.hash)
  assert.deepEqual(problems(readRow({ kind: 'death', effective_on: '31/02/2026', person_id: A })), ['date-impossible@effective_on'])
  assert.deepEqual(problems(readRow({ kind: 'death', effective_on: 'hôm qua', person_id: A })), ['date-unreadable@effective_on'])
  assert.deepEqual(problems(readRow({ kind: 'death', person_id: A })), ['required@effective_on'])
})

test('a person by register id or personal ID (Excel’s lost leading zero put back); an unknown number is unresolved', () => {
  const upper = ok({ kind: 'confirmation', effective_on: '2026-01-01', person_id: A.toUpperCase() })
  assert.equal((upper.input as { person_id: string }).person_id, A)
  assert.equal(upper.hash, ok({ kind: 'confirmation', effective_on: '2026-01-01', person_id: A }).hash)
  assert.equal(
    (ok({ kind: 'confirmation', effective_on: '2026-01-01', personal_id: '22196060219' }).input as { person_id: string }).person_id,
    A,
  )
  const unknown = readRow({ kind: 'confirmation', effective_on: '2026-01-01', personal_id: '099999999999' }, lookups)
  assert.ok(!unknown.ok && unknown.stage === 'unresolved')
  assert.deepEqual(problems(unknown), ['person-unknown@personal_id'])
  // Without lookups the row reads (with a placeholder) and says what to look up.
  const first = readRow({ kind: 'confirmation', effective_on: '2026-01-01', personal_id: '099999999999' })
  assert.ok(first.ok)
  assert.deepEqual(first.needs.personalIds, ['099999999999'])
  assert.deepEqual(problems(readRow({ kind: 'confirmation', effective_on: '2026-01-01', personal_id: '12345' })), [
    'personal-id-format@personal_id',
  ])
  assert.deepEqual(problems(readRow({ kind: 'confirmation', effective_on: '2026-01-01', personal_id: '022196060219', person_id: A })), [
    'one-of@person_id / personal_id',
  ])
  assert.deepEqual(problems(readRow({ kind: 'confirmation', effective_on: '2026-01-01' })), ['required@person_id / personal_id'])
  assert.deepEqual(problems(readRow({ kind: 'confirmation', effective_on: '2026-01-01', person_id: 'abc' })), ['id-format@person_id'])
})

test('a household by unit and number, in the era given when the number is in both', () => {
  const r = ok({
    kind: 'head_change',
    effective_on: '2026-08-01',
    household_unit: '6661',
    household_no: '220059195',
    head_personal_id: '022196060219',
  })
  assert.deepEqual(r.input, { kind: 'head_change', effective_on: '2026-08-01', household_id: H, head_id: A })
  const both = readRow({ kind: 'head_change', effective_on: '2026-08-01', household_unit: '06652', household_no: '7', head_id: A }, lookups)
  assert.deepEqual(problems(both), ['household-ambiguous@household_unit + household_no'])
  const r2 = ok({
    kind: 'head_change',
    effective_on: '2026-08-01',
    household_unit: '06652',
    household_no: '7',
    household_era: '2024',
    head_id: A,
  })
  assert.equal((r2.input as { household_id: string }).household_id, H2)
  assert.deepEqual(problems(readRow({ kind: 'head_change', effective_on: '2026-08-01', household_unit: '06652', head_id: A })), [
    'required@household_no',
  ])
  assert.deepEqual(
    problems(readRow({ kind: 'head_change', effective_on: '2026-08-01', household_unit: '06661', household_no: '1', head_id: A }, lookups)),
    ['household-unknown@household_unit + household_no'],
  )
})

test('move: to a unit (and a new household), into an existing household, or out of the province; exactly one', () => {
  const base = { kind: 'move', effective_on: '2026-03-15', personal_id: '022093519747' }
  assert.deepEqual(ok({ ...base, to_unit: '06661', to_detail: 'Tổ 3', new_household_no: 'H-9' }).input, {
    kind: 'move',
    effective_on: '2026-03-15',
    person_id: B,
    to: { unit_code: '06661', detail: 'Tổ 3', new_household_no: 'H-9' },
  })
  assert.deepEqual(ok({ ...base, to_unit: '06661', to_household_no: '220059195', relation_to_head: 'Con' }).input, {
    kind: 'move',
    effective_on: '2026-03-15',
    person_id: B,
    to: { household_id: H, relation_to_head: 'Con' },
  })
  assert.deepEqual(ok({ ...base, outside: 'Hà Nội' }).input, { kind: 'move', effective_on: '2026-03-15', person_id: B, outside: 'Hà Nội' })
  assert.deepEqual(problems(readRow(base)), ['destination@to_unit / to_household_id / to_household_no / outside'])
  assert.deepEqual(problems(readRow({ ...base, to_unit: '06661', outside: 'Hà Nội' })), [
    'destination@to_unit / to_household_id / to_household_no / outside',
  ])
  assert.deepEqual(problems(readRow({ ...base, to_detail: 'Tổ 3', outside: 'Hà Nội' })), ['required@to_unit'])
  assert.deepEqual(problems(readRow({ ...base, to_unit: '666' })), ['unit-code-format@to_unit'])
  assert.deepEqual(problems(readRow({ ...base, to_unit: '06661', to_era: '2023' })), ['era-unreadable@to_era'])
})

test('columns that are not the kind’s, text too long, lists and unknown kinds are named by column', () => {
  assert.deepEqual(problems(readRow({ kind: 'death', effective_on: '2026-01-01', person_id: A, to_unit: '06661' })), [
    'column-not-for-kind@to_unit',
  ])
  assert.deepEqual(problems(readRow({ kind: 'death', effective_on: '2026-01-01', person_id: A, document: 'x'.repeat(301) })), [
    'too-long@document',
  ])
  assert.deepEqual(problems(readRow({ kind: 'dance', effective_on: '2026-01-01' })), ['kind-unknown@kind'])
  assert.deepEqual(problems(readRow({ effective_on: '2026-01-01' })), ['required@kind'])
  const split = ok({
    kind: 'Tách hộ',
    effective_on: '2026-02-01',
    household_id: H,
    members: '022196060219; 022093519747',
    head_personal_id: '022196060219',
    new_household_no: 'T-1',
  })
  assert.deepEqual(split.input, {
    kind: 'household_split',
    effective_on: '2026-02-01',
    household_id: H,
    members: [A, B],
    head_id: A,
    household_no: 'T-1',
  })
  assert.deepEqual(problems(readRow({ kind: 'household_split', effective_on: '2026-02-01', household_id: H, head_id: A })), [
    'required@members',
    'required@new_household_no',
  ])
})

test('correction: the field by key or DC01 label; value and reason required', () => {
  const r = ok({
    kind: 'correction',
    effective_on: '2026-05-02',
    person_id: A,
    field: 'Nghề nghiệp',
    value: 'Giáo viên',
    reason: 'Theo đơn',
  })
  assert.deepEqual(r.input, {
    kind: 'correction',
    effective_on: '2026-05-02',
    person_id: A,
    field: 'occupation',
    value: 'Giáo viên',
    reason: 'Theo đơn',
  })
  assert.deepEqual(
    problems(readRow({ kind: 'correction', effective_on: '2026-05-02', person_id: A, field: 'shoe size', value: '9', reason: 'x' })),
    ['not-in-list@field'],
  )
  assert.deepEqual(problems(readRow({ kind: 'correction', effective_on: '2026-05-02', person_id: A, field: 'occupation' })), [
    'required@value',
    'required@reason',
  ])
})

test('birth, marriage and revocation map to the schema’s fields', () => {
  const birth = ok({
    kind: 'birth',
    effective_on: '2026-09-09',
    household_id: H,
    full_name: 'Lê Minh An',
    sex: 'Nữ',
    mother_personal_id: '022196060219',
    personal_id: '022326000001',
  })
  assert.deepEqual(birth.input, {
    kind: 'birth',
    effective_on: '2026-09-09',
    household_id: H,
    full_name: 'Lê Minh An',
    sex: 'F',
    relation_to_head: 'Con',
    mother_id: A,
    personal_id: '022326000001',
    nationality: 'Việt Nam',
  })
  assert.deepEqual(problems(readRow({ kind: 'birth', effective_on: '2026-09-09', household_id: H, full_name: 'X', sex: 'khác' })), [
    'sex-unreadable@sex',
  ])
  assert.deepEqual(ok({ kind: 'marriage', effective_on: '2026-06-01', person_id: A, spouse_personal_id: '022093519747' }).input, {
    kind: 'marriage',
    effective_on: '2026-06-01',
    person_id: A,
    spouse_id: B,
  })
  assert.deepEqual(ok({ kind: 'revocation', effective_on: '2026-06-02', event_id: H, reason: 'Nhầm' }).input, {
    kind: 'revocation',
    effective_on: '2026-06-02',
    event_id: H,
    reason: 'Nhầm',
  })
})
