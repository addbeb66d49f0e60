import { openCoso } from './src/app.ts'
import { completeness } from './src/intake/completeness.ts'
import { contentHash, rawOf } from './src/intake/import.ts'
import { openSource } from './src/intake/reader.ts'
import { loadReference } from './src/intake/reference.ts'
import { checkForm } from './src/intake/validate.ts'
import { normalizeName } from './src/intake/values.ts'
import { copyText } from './src/platform/copy.ts'
import { collapseSpaces, foldKey, nfc } from './src/text/vietnamese.ts'

const db = await openCoso({ engine: 'pglite', dataDir: '/tmp/d1' })
const ref = await loadReference(db.kysely)
await db.close()
const rows = []
let t = performance.now()
const src = await openSource('/tmp/g/f.csv')
for await (const r of src.rows()) rows.push(r)
console.log('read', rows.length, Math.round(performance.now() - t), 'ms')
for (let pass = 0; pass < 3; pass++) {
  t = performance.now()
  const checked = rows.map((r) => checkForm(r.form, ref, r.problems))
  console.log('check', Math.round(performance.now() - t))
  t = performance.now()
  for (const r of rows) normalizeName(r.form.full_name)
  console.log(' normalizeName', Math.round(performance.now() - t))
  t = performance.now()
  for (const r of rows) for (const k in r.form) if (typeof (r.form as any)[k] === 'string') collapseSpaces(nfc((r.form as any)[k]))
  console.log(' text all fields', Math.round(performance.now() - t))
  t = performance.now()
  for (const r of rows) foldKey(r.form.full_name)
  console.log(' foldKey', Math.round(performance.now() - t))
  t = performance.now()
  for (const c of checked) completeness(c)
  console.log('completeness', Math.round(performance.now() - t))
  t = performance.now()
  for (const c of checked) contentHash(c.form)
  console.log('hash', Math.round(performance.now() - t))
  t = performance.now()
  const raws = checked.map((c) => rawOf(c.form))
  console.log('raw', Math.round(performance.now() - t))
  t = performance.now()
  copyText(raws.map((r) => [r, 'abc', 1, null]))
  console.log('copytext', Math.round(performance.now() - t))
}
