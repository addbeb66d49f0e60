// A deduplication run over the whole register: read the persons, block, learn the model (u from
// random pairs, m by EM, no labels), score, cluster under officers' cannot-links, then write the
// pairs worth a look and merge what links automatically — all merges of a run in one transaction.
import type { Actor } from '../access/service.ts'
import { provinceCode } from '../platform/config.ts'
import type { CopyValue } from '../platform/copy.ts'
import { type Db, inTransaction } from '../platform/db.ts'
import { uuidv7 } from '../platform/ids.ts'
import { BLOCK_RULES, type BlockRule, candidatePairs, RULE_FIELDS, type RuleCounts } from './blocking.ts'
import { loadPersons } from './candidates.ts'
import { cluster, DEFAULT_THRESHOLDS, LINK, REVIEW, type Thresholds } from './cluster.ts'
import { compare, FIELDS, type Field, hardConflict, LEVELS, type Prepared } from './compare.ts'
import { applyPlan, createPlan, recordMerges } from './merge-sql.ts'
import { compile, estimateU, type Model, partialWeights, randomPairs, refine, trainM } from './model.ts'
import * as q from './queries.ts'
import { constrain, probabilityOf } from './weights.ts'

export interface RunOptions {
  actor: Actor
  /** Blocks larger than this are skipped (and counted). */
  maxBlock?: number
  thresholds?: Partial<Thresholds>
  /** Random pairs that estimate u. */
  randomPairs?: number
  seed?: number
  /** Each blocking rule's counts, before any pair is made. */
  onBlocking?: (perRule: Record<BlockRule, RuleCounts>) => void
  /** Progress on stderr: a stage and, where known, how far into it. */
  onProgress?: (stage: string, done?: number, total?: number) => void
  /** What the run decided, before it writes (benches measure blocking recall and precision here). */
  inspect?: (view: RunView) => void
}

export interface RunView {
  /** Person ids, indexed as the pairs index them. */
  ids: string[]
  a: Uint32Array
  b: Uint32Array
  probability: Float64Array
  /** Per pair, DISTINCT / REVIEW / LINK (cluster.ts). */
  decision: Uint8Array
  /** Per pair, its comparison levels (FIELDS order, FIELDS.length a pair) and blocking-rule mask. */
  vectors: Int8Array
  rules: Uint8Array
  /** Per pair, nonzero where a hard conflict forbids an automatic link. */
  conflict: Uint8Array
  /** The model the pairs were scored with (none for fewer than two persons). */
  model: Model | undefined
}

export interface RunReport {
  run_id: string
  persons: number
  blocking: Record<BlockRule, RuleCounts>
  pairs_scored: number
  links: number
  review: number
  merges: number
  persons_merged: number
  seconds: Record<'load' | 'block' | 'train' | 'score' | 'cluster' | 'write' | 'total', number>
}

const FIELD_COUNT = FIELDS.length
/** The tables a run reads persons from and its merges change. */
const REGISTER_TABLES = ['person', 'form', 'person_identifier', 'residence', 'review_item', 'household', 'household_member', 'relationship']
const LEVEL_COUNTS = FIELDS.map((f) => LEVELS[f].length)
const FAMILY = FIELDS.indexOf('family')
const GIVEN = FIELDS.indexOf('given')

export async function runDedup(db: Db, options: RunOptions): Promise<RunReport> {
  const province = provinceCode()
  const runId = uuidv7()
  const progress = options.onProgress ?? (() => {})
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds }
  const seconds = { load: 0, block: 0, train: 0, score: 0, cluster: 0, write: 0, total: 0 }
  const started = performance.now()
  let mark = started
  const lap = (stage: keyof typeof seconds) => {
    const now = performance.now()
    seconds[stage] = Math.round(now - mark) / 1000
    mark = now
  }
  await q.startRun(db.pool, province, runId, options.actor.name)
  try {
    progress('load')
    // The planner's statistics of the register: PGlite never gathers them (it has no autovacuum),
    // and a server's may lag behind a large import. Without them the run's set-wise statements
    // plan blind (on PGlite, a province's merges took 78 s instead of 57 s).
    await db.pool.query(`ANALYZE ${REGISTER_TABLES.join(', ')}`)
    const { ids, forms, prepared } = await loadPersons(db, province)
    lap('load')
    const n = prepared.length

    progress('block')
    const blocked = candidatePairs(prepared, { maxBlock: options.maxBlock ?? 5000, onCounts: options.onBlocking })
    const pairs = blocked.count
    const vectors = new Int8Array(pairs * FIELD_COUNT)
    const scratch = new Int8Array(FIELD_COUNT)
    for (let i = 0; i < pairs; i++) {
      compare(prepared[blocked.a[i] as number] as Prepared, prepared[blocked.b[i] as number] as Prepared, scratch)
      vectors.set(scratch, i * FIELD_COUNT)
    }
    lap('block')

    progress('train')
    const index = new Map(ids.map((id, i) => [id, i]))
    // Officers' word on pairs still apart: "not same" is a cannot-link, and both kinds refine m.
    const decided = (await q.decidedPairs(db.pool, province)).filter((d) => d.a !== d.b && index.has(d.a) && index.has(d.b))
    const model = n < 2 ? undefined : refined(train(prepared, vectors, blocked.rules, options), prepared, decided, index)
    lap('train')

    progress('score', 0, pairs)
    const probability = new Float64Array(pairs)
    const conflict = new Uint8Array(pairs)
    const frequency = model ? nameFrequencies(prepared) : undefined
    const scorer = model ? compile(model) : undefined
    const tf = new Float64Array(FIELD_COUNT).fill(Number.NaN)
    const parts = new Float64Array(FIELD_COUNT)
    for (let i = 0; i < pairs && scorer && frequency; i++) {
      const a = prepared[blocked.a[i] as number] as Prepared
      const b = prepared[blocked.b[i] as number] as Prepared
      termFrequencies(a, b, vectors, i, frequency, tf)
      probability[i] = probabilityOf(partialWeights(vectors, scorer, parts, tf, i * FIELD_COUNT, 0), parts)
      conflict[i] = hardConflict(a, b) ? 1 : 0
    }
    lap('score')

    progress('cluster')
    const known = decided.filter((d) => d.decision === 'not_same')
    const clustering = cluster(
      n,
      { a: blocked.a, b: blocked.b, probability, conflict },
      {
        thresholds,
        cannotLink: {
          a: Uint32Array.from(known, (l) => index.get(l.a) as number),
          b: Uint32Array.from(known, (l) => index.get(l.b) as number),
        },
      },
    )
    lap('cluster')
    options.inspect?.({
      ids,
      a: blocked.a,
      b: blocked.b,
      probability,
      decision: clustering.decision,
      vectors,
      rules: blocked.rules,
      conflict,
      model,
    })

    progress('write')
    const rows: CopyValue[][] = []
    let linkCount = 0
    for (let i = 0; i < pairs; i++) {
      const decision = clustering.decision[i]
      if (decision !== LINK && decision !== REVIEW) continue
      if (decision === LINK) linkCount++
      const a = blocked.a[i] as number
      const b = blocked.b[i] as number
      const [first, second] = (ids[a] as string) < (ids[b] as string) ? [a, b] : [b, a]
      const levels = Array.from(vectors.subarray(i * FIELD_COUNT, (i + 1) * FIELD_COUNT))
      const pa = prepared[a] as Prepared
      const pb = prepared[b] as Prepared
      termFrequencies(pa, pb, vectors, i, frequency as NameFrequencies, tf)
      if (scorer) partialWeights(vectors, scorer, parts, tf, i * FIELD_COUNT, 0)
      rows.push([
        province,
        ids[first],
        ids[second],
        forms[first],
        forms[second],
        runId,
        probability[i],
        `{${levels.join(',')}}`,
        `{${Array.from(parts, (w) => w.toFixed(3)).join(',')}}`,
        conflict[i] ? (hardConflict(pa, pb) ?? null) : null,
        decision === LINK ? 'link' : 'review',
      ])
    }
    const plan = mergePlan(clustering.clusters, ids, prepared)
    await inTransaction(db, async (client) => {
      // A province's merges take tens of seconds a statement; a timeout set for interactive use
      // must not roll the whole run back.
      await client.query(`SET LOCAL statement_timeout = '30min'`)
      await q.replacePairs(db, client, province, rows)
      if (plan.absorbed.length === 0) return
      await createPlan(client, plan)
      await recordMerges(client, province, { origin: 'auto', runId, requestedBy: options.actor.name, approvedBy: null })
      await applyPlan(client, province)
    })
    lap('write')
    seconds.total = Math.round(performance.now() - started) / 1000
    const report: RunReport = {
      run_id: runId,
      persons: n,
      blocking: blocked.perRule,
      pairs_scored: pairs,
      links: linkCount,
      review: clustering.reviewPairs.length,
      merges: clustering.clusters.length,
      persons_merged: plan.absorbed.length,
      seconds,
    }
    await q.finishRun(db.pool, province, runId, { model: model && { ...model, thresholds }, counts: report })
    return report
  } catch (error) {
    await q.finishRun(db.pool, province, runId, { error: error instanceof Error ? error.message : String(error) })
    throw error
  }
}

/**
 * Fields that a rule's key implies, beyond those it is made of: they too agree inside the rule's
 * blocks whether the pair is one person or not. A given name tells the sex (Hùng is a man, Lan a
 * woman); a household tells where its members live, its head (a relative of each) and, often,
 * its phone. Left in, they make EM mistake namesakes or housemates for one person: on a province
 * (1.4 million persons, 28 million pairs of one birth year, given and family name) its "same
 * person" class became "same sex", and the run sent 4.7% of forms to review.
 */
const IMPLIED: Partial<Record<Field, readonly Field[]>> = {
  given: ['sex'],
  household: ['residence', 'relatives', 'phone'],
}

/** The fields EM holds out in a rule's pairs: those its key is made of, and those they imply. */
function heldOut(rule: BlockRule): Field[] {
  const fields = new Set<Field>(RULE_FIELDS[rule])
  for (const f of RULE_FIELDS[rule]) for (const g of IMPLIED[f] ?? []) fields.add(g)
  return [...fields]
}

function train(prepared: Prepared[], vectors: Int8Array, rules: Uint8Array, options: RunOptions): Model {
  const n = prepared.length
  const random = randomPairs(n, Math.min(options.randomPairs ?? 200_000, (n * (n - 1)) / 2), options.seed ?? 1)
  const randomVectors = new Int8Array(random.a.length * FIELD_COUNT)
  const scratch = new Int8Array(FIELD_COUNT)
  for (let i = 0; i < random.a.length; i++) {
    compare(prepared[random.a[i] as number] as Prepared, prepared[random.b[i] as number] as Prepared, scratch)
    randomVectors.set(scratch, i * FIELD_COUNT)
  }
  const u = estimateU(randomVectors, LEVEL_COUNTS)
  const ruleFields = BLOCK_RULES.map((r) => heldOut(r).map((f) => FIELDS.indexOf(f)))
  return constrain(trainM({ vectors, ruleMask: rules, ruleFields, levelCounts: LEVEL_COUNTS, u, totalPairs: (n * (n - 1)) / 2 }).model)
}

type NameFrequencies = { family: Map<string, number>; given: Map<string, number> }

/** How common each family and given name is among the register's persons (Nguyễn ≈ 38%). */
function nameFrequencies(prepared: Prepared[]): NameFrequencies {
  const family = new Map<string, number>()
  const given = new Map<string, number>()
  for (const p of prepared) {
    if (p.family.exact) family.set(p.family.exact, (family.get(p.family.exact) ?? 0) + 1)
    if (p.given.exact) given.set(p.given.exact, (given.get(p.given.exact) ?? 0) + 1)
  }
  const share = (m: Map<string, number>) => {
    for (const [k, v] of m) m.set(k, v / prepared.length)
    return m
  }
  return { family: share(family), given: share(given) }
}

/** The term frequencies of pair i's exact name matches (NaN elsewhere), into tf. */
function termFrequencies(a: Prepared, _b: Prepared, vectors: Int8Array, i: number, f: NameFrequencies, tf: Float64Array) {
  const exactFamily = LEVEL_COUNTS[FAMILY] as number
  const exactGiven = LEVEL_COUNTS[GIVEN] as number
  tf[FAMILY] = vectors[i * FIELD_COUNT + FAMILY] === exactFamily - 1 ? (f.family.get(a.family.exact) ?? Number.NaN) : Number.NaN
  tf[GIVEN] = vectors[i * FIELD_COUNT + GIVEN] === exactGiven - 1 ? (f.given.get(a.given.exact) ?? Number.NaN) : Number.NaN
}

/**
 * Which person of each cluster stays: one with a personal ID number, else the earliest
 * recorded; the others are absorbed into it.
 */
function mergePlan(clusters: Uint32Array[], ids: string[], prepared: Prepared[]) {
  const plan = { merge: [] as string[], survivor: [] as string[], absorbed: [] as string[] }
  for (const members of clusters) {
    const keep = Array.from(members).find((m) => (prepared[m] as Prepared).personalId !== '') ?? (members[0] as number)
    const merge = uuidv7()
    for (const m of members) {
      if (m === keep) continue
      plan.merge.push(merge)
      plan.survivor.push(ids[keep] as string)
      plan.absorbed.push(ids[m] as string)
    }
  }
  return plan
}

/** The model with the officers' decided pairs blended into its m (model.ts `refine`). */
function refined(
  model: Model,
  prepared: Prepared[],
  decided: { a: string; b: string; decision: string }[],
  index: Map<string, number>,
): Model {
  if (decided.length === 0) return model
  const vectors = new Int8Array(decided.length * FIELD_COUNT)
  const scratch = new Int8Array(FIELD_COUNT)
  decided.forEach((d, i) => {
    compare(prepared[index.get(d.a) as number] as Prepared, prepared[index.get(d.b) as number] as Prepared, scratch)
    vectors.set(scratch, i * FIELD_COUNT)
  })
  return refine(model, { vectors, same: decided.map((d) => d.decision === 'same') })
}
