// Dedup comparison layer on generated forms with ground truth: prepare() per form, blocking
// (each rule's blocks and pairs, capped blocks, unique pairs, recall of true pairs overall and
// per injected error type), then compare() over every candidate pair into one Int8Array of
// vectors, as the model reads them — pairs/s on one core. Also the level mix of true and
// false pairs per field, to see that the levels separate them.
// Run: node bench/dedup-compare.ts [--persons 200000] [--dup-rate 0.15] [--error-rate 0.3] [--seed 11] [--max-block 1000]
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { parse } from 'csv-parse/sync'
import { BLOCK_RULES, candidatePairs, rulesOf } from '../src/dedup/blocking.ts'
import { type Candidate, compare, FIELDS, hardConflict, LEVELS, type Prepared, prepare } from '../src/dedup/compare.ts'
import type { Dc01Form } from '../src/intake/dc01.ts'
import { generateForms, loadReferenceData } from '../src/intake/generate.ts'
import { digits, normalizeName, normalizePhone, parseDate, parseSex, splitName } from '../src/intake/values.ts'
import { repairMojibake } from '../src/text/vietnamese.ts'

const { values: args } = parseArgs({
  options: {
    persons: { type: 'string', default: '200000' },
    'dup-rate': { type: 'string', default: '0.15' },
    'error-rate': { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '11' },
    'max-block': { type: 'string', default: '1000' },
  },
})

// Old-era unit codes to today's, where the old unit went whole into one new unit.
const merge = parse(readFileSync(new URL('../seed/geo/qn-merge-2025.csv', import.meta.url), 'utf8'), { columns: true }) as Record<
  string,
  string
>[]
const today = new Set(merge.map((r) => r.new_code))
const crosswalk = new Map<string, string[]>()
for (const r of merge) crosswalk.set(r.old_code as string, [...(crosswalk.get(r.old_code as string) ?? []), r.new_code as string])

function unitToday(code: string, collected: string): string | undefined {
  if (!code) return undefined
  const c = parseDate(collected)
  const oldEra = c.kind === 'ok' && `${c.year}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}` < '2025-07-01'
  if (!oldEra && today.has(code)) return code
  const next = crosswalk.get(code)
  return next && next.length === 1 ? next[0] : code
}

/** A form's values as the register would hold them, roughly as intake reads them. */
function candidateOf(f: Dc01Form, id: number): Candidate {
  const fix = (s: string) => repairMojibake(s) ?? s
  const name = splitName(normalizeName(fix(f.full_name)))
  const birth = parseDate(f.birth_date, true)
  const sex = parseSex(f.sex)
  const unit = unitToday(f.permanent_unit, f.collected_on)
  const opt = (s: string) => (s ? fix(s) : undefined)
  return {
    id,
    family: name.family || undefined,
    middle: name.middle || undefined,
    given: name.given || undefined,
    birth: birth.kind === 'ok' ? { year: birth.year, month: birth.month ?? undefined, day: birth.day ?? undefined } : undefined,
    personalId: digits(f.personal_id) || undefined,
    oldId: digits(f.old_id) || undefined,
    sex: sex === 'M' || sex === 'F' ? sex : undefined,
    unit,
    address: opt(f.permanent_address),
    household: f.household_no || undefined,
    phone: f.phone ? normalizePhone(f.phone).value : undefined,
    father: opt(f.father_name),
    mother: opt(f.mother_name),
    spouse: opt(f.spouse_name),
    head: opt(f.household_head_name),
  }
}

const persons = Number(args.persons)
const maxBlock = Number(args['max-block'])
const seconds = (start: number) => (performance.now() - start) / 1000
const fmt = (n: number) => Math.round(n).toLocaleString('en')

let start = performance.now()
const candidates: Candidate[] = []
const truth: string[] = []
const errors: string[][] = []
for (const g of generateForms(
  { persons, seed: Number(args.seed), dupRate: Number(args['dup-rate']), errorRate: Number(args['error-rate']) },
  loadReferenceData(),
)) {
  candidates.push(candidateOf(g.form, candidates.length))
  truth.push(g.truth.person)
  errors.push(g.truth.errors)
}
console.log(`generated ${fmt(candidates.length)} forms of ${fmt(persons)} persons in ${seconds(start).toFixed(1)} s`)

start = performance.now()
const prepared: Prepared[] = candidates.map(prepare)
const prepareSeconds = seconds(start)
console.log(`prepare: ${prepareSeconds.toFixed(2)} s, ${fmt(prepared.length / prepareSeconds)} forms/s`)

start = performance.now()
const pairs = candidatePairs(prepared, {
  maxBlock,
  onCounts: (perRule) => {
    for (const rule of BLOCK_RULES) {
      const c = perRule[rule]
      console.log(
        `  ${rule.padEnd(16)} blocks ${fmt(c.blocks).padStart(10)}  pairs ${fmt(c.pairs).padStart(12)}  largest ${fmt(c.largest).padStart(6)}  capped ${c.capped} (${fmt(c.cappedPairs)} pairs)`,
      )
    }
  },
})
const blockSeconds = seconds(start)
console.log(`blocking (maxBlock ${maxBlock}): ${fmt(pairs.count)} unique pairs in ${blockSeconds.toFixed(2)} s`)

// Recall: true pairs (two forms of one person) among the candidates, overall and per error type.
const formsOf = new Map<string, number[]>()
truth.forEach((person, i) => {
  formsOf.set(person, [...(formsOf.get(person) ?? []), i])
})
const found = new Set<number>()
for (let i = 0; i < pairs.count; i++) {
  const a = pairs.a[i] as number
  const b = pairs.b[i] as number
  if (truth[a] === truth[b]) found.add(a * candidates.length + b)
}
let trueTotal = 0
let trueFound = 0
const byError = new Map<string, { total: number; found: number }>()
for (const forms of formsOf.values()) {
  for (let x = 0; x < forms.length; x++) {
    for (let y = x + 1; y < forms.length; y++) {
      const a = forms[x] as number
      const b = forms[y] as number
      const hit = found.has(Math.min(a, b) * candidates.length + Math.max(a, b))
      trueTotal++
      if (hit) trueFound++
      for (const code of new Set([...(errors[a] ?? []), ...(errors[b] ?? [])])) {
        const e = byError.get(code) ?? { total: 0, found: 0 }
        e.total++
        if (hit) e.found++
        byError.set(code, e)
      }
    }
  }
}
console.log(
  `blocking recall: ${((100 * trueFound) / trueTotal).toFixed(3)}% of ${fmt(trueTotal)} true pairs (${fmt(trueTotal - trueFound)} missed)`,
)
for (const [code, e] of [...byError].sort((x, y) => x[0].localeCompare(y[0]))) {
  console.log(`  ${code.padEnd(16)} ${((100 * e.found) / e.total).toFixed(3).padStart(7)}% of ${fmt(e.total)}`)
}
const onlyBy = new Map<string, number>()
for (let i = 0; i < pairs.count; i++) {
  if (truth[pairs.a[i] as number] !== truth[pairs.b[i] as number]) continue
  const rules = rulesOf(pairs.rules[i] as number)
  if (rules.length === 1) onlyBy.set(rules[0] as string, (onlyBy.get(rules[0] as string) ?? 0) + 1)
}
console.log(`true pairs found by one rule only: ${[...onlyBy].map(([r, n]) => `${r} ${fmt(n)}`).join(', ')}`)

// Scoring speed: every candidate pair into the vectors array, best of three rounds.
const width = FIELDS.length
const vectors = new Int8Array(pairs.count * width)
let best = Number.POSITIVE_INFINITY
for (let round = 0; round < 3; round++) {
  start = performance.now()
  for (let i = 0; i < pairs.count; i++) {
    compare(
      prepared[pairs.a[i] as number] as Prepared,
      prepared[pairs.b[i] as number] as Prepared,
      vectors.subarray(i * width, i * width + width),
    )
  }
  best = Math.min(best, seconds(start))
}
console.log(`compare into vectors: ${fmt(pairs.count)} pairs in ${best.toFixed(3)} s = ${fmt(pairs.count / best)} pairs/s`)
const out = new Int8Array(width)
best = Number.POSITIVE_INFINITY
let conflicts = 0
for (let round = 0; round < 3; round++) {
  start = performance.now()
  for (let i = 0; i < pairs.count; i++) compare(prepared[pairs.a[i] as number] as Prepared, prepared[pairs.b[i] as number] as Prepared, out)
  best = Math.min(best, seconds(start))
}
console.log(`compare into one vector: ${fmt(pairs.count / best)} pairs/s`)
start = performance.now()
let trueConflicts = 0
for (let i = 0; i < pairs.count; i++) {
  const a = pairs.a[i] as number
  const b = pairs.b[i] as number
  if (hardConflict(prepared[a] as Prepared, prepared[b] as Prepared)) {
    conflicts++
    if (truth[a] === truth[b]) trueConflicts++
  }
}
const conflictSeconds = seconds(start)
console.log(
  `hardConflict: ${fmt(pairs.count / conflictSeconds)} pairs/s; ${fmt(conflicts)} pairs in conflict, ${fmt(trueConflicts)} of them true pairs`,
)

// Level mix per field: share of true and of false candidate pairs at each level.
const counts = FIELDS.map((f) => ({ same: new Float64Array(LEVELS[f].length + 1), other: new Float64Array(LEVELS[f].length + 1) }))
for (let i = 0; i < pairs.count; i++) {
  const same = truth[pairs.a[i] as number] === truth[pairs.b[i] as number]
  for (let f = 0; f < width; f++) {
    const c = counts[f] as { same: Float64Array; other: Float64Array }
    const row = same ? c.same : c.other
    const l = (vectors[i * width + f] as number) + 1
    row[l] = (row[l] as number) + 1
  }
}
const pct = (row: Float64Array, l: number) => {
  const total = row.reduce((s, x) => s + x, 0)
  return total ? ((100 * (row[l] as number)) / total).toFixed(1) : '-'
}
console.log('level mix, % of true / false candidate pairs (unknown first):')
FIELDS.forEach((f, i) => {
  const c = counts[i] as { same: Float64Array; other: Float64Array }
  const names = ['unknown', ...LEVELS[f]]
  console.log(`  ${f.padEnd(10)} ${names.map((n, l) => `${n} ${pct(c.same, l)}/${pct(c.other, l)}`).join('  ')}`)
})
console.log(`peak RSS ${fmt(process.resourceUsage().maxRSS / 1024)} MB`)
