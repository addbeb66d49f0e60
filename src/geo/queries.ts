// All of geo's SQL.
import { type Generated, type Kysely, sql } from 'kysely'
import type { Tables } from '../platform/db.ts'
import type { Era } from './eras.ts'
import type { Level, Portion, SuccessionRow, UnitRow } from './gazetteer.ts'

declare module '../platform/db.ts' {
  interface Tables {
    reference_data: { name: string; checksum: string; loaded_at: string }
    geo_unit: UnitRow
    geo_succession: SuccessionRow & { set_by_admin: boolean }
    hamlet: HamletRow & { created_at: Generated<string> }
  }
}

export interface HamletRow {
  province_code: string
  id: string
  unit_code: string
  unit_valid_from: string
  name: string
  kind: string
  exact_key: string
}

export interface UnitRecord {
  code: string
  name: string
  type: string
  level: Level
  era: Era
  valid_from: string
  valid_to: string
  parent_code: string | null
  parent_name: string | null
  province_code: string
  short_name: string
  short_fold_key: string
  fold_key: string
}

type Db = Kysely<Tables>

function units(db: Db) {
  return db
    .selectFrom('geo_unit as u')
    .leftJoin('geo_unit as p', (join) =>
      join.onRef('p.code', '=', 'u.parent_code').onRef('p.valid_from', '<=', 'u.valid_from').onRef('p.valid_to', '>=', 'u.valid_to'),
    )
    .select([
      'u.code',
      'u.name',
      'u.type',
      'u.level',
      'u.era',
      sql<string>`u.valid_from::text`.as('valid_from'),
      sql<string>`u.valid_to::text`.as('valid_to'),
      'u.parent_code',
      'p.name as parent_name',
      'u.province_code',
      'u.short_name',
      'u.short_fold_key',
      'u.fold_key',
    ])
}

const validOn = (on: string) => sql<boolean>`u.valid_from <= ${on}::date AND ${on}::date < u.valid_to`

export async function unitOn(db: Db, code: string, on: string): Promise<UnitRecord | undefined> {
  return units(db).where('u.code', '=', code).where(validOn(on)).executeTakeFirst()
}

export async function unitVersions(db: Db, code: string): Promise<UnitRecord[]> {
  return units(db).where('u.code', '=', code).orderBy('u.valid_from').execute()
}

export async function listUnits(
  db: Db,
  filter: { on: string; province: string; parent?: string | undefined; level?: Level | undefined; foldQuery?: string | undefined },
): Promise<UnitRecord[]> {
  let q = units(db).where(validOn(filter.on))
  if (filter.parent) q = q.where('u.parent_code', '=', filter.parent)
  // Provinces only when asked for; otherwise the units of the province coso serves.
  if (filter.level === 'province') q = q.where('u.level', '=', 'province')
  else {
    q = q.where('u.province_code', '=', filter.province).where('u.level', '<>', 'province')
    if (filter.level) q = q.where('u.level', '=', filter.level)
  }
  if (filter.foldQuery) q = q.where('u.fold_key', 'like', `%${escapeLike(filter.foldQuery)}%`)
  return q.orderBy('u.level').orderBy('u.code').execute()
}

/** Units of any period whose name matches; the caller ranks them. */
export async function searchUnits(db: Db, foldQuery: string, on?: string): Promise<UnitRecord[]> {
  let q = units(db).where('u.fold_key', 'like', `%${escapeLike(foldQuery)}%`)
  if (on) q = q.where(validOn(on))
  return q.orderBy('u.code').orderBy('u.valid_from').execute()
}

export async function unitsByShortFold(db: Db, keys: string[]): Promise<UnitRecord[]> {
  if (keys.length === 0) return []
  return units(db).where('u.short_fold_key', 'in', keys).execute()
}

export interface SuccessorRecord {
  code: string
  valid_from: string
  name: string
  era: Era
  portion: Portion
  source: string
  set_by_admin: boolean
}

export async function successorsOf(db: Db, code: string, validFrom: string): Promise<SuccessorRecord[]> {
  return db
    .selectFrom('geo_succession as s')
    .innerJoin('geo_unit as u', (join) => join.onRef('u.code', '=', 's.to_code').onRef('u.valid_from', '=', 's.to_valid_from'))
    .where('s.from_code', '=', code)
    .where('s.from_valid_from', '=', sql<string>`${validFrom}::date`)
    .select(['u.code', sql<string>`u.valid_from::text`.as('valid_from'), 'u.name', 'u.era', 's.portion', 's.source', 's.set_by_admin'])
    .orderBy('u.code')
    .execute()
}

export async function insertSuccession(db: Db, row: SuccessionRow): Promise<void> {
  await db
    .insertInto('geo_succession')
    .values({ ...row, set_by_admin: true })
    .execute()
}

export async function referenceChecksum(db: Db, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('reference_data').select('checksum').where('name', '=', name).executeTakeFirst()
  return row?.checksum
}

/** Replaces the seeded reference data in one transaction; successions set by an admin stay. */
export async function loadReference(
  db: Db,
  name: string,
  checksum: string,
  data: { units: UnitRow[]; successions: SuccessionRow[] },
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('geo_succession').where('set_by_admin', '=', false).execute()
    for (const chunk of chunks(data.units, 500)) {
      await tx
        .insertInto('geo_unit')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['code', 'valid_from']).doUpdateSet((eb) => ({
            valid_to: eb.ref('excluded.valid_to'),
            era: eb.ref('excluded.era'),
            level: eb.ref('excluded.level'),
            type: eb.ref('excluded.type'),
            name: eb.ref('excluded.name'),
            short_name: eb.ref('excluded.short_name'),
            parent_code: eb.ref('excluded.parent_code'),
            province_code: eb.ref('excluded.province_code'),
            fold_key: eb.ref('excluded.fold_key'),
            short_fold_key: eb.ref('excluded.short_fold_key'),
            source: eb.ref('excluded.source'),
          })),
        )
        .execute()
    }
    for (const chunk of chunks(data.successions, 500)) {
      await tx
        .insertInto('geo_succession')
        .values(chunk.map((s) => ({ ...s, set_by_admin: false })))
        .onConflict((oc) => oc.doNothing())
        .execute()
    }
    await tx
      .insertInto('reference_data')
      .values({ name, checksum, loaded_at: sql<string>`now()` })
      .onConflict((oc) => oc.column('name').doUpdateSet({ checksum, loaded_at: sql<string>`now()` }))
      .execute()
  })
}

export async function insertHamlets(db: Db, rows: HamletRow[]): Promise<HamletRow[]> {
  if (rows.length === 0) return []
  return db
    .insertInto('hamlet')
    .values(rows)
    .onConflict((oc) => oc.columns(['province_code', 'unit_code', 'unit_valid_from', 'exact_key']).doNothing())
    .returning(['province_code', 'id', 'unit_code', sql<string>`unit_valid_from::text`.as('unit_valid_from'), 'name', 'kind', 'exact_key'])
    .execute()
}

export async function hamletsOf(db: Db, unitCode: string, unitValidFrom: string): Promise<HamletRow[]> {
  return db
    .selectFrom('hamlet')
    .select(['province_code', 'id', 'unit_code', sql<string>`unit_valid_from::text`.as('unit_valid_from'), 'name', 'kind', 'exact_key'])
    .where('unit_code', '=', unitCode)
    .where('unit_valid_from', '=', sql<string>`${unitValidFrom}::date`)
    .orderBy('exact_key')
    .orderBy('id')
    .execute()
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}
