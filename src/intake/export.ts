// The forms as typed, in the DC01 layout (docs/formats/dc01-csv.md) so the file can be read
// back by any tool that reads DC01: the known columns, then the unknown columns the forms
// brought, then which form and in what state. Superseded and withdrawn forms are left out.
import { provinceCode } from '../platform/config.ts'
import { type Db, inSnapshot } from '../platform/db.ts'
import { DC01_KEYS } from './dc01.ts'
import * as q from './queries.ts'

/** Where the rows go: the header once, then each row. */
export interface TableSink {
  header(columns: string[]): Promise<void>
  row(values: (string | null)[]): Promise<void>
}

const PAGE = 2000

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v))

/** Writes the forms to the sink; returns how many. */
export async function exportForms(db: Db, sink: TableSink): Promise<number> {
  const province = provinceCode()
  let count = 0
  // One snapshot for both passes: a form imported meanwhile cannot bring a column the header lacks.
  await inSnapshot(db, async (client) => {
    const extras = (await q.extraKeys(client, province, q.EXPORTED_STATES)).sort()
    await sink.header([...DC01_KEYS, ...extras, 'coso_form_id', 'coso_state'])
    let after: string | null = null
    for (;;) {
      const page = await q.rawForms(client, province, q.EXPORTED_STATES, after, PAGE)
      for (const f of page) {
        const extra = (f.raw.extra ?? {}) as Record<string, unknown>
        await sink.row([...DC01_KEYS.map((k) => text(f.raw[k])), ...extras.map((k) => text(extra[k])), f.id, f.state])
        count++
      }
      const last = page.at(-1)
      if (!last || page.length < PAGE) break
      after = last.id
    }
  })
  return count
}
