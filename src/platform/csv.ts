// Small CSV files (hamlet lists, reference data): parsed whole. Bulk files stream elsewhere.
import { parse } from 'csv-parse/sync'
import { badInput } from './errors.ts'

export function parseCsv(text: string, file = 'CSV'): string[][] {
  try {
    return parse(text.replace(/^\ufeff/, ''), { skip_empty_lines: true, relax_column_count: true }) as string[][]
  } catch (error) {
    const line = (error as { lines?: number }).lines
    throw badInput(
      {
        vi: `${file}: tệp CSV hỏng (dòng ${line ?? '?'}): ${(error as Error).message}`,
        en: `${file}: malformed CSV (line ${line ?? '?'}): ${(error as Error).message}`,
      },
      { file, line, rule: 'csv' },
    )
  }
}

/** Cells that a spreadsheet would run as a formula get a leading quote (CSV injection). */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

/**
 * One CSV line. Formulas are neutralised in what we write for people; the generator writes
 * what a typist would have typed (`neutralise` false), since it makes test input.
 */
export function csvLine(values: (string | number | null | undefined)[], neutralise = true): string {
  return values
    .map((v) => {
      const raw = v == null ? '' : String(v)
      const s = neutralise ? neutraliseFormula(raw) : raw
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
    })
    .join(',')
}
