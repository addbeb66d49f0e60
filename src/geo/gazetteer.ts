// Builds the units and successions of the reference data from the seed files' rows (pure).
import { foldKey } from '../text/vietnamese.ts'
import { type Era, REFORM_2024_11, REFORM_2025 } from './eras.ts'

export type Level = 'province' | 'district' | 'commune'
export type Portion = 'whole' | 'part'

export interface UnitRow {
  code: string
  valid_from: string
  valid_to: string
  era: Era
  level: Level
  type: string
  name: string
  short_name: string
  parent_code: string | null
  province_code: string
  fold_key: string
  short_fold_key: string
  source: string
}

export interface SuccessionRow {
  from_code: string
  from_valid_from: string
  to_code: string
  to_valid_from: string
  portion: Portion
  source: string
}

export type Row = Record<string, string>

export interface SeedFiles {
  provinces: Row[]
  units2024: Row[]
  units2025: Row[]
  changes202411: Row[]
  merge2025: Row[]
}

const QUANG_NINH = '22'
const TYPES = ['Thành phố Trung ương', 'Thành phố', 'Thị trấn', 'Thị xã', 'Đặc khu', 'Phường', 'Huyện', 'Tỉnh', 'Xã']

/** "Phường Hà Tu" → "Hà Tu": the name as people write it after the type word. */
export function shortName(name: string, type: string): string {
  for (const t of [type, ...TYPES]) {
    const word = t === 'Thành phố Trung ương' ? 'Thành phố' : t
    if (name.startsWith(`${word} `)) return name.slice(word.length + 1)
  }
  return name
}

function unit(fields: Omit<UnitRow, 'short_name' | 'fold_key' | 'short_fold_key'>): UnitRow {
  const short = shortName(fields.name, fields.type)
  return { ...fields, short_name: short, fold_key: foldKey(fields.name), short_fold_key: foldKey(short) }
}

export function buildGazetteer(files: SeedFiles): { units: UnitRow[]; successions: SuccessionRow[] } {
  const units: UnitRow[] = []
  const successions: SuccessionRow[] = []
  const src2024 = 'GSO danh mục hành chính (01/03/2025)'
  const src2025 = 'NQ 1679/NQ-UBTVQH15; CV 1027/CTK-CSCL'
  const src1199 = 'NQ 1199/NQ-UBTVQH15'

  for (const p of files.provinces) {
    const era = Number(p.era) as Era
    units.push(
      unit({
        code: p.code as string,
        valid_from: era === 2024 ? '-infinity' : REFORM_2025,
        valid_to: era === 2024 ? REFORM_2025 : 'infinity',
        era,
        level: 'province',
        type: p.type as string,
        name: p.name as string,
        parent_code: null,
        province_code: p.code as string,
        source: era === 2024 ? 'GSO' : 'NQ 60-NQ/TW; CV 915/CTK-CSCL',
      }),
    )
    if (era === 2024 && p.merged_into_code) {
      successions.push({
        from_code: p.code as string,
        from_valid_from: '-infinity',
        to_code: p.merged_into_code,
        to_valid_from: REFORM_2025,
        portion: 'whole',
        source: 'NQ 60-NQ/TW',
      })
    }
  }

  const changes = new Map(files.changes202411.map((c) => [c.code as string, c]))
  for (const u of files.units2024) {
    const isDistrict = u.parent_code === QUANG_NINH
    const renamed = changes.get(u.code as string)
    units.push(
      unit({
        code: u.code as string,
        valid_from: renamed ? REFORM_2024_11 : '-infinity',
        valid_to: REFORM_2025,
        era: 2024,
        level: isDistrict ? 'district' : 'commune',
        type: u.type as string,
        name: u.name as string,
        parent_code: u.parent_code as string,
        province_code: QUANG_NINH,
        source: src2024,
      }),
    )
  }
  // Before 1 Nov 2024: six communes since dissolved, two under their former names.
  const version2024 = (code: string) => (changes.get(code)?.change === 'renamed' ? REFORM_2024_11 : '-infinity')
  for (const c of files.changes202411) {
    units.push(
      unit({
        code: c.code as string,
        valid_from: '-infinity',
        valid_to: REFORM_2024_11,
        era: 2024,
        level: 'commune',
        type: c.type as string,
        name: c.name as string,
        parent_code: c.parent_code as string,
        province_code: QUANG_NINH,
        source: src1199,
      }),
    )
    if (c.successor_code) {
      successions.push({
        from_code: c.code as string,
        from_valid_from: '-infinity',
        to_code: c.successor_code,
        to_valid_from: version2024(c.successor_code),
        portion: 'whole',
        source: src1199,
      })
    }
  }
  for (const u of files.units2025) {
    units.push(
      unit({
        code: u.code as string,
        valid_from: REFORM_2025,
        valid_to: 'infinity',
        era: 2025,
        level: 'commune',
        type: u.type as string,
        name: u.name as string,
        parent_code: QUANG_NINH,
        province_code: QUANG_NINH,
        source: src2025,
      }),
    )
  }
  for (const m of files.merge2025) {
    successions.push({
      from_code: m.old_code as string,
      from_valid_from: version2024(m.old_code as string),
      to_code: m.new_code as string,
      to_valid_from: REFORM_2025,
      portion: m.portion === 'part' ? 'part' : 'whole',
      source: `NQ 1679/NQ-UBTVQH15 khoản ${m.nq1679_clause}`,
    })
  }
  return { units, successions }
}
