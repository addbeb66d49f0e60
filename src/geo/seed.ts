// The reference data shipped in `seed/geo/` (provenance in seed/README.md), loaded into the
// database when it is new or when the shipped files change.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import type { Kysely } from 'kysely'
import type { Tables } from '../platform/db.ts'
import { buildGazetteer, type Row, type SeedFiles } from './gazetteer.ts'
import { loadReference, referenceChecksum } from './queries.ts'
import { forgetUnits } from './service.ts'

const SEED_DIR = fileURLToPath(new URL('../../seed/geo/', import.meta.url))
const FILES: Record<keyof SeedFiles, string> = {
  provinces: 'provinces.csv',
  units2024: 'qn-units-2024.csv',
  units2025: 'qn-units-2025.csv',
  changes202411: 'qn-changes-2024-11.csv',
  merge2025: 'qn-merge-2025.csv',
}
// Bump when buildGazetteer changes what it makes of the same files.
const BUILDER_VERSION = '1'

export function readSeed(): { files: SeedFiles; checksum: string } {
  const hash = createHash('sha256').update(BUILDER_VERSION)
  const files = {} as SeedFiles
  for (const [key, name] of Object.entries(FILES) as [keyof SeedFiles, string][]) {
    const text = readFileSync(SEED_DIR + name, 'utf8')
    hash.update(name).update(text)
    files[key] = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Row[]
  }
  return { files, checksum: hash.digest('hex') }
}

/** Loads the units and crosswalk unless the database already has this exact version. */
export async function ensureReferenceData(db: Kysely<Tables>): Promise<boolean> {
  const { files, checksum } = readSeed()
  if ((await referenceChecksum(db, 'geo')) === checksum) return false
  await loadReference(db, 'geo', checksum, buildGazetteer(files))
  forgetUnits(db)
  return true
}
