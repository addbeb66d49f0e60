// All of geo's SQL.
import { type Generated, type Kysely, sql } from 'kysely'
import type { Tables } from '../platform/db.ts'
import type { Era } from './eras.ts'
import type { Portion, SuccessionRow, UnitRow } from './gazetteer.ts'
import type { UnitRecord } from './unit-index.ts'

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

type Db = Kysely<Tables>

/** The whole reference list of units: small, read once per process (see unit-index.ts). */
export async function allUnits(db: Db): Promise<Omit<UnitRecord, 'parent_name'>[]> {
  return db
    .selectFrom('geo_unit')
    .select([
      'code',
      'name',
      'type',
      'level',
      'era',
      sql<string>`valid_from::text`.as('valid_from'),
      sql<string>`valid_to::text`.as('valid_to'),
      'parent_code',
      'province_code',
      'short_name',
      'short_fold_key',
      'fold_key',
    ])
    .execute()
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

/** Every succession, keyed by the unit-period it starts from. */
export async function allSuccessions(db: Db): Promise<Map<string, SuccessorRecord[]>> {
  const rows = await db
    .selectFrom('geo_succession as s')
    .innerJoin('geo_unit as u', (join) => join.onRef('u.code', '=', 's.to_code').onRef('u.valid_from', '=', 's.to_valid_from'))
    .select([
      sql<string>`s.from_code || '@' || s.from_valid_from::text`.as('from_key'),
      'u.code',
      sql<string>`u.valid_from::text`.as('valid_from'),
      'u.name',
      'u.era',
      's.portion',
      's.source',
      's.set_by_admin',
    ])
    .orderBy('u.code')
    .execute()
  const graph = new Map<string, SuccessorRecord[]>()
  for (const { from_key, ...row } of rows) graph.set(from_key, [...(graph.get(from_key) ?? []), row])
  return graph
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

/** Records which version of a seeded reference list the database holds (see referenceChecksum). */
export async function saveReferenceChecksum(db: Db, name: string, checksum: string): Promise<void> {
  await db
    .insertInto('reference_data')
    .values({ name, checksum, loaded_at: sql<string>`now()` })
    .onConflict((oc) => oc.column('name').doUpdateSet({ checksum, loaded_at: sql<string>`now()` }))
    .execute()
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

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}
