// The Reference that validation reads, built once per run from geo and the code lists in seed/.
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import type { Kysely } from 'kysely'
import { today } from '../geo/eras.ts'
import * as geo from '../geo/service.ts'
import type { Tables } from '../platform/db.ts'
import { codeList, type Reference } from './validate.ts'

/** The rows of a CSV file in seed/reference/ (header row; values trimmed). */
export function seedRows(name: string): Record<string, string>[] {
  const text = readFileSync(new URL(`../../seed/reference/${name}`, import.meta.url), 'utf8')
  return parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[]
}

/** Names, other names (less authoritative, so overridden by names) and 2-digit codes. */
export const ethnicGroups = (() => {
  let cached: ((text: string) => { code: string; name: string } | undefined) | undefined
  return () => {
    if (cached) return cached
    const rows = seedRows('ethnic-groups.csv')
    const entries: [string, { code: string; name: string }][] = []
    for (const r of rows)
      for (const other of (r.other_names ?? '').split(';'))
        if (other.trim()) entries.push([other.trim().replace(/\s*\(.*\)$/, ''), { code: r.code as string, name: r.name as string }])
    for (const r of rows) entries.push([r.name as string, { code: r.code as string, name: r.name as string }])
    for (const r of rows)
      entries.push(
        [r.code as string, { code: r.code as string, name: r.name as string }],
        [String(Number(r.code)), { code: r.code as string, name: r.name as string }],
      )
    cached = codeList(entries)
    return cached
  }
})()

export function religions(): (text: string) => string | undefined {
  return codeList([['Không', 'Không'], ...seedRows('religions.csv').map((r) => [r.name as string, r.name as string] as [string, string])])
}

export function idProvinceCodes(): Set<string> {
  return new Set(seedRows('id-province-codes.csv').map((r) => r.id_code as string))
}

export async function loadReference(db: Kysely<Tables>, now = new Date()): Promise<Reference> {
  const g = await geo.gazetteer(db)
  const provinces = idProvinceCodes()
  const religion = religions()
  const ethnicity = ethnicGroups()
  const addresses = new Map<string, boolean>()
  return {
    today: today(now),
    unitOn: (code, date) => g.index.on(code, date),
    unitVersions: (code) => g.index.versions(code),
    successors: (code, validFrom) => g.successors(code, validFrom),
    addressKnown(text, on) {
      // The date only ranks candidates; whether there are any does not depend on it.
      const key = text
      let known = addresses.get(key)
      if (known === undefined) {
        known = g.resolveAddress(text, on).candidates.length > 0
        if (addresses.size < 100_000) addresses.set(key, known)
      }
      return known
    },
    ethnicity,
    religion,
    idProvinceKnown: (code) => provinces.has(code),
  }
}
