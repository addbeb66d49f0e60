// What the browser tests share: Debian's Chromium through playwright-core, and where their
// screenshots go (.coso-test/screenshots, not committed).
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium } from 'playwright-core'
import { embeddedDatabase, ROOT, registerBeforeReform, runCli, type TestDatabase, tempDir } from './helpers.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SHOTS = join(ROOT, '.coso-test', 'screenshots')

/** Why the browser tests cannot run here, or false. */
export const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium)`

export async function launch(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true })
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
}

/** The DC01 columns the browser tests' forms fill. */
export const HEADER =
  'form_no,collected_on,collecting_unit,full_name,birth_date,sex,personal_id,ethnicity,household_no,relation_to_head,current_unit'

/**
 * An embedded register of these forms (HEADER's columns); the first is sent again with another
 * birth date — a conflict for the correction queue. Returns the persons' ids by ID number.
 */
export async function browserRegister(rows: string[]): Promise<{ db: TestDatabase; ids: Record<string, string> }> {
  const db = embeddedDatabase()
  const file = join(tempDir(), 'forms.csv')
  writeFileSync(file, `${HEADER}\n${rows.join('\n')}\n`)
  assert.equal((await runCli(['import', file, ...db.flags])).code, 0)
  const again = join(tempDir(), 'again.csv')
  writeFileSync(again, `${HEADER}\n${(rows[0] as string).replace('12/03/1980', '13/03/1980')}\n`)
  assert.equal((await runCli(['import', again, ...db.flags])).code, 0)
  const ids: Record<string, string> = {}
  const exported = await runCli(['export', 'persons', '--format', 'jsonl', ...db.flags])
  for (const line of exported.stdout.trim().split('\n')) {
    const p = JSON.parse(line) as { id: string; personal_id: string }
    ids[p.personal_id] = p.id
  }
  return { db, ids }
}

/** A person of a generated register, as `coso export persons --format jsonl` writes them. */
export interface ExportedPerson {
  id: string
  full_name: string
  birth_date: string | null
  household_id: string | null
  residence_unit: string | null
  residence_era: string | null
}

/**
 * A register collected before the 2025 reform (registerBeforeReform) in the database `flags`
 * names. Returns its persons and today's communes (the units of an officer who sees the whole province).
 */
export async function livingRegister(flags: string[], persons = 200): Promise<{ persons: ExportedPerson[]; units: string[] }> {
  await registerBeforeReform(flags, persons)
  const exported = await runCli(['export', 'persons', '--format', 'jsonl', ...flags])
  assert.equal(exported.code, 0, exported.stderr)
  const units = await runCli(['units', 'list', '--era', '2025', '--level', 'commune', '--json', ...flags])
  assert.equal(units.code, 0, units.stderr)
  return {
    persons: exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ExportedPerson),
    units: (JSON.parse(units.stdout) as { code: string }[]).map((u) => u.code),
  }
}
