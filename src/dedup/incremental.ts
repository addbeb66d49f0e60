// The check of one new form against the register as it arrives: "possibly an existing person",
// with the evidence, before the officer saves. Candidates come from the register's indexes (ID
// numbers, given name and year, phone, household); they are scored with the latest run's model,
// or, before any run, with default-model.json (learnt by a run on generated forms).
import type { Pending } from '../intake/import.ts'
import { splitName } from '../intake/values.ts'
import { provinceCode } from '../platform/config.ts'
import type { Db } from '../platform/db.ts'
import { foldKey } from '../text/vietnamese.ts'
import { candidateOfForm, candidateOfRow, unitMapper } from './candidates.ts'
import { DEFAULT_THRESHOLDS } from './cluster.ts'
import { compare, FIELDS, hardConflict, LEVELS, prepare } from './compare.ts'
import defaultModel from './default-model.json' with { type: 'json' }
import { compile, type Model, partialWeights, type Scorer } from './model.ts'
import * as q from './queries.ts'
import { probabilityOf } from './weights.ts'

export interface PossibleMatch {
  person_id: string
  name_display: string
  birth_year: number | null
  probability: number
  conflict: string | null
  evidence: { field: string; level: string | null; weight: number }[]
}

/** How many possible matches a form shows: the likeliest few are what an officer can weigh. */
const SHOWN = 5

let scorerOf: { runId: string | null; scorer: Scorer } | undefined
// The gazetteer changes when an admin edits units: a minute of staleness is harmless here.
let units: { at: number; map: Promise<Awaited<ReturnType<typeof unitMapper>>> } | undefined

function unitsToday(db: Db) {
  if (!units || Date.now() - units.at > 60_000) units = { at: Date.now(), map: unitMapper(db) }
  return units.map
}

async function currentScorer(db: Db, province: string): Promise<Scorer> {
  const latest = await q.latestModel(db.pool, province)
  const runId = latest?.id ?? null
  if (scorerOf?.runId !== runId) scorerOf = { runId, scorer: compile((latest?.model ?? defaultModel) as Model) }
  return scorerOf.scorer
}

interface Scored {
  row: q.PersonRow
  levels: number[]
  weights: number[]
  probability: number
  conflict: string | null
}

/** Register persons within the scope that the form may describe, above the distinct threshold, likeliest first. */
async function scoreForm(db: Db, pending: Pending, scope: string[] | null): Promise<Scored[]> {
  const province = provinceCode()
  const p = pending.checked.person
  const name = splitName(p.name_display)
  const ids = await q.candidatesFor(db.pool, province, {
    ids: [p.personal_id, p.old_id].filter((x): x is string => Boolean(x)),
    given: name.given ? foldKey(name.given) : null,
    family: name.family ? foldKey(name.family) : null,
    year: p.birth?.year ?? null,
    phone: p.phone,
    household: pending.checked.values.household_no?.trim() || null,
    units: [p.current_unit, p.permanent_unit].filter((x): x is string => Boolean(x)),
  })
  if (ids.length === 0) return []
  const visible = [...(await q.personsInScope(db.pool, province, ids, scope))]
  if (visible.length === 0) return []
  const [unitOf, scorer] = await Promise.all([unitsToday(db), currentScorer(db, province)])
  const form = prepare(candidateOfForm(pending, 0, unitOf))
  const vector = new Int8Array(FIELDS.length)
  const parts = new Float64Array(FIELDS.length)
  const scored: Scored[] = []
  for await (const page of q.persons(db.pool, province, visible)) {
    for (const row of page) {
      const person = prepare(candidateOfRow(row, 1, unitOf))
      compare(form, person, vector)
      const probability = probabilityOf(partialWeights(vector, scorer, parts), parts)
      if (probability < DEFAULT_THRESHOLDS.distinct) continue
      const conflict = hardConflict(form, person) ?? null
      scored.push({
        row,
        levels: Array.from(vector),
        weights: Array.from(parts, (w) => Math.round(w * 1000) / 1000),
        probability,
        conflict,
      })
    }
  }
  return scored.sort((a, b) => b.probability - a.probability)
}

/** Register persons within the scope that the form may describe, likeliest first. */
export async function possibleMatches(db: Db, pending: Pending, scope: string[] | null): Promise<PossibleMatch[]> {
  return (await scoreForm(db, pending, scope)).slice(0, SHOWN).map((s) => ({
    person_id: s.row.id,
    name_display: s.row.name_display,
    birth_year: s.row.birth_year,
    probability: s.probability,
    conflict: s.conflict,
    evidence: FIELDS.map((field, i) => {
      const level = s.levels[i] as number
      return { field, level: level < 0 ? null : (LEVELS[field][level] ?? null), weight: s.weights[i] as number }
    }),
  }))
}

/**
 * A form just saved, checked against the rest of the register: the persons it may be join the
 * review queue at once (the next run decides them with everything else).
 */
export async function checkArrival(db: Db, pending: Pending, formId: string): Promise<number> {
  const province = provinceCode()
  const personId = await q.personOfForm(db.pool, province, formId)
  if (!personId) return 0
  const others = (await scoreForm(db, pending, null)).filter((s) => s.row.id !== personId)
  for (const s of others) {
    await q.addReviewPair(db.pool, province, {
      persons: [personId, s.row.id],
      forms: [formId, s.row.origin_form_id],
      probability: s.probability,
      levels: s.levels,
      weights: s.weights,
      conflict: s.conflict,
    })
  }
  return others.length
}
