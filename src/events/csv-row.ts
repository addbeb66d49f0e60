// One row of an events file (docs/formats/events-csv.md) → the EventInput the API takes. Pure:
// the columns and their Vietnamese labels, the header, each kind's columns, dates and numbers as
// people type them, and the Zod schema's verdict named by column. A person given by personal ID
// number, or a household by unit and number, is resolved through lookups the caller fills from
// the register; without them (the first pass, before any query) a placeholder stands in, so a row
// that cannot be an event is known as such before the register is asked.
import { createHash } from 'node:crypto'
import { parseDate, parseSex } from '../intake/values.ts'
import { collapseSpaces, foldKey, nfc } from '../text/vietnamese.ts'
import { EVENT_KINDS, type EventKind } from './derive.ts'
import { CORRECTABLE, type Correctable, EventInput } from './schema.ts'

export const EVENT_COLUMNS = [
  { key: 'kind', label: 'Loại sự kiện', text: true },
  { key: 'effective_on', label: 'Ngày hiệu lực' },
  { key: 'document', label: 'Giấy tờ', text: true },
  { key: 'person_id', label: 'Mã người' },
  { key: 'personal_id', label: 'Số định danh cá nhân' },
  { key: 'household_id', label: 'Mã hộ' },
  { key: 'household_unit', label: 'Mã xã của hộ' },
  { key: 'household_era', label: 'Kỳ của hộ' },
  { key: 'household_no', label: 'Số hộ' },
  { key: 'full_name', label: 'Họ, chữ đệm và tên', text: true },
  { key: 'sex', label: 'Giới tính', text: true },
  { key: 'relation_to_head', label: 'Quan hệ với chủ hộ', text: true },
  { key: 'father_id', label: 'Mã người cha' },
  { key: 'father_personal_id', label: 'Số định danh của cha' },
  { key: 'mother_id', label: 'Mã người mẹ' },
  { key: 'mother_personal_id', label: 'Số định danh của mẹ' },
  { key: 'ethnicity_code', label: 'Mã dân tộc' },
  { key: 'nationality', label: 'Quốc tịch', text: true },
  { key: 'birth_reg_place', label: 'Nơi đăng ký khai sinh', text: true },
  { key: 'new_head_id', label: 'Mã chủ hộ mới' },
  { key: 'new_head_personal_id', label: 'Số định danh của chủ hộ mới' },
  { key: 'to_unit', label: 'Mã xã nơi đến' },
  { key: 'to_era', label: 'Kỳ của xã nơi đến' },
  { key: 'to_detail', label: 'Địa chỉ chi tiết nơi đến', text: true },
  { key: 'to_household_id', label: 'Mã hộ nơi đến' },
  { key: 'to_household_no', label: 'Số hộ nơi đến' },
  { key: 'new_household_no', label: 'Số hộ mới' },
  { key: 'outside', label: 'Nơi đến ngoài tỉnh', text: true },
  { key: 'until', label: 'Đến ngày' },
  { key: 'destination', label: 'Nơi tạm vắng đến', text: true },
  { key: 'spouse_id', label: 'Mã người vợ/chồng' },
  { key: 'spouse_personal_id', label: 'Số định danh của vợ/chồng' },
  { key: 'spouse_name', label: 'Họ tên vợ/chồng', text: true },
  { key: 'members', label: 'Thành viên' },
  { key: 'head_id', label: 'Mã chủ hộ' },
  { key: 'head_personal_id', label: 'Số định danh của chủ hộ' },
  { key: 'field', label: 'Trường đính chính' },
  { key: 'value', label: 'Giá trị đúng', text: true },
  { key: 'reason', label: 'Lý do', text: true },
  { key: 'event_id', label: 'Mã sự kiện' },
] as const
export type EventColumnKey = (typeof EVENT_COLUMNS)[number]['key']
export const EVENT_COLUMN_KEYS: readonly EventColumnKey[] = EVENT_COLUMNS.map((c) => c.key)
/** Columns holding free text: the ones a VIQR file spells with marks (never ids or codes). */
export const TEXT_COLUMNS: ReadonlySet<string> = new Set(EVENT_COLUMNS.filter((c) => 'text' in c).map((c) => c.key))
export const REQUIRED_COLUMNS: readonly EventColumnKey[] = ['kind', 'effective_on']

/** Each kind's Vietnamese name, as officers write it in the `kind` column (the English key works too). */
export const KIND_LABELS: Record<EventKind, readonly string[]> = {
  birth: ['Khai sinh', 'Sinh'],
  death: ['Khai tử', 'Chết', 'Mất'],
  move: ['Chuyển nơi cư trú', 'Chuyển đi', 'Chuyển đến', 'Chuyển khẩu'],
  temporary_residence: ['Tạm trú', 'Đăng ký tạm trú'],
  temporary_absence: ['Tạm vắng', 'Khai báo tạm vắng'],
  marriage: ['Kết hôn'],
  divorce: ['Ly hôn'],
  household_split: ['Tách hộ'],
  household_merge: ['Nhập hộ'],
  head_change: ['Thay đổi chủ hộ', 'Đổi chủ hộ'],
  name_change: ['Thay đổi họ tên', 'Đổi tên'],
  correction: ['Đính chính', 'Điều chỉnh thông tin'],
  confirmation: ['Xác nhận thông tin', 'Xác nhận'],
  revocation: ['Thu hồi', 'Huỷ sự kiện', 'Hủy sự kiện'],
}

const BY_HEADER = new Map<string, EventColumnKey>()
for (const c of EVENT_COLUMNS) {
  BY_HEADER.set(foldKey(c.key), c.key)
  BY_HEADER.set(foldKey(c.label), c.key)
}
const BY_KIND = new Map<string, EventKind>()
for (const kind of EVENT_KINDS) {
  BY_KIND.set(foldKey(kind), kind)
  for (const label of KIND_LABELS[kind]) BY_KIND.set(foldKey(label), kind)
}

/** Columns coso adds to correction files: dropped when the file comes back. */
export const OURS = /^coso_/i

/** What each header cell is: one of our columns, a `coso_` column to ignore, or a column of the sender's own. */
export type HeaderCell = { key: EventColumnKey } | { ours: true } | { unknown: string }

export interface EventHeader {
  cells: HeaderCell[]
  unknown: string[]
  missing: EventColumnKey[]
}

/** Maps header cells to columns (English key or Vietnamese label, case and diacritics ignored); a repeated column counts as unknown. */
export function mapEventHeader(header: readonly string[]): EventHeader {
  const seen = new Set<string>()
  const unknown: string[] = []
  const cells = header.map((raw): HeaderCell => {
    const name = collapseSpaces(nfc(raw).replace(/^\ufeff/, ''))
    if (OURS.test(name)) return { ours: true }
    const key = BY_HEADER.get(foldKey(name))
    if (key && !seen.has(key)) {
      seen.add(key)
      return { key }
    }
    const label = name || `column_${unknown.length + 1}`
    unknown.push(label)
    return { unknown: label }
  })
  return { cells, unknown, missing: REQUIRED_COLUMNS.filter((k) => !seen.has(k)) }
}

export type RowCells = Partial<Record<EventColumnKey, string>>

/** A row's cells by column, trimmed; empty cells left out. */
export function rowCells(header: EventHeader, cells: readonly string[]): RowCells {
  const out: RowCells = {}
  header.cells.forEach((h, i) => {
    if (!('key' in h)) return
    const v = collapseSpaces(nfc(cells[i] ?? ''))
    if (v !== '') out[h.key] = v
  })
  return out
}

export interface RowProblem {
  /** A stable code: `date-unreadable`, `required`, `before-birth`, … */
  rule: string
  /** The CSV column(s) at fault, when one is. */
  column: string | null
  vi: string
  en: string
}

export interface Lookups {
  /** The person holding a personal ID number. */
  person(personalId: string): string | undefined
  /** The households with this number in this unit (in `era`, or in either era when null). */
  households(unit: string, no: string, era: number | null): string[]
}

export interface Needs {
  personalIds: string[]
  households: { unit: string; no: string; era: number | null }[]
}

export type RowResult =
  | { ok: true; kind: EventKind; input: EventInput; hash: string; needs: Needs }
  | { ok: false; kind: EventKind | null; stage: 'invalid' | 'unresolved'; problems: RowProblem[]; needs: Needs }

/** Stands in for a register id not looked up yet (valid for the schema, never stored). */
const PLACEHOLDER = '00000000-0000-4000-8000-000000000000'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Columns every kind takes. */
const COMMON: readonly EventColumnKey[] = ['kind', 'effective_on', 'document']
const PERSON: readonly EventColumnKey[] = ['person_id', 'personal_id']
const HOUSEHOLD: readonly EventColumnKey[] = ['household_id', 'household_unit', 'household_era', 'household_no']

/** The columns a kind reads besides the common ones (any other filled column makes the row invalid). */
export const KIND_COLUMNS: Record<EventKind, readonly EventColumnKey[]> = {
  birth: [
    ...HOUSEHOLD,
    'full_name',
    'sex',
    'relation_to_head',
    'father_id',
    'father_personal_id',
    'mother_id',
    'mother_personal_id',
    'personal_id',
    'ethnicity_code',
    'nationality',
    'birth_reg_place',
  ],
  death: [...PERSON, 'new_head_id', 'new_head_personal_id'],
  move: [
    ...PERSON,
    'to_unit',
    'to_era',
    'to_detail',
    'to_household_id',
    'to_household_no',
    'new_household_no',
    'relation_to_head',
    'outside',
  ],
  temporary_residence: [...PERSON, 'to_unit', 'to_era', 'to_detail', 'until'],
  temporary_absence: [...PERSON, 'until', 'destination'],
  marriage: [...PERSON, 'spouse_id', 'spouse_personal_id', 'spouse_name'],
  divorce: [...PERSON, 'spouse_id', 'spouse_personal_id'],
  household_split: [...HOUSEHOLD, 'members', 'head_id', 'head_personal_id', 'new_household_no', 'to_detail'],
  household_merge: [...HOUSEHOLD, 'to_household_id', 'to_unit', 'to_era', 'to_household_no'],
  head_change: [...HOUSEHOLD, 'head_id', 'head_personal_id'],
  name_change: [...PERSON, 'full_name'],
  correction: [...PERSON, 'field', 'value', 'reason'],
  confirmation: [...PERSON],
  revocation: ['event_id', 'reason'],
}

const p = (rule: string, column: string | null, vi: string, en: string): RowProblem => ({ rule, column, vi, en })

/** A typed personal ID number: separators dropped, and the leading 0 Excel takes off put back. */
function personalId(text: string): string {
  const d = text.replace(/[\s.\-_]/g, '')
  return /^\d{11}$/.test(d) ? `0${d}` : d
}

/** A typed unit code, with the leading 0 Excel takes off put back. */
function unitCode(text: string): string {
  return /^\d{4}$/.test(text) ? `0${text}` : text
}

class RowBuilder {
  readonly problems: RowProblem[] = []
  readonly unresolved: RowProblem[] = []
  /** Schema path → the CSV column(s) it came from, to name them in Zod's findings. */
  readonly columns = new Map<string, string>()
  /** Each column read, as normalised for the row's hash. */
  readonly normal = new Map<string, string>()
  readonly needs: Needs = { personalIds: [], households: [] }
  readonly #cells: RowCells
  readonly #lookups: Lookups | undefined

  constructor(cells: RowCells, lookups: Lookups | undefined) {
    this.#cells = cells
    this.#lookups = lookups
  }

  has(key: EventColumnKey): boolean {
    return this.#cells[key] !== undefined
  }

  text(key: EventColumnKey, path: string = key): string | undefined {
    this.columns.set(path, key)
    const v = this.#cells[key]
    if (v !== undefined) this.normal.set(key, v)
    return v
  }

  required(key: EventColumnKey, path: string = key): string | undefined {
    const v = this.text(key, path)
    if (v === undefined) this.problems.push(p('required', key, `Thiếu ${key}.`, `${key} is required.`))
    return v
  }

  day(key: EventColumnKey, required: boolean, path: string = key): string | undefined {
    const v = required ? this.required(key, path) : this.text(key, path)
    if (v === undefined) return undefined
    const d = parseDate(v)
    if (d.kind === 'ok') {
      const iso = `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`
      this.normal.set(key, iso)
      return iso
    }
    if (d.kind === 'impossible') {
      this.problems.push(p('date-impossible', key, `${key}: ngày không có thật (${v}).`, `${key}: no such day (${v}).`))
    } else {
      this.problems.push(
        p(
          'date-unreadable',
          key,
          `${key}: không đọc được ngày (dd/mm/yyyy hoặc yyyy-mm-dd).`,
          `${key}: unreadable date (dd/mm/yyyy or yyyy-mm-dd).`,
        ),
      )
    }
    return undefined
  }

  era(key: EventColumnKey, path: string = key): 2024 | 2025 | undefined {
    const v = this.text(key, path)
    if (v === undefined) return undefined
    if (v === '2024' || v === '2025') return Number(v) as 2024 | 2025
    this.problems.push(p('era-unreadable', key, `${key}: kỳ là 2024 hoặc 2025.`, `${key}: the era is 2024 or 2025.`))
    return undefined
  }

  unit(key: EventColumnKey, path: string = key): string | undefined {
    const v = this.text(key, path)
    if (v === undefined) return undefined
    const code = unitCode(v)
    this.normal.set(key, code)
    if (!/^\d{5}$/.test(code)) {
      this.problems.push(p('unit-code-format', key, `${key}: mã xã gồm 5 chữ số.`, `${key}: a unit code has 5 digits.`))
      return undefined
    }
    return code
  }

  #resolvePerson(column: EventColumnKey, number: string): string {
    this.needs.personalIds.push(number)
    if (!this.#lookups) return PLACEHOLDER
    const id = this.#lookups.person(number)
    if (id) return id
    this.unresolved.push(
      p(
        'person-unknown',
        column,
        `${column}: không có ai trong sổ mang số định danh ${number}.`,
        `${column}: nobody in the register holds personal ID ${number}.`,
      ),
    )
    return PLACEHOLDER
  }

  /** A register id as the schema and the row's hash take it (UUIDs compare lower case). */
  #id(key: EventColumnKey, id: string): string {
    const lower = id.toLowerCase()
    this.normal.set(key, lower)
    return lower
  }

  /** A register id the row gives. */
  id(key: EventColumnKey): string | undefined {
    const v = this.required(key)
    return v === undefined ? undefined : this.#id(key, v)
  }

  /** A personal ID number the row gives (not one to look up: a newborn's). */
  number(key: EventColumnKey): string | undefined {
    const v = this.text(key)
    return v === undefined ? undefined : this.#personalId(key, v)
  }

  #personalId(column: EventColumnKey, text: string): string | undefined {
    const number = personalId(text)
    this.normal.set(column, number)
    if (/^\d{12}$/.test(number)) return number
    this.problems.push(p('personal-id-format', column, `${column}: số định danh gồm 12 chữ số.`, `${column}: a personal ID has 12 digits.`))
    return undefined
  }

  /** A person named by register id (`idKey`) or personal ID number (`numberKey`), one of the two. */
  person(idKey: EventColumnKey, numberKey: EventColumnKey, path: string, required: boolean): string | undefined {
    const id = this.text(idKey, path)
    const number = this.text(numberKey, path)
    const both = `${idKey} / ${numberKey}`
    this.columns.set(path, id === undefined && number !== undefined ? numberKey : id !== undefined && number === undefined ? idKey : both)
    if (id !== undefined && number !== undefined) {
      this.problems.push(p('one-of', both, `Chỉ điền một trong hai cột ${both}.`, `Fill in only one of ${both}.`))
      return undefined
    }
    if (id !== undefined) return this.#id(idKey, id)
    if (number !== undefined) {
      const n = this.#personalId(numberKey, number)
      return n === undefined ? undefined : this.#resolvePerson(numberKey, n)
    }
    if (required) this.problems.push(p('required', both, `Thiếu ${both}.`, `${both} is required.`))
    return undefined
  }

  /** A household named by register id, or by the unit's code and its number (and the era, when the code is ambiguous). */
  household(
    keys: { id: EventColumnKey; unit: EventColumnKey; no: EventColumnKey; era: EventColumnKey },
    path: string,
    required: boolean,
  ): string | undefined {
    const id = this.text(keys.id, path)
    const unitGiven = this.has(keys.unit)
    const noGiven = this.has(keys.no)
    const both = `${keys.id} / ${keys.unit} + ${keys.no}`
    this.columns.set(path, id !== undefined ? keys.id : unitGiven || noGiven ? `${keys.unit} + ${keys.no}` : both)
    if (id !== undefined) {
      if (unitGiven || noGiven || this.has(keys.era)) {
        for (const k of [keys.unit, keys.no, keys.era]) this.text(k)
        this.problems.push(p('one-of', both, `Chỉ điền một trong hai: ${both}.`, `Fill in only one of ${both}.`))
        return undefined
      }
      return this.#id(keys.id, id)
    }
    if (!unitGiven && !noGiven) {
      if (required) this.problems.push(p('required', both, `Thiếu ${both}.`, `${both} is required.`))
      return undefined
    }
    const unit = this.unit(keys.unit)
    const no = this.text(keys.no)
    const era = this.era(keys.era)
    if (!unitGiven || !noGiven) {
      const missing = unitGiven ? keys.no : keys.unit
      this.problems.push(p('required', missing, `Thiếu ${missing}.`, `${missing} is required.`))
      return undefined
    }
    if (unit === undefined || no === undefined) return undefined
    const key = { unit, no, era: era ?? null }
    this.needs.households.push(key)
    if (!this.#lookups) return PLACEHOLDER
    const found = this.#lookups.households(unit, no, key.era)
    if (found.length === 1) return found[0]
    const where = `${keys.unit} ${unit}, ${keys.no} ${no}${era ? `, ${keys.era} ${era}` : ''}`
    this.unresolved.push(
      found.length === 0
        ? p('household-unknown', `${keys.unit} + ${keys.no}`, `Không có hộ ${where} trong sổ.`, `No household ${where} in the register.`)
        : p(
            'household-ambiguous',
            `${keys.unit} + ${keys.no}`,
            `Có hộ ${where} ở cả hai kỳ: điền ${keys.era}.`,
            `Household ${where} exists in both eras: fill in ${keys.era}.`,
          ),
    )
    return PLACEHOLDER
  }

  /** Persons separated by `;` (personal ID numbers or register ids). */
  members(path: string): string[] | undefined {
    const v = this.text('members', path)
    if (v === undefined) return undefined
    const items = v.split(/[;,\s]+/).filter((s) => s !== '')
    const out: string[] = []
    for (const item of items) {
      if (UUID.test(item)) out.push(item.toLowerCase())
      else {
        const n = this.#personalId('members', item)
        if (n === undefined) return undefined
        out.push(this.#resolvePerson('members', n))
      }
    }
    this.normal.set('members', [...new Set(items.map((i) => (UUID.test(i) ? i.toLowerCase() : personalId(i))))].sort().join(';'))
    return out
  }
}

/** The register fields a correction can name, by their DC01 labels too. */
const FIELD_LABELS: Record<Correctable, readonly string[]> = {
  full_name: ['Họ tên', 'Họ, chữ đệm và tên', 'Họ, chữ đệm và tên khai sinh'],
  other_name: ['Tên gọi khác'],
  birth_date: ['Ngày sinh', 'Ngày, tháng, năm sinh'],
  sex: ['Giới tính'],
  personal_id: ['Số định danh cá nhân', 'Số định danh'],
  ethnicity_code: ['Dân tộc', 'Mã dân tộc'],
  religion: ['Tôn giáo'],
  nationality: ['Quốc tịch'],
  occupation: ['Nghề nghiệp'],
  phone: ['Số điện thoại', 'Điện thoại'],
  email: ['Email', 'Thư điện tử'],
  hometown: ['Quê quán'],
  birth_reg_place: ['Nơi đăng ký khai sinh'],
}
const BY_FIELD = new Map<string, Correctable>()
for (const f of CORRECTABLE) {
  BY_FIELD.set(foldKey(f), f)
  for (const label of FIELD_LABELS[f]) BY_FIELD.set(foldKey(label), f)
}

export function correctable(text: string): Correctable | undefined {
  return BY_FIELD.get(foldKey(text))
}

/** The kind a cell names (English key or Vietnamese name, case and diacritics ignored). */
export function parseKind(text: string): EventKind | undefined {
  return BY_KIND.get(foldKey(text))
}

/** Drops undefined members, which `.strict()` objects would otherwise carry as keys. */
function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

function build(b: RowBuilder, kind: EventKind): Record<string, unknown> {
  const common = { kind, effective_on: b.day('effective_on', true), document: b.text('document') }
  const person = () => b.person('person_id', 'personal_id', 'person_id', true)
  const household = () =>
    b.household({ id: 'household_id', unit: 'household_unit', no: 'household_no', era: 'household_era' }, 'household_id', true)
  switch (kind) {
    case 'birth': {
      const sexText = b.required('sex')
      const sex = sexText === undefined ? undefined : parseSex(sexText)
      if (sex === 'unreadable') b.problems.push(p('sex-unreadable', 'sex', 'sex: Nam hoặc Nữ.', 'sex: Nam (M) or Nữ (F).'))
      if (sex === 'M' || sex === 'F') b.normal.set('sex', sex)
      return {
        ...common,
        household_id: household(),
        full_name: b.required('full_name'),
        sex: sex === 'M' || sex === 'F' ? sex : undefined,
        relation_to_head: b.text('relation_to_head'),
        father_id: b.person('father_id', 'father_personal_id', 'father_id', false),
        mother_id: b.person('mother_id', 'mother_personal_id', 'mother_id', false),
        personal_id: b.number('personal_id'),
        ethnicity_code: b.text('ethnicity_code'),
        nationality: b.text('nationality'),
        birth_reg_place: b.text('birth_reg_place'),
      }
    }
    case 'death':
      return { ...common, person_id: person(), new_head_id: b.person('new_head_id', 'new_head_personal_id', 'new_head_id', false) }
    case 'move': {
      const subject = person()
      const outside = b.text('outside')
      const relation = b.text('relation_to_head', 'to.relation_to_head')
      let to: Record<string, unknown> | undefined
      if (b.has('to_household_id') || b.has('to_household_no')) {
        const existing = b.household(
          { id: 'to_household_id', unit: 'to_unit', no: 'to_household_no', era: 'to_era' },
          'to.household_id',
          true,
        )
        for (const k of ['to_detail', 'new_household_no'] as const) {
          if (b.text(k) !== undefined) {
            b.problems.push(
              p(
                'one-of',
                k,
                `${k} không đi cùng hộ nơi đến có sẵn (to_household_id / to_household_no).`,
                `${k} does not go with an existing household (to_household_id / to_household_no).`,
              ),
            )
          }
        }
        to = defined({ household_id: existing, relation_to_head: relation })
      } else if (b.has('to_unit')) {
        if (relation !== undefined) {
          b.problems.push(
            p(
              'column-not-for-kind',
              'relation_to_head',
              'relation_to_head chỉ dùng khi chuyển vào một hộ có sẵn.',
              'relation_to_head goes only with a move into an existing household.',
            ),
          )
        }
        to = defined({
          unit_code: b.unit('to_unit', 'to.unit_code'),
          era: b.era('to_era', 'to.era'),
          detail: b.text('to_detail', 'to.detail'),
          new_household_no: b.text('new_household_no', 'to.new_household_no'),
        })
      } else {
        for (const k of ['to_detail', 'new_household_no', 'to_era', 'relation_to_head'] as const) {
          if (b.text(k) !== undefined) {
            b.problems.push(p('required', 'to_unit', `${k} cần có to_unit.`, `${k} needs to_unit.`))
          }
        }
      }
      b.columns.set('to', 'to_unit / to_household_id / to_household_no / outside')
      return { ...common, person_id: subject, to, outside }
    }
    case 'temporary_residence':
      return {
        ...common,
        person_id: person(),
        unit_code: b.has('to_unit') ? b.unit('to_unit', 'unit_code') : b.required('to_unit', 'unit_code'),
        era: b.era('to_era', 'era'),
        detail: b.text('to_detail', 'detail'),
        until: b.day('until', true),
      }
    case 'temporary_absence':
      return { ...common, person_id: person(), until: b.day('until', false), destination: b.text('destination') }
    case 'marriage':
      return {
        ...common,
        person_id: person(),
        spouse_id: b.person('spouse_id', 'spouse_personal_id', 'spouse_id', false),
        spouse_name: b.text('spouse_name'),
      }
    case 'divorce':
      return { ...common, person_id: person(), spouse_id: b.person('spouse_id', 'spouse_personal_id', 'spouse_id', false) }
    case 'household_split':
      return {
        ...common,
        household_id: household(),
        members: b.has('members') ? b.members('members') : b.required('members'),
        head_id: b.person('head_id', 'head_personal_id', 'head_id', true),
        household_no: b.required('new_household_no', 'household_no'),
        detail: b.text('to_detail', 'detail'),
      }
    case 'household_merge':
      return {
        ...common,
        household_id: household(),
        to_household_id: b.household(
          { id: 'to_household_id', unit: 'to_unit', no: 'to_household_no', era: 'to_era' },
          'to_household_id',
          true,
        ),
      }
    case 'head_change':
      return { ...common, household_id: household(), head_id: b.person('head_id', 'head_personal_id', 'head_id', true) }
    case 'name_change':
      return { ...common, person_id: person(), full_name: b.required('full_name') }
    case 'correction': {
      const fieldText = b.required('field')
      const field = fieldText === undefined ? undefined : (correctable(fieldText) ?? fieldText)
      if (field !== undefined) b.normal.set('field', field)
      return { ...common, person_id: person(), field, value: b.required('value'), reason: b.required('reason') }
    }
    case 'confirmation':
      return { ...common, person_id: person() }
    case 'revocation': {
      return { ...common, event_id: b.id('event_id'), reason: b.required('reason') }
    }
  }
}

const issueColumn = (columns: Map<string, string>, path: readonly PropertyKey[]) => {
  for (let n = path.length; n > 0; n--) {
    const c = columns.get(path.slice(0, n).map(String).join('.'))
    if (c) return c
  }
  return path.length > 0 ? path.map(String).join('.') : null
}

interface Issue {
  code: string
  path: readonly PropertyKey[]
  message: string
  input?: unknown
  maximum?: number | bigint
  minimum?: number | bigint
  origin?: string
  format?: string
  values?: readonly unknown[]
  errors?: Issue[][]
}

/** Zod's findings, named by CSV column, in both languages. */
function issueProblems(issues: readonly Issue[], columns: Map<string, string>, prefix: readonly PropertyKey[] = []): RowProblem[] {
  const out: RowProblem[] = []
  for (const issue of issues) {
    const path = [...prefix, ...issue.path]
    const col = issueColumn(columns, path)
    const name = col ?? 'row'
    switch (issue.code) {
      case 'invalid_union': {
        // The branch the row meant is the one without keys it does not know.
        const branches = issue.errors ?? []
        const meant = branches.find((b) => !b.some((i) => i.code === 'unrecognized_keys')) ?? branches[0] ?? []
        out.push(...issueProblems(meant, columns, path))
        break
      }
      case 'invalid_type':
        if (issue.input === undefined) out.push(p('required', col, `Thiếu ${name}.`, `${name} is required.`))
        else out.push(p('schema', col, `${name}: sai kiểu dữ liệu.`, `${name}: ${issue.message}`))
        break
      case 'too_big':
        out.push(
          issue.origin === 'array'
            ? p('too-many', col, `${name}: nhiều hơn ${issue.maximum} mục.`, `${name}: more than ${issue.maximum} items.`)
            : p('too-long', col, `${name}: dài quá ${issue.maximum} ký tự.`, `${name}: longer than ${issue.maximum} characters.`),
        )
        break
      case 'too_small':
        out.push(p('required', col, `Thiếu ${name}.`, `${name} is required.`))
        break
      case 'invalid_format':
        out.push(
          issue.format === 'uuid'
            ? p('id-format', col, `${name}: mã trong sổ có dạng UUID.`, `${name}: a register id is a UUID.`)
            : p('format', col, `${name}: sai định dạng.`, `${name}: wrong format (${issue.message}).`),
        )
        break
      case 'invalid_value': {
        const values = (issue.values ?? []).map(String).join(', ')
        out.push(p('not-in-list', col, `${name}: phải là một trong ${values}.`, `${name}: must be one of ${values}.`))
        break
      }
      case 'custom': {
        if (path.join('.') === 'to') {
          out.push(
            p(
              'destination',
              col,
              'Điền nơi đến trong tỉnh (to_unit, to_household_id hoặc to_household_no) hoặc nơi đến ngoài tỉnh (outside): một trong hai.',
              'Fill in the destination in the province (to_unit, to_household_id or to_household_no) or outside the province (outside): one of the two.',
            ),
          )
          break
        }
        const [en, vi] = issue.message.split(' / ')
        out.push(p('schema', col, `${name}: ${vi ?? en}`, `${name}: ${en}`))
        break
      }
      default:
        out.push(p('schema', col, `${name}: ${issue.message}`, `${name}: ${issue.message}`))
    }
  }
  return out
}

/** SHA-256 of the row as read: the columns it uses, normalised (dates ISO, kind its key, numbers digits). */
function hashOf(normal: Map<string, string>): string {
  const entries = [...normal.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return createHash('sha256')
    .update(`coso-events-csv/1\n${JSON.stringify(entries)}`)
    .digest('hex')
}

/**
 * A row → the event it records. Without lookups every reference is a placeholder (the answer
 * says whether the row is an event at all, and what to look up); with them, the event itself.
 */
export function readRow(cells: RowCells, lookups?: Lookups): RowResult {
  const b = new RowBuilder(cells, lookups)
  const kindText = b.text('kind')
  const kind = kindText === undefined ? undefined : parseKind(kindText)
  if (kind === undefined) {
    const problem =
      kindText === undefined
        ? p('required', 'kind', 'Thiếu kind (loại sự kiện).', 'kind (the kind of event) is required.')
        : p(
            'kind-unknown',
            'kind',
            `kind: không có loại sự kiện "${kindText.slice(0, 40)}" (${EVENT_KINDS.join(', ')}).`,
            `kind: no kind of event "${kindText.slice(0, 40)}" (${EVENT_KINDS.join(', ')}).`,
          )
    return { ok: false, kind: null, stage: 'invalid', problems: [problem], needs: b.needs }
  }
  b.normal.set('kind', kind)
  const draft = defined(build(b, kind))
  const allowed = new Set<string>([...COMMON, ...KIND_COLUMNS[kind]])
  for (const key of Object.keys(cells)) {
    if (!allowed.has(key)) {
      b.problems.push(
        p('column-not-for-kind', key, `Cột ${key} không dùng cho sự kiện ${kind}.`, `Column ${key} does not apply to a ${kind} event.`),
      )
    }
  }
  const parsed = EventInput.safeParse(draft)
  const problems = [...b.problems]
  if (!parsed.success) {
    // One finding per column: the row's own reading said it better when it already spoke of it.
    const words = (column: string | null) => (column ?? '').split(/[\s/+]+/).filter((w) => w !== '')
    const named = new Set(problems.flatMap((x) => words(x.column)))
    for (const x of issueProblems(parsed.error.issues as unknown as Issue[], b.columns)) {
      if (!words(x.column).some((w) => named.has(w))) problems.push(x)
    }
  }
  if (problems.length > 0) return { ok: false, kind, stage: 'invalid', problems, needs: b.needs }
  if (b.unresolved.length > 0) return { ok: false, kind, stage: 'unresolved', problems: b.unresolved, needs: b.needs }
  if (!parsed.success) throw new Error('unreachable')
  return { ok: true, kind, input: parsed.data, hash: hashOf(b.normal), needs: b.needs }
}
