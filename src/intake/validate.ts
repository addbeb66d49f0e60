// A DC01 form checked (đúng) and normalised, against reference data passed in (pure).
import { eraOf } from '../geo/eras.ts'
import { expectedCenturyDigit, idParts } from '../identity/number.ts'
import { collapseSpaces, foldKey, nfc, repairMojibake } from '../text/vietnamese.ts'
import { DC01_KEYS, type Dc01Form } from './dc01.ts'
import { type Finding, finding } from './rules.ts'
import {
  ageOn,
  type DateValue,
  digits,
  earliestDay,
  fromList,
  isoPartial,
  MARITAL_STATUSES,
  type MaritalStatus,
  normalizeName,
  normalizePhone,
  parseBloodGroup,
  parseDate,
  parseSex,
  RELATIONS,
  type Sex,
  validEmail,
} from './values.ts'

export interface UnitRef {
  code: string
  name: string
  era: number
  valid_from: string
  level: string
}

/** What validation needs to know of the world; the importer builds it once per run. */
export interface Reference {
  today: string
  unitOn(code: string, date: string): UnitRef | undefined
  unitVersions(code: string): UnitRef[]
  /** Units in force today that an ended unit became. */
  successors(code: string, validFrom: string): { code: string; name: string; portion: string }[]
  addressKnown(text: string, on: string): boolean
  ethnicity(text: string): { code: string; name: string } | undefined
  religion(text: string): string | undefined
  idProvinceKnown(code: string): boolean
}

export const MAX_VALUE_LENGTH = 1000

export interface Person {
  full_name: string
  name_display: string
  other_name: string | null
  birth: (DateValue & { kind: 'ok' }) | null
  birth_iso: string | null
  sex: Sex | null
  personal_id: string | null
  old_id: string | null
  ethnicity_code: string | null
  ethnicity_text: string | null
  religion: string | null
  nationality: string
  blood_group: string | null
  marital_status: MaritalStatus | null
  occupation: string | null
  phone: string | null
  email: string | null
  birth_reg_place: string | null
  hometown: string | null
  permanent_unit: string | null
  permanent_address: string | null
  current_unit: string | null
  current_address: string | null
  relation_to_head: string | null
}

export interface Checked {
  /** As typed, NFC: what is stored and hashed. */
  form: Dc01Form
  /** The values read: as typed, with mojibake undone. */
  values: Dc01Form
  collectedOn: string | null
  era: number | null
  findings: Finding[]
  hasError: boolean
  person: Person
}

// Values reach checkForm's readers already NFC (cleanForm).
const text = (s: string) => collapseSpaces(s)
const orNull = (s: string) => (s ? s : null)

/** NFC every value and cut the absurdly long ones (an error finding says so, with the length). */
export function cleanForm(input: Dc01Form, flagged: ReadonlySet<string> = new Set()): { form: Dc01Form; findings: Finding[] } {
  const findings: Finding[] = []
  const form = { ...input }
  for (const key of DC01_KEYS) {
    let value = nfc(input[key] ?? '')
    if (value.length > MAX_VALUE_LENGTH) {
      if (!flagged.has(key)) findings.push(finding('value-too-long', key, { field: key, length: value.length, limit: MAX_VALUE_LENGTH }))
      value = value.slice(0, MAX_VALUE_LENGTH)
    }
    form[key] = value
  }
  return { form, findings }
}

export function checkForm(input: Dc01Form, ref: Reference, preFindings: Finding[] = []): Checked {
  // The reader may already have cut a value (and said so): one finding per field.
  const cleaned = cleanForm(input, new Set(preFindings.filter((x) => x.rule === 'value-too-long').map((x) => String(x.field))))
  const findings = [...preFindings, ...cleaned.findings]
  const add = (x: Finding) => findings.push(x)
  // What was typed is stored; values are read from a copy with mojibake undone.
  const f = { ...cleaned.form }
  for (const key of DC01_KEYS) {
    const fixed = repairMojibake(f[key])
    if (fixed !== undefined) {
      add(finding('text-repaired', key, { field: key, value: f[key], fixed }))
      f[key] = fixed
    }
  }

  // Identity of the form.
  if (!text(f.form_no)) add(finding('form-no-missing', 'form_no'))
  const collected = parseDate(f.collected_on)
  const collectedOn = collected.kind === 'ok' && collected.precision === 'day' ? isoPartial(collected) : null
  if (!collectedOn || collectedOn > ref.today) add(finding('collected-on-invalid', 'collected_on', { value: f.collected_on }))
  const on = collectedOn && collectedOn <= ref.today ? collectedOn : ref.today
  const era = collectedOn ? eraOf(collectedOn) : null
  const collectingUnit = text(f.collecting_unit)
  checkUnit(ref, 'collecting_unit', collectingUnit, on, add, true)

  // The person.
  const name = text(f.full_name)
  if (!name) add(finding('name-missing', 'full_name'))
  const birthValue = parseDate(f.birth_date, true)
  let birth: (DateValue & { kind: 'ok' }) | null = null
  if (birthValue.kind === 'empty') add(finding('birth-date-missing', 'birth_date'))
  else if (birthValue.kind === 'unreadable') add(finding('birth-date-unreadable', 'birth_date', { value: f.birth_date }))
  else if (birthValue.kind === 'impossible') add(finding('birth-date-impossible', 'birth_date', { value: f.birth_date }))
  else if (earliestDay(birthValue) > on) add(finding('birth-date-future', 'birth_date', { value: f.birth_date }))
  else birth = birthValue
  // The typed year counts for the ID checks even when the day or month is impossible.
  const birthYear = birthValue.kind === 'ok' || birthValue.kind === 'impossible' ? birthValue.year : null

  const sexValue = parseSex(f.sex)
  const sex = sexValue === 'M' || sexValue === 'F' ? sexValue : null
  if (sexValue === 'empty') add(finding('sex-missing', 'sex'))
  else if (sexValue === 'unreadable') add(finding('sex-unreadable', 'sex', { value: f.sex }))

  const personalId = digits(f.personal_id)
  if (personalId) checkId(ref, personalId, sex, birthYear, add)
  const oldId = digits(f.old_id)
  if (oldId && !/^\d{9}$/.test(oldId)) add(finding('old-id-format', 'old_id', { value: f.old_id }))

  for (const field of ['permanent_unit', 'current_unit'] as const) {
    const code = text(f[field])
    if (code) checkUnit(ref, field, code, on, add, false)
  }
  for (const field of ['birth_reg_place', 'hometown'] as const) {
    const value = text(f[field])
    if (!value) continue
    const asCode = /^\d{5}$/.test(value)
    if (asCode ? ref.unitVersions(value).length === 0 : !ref.addressKnown(value, on))
      add(finding('address-unresolved', field, { field, value }))
  }

  const ethnicityText = text(f.ethnicity)
  const ethnicity = ethnicityText ? ref.ethnicity(ethnicityText) : undefined
  if (ethnicityText && !ethnicity) add(finding('ethnicity-unknown', 'ethnicity', { value: ethnicityText }))
  const religionText = text(f.religion)
  const religion = religionText ? ref.religion(religionText) : undefined
  if (religionText && !religion) add(finding('religion-unknown', 'religion', { value: religionText }))

  const blood = text(f.blood_group)
  const bloodValue = blood ? parseBloodGroup(blood) : undefined
  if (blood && !bloodValue) add(finding('code-unknown', 'blood_group', { field: 'blood_group', value: blood }))
  const maritalText = text(f.marital_status)
  const marital = maritalText ? fromList(MARITAL_STATUSES, maritalText) : undefined
  if (maritalText && !marital) add(finding('code-unknown', 'marital_status', { field: 'marital_status', value: maritalText }))
  const relationText = text(f.relation_to_head)
  const relation = relationText ? fromList(RELATIONS, relationText) : undefined
  if (relationText && !relation) add(finding('code-unknown', 'relation_to_head', { field: 'relation_to_head', value: relationText }))

  const phoneText = text(f.phone)
  const phone = phoneText ? normalizePhone(phoneText) : undefined
  if (phone && !phone.valid) add(finding('phone-format', 'phone', { value: phoneText }))
  const email = text(f.email)
  if (email && !validEmail(email)) add(finding('email-format', 'email', { value: email }))

  if (birth) {
    checkParents(f, birth, add)
    checkMarriage(f, birth, sex, marital, on, add)
  }

  return {
    form: cleaned.form,
    values: f,
    collectedOn,
    era,
    findings,
    hasError: findings.some((x) => x.severity === 'error'),
    person: {
      full_name: name,
      name_display: normalizeName(name),
      other_name: orNull(text(f.other_name)),
      birth,
      birth_iso: birth ? isoPartial(birth) : null,
      sex,
      personal_id: orNull(personalId),
      old_id: orNull(oldId),
      ethnicity_code: ethnicity?.code ?? null,
      ethnicity_text: orNull(ethnicityText),
      religion: religion ?? orNull(religionText),
      nationality: text(f.nationality) || 'Việt Nam',
      blood_group: bloodValue ? `${bloodValue.group}${bloodValue.rh ?? ''}` : orNull(blood),
      marital_status: marital ?? null,
      occupation: orNull(text(f.occupation)),
      phone: phone ? phone.value : null,
      email: orNull(email),
      birth_reg_place: orNull(text(f.birth_reg_place)),
      hometown: orNull(text(f.hometown)),
      permanent_unit: orNull(text(f.permanent_unit)),
      permanent_address: orNull(text(f.permanent_address)),
      current_unit: orNull(text(f.current_unit)),
      current_address: orNull(text(f.current_address)),
      relation_to_head: relation ?? orNull(relationText),
    },
  }
}

function checkUnit(ref: Reference, field: string, code: string, on: string, add: (f: Finding) => void, required: boolean) {
  if (ref.unitOn(code, on)?.level === 'commune') return
  const versions = ref.unitVersions(code).filter((u) => u.level === 'commune')
  if (versions.length === 0) {
    add(required ? finding('collecting-unit-unknown', field, { value: code }) : finding('unit-unknown', field, { field, value: code }))
    return
  }
  const last = versions.filter((u) => u.valid_from <= on).pop() ?? (versions[0] as UnitRef)
  const successors = ref.successors(last.code, last.valid_from)
  add(
    finding('unit-wrong-era', field, {
      field,
      value: code,
      name: last.name,
      on,
      successors: successors.map((s) => `${s.code} ${s.name}${s.portion === 'part' ? ' (một phần/part)' : ''}`).join('; '),
    }),
  )
}

function checkId(ref: Reference, id: string, sex: Sex | null, birthYear: number | null, add: (f: Finding) => void) {
  const parts = idParts(id)
  if (!parts) {
    add(finding('id-format', 'personal_id', { value: id }))
    return
  }
  if (!ref.idProvinceKnown(parts.province)) add(finding('id-province', 'personal_id', { code: parts.province }))
  if (sex && birthYear !== null) {
    const expected = expectedCenturyDigit(sex, birthYear)
    if (parts.centuryDigit !== expected) add(finding('id-century-sex', 'personal_id', { found: parts.centuryDigit, expected }))
  }
  if (birthYear !== null && Number(id.slice(4, 6)) !== birthYear % 100) {
    add(finding('id-year', 'personal_id', { found: id.slice(4, 6), year: birthYear }))
  }
}

/** A parent's birth year comes from their ID number (its century and year digits). */
function checkParents(f: Dc01Form, birth: DateValue & { kind: 'ok' }, add: (x: Finding) => void) {
  for (const [field, vi, en] of [
    ['father_id', 'Cha', 'father'],
    ['mother_id', 'Mẹ', 'mother'],
  ] as const) {
    const parent = idParts(digits(f[field]))
    if (!parent) continue
    const gap = birth.year - parent.birthYear
    if (gap < 12) add(finding('parent-too-young', field, { parent: vi, parent_en: en, gap }))
  }
}

const MARRIAGE_AGE: Record<Sex, number> = { M: 20, F: 18 }

function checkMarriage(
  f: Dc01Form,
  birth: DateValue & { kind: 'ok' },
  sex: Sex | null,
  marital: MaritalStatus | undefined,
  on: string,
  add: (x: Finding) => void,
) {
  const hasSpouse = Boolean(text(f.spouse_name) || digits(f.spouse_id))
  if (sex && (hasSpouse || marital === 'Đã kết hôn')) {
    const age = ageOn(birth, on)
    if (age < MARRIAGE_AGE[sex]) add(finding('spouse-under-age', 'birth_date', { who: 'Người khai', who_en: 'The person', age }))
  }
  const spouse = idParts(digits(f.spouse_id))
  if (spouse) {
    const age = Number(on.slice(0, 4)) - spouse.birthYear - 1 // at least this old on that day
    if (age < MARRIAGE_AGE[spouse.sex])
      add(finding('spouse-under-age', 'spouse_id', { who: 'Vợ/chồng', who_en: 'The spouse', age: Math.max(age, 0) }))
  }
}

/**
 * Case- and diacritic-blind lookups for the code lists, built once. A later entry overrides an
 * earlier one with the same folded key: put the less authoritative entries first.
 */
export function codeList<T>(entries: [string, T][]): (text: string) => T | undefined {
  const map = new Map(entries.map(([k, value]) => [foldKey(k), value]))
  return (t) => map.get(foldKey(t))
}
