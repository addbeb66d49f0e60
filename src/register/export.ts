// The register as a table for other tools: one row per person, where they live in today's
// units, and their household. Read in id pages inside one snapshot, so memory stays flat and
// the rows agree with each other however long the export takes.
import { today } from '../geo/eras.ts'
import { gazetteer } from '../geo/service.ts'
import { provinceCode } from '../platform/config.ts'
import { type Db, inSnapshot } from '../platform/db.ts'
import * as q from './queries.ts'
import { birthDate, type UnitToday, unitToday } from './service.ts'

/** Where the rows go: the header once, then each row (empty values are null). */
export interface TableSink {
  header(columns: string[]): Promise<void>
  row(values: (string | null)[]): Promise<void>
}

export const PERSON_COLUMNS = [
  'id',
  'full_name',
  'birth_date',
  'sex',
  'personal_id',
  'unit',
  'unit_candidates',
  'household_id',
  'other_name',
  'old_id',
  'ethnicity_code',
  'ethnicity_text',
  'religion',
  'nationality',
  'blood_group',
  'marital_status',
  'occupation',
  'phone',
  'email',
  'hometown',
  'birth_reg_place',
  'residence_unit',
  'residence_era',
  'residence_address',
] as const

const PAGE = 2000

const SEX = { M: 'Nam', F: 'Nữ' } as const

/** Writes every person of the province to the sink; returns how many. */
export async function exportPersons(db: Db, sink: TableSink): Promise<number> {
  const g = await gazetteer(db.kysely)
  const province = provinceCode()
  const units = new Map<string, UnitToday>()
  let count = 0
  await inSnapshot(db, async (client) => {
    await sink.header([...PERSON_COLUMNS])
    let after: string | null = null
    for (;;) {
      const page = await q.exportPersons(client, province, after, PAGE, today())
      for (const p of page) {
        const key = `${p.residence_unit}|${p.residence_era}|${p.residence_collected_on}`
        let today = units.get(key)
        if (!today) {
          today = unitToday(g, p.residence_unit, p.residence_era, p.residence_collected_on)
          units.set(key, today)
        }
        const record: Record<(typeof PERSON_COLUMNS)[number], string | number | null> = {
          id: p.id,
          full_name: p.name_display,
          birth_date: birthDate(p),
          sex: p.sex ? SEX[p.sex] : null,
          personal_id: p.personal_id,
          unit: today.unit,
          unit_candidates: today.candidates.join('|'),
          household_id: p.household_id,
          other_name: p.other_name,
          old_id: p.old_id,
          ethnicity_code: p.ethnicity_code,
          ethnicity_text: p.ethnicity_text,
          religion: p.religion,
          nationality: p.nationality,
          blood_group: p.blood_group,
          marital_status: p.marital_status,
          occupation: p.occupation,
          phone: p.phone,
          email: p.email,
          hometown: p.hometown,
          birth_reg_place: p.birth_reg_place,
          residence_unit: p.residence_unit,
          residence_era: p.residence_era,
          residence_address: p.residence_detail,
        }
        await sink.row(PERSON_COLUMNS.map((c) => (record[c] === null || record[c] === '' ? null : String(record[c]))))
        count++
      }
      const last = page.at(-1)
      if (!last || page.length < PAGE) break
      after = last.id
    }
  })
  return count
}
