import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Candidate, compare, FIELDS, type Field, hardConflict, LEVELS, prepare, withinOneEdit } from './compare.ts'

type Values = Omit<Candidate, 'id'>

/** The level name of every field for a pair, 'unknown' where compare() gave -1. */
function levels(a: Values, b: Values): Record<Field, string> {
  const out = new Int8Array(FIELDS.length).fill(99)
  compare(prepare({ id: 0, ...a }), prepare({ id: 1, ...b }), out)
  const named = {} as Record<Field, string>
  FIELDS.forEach((f, i) => {
    const level = out[i] as number
    assert.ok(level >= -1 && level < LEVELS[f].length, `${f}: level ${level} out of range`)
    named[f] = level === -1 ? 'unknown' : (LEVELS[f][level] as string)
  })
  return named
}

/** Both orders give the same level: comparison is symmetric. */
function level(field: Field, a: Values, b: Values): string {
  const there = levels(a, b)[field]
  assert.equal(levels(b, a)[field], there, `${field} is not symmetric`)
  return there
}

const conflict = (a: Values, b: Values) => hardConflict(prepare({ id: 0, ...a }), prepare({ id: 1, ...b }))

test('every field has its levels, the weakest first', () => {
  assert.equal(FIELDS.length, 10)
  for (const f of FIELDS) {
    assert.ok(LEVELS[f].length >= 2, f)
    assert.ok(['different', 'disagree'].includes(LEVELS[f][0] as string), f)
    assert.equal(new Set(LEVELS[f]).size, LEVELS[f].length, `${f} repeats a level name`)
  }
})

test('nothing known gives no evidence on any field', () => {
  const all = levels({}, {})
  for (const f of FIELDS) assert.equal(all[f], 'unknown', f)
})

test('given names: exact whatever the case, tone placement or normal form', () => {
  assert.equal(level('given', { given: 'Hòa' }, { given: 'Hoà' }), 'exact')
  assert.equal(level('given', { given: 'Thủy' }, { given: 'THUỶ' }), 'exact')
  assert.equal(level('given', { given: 'Hằng' }, { given: 'Hằng'.normalize('NFD') }), 'exact')
})

test('given names: Thu Hà and Thu Hằng are different people, Hà and Hạ agree only without diacritics', () => {
  const ha = { family: 'Nguyễn', middle: 'Thị Thu', given: 'Hà' }
  const all = levels(ha, { ...ha, given: 'Hằng' })
  assert.equal(all.given, 'different')
  assert.equal(all.family, 'exact')
  assert.equal(all.middle, 'exact')
  assert.equal(level('given', ha, { ...ha, given: 'Hạ' }), 'fold')
  // One side typed without any mark: the diacritics were lost, not different.
  assert.equal(level('given', ha, { family: 'Nguyen', middle: 'Thi Thu', given: 'Ha' }), 'unmarked')
  // A name that is marked elsewhere does not make a bare word "lost": Anh is spelt without marks.
  assert.equal(level('given', { family: 'Trần', given: 'Anh' }, { family: 'Trần', given: 'Ánh' }), 'fold')
  assert.equal(level('given', { family: 'Tran', given: 'Anh' }, { family: 'Trần', given: 'Ánh' }), 'unmarked')
})

test('given names: one wrong tone mark hỏi/ngã is its own level, other tones are not', () => {
  assert.equal(level('given', { given: 'Thủy' }, { given: 'Thũy' }), 'tone')
  assert.equal(level('given', { given: 'Kỷ' }, { given: 'Kỹ' }), 'tone')
  assert.equal(level('given', { given: 'Nghĩa' }, { given: 'Nghỉa' }), 'tone')
  // sắc against nặng is not the hỏi/ngã confusion.
  assert.equal(level('given', { given: 'Thúy' }, { given: 'Thụy' }), 'fold')
})

test('family names: Huỳnh Văn Nam and Hoàng Văn Nam, Vũ and Võ are regional spellings', () => {
  const all = levels({ family: 'Huỳnh', middle: 'Văn', given: 'Nam' }, { family: 'Hoàng', middle: 'Văn', given: 'Nam' })
  assert.equal(all.family, 'variant')
  assert.equal(all.given, 'exact')
  assert.equal(level('family', { family: 'Vũ' }, { family: 'Võ' }), 'variant')
  // Diacritics lost as well: still the same name, at the fold level.
  assert.equal(level('family', { family: 'Huynh', given: 'Nam' }, { family: 'Hoàng', given: 'Nam' }), 'unmarked')
  // Not every pair of similar family names is a variant.
  assert.equal(level('family', { family: 'Hoàng' }, { family: 'Hồ' }), 'different')
  assert.equal(level('family', { family: 'Vũ' }, { family: 'Vi' }), 'different')
})

test('i and y alternate as a lone final vowel after a consonant only', () => {
  assert.equal(level('family', { family: 'Lý' }, { family: 'Lí' }), 'iy')
  assert.equal(level('given', { given: 'Sỹ' }, { given: 'Sĩ' }), 'iy')
  assert.equal(level('given', { given: 'Vy' }, { given: 'Vi' }), 'iy')
  assert.equal(level('given', { given: 'Kỳ' }, { given: 'Kì' }), 'iy')
  assert.equal(level('given', { given: 'Mỹ' }, { given: 'Mĩ' }), 'iy')
  // qu is one consonant: Quý and Quí are one name.
  assert.equal(level('given', { given: 'Quý' }, { given: 'Quí' }), 'iy')
  // After u, y and i are different vowels: Thúy is not Thúi, Huy is not Hui (one letter apart only).
  assert.equal(level('given', { given: 'Thúy' }, { given: 'Thúi' }), 'edit1')
  assert.equal(level('given', { given: 'Huy' }, { given: 'Hui' }), 'edit1')
  // "Y" alone (Y Ksor, an Ê Đê man's name) is not "I".
  assert.equal(level('given', { given: 'Y' }, { given: 'I' }), 'different')
})

test('one edit on the fold: substitution, insertion, deletion, neighbours swapped', () => {
  assert.equal(level('given', { given: 'Thắng' }, { given: 'Thắmg' }), 'edit1')
  assert.equal(level('given', { given: 'Tuấn' }, { given: 'Tấun' }), 'edit1')
  assert.equal(level('given', { given: 'Phương' }, { given: 'Phươnng' }), 'edit1')
  assert.equal(level('family', { family: 'Nguyễn' }, { family: 'Nguyễ' }), 'edit1')
  // Two edits, or one edit on a very short name (An/Anh are two names), are different.
  assert.equal(level('given', { given: 'Tuấn' }, { given: 'Tùng' }), 'different')
  assert.equal(level('given', { given: 'An' }, { given: 'Anh' }), 'different')
})

test('Telex keystrokes left in a name fold back to the name', () => {
  const all = levels({ family: 'Nguyeenx', middle: 'Thij', given: 'Hawngf' }, { family: 'Nguyễn', middle: 'Thị', given: 'Hằng' })
  assert.equal(all.family, 'unmarked')
  assert.equal(all.given, 'unmarked')
  // Keystrokes in one word of an otherwise marked name: its marks were lost, not different.
  assert.equal(level('given', { family: 'Trần', given: 'Dduwcs' }, { family: 'Trần', given: 'Đức' }), 'unmarked')
  assert.equal(level('given', { family: 'Trần', given: 'Dduwcj' }, { family: 'Trần', given: 'Đức' }), 'unmarked')
})

test('middle names: dropped, subset, Thị and Văn carry little', () => {
  const lan = { family: 'Nguyễn', given: 'Lan' }
  assert.equal(level('middle', { ...lan, middle: 'Thị Thu' }, lan), 'dropped')
  assert.equal(level('middle', { ...lan, middle: 'Thị Thu' }, { ...lan, middle: 'Thu' }), 'dropped')
  assert.equal(level('middle', { ...lan, middle: 'Thị' }, { ...lan, middle: 'Thị' }), 'common')
  assert.equal(level('middle', { ...lan, middle: 'Thị' }, { family: 'Nguyen', middle: 'Thi', given: 'Lan' }), 'common')
  assert.equal(level('middle', { ...lan, middle: 'Văn' }, { ...lan, middle: 'Văn' }), 'common')
  assert.equal(level('middle', { ...lan, middle: 'Thu' }, { ...lan, middle: 'Thu' }), 'exact')
  assert.equal(level('middle', { ...lan, middle: 'Thị Thu' }, { ...lan, middle: 'Thị Thu' }), 'exact')
  assert.equal(level('middle', { ...lan, middle: 'Thị Thu' }, { ...lan, middle: 'Thị Thư' }), 'fold')
  // Văn (a man's) and Vân (a woman's) share a fold but are not agreement on Văn.
  assert.equal(level('middle', { ...lan, middle: 'Văn' }, { ...lan, middle: 'Vân' }), 'fold')
  assert.equal(level('middle', { ...lan, middle: 'Văn' }, { ...lan, middle: 'Thị' }), 'different')
  assert.equal(level('middle', { ...lan, middle: 'Hoàng' }, { ...lan, middle: 'Huỳnh' }), 'variant')
  assert.equal(level('middle', { ...lan, middle: 'Ngọc' }, { ...lan, middle: 'Minh' }), 'different')
  // No middle name on either side: nothing to compare. No name at all: unknown.
  assert.equal(level('middle', lan, lan), 'unknown')
  assert.equal(level('middle', { middle: 'Thị' }, { ...lan, middle: 'Thị' }), 'unknown')
})

test('birth dates: exact, partial precision, swap, one-digit typo, one year', () => {
  const at = (year: number, month?: number, day?: number) => ({ birth: { year, month, day } })
  assert.equal(level('birth', at(1990, 5, 12), at(1990, 5, 12)), 'exact')
  assert.equal(level('birth', at(1990), at(1990, 5, 12)), 'partial')
  assert.equal(level('birth', at(1990, 5), at(1990, 5, 12)), 'partial')
  assert.equal(level('birth', at(1990), at(1990)), 'partial')
  assert.equal(level('birth', at(1990, 5, 12), at(1990, 12, 5)), 'swap')
  // A swap and a year out: only the year is near.
  assert.equal(level('birth', at(1990, 5, 12), at(1991, 12, 5)), 'year1')
  assert.equal(level('birth', at(1990, 5, 12), at(1999, 5, 12)), 'typo')
  assert.equal(level('birth', at(1990), at(1999)), 'typo')
  assert.equal(level('birth', at(1990, 5, 12), at(1990, 5, 17)), 'typo')
  assert.equal(level('birth', at(1990, 5, 12), at(1990, 8, 12)), 'typo')
  assert.equal(level('birth', at(1990), at(1999, 5, 12)), 'typo')
  // 1989 → 1990 changes two digits: a year out, not a typo.
  assert.equal(level('birth', at(1989, 3, 1), at(1990, 7, 20)), 'year1')
  assert.equal(level('birth', at(1989), at(1990, 7, 20)), 'year1')
  assert.equal(level('birth', at(1985, 3, 1), at(1990, 7, 20)), 'different')
  assert.equal(level('birth', at(1990, 5, 12), at(1990, 6, 13)), 'different')
  assert.equal(level('birth', {}, at(1990)), 'unknown')
  // A month that cannot be is not used; the year still is.
  assert.equal(level('birth', at(1990, 13, 5), at(1990, 5, 13)), 'partial')
})

test('ID numbers: equal, one digit or two neighbours swapped (a typo), otherwise different', () => {
  const id = '022090012345'
  assert.equal(level('id', { personalId: id }, { personalId: id }), 'exact')
  assert.equal(level('id', { personalId: id }, { personalId: '022090012845' }), 'typo')
  assert.equal(level('id', { personalId: id }, { personalId: '022090013245' }), 'typo')
  assert.equal(level('id', { personalId: id }, { personalId: '022090042315' }), 'different') // 1 and 4 far apart
  assert.equal(level('id', { personalId: id }, { personalId: '022090012399' }), 'different')
  assert.equal(level('id', { personalId: id }, { personalId: '022090987654' }), 'different')
  // Swaps and slips anywhere, leading zeros included (001 is Hà Nội).
  assert.equal(level('id', { personalId: '022095712345' }, { personalId: '022097512345' }), 'typo')
  assert.equal(level('id', { personalId: '001090012345' }, { personalId: '010090012345' }), 'typo')
  assert.equal(level('id', { personalId: '001090012345' }, { personalId: '101090012345' }), 'typo')
  assert.equal(level('id', { personalId: '001090012345' }, { personalId: '100090012345' }), 'different')
  assert.equal(level('id', { oldId: '100234567' }, { oldId: '102034567' }), 'typo')
  // The old 9-digit ID when either side lacks a personal ID.
  assert.equal(level('id', { personalId: id, oldId: '100234567' }, { oldId: '100234567' }), 'exact')
  assert.equal(level('id', { oldId: '100234567' }, { oldId: '100243567' }), 'typo')
  assert.equal(level('id', { personalId: id }, { oldId: '100234567' }), 'unknown')
  // A number of the wrong length is not an ID.
  assert.equal(level('id', { personalId: '02209001234' }, { personalId: '022090012345' }), 'unknown')
})

test('sex: same or different, taken from the ID digit when not given', () => {
  assert.equal(level('sex', { sex: 'F' }, { sex: 'F' }), 'same')
  assert.equal(level('sex', { sex: 'F' }, { sex: 'M' }), 'different')
  // Century/sex digit 1: a woman born in the 1900s; 2: a man born in the 2000s.
  assert.equal(level('sex', { personalId: '022190012345' }, { sex: 'F' }), 'same')
  assert.equal(level('sex', { personalId: '022190012345' }, { sex: 'M' }), 'different')
  assert.equal(level('sex', { personalId: '022205012345' }, { sex: 'M' }), 'same')
  // Typed sex wins over the digit when both are there.
  assert.equal(level('sex', { sex: 'M', personalId: '022190012345' }, { sex: 'M' }), 'same')
  assert.equal(level('sex', {}, { sex: 'M' }), 'unknown')
})

test('residence: same unit and address, same unit, different', () => {
  const unit = '22090'
  assert.equal(level('residence', { unit, address: 'Thôn Đông Sơn' }, { unit, address: 'thon dong son' }), 'address')
  assert.equal(level('residence', { unit, address: 'Khu phố 3' }, { unit, address: 'Khu 3' }), 'address')
  // The short form is the tail of the long one.
  assert.equal(level('residence', { unit, address: 'Số 12, đường Trần Phú, tổ 3, khu 4' }, { unit, address: 'Tổ 3, khu 4' }), 'address')
  assert.equal(level('residence', { unit, address: 'Tổ 13, khu 4' }, { unit, address: 'Tổ 3, khu 4' }), 'unit')
  assert.equal(level('residence', { unit, address: 'Thôn Tân Hòa' }, { unit, address: 'An Hòa' }), 'unit')
  assert.equal(level('residence', { unit, address: 'Thôn Đông Sơn' }, { unit }), 'unit')
  assert.equal(level('residence', { unit, address: 'Thôn Đông Sơn' }, { unit: '22093', address: 'Thôn Đông Sơn' }), 'different')
  assert.equal(level('residence', { address: 'Thôn Đông Sơn' }, { unit, address: 'Thôn Đông Sơn' }), 'unknown')
})

test('household: a register-wide number anywhere, a short local number within its unit', () => {
  assert.equal(level('household', { household: '220001234', unit: '22090' }, { household: '220001234', unit: '22093' }), 'same')
  assert.equal(level('household', { household: '220001234' }, { household: '220004321' }), 'different')
  assert.equal(level('household', { household: '12', unit: '22090' }, { household: '12', unit: '22090' }), 'same')
  assert.equal(level('household', { household: '12', unit: '22090' }, { household: '12', unit: '22093' }), 'different')
  assert.equal(level('household', { household: '12' }, { household: '12' }), 'unknown')
})

test('phone: the last nine digits', () => {
  assert.equal(level('phone', { phone: '0912345678' }, { phone: '84912345678' }), 'same')
  assert.equal(level('phone', { phone: '0912345678' }, { phone: '0912345679' }), 'different')
  assert.equal(level('phone', { phone: '12345' }, { phone: '12345' }), 'unknown')
})

test('relatives separate twins from one person and namesakes', () => {
  const family = {
    family: 'Nguyễn',
    birth: { year: 2001, month: 3, day: 14 },
    father: 'Nguyễn Văn Hùng',
    mother: 'Trần Thị Mai',
    head: 'Nguyễn Văn Hùng',
  }
  // Twins: same date and parents, different given names.
  const twins = levels({ ...family, middle: 'Thị', given: 'Hà' }, { ...family, middle: 'Thị', given: 'Hằng' })
  assert.equal(twins.relatives, 'several')
  assert.equal(twins.birth, 'exact')
  assert.equal(twins.given, 'different')
  // Namesakes: same name and date, other parents.
  const other = { father: 'Lê Văn Tâm', mother: 'Phạm Thị Hoa', head: 'Lê Văn Tâm' }
  assert.equal(level('relatives', family, { ...family, ...other }), 'disagree')
  assert.equal(level('relatives', family, { ...family, mother: 'Phạm Thị Hoa' }), 'mixed')
  assert.equal(level('relatives', { mother: 'Trần Thị Mai' }, { mother: 'TRAN THI MAI' }), 'one')
  // A relative's dropped middle name still agrees; another middle name does not.
  assert.equal(level('relatives', { father: 'Nguyễn Văn Hùng' }, { father: 'Nguyễn Hùng' }), 'one')
  assert.equal(level('relatives', { father: 'Nguyễn Văn Hùng' }, { father: 'Nguyễn Đức Hùng' }), 'disagree')
  assert.equal(level('relatives', { father: 'Huỳnh Văn Hùng' }, { father: 'Hoàng Văn Hùng' }), 'one')
  // Known on one side only: no evidence.
  assert.equal(level('relatives', { father: 'Nguyễn Văn Hùng' }, { mother: 'Trần Thị Mai' }), 'unknown')
})

test('hard conflicts: IDs beyond a typo', () => {
  assert.equal(conflict({ personalId: '022090012345' }, { personalId: '022090987654' }), 'id')
  assert.equal(conflict({ personalId: '022090012345' }, { personalId: '022090012845' }), undefined)
  assert.equal(conflict({ personalId: '022090012345' }, { personalId: '022090013245' }), undefined)
  // Old IDs may differ for one person (a card reissued elsewhere).
  assert.equal(conflict({ oldId: '100234567' }, { oldId: '200987654' }), undefined)
})

test('hard conflicts: different sex only where both agree with their own IDs', () => {
  // 0 = man born in the 1900s, 1 = woman; the two numbers are one digit apart (a typo, not an ID conflict).
  const man = { sex: 'M' as const, personalId: '022090012345' }
  const woman = { sex: 'F' as const, personalId: '022190012345' }
  assert.equal(conflict(man, woman), 'sex')
  // One side's typed sex disagrees with its own ID: perhaps the sex was mistyped.
  assert.equal(conflict(man, { sex: 'F', personalId: '022090012345' }), undefined)
  assert.equal(conflict(man, { sex: 'F' }), undefined)
  assert.equal(conflict(man, { ...man }), undefined)
})

test('hard conflicts: full dates more than two years apart and not one typo', () => {
  const at = (year: number, month?: number, day?: number) => ({ birth: { year, month, day } })
  assert.equal(conflict(at(1990, 5, 12), at(1993, 1, 1)), 'birth')
  assert.equal(conflict(at(1990, 5, 12), at(1992, 5, 13)), 'birth')
  assert.equal(conflict(at(1993, 1, 1), at(1990, 5, 12)), 'birth')
  // Exactly two years is not more than two; nor is a day less, or a year and a half.
  assert.equal(conflict(at(1990, 5, 12), at(1992, 5, 12)), undefined)
  assert.equal(conflict(at(1990, 5, 12), at(1992, 5, 11)), undefined)
  assert.equal(conflict(at(1990, 5, 12), at(1991, 11, 30)), undefined)
  // 1990 → 1999 is one keystroke.
  assert.equal(conflict(at(1990, 5, 12), at(1999, 5, 12)), undefined)
  assert.equal(conflict(at(1990, 5, 12), at(1990, 12, 5)), undefined)
  // Partial dates never conflict.
  assert.equal(conflict(at(1990), at(1975, 5, 12)), undefined)
  assert.equal(conflict(at(1960, 5), at(1975, 5, 12)), undefined)
})

test('withinOneEdit is Damerau distance at most one, for names of three letters or more', () => {
  assert.equal(withinOneEdit('tuan', 'tuan'), true)
  assert.equal(withinOneEdit('tuan', 'taun'), true)
  assert.equal(withinOneEdit('tuan', 'tuna'), true)
  assert.equal(withinOneEdit('tuan', 'utan'), true)
  assert.equal(withinOneEdit('tuan', 'tuann'), true)
  assert.equal(withinOneEdit('tuann', 'tuan'), true)
  assert.equal(withinOneEdit('tuan', 'xtuan'), true)
  assert.equal(withinOneEdit('tuan', 'tun'), true)
  assert.equal(withinOneEdit('tuan', 'tuen'), true)
  assert.equal(withinOneEdit('tuan', 'tung'), false)
  assert.equal(withinOneEdit('tuan', 'atun'), false)
  assert.equal(withinOneEdit('tuan', 'tnua'), false)
  assert.equal(withinOneEdit('tuan', 'tuanng'), false)
  assert.equal(withinOneEdit('tuan', 'tu'), false)
  assert.equal(withinOneEdit('abcd', 'badc'), false)
  assert.equal(withinOneEdit('an', 'anh'), false)
})

test('compare writes every field and agrees with itself on a person', () => {
  const person: Values = {
    family: 'Nguyễn',
    middle: 'Thị Thu',
    given: 'Hà',
    birth: { year: 1990, month: 5, day: 12 },
    personalId: '022190012345',
    oldId: '100234567',
    sex: 'F',
    unit: '22090',
    address: 'Thôn Đông Sơn',
    household: '220001234',
    phone: '0912345678',
    father: 'Nguyễn Văn Hùng',
    mother: 'Trần Thị Mai',
    spouse: 'Lê Văn Nam',
    head: 'Lê Văn Nam',
  }
  const all = levels(person, person)
  for (const f of FIELDS) assert.equal(all[f], LEVELS[f][LEVELS[f].length - 1], f)
  assert.equal(conflict(person, person), undefined)
})
