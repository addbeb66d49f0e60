// The place codes of the personal ID number, read once from the seed file the repository ships
// (seed/reference/id-province-codes.csv; never ../shared at run time).
import { seedRows } from '../intake/reference.ts'
import type { IdPlace, IdPlaces } from './number.ts'

let cached: IdPlaces | undefined

export function idPlaces(): IdPlaces {
  if (cached) return cached
  const rows = seedRows('id-province-codes.csv')
  // A 2025 province's name: the row whose pre-2025 GSO code it kept (Hải Dương 30 → Hải Phòng 31).
  const byGso = new Map(rows.map((r) => [r.gso_code_pre2025 as string, r.province_name as string]))
  const places = new Map<string, IdPlace>()
  for (const r of rows) {
    const code2025 = r.province_code_2025 as string
    places.set(r.id_code as string, {
      code: r.id_code as string,
      name: r.province_name as string,
      code2025,
      name2025: byGso.get(code2025) ?? (r.province_name as string),
    })
  }
  cached = places
  return places
}
