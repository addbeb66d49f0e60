// The validation rules (đúng): each has a code, a severity and a message in Vietnamese and
// English. An *error* keeps the form out of the register until corrected; a *warning* lets it in
// and stays as a correction task.
import type { Message } from '../platform/errors.ts'

export type Severity = 'error' | 'warning'
export type Details = Record<string, string | number>

export interface Finding {
  rule: RuleCode
  severity: Severity
  field: string | null
  details: Details
}

interface Rule {
  severity: Severity
  message: (d: Details) => Message
}

const v = (d: Details, k: string) => String(d[k] ?? '')

export const RULES = {
  'form-no-missing': { severity: 'error', message: () => ({ vi: 'Thiếu số phiếu.', en: 'The form number is missing.' }) },
  'collected-on-invalid': {
    severity: 'error',
    message: (d) => ({
      vi: `Ngày thu thập "${v(d, 'value')}" thiếu, không đọc được hoặc ở tương lai.`,
      en: `Collection date "${v(d, 'value')}" is missing, unreadable or in the future.`,
    }),
  },
  'collecting-unit-unknown': {
    severity: 'error',
    message: (d) => ({
      vi: `Đơn vị thu thập "${v(d, 'value')}" không phải mã xã nào, ở bất kỳ thời kỳ nào.`,
      en: `Collecting unit "${v(d, 'value')}" is no commune code in any era.`,
    }),
  },
  'unit-out-of-scope': {
    severity: 'error',
    message: (d) => ({
      vi: `Đơn vị thu thập "${v(d, 'value')}" nằm ngoài các đơn vị của người gửi: không ghi vào sổ của đơn vị khác.`,
      en: `Collecting unit "${v(d, 'value')}" is outside the sender's units: it is not written into another unit's register.`,
    }),
  },
  'name-missing': { severity: 'error', message: () => ({ vi: 'Thiếu họ và tên.', en: 'The full name is missing.' }) },
  'birth-date-missing': { severity: 'error', message: () => ({ vi: 'Thiếu ngày sinh.', en: 'The birth date is missing.' }) },
  'birth-date-unreadable': {
    severity: 'error',
    message: (d) => ({
      vi: `Không đọc được ngày sinh "${v(d, 'value')}" (dùng dd/mm/yyyy, mm/yyyy hoặc yyyy).`,
      en: `Cannot read the birth date "${v(d, 'value')}" (use dd/mm/yyyy, mm/yyyy or yyyy).`,
    }),
  },
  'birth-date-impossible': {
    severity: 'error',
    message: (d) => ({ vi: `Ngày sinh "${v(d, 'value')}" không tồn tại.`, en: `The birth date "${v(d, 'value')}" does not exist.` }),
  },
  'birth-date-future': {
    severity: 'error',
    message: (d) => ({
      vi: `Ngày sinh "${v(d, 'value')}" sau ngày thu thập hoặc ở tương lai.`,
      en: `The birth date "${v(d, 'value')}" is after the collection date or in the future.`,
    }),
  },
  'sex-missing': { severity: 'error', message: () => ({ vi: 'Thiếu giới tính.', en: 'Sex is missing.' }) },
  'sex-unreadable': {
    severity: 'error',
    message: (d) => ({
      vi: `Không đọc được giới tính "${v(d, 'value')}" (Nam hoặc Nữ).`,
      en: `Cannot read sex "${v(d, 'value')}" (Nam or Nữ).`,
    }),
  },
  'value-too-long': {
    severity: 'error',
    message: (d) => ({
      vi: `Trường ${v(d, 'field')} dài ${v(d, 'length')} ký tự, quá giới hạn ${v(d, 'limit')}: đã cắt để lưu, cần nhập lại.`,
      en: `Field ${v(d, 'field')} has ${v(d, 'length')} characters, over the limit of ${v(d, 'limit')}: cut to be stored, type it again.`,
    }),
  },
  'row-malformed': {
    severity: 'error',
    message: (d) => ({ vi: `Dòng hỏng trong tệp: ${v(d, 'reason')}.`, en: `Malformed row in the file: ${v(d, 'reason')}.` }),
  },
  'text-repaired': {
    severity: 'warning',
    message: (d) => ({
      vi: `${v(d, 'field')}: "${v(d, 'value')}" là chữ lỗi phông (UTF-8 đọc nhầm bảng mã), đã đọc thành "${v(d, 'fixed')}".`,
      en: `${v(d, 'field')}: "${v(d, 'value')}" is mojibake (UTF-8 read in the wrong encoding), read as "${v(d, 'fixed')}".`,
    }),
  },
  'id-format': {
    severity: 'warning',
    message: (d) => ({
      vi: `Số định danh "${v(d, 'value')}" phải gồm đúng 12 chữ số.`,
      en: `Personal ID "${v(d, 'value')}" must be exactly 12 digits.`,
    }),
  },
  'id-province': {
    severity: 'warning',
    message: (d) => ({
      vi: `Mã tỉnh "${v(d, 'code')}" của số định danh không có trong danh mục.`,
      en: `Province code "${v(d, 'code')}" of the personal ID is not in the code list.`,
    }),
  },
  'id-century-sex': {
    severity: 'warning',
    message: (d) => ({
      vi: `Chữ số thế kỷ/giới tính của số định danh là ${v(d, 'found')}, nhưng giới tính và năm sinh cần ${v(d, 'expected')}.`,
      en: `The century/sex digit of the personal ID is ${v(d, 'found')}, but sex and birth year call for ${v(d, 'expected')}.`,
    }),
  },
  'id-year': {
    severity: 'warning',
    message: (d) => ({
      vi: `Hai chữ số năm sinh trong số định danh (${v(d, 'found')}) khác năm sinh ${v(d, 'year')}.`,
      en: `The birth-year digits of the personal ID (${v(d, 'found')}) disagree with birth year ${v(d, 'year')}.`,
    }),
  },
  'id-holder-differs': {
    severity: 'warning',
    message: (d) => ({
      vi: `Số định danh đã thuộc một người trong sổ với ${v(d, 'fields')} khác: cần đối chiếu.`,
      en: `The personal ID already belongs to a register person whose ${v(d, 'fields')} differ: to be reviewed.`,
    }),
  },
  'old-id-format': {
    severity: 'warning',
    message: (d) => ({ vi: `Số CMND "${v(d, 'value')}" phải gồm 9 chữ số.`, en: `Old ID "${v(d, 'value')}" must be 9 digits.` }),
  },
  'unit-wrong-era': {
    severity: 'warning',
    message: (d) => ({
      vi: `Mã ${v(d, 'value')} (${v(d, 'field')}) là ${v(d, 'name')}, không còn hiệu lực ngày ${v(d, 'on')}; đơn vị mới: ${v(d, 'successors') || 'chưa xác định'}.`,
      en: `Code ${v(d, 'value')} (${v(d, 'field')}) is ${v(d, 'name')}, not in force on ${v(d, 'on')}; new unit(s): ${v(d, 'successors') || 'not known'}.`,
    }),
  },
  'unit-unknown': {
    severity: 'warning',
    message: (d) => ({
      vi: `Mã xã "${v(d, 'value')}" (${v(d, 'field')}) không có ở thời kỳ nào.`,
      en: `Commune code "${v(d, 'value')}" (${v(d, 'field')}) exists in no era.`,
    }),
  },
  'address-unresolved': {
    severity: 'warning',
    message: (d) => ({
      vi: `Không nhận ra đơn vị hành chính trong "${v(d, 'value')}" (${v(d, 'field')}).`,
      en: `No administrative unit recognised in "${v(d, 'value')}" (${v(d, 'field')}).`,
    }),
  },
  'ethnicity-unknown': {
    severity: 'warning',
    message: (d) => ({
      vi: `Dân tộc "${v(d, 'value')}" không có trong danh mục 54 dân tộc.`,
      en: `Ethnicity "${v(d, 'value')}" is not in the list of 54.`,
    }),
  },
  'religion-unknown': {
    severity: 'warning',
    message: (d) => ({
      vi: `Tôn giáo "${v(d, 'value')}" không có trong danh sách được công nhận.`,
      en: `Religion "${v(d, 'value')}" is not in the recognised list.`,
    }),
  },
  'phone-format': {
    severity: 'warning',
    message: (d) => ({
      vi: `Số điện thoại "${v(d, 'value')}" không phải số di động Việt Nam 10 chữ số.`,
      en: `Phone "${v(d, 'value')}" is not a 10-digit Vietnamese mobile number.`,
    }),
  },
  'email-format': {
    severity: 'warning',
    message: (d) => ({ vi: `Email "${v(d, 'value')}" không hợp lệ.`, en: `E-mail "${v(d, 'value')}" is not valid.` }),
  },
  'code-unknown': {
    severity: 'warning',
    message: (d) => ({
      vi: `Giá trị "${v(d, 'value')}" của ${v(d, 'field')} không có trong danh mục.`,
      en: `Value "${v(d, 'value')}" of ${v(d, 'field')} is not in its list.`,
    }),
  },
  'parent-too-young': {
    severity: 'warning',
    message: (d) => ({
      vi: `${v(d, 'parent')} chỉ hơn con ${v(d, 'gap')} tuổi (dưới 12).`,
      en: `The ${v(d, 'parent_en')} is only ${v(d, 'gap')} years older than the child (under 12).`,
    }),
  },
  'spouse-under-age': {
    severity: 'warning',
    message: (d) => ({
      vi: `${v(d, 'who')} ${v(d, 'age')} tuổi, dưới tuổi kết hôn (nam 20, nữ 18).`,
      en: `${v(d, 'who_en')} is ${v(d, 'age')}, under the legal marriage age (men 20, women 18).`,
    }),
  },
} satisfies Record<string, Rule>

export type RuleCode = keyof typeof RULES

export function finding(rule: RuleCode, field: string | null, details: Details = {}): Finding {
  return { rule, severity: RULES[rule].severity as Severity, field, details }
}

export function findingMessage(f: Pick<Finding, 'rule' | 'details'>): Message {
  return (RULES[f.rule] as Rule).message(f.details)
}
