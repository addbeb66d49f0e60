// Fills a bench database's register fast: persons and their current residence made exactly as
// the importer makes them (same name keys), written by COPY. Returns sample searches.
import { generateForms, loadReferenceData } from '../src/intake/generate.ts'
import { normalizeName, parseDate, parseSex, splitName } from '../src/intake/values.ts'
import { copyInto } from '../src/platform/copy.ts'
import type { Db } from '../src/platform/db.ts'
import { COLUMNS } from '../src/register/queries.ts'
import * as register from '../src/register/service.ts'

export interface Sample {
  q: string
  year: number | null
  unit: string
}

export async function fillRegister(db: Db, persons: number): Promise<Sample[]> {
  const samples: Sample[] = []
  let batch = new register.RegisterWrites('22', null)
  const flush = async () => {
    const client = await db.pool.connect()
    try {
      await copyInto(db, client, 'person', [...COLUMNS.person], batch.rows.person)
      await copyInto(db, client, 'residence', [...COLUMNS.residence], batch.rows.residence)
    } finally {
      client.release()
    }
    batch = new register.RegisterWrites('22', null)
  }
  let n = 0
  for (const { form } of generateForms({ persons, seed: 14, dupRate: 0, errorRate: 0 }, loadReferenceData())) {
    const display = normalizeName(form.full_name)
    const parts = splitName(display)
    const birth = parseDate(form.birth_date, true)
    const sex = parseSex(form.sex)
    const id = batch.addPerson(
      {
        full_name: form.full_name,
        name_display: display,
        family: parts.family,
        given: parts.given,
        other_name: null,
        birth: birth.kind === 'ok' ? { year: birth.year, month: birth.month, day: birth.day, precision: birth.precision } : null,
        sex: sex === 'M' || sex === 'F' ? sex : null,
        personal_id: form.personal_id || null,
        old_id: null,
        ethnicity_code: null,
        ethnicity_text: form.ethnicity || null,
        religion: null,
        nationality: 'Việt Nam',
        blood_group: null,
        marital_status: null,
        occupation: null,
        phone: form.phone || null,
        email: null,
        birth_reg_place: null,
        hometown: null,
        confirmed_on: null,
        unit: { code: form.current_unit, era: 2025 },
      },
      '00000000-0000-7000-8000-000000000000',
    )
    batch.addResidence(id, 'current', form.current_unit, 2025, null, '00000000-0000-7000-8000-000000000000')
    if (n % Math.ceil(persons / 500) === 0)
      samples.push({ q: display, year: birth.kind === 'ok' ? birth.year : null, unit: form.current_unit })
    if (++n % 20000 === 0) await flush()
  }
  await flush()
  await db.pool.query('VACUUM ANALYZE person')
  await db.pool.query('VACUUM ANALYZE residence')
  return samples
}
