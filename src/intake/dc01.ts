// The DC01 interchange layout (spec: docs/formats/dc01-csv.md): the columns, their
// Vietnamese labels and which are required. Other tools produce files in it; read it exactly.
import { foldKey } from '../text/vietnamese.ts'

export const DC01_COLUMNS = [
  { key: 'form_no', label: 'Số phiếu', required: true },
  { key: 'collected_on', label: 'Ngày thu thập', required: true },
  { key: 'collecting_unit', label: 'Đơn vị thu thập', required: true },
  { key: 'full_name', label: 'Họ, chữ đệm và tên khai sinh', required: true },
  { key: 'other_name', label: 'Tên gọi khác', required: false },
  { key: 'birth_date', label: 'Ngày, tháng, năm sinh', required: true },
  { key: 'sex', label: 'Giới tính', required: true },
  { key: 'personal_id', label: 'Số định danh cá nhân', required: false },
  { key: 'old_id', label: 'Số CMND', required: false },
  { key: 'birth_reg_place', label: 'Nơi đăng ký khai sinh', required: false },
  { key: 'hometown', label: 'Quê quán', required: false },
  { key: 'ethnicity', label: 'Dân tộc', required: false },
  { key: 'religion', label: 'Tôn giáo', required: false },
  { key: 'nationality', label: 'Quốc tịch', required: false },
  { key: 'blood_group', label: 'Nhóm máu', required: false },
  { key: 'marital_status', label: 'Tình trạng hôn nhân', required: false },
  { key: 'permanent_unit', label: 'Nơi thường trú (mã xã)', required: false },
  { key: 'permanent_address', label: 'Nơi thường trú (chi tiết)', required: false },
  { key: 'current_unit', label: 'Nơi ở hiện tại (mã xã)', required: false },
  { key: 'current_address', label: 'Nơi ở hiện tại (chi tiết)', required: false },
  { key: 'occupation', label: 'Nghề nghiệp', required: false },
  { key: 'father_name', label: 'Họ tên cha', required: false },
  { key: 'father_id', label: 'Số ĐDCN của cha', required: false },
  { key: 'mother_name', label: 'Họ tên mẹ', required: false },
  { key: 'mother_id', label: 'Số ĐDCN của mẹ', required: false },
  { key: 'spouse_name', label: 'Họ tên vợ/chồng', required: false },
  { key: 'spouse_id', label: 'Số ĐDCN của vợ/chồng', required: false },
  { key: 'household_no', label: 'Số hộ', required: false },
  { key: 'household_head_name', label: 'Họ tên chủ hộ', required: false },
  { key: 'household_head_id', label: 'Số ĐDCN chủ hộ', required: false },
  { key: 'relation_to_head', label: 'Quan hệ với chủ hộ', required: false },
  { key: 'phone', label: 'Số điện thoại', required: false },
  { key: 'email', label: 'Email', required: false },
] as const

export type Dc01Key = (typeof DC01_COLUMNS)[number]['key']
export const DC01_KEYS: readonly Dc01Key[] = DC01_COLUMNS.map((c) => c.key)

/** One form as typed: every known column as text ('' when empty), and unknown columns kept. */
export type Dc01Form = Record<Dc01Key, string> & { extra?: Record<string, string> }

const BY_HEADER = new Map<string, Dc01Key>()
for (const c of DC01_COLUMNS) {
  BY_HEADER.set(c.key, c.key)
  BY_HEADER.set(foldKey(c.label), c.key)
}
// Labels people shorten in their own sheets.
BY_HEADER.set(foldKey('Số ĐDCN cha'), 'father_id')
BY_HEADER.set(foldKey('Số ĐDCN mẹ'), 'mother_id')
BY_HEADER.set(foldKey('Số ĐDCN'), 'spouse_id')

/** A header cell → its column key (English key or Vietnamese label, case and diacritics ignored). */
export function columnKey(header: string): Dc01Key | undefined {
  const trimmed = header.replace(/^\ufeff/, '').trim()
  return BY_HEADER.get(trimmed.toLowerCase()) ?? BY_HEADER.get(foldKey(trimmed))
}

const EMPTY = Object.fromEntries(DC01_KEYS.map((k) => [k, ''])) as unknown as Dc01Form

export function emptyForm(): Dc01Form {
  // A spread of one fixed-shape object is V8's fast clone: every row is made this way.
  return { ...EMPTY }
}
