// Correction files: the forms of a batch held for correction, in the DC01 layout with their
// findings beside them, for an officer to fix and import again (the coso_ columns are ignored
// then). CSV (UTF-8, BOM for Excel) or XLSX by the file's extension.
import { createWriteStream } from 'node:fs'
import { extname } from 'node:path'
import { finished } from 'node:stream/promises'
import { provinceCode } from '../platform/config.ts'
import { csvLine, neutraliseFormula } from '../platform/csv.ts'
import type { Db } from '../platform/db.ts'
import { DC01_KEYS } from './dc01.ts'
import * as q from './queries.ts'
import { findingMessage, type RuleCode } from './rules.ts'

const EXTRA = ['coso_row', 'coso_rules', 'coso_findings_vi', 'coso_findings_en']

async function* heldForms(db: Db, batchId: string): AsyncGenerator<q.StoredForm> {
  let after = 0
  for (;;) {
    const page = await q.batchForms(db.pool, provinceCode(), batchId, ['needs_correction'], after, 1000)
    for (const f of page) yield f
    const last = page[page.length - 1]
    if (!last || page.length < 1000) return
    after = last.row_no ?? 0
  }
}

function line(f: q.StoredForm, extras: string[]): string[] {
  const raw = f.raw as Record<string, string> & { extra?: Record<string, string> }
  const messages = f.findings.map((x) => findingMessage({ rule: x.rule as RuleCode, details: x.details }))
  return [
    ...DC01_KEYS.map((k) => raw[k] ?? ''),
    ...extras.map((k) => raw.extra?.[k] ?? ''),
    String(f.row_no ?? ''),
    f.findings.map((x) => x.rule).join('; '),
    messages.map((m) => m.vi).join(' | '),
    messages.map((m) => m.en).join(' | '),
  ]
}

/** Writes the file and returns how many forms it holds. */
export async function writeCorrections(db: Db, batchId: string, path: string): Promise<number> {
  // Unknown columns of the input come back in the same place, after the DC01 ones.
  const extras = new Set<string>()
  for await (const f of heldForms(db, batchId)) for (const k of Object.keys((f.raw as { extra?: object }).extra ?? {})) extras.add(k)
  const extraColumns = [...extras]
  const header = [...DC01_KEYS, ...extraColumns, ...EXTRA]
  let count = 0
  if (extname(path).toLowerCase() === '.xlsx') {
    const { default: Excel } = await import('exceljs')
    const book = new Excel.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false })
    const sheet = book.addWorksheet('DC01')
    sheet.addRow(header).commit()
    for await (const f of heldForms(db, batchId)) {
      sheet.addRow(line(f, extraColumns).map(neutraliseFormula)).commit()
      count++
    }
    sheet.commit()
    await book.commit()
    return count
  }
  const out = createWriteStream(path)
  out.write(`\ufeff${csvLine(header)}\n`)
  for await (const f of heldForms(db, batchId)) {
    if (!out.write(`${csvLine(line(f, extraColumns))}\n`)) await new Promise<void>((r) => out.once('drain', () => r()))
    count++
  }
  out.end()
  await finished(out)
  return count
}
