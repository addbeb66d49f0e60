// Fellegi–Sunter scoring: u from random pairs, m by EM over blocked pairs, match weights with
// term-frequency adjustment, refinement from officer decisions.
//
// Everything here works on comparison vectors and knows nothing of persons: a vector holds one
// level per field (0 = different, higher = stronger agreement, -1 = unknown on either side),
// many vectors sit back to back in one Int8Array (pair i, field f at i * fieldCount + f), and
// `levelCounts[f]` says how many levels field f has. Unknown fields give no evidence anywhere.

/** The estimated parameters: plain data, safe to store as JSON. */
export interface Model {
  levelCounts: number[]
  /**
   * Prior share of same-person pairs among all record pairs, not among the blocked candidates:
   * u comes from random pairs, so the model describes a random pair, and blocking only skips
   * pairs that would score low. With this prior and every field counted (those blocked on too),
   * a candidate's probability is calibrated.
   */
  lambda: number
  /** m[f][level] = P(level | same person); each field's row sums to 1. */
  m: number[][]
  /** u[f][level] = P(level | different persons); never 0. */
  u: number[][]
}

// Keeps logs and logits finite whatever a stored or hand-made model contains.
const TINY = 1e-12

function clampProbability(p: number): number {
  if (!(p > TINY)) return TINY // also catches NaN
  return Math.min(p, 1 - TINY)
}

// Typed arrays read as `number | undefined` under noUncheckedIndexedAccess; this keeps `+=` legible.
function add(a: Float64Array, i: number, x: number): void {
  a[i] = (a[i] as number) + x
}

function fieldCountOf(vectors: Int8Array, levelCounts: readonly number[]): number {
  const fields = levelCounts.length
  if (fields === 0) throw new RangeError('levelCounts is empty')
  for (const l of levelCounts) if (!(Number.isInteger(l) && l >= 1 && l <= 127)) throw new RangeError(`bad level count ${l}`)
  if (vectors.length % fields !== 0) throw new RangeError(`${vectors.length} values are not whole vectors of ${fields} fields`)
  return fields
}

// Estimation is where a caller's mistake would quietly bend every weight, so levels are checked
// there (once per value); scoring trusts them.
function checkLevels(vectors: Int8Array, levelCounts: readonly number[]): void {
  const fields = levelCounts.length
  for (let at = 0; at < vectors.length; at += fields) {
    for (let f = 0; f < fields; f++) {
      const level = vectors[at + f] as number
      const count = levelCounts[f] as number
      if (level < -1 || level >= count) throw new RangeError(`pair ${at / fields}, field ${f}: level ${level} outside -1..${count - 1}`)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// u from random pairs

/**
 * Random pairs of distinct records, with replacement, from a seeded generator so that a run
 * repeats. Random pairs are almost all different persons, so their vectors estimate u.
 */
export function randomPairs(recordCount: number, count: number, seed: number): { a: Uint32Array; b: Uint32Array } {
  if (recordCount < 2) throw new RangeError('random pairs need at least two records')
  const a = new Uint32Array(count)
  const b = new Uint32Array(count)
  const next = mulberry32(seed)
  for (let i = 0; i < count; i++) {
    const x = Math.floor(next() * recordCount)
    // Drawing b from the other n - 1 records avoids pairing a record with itself.
    let y = Math.floor(next() * (recordCount - 1))
    if (y >= x) y++
    a[i] = x
    b[i] = y
  }
  return { a, b }
}

function mulberry32(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) | 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * u per field and level: the share of random pairs at that level among those where the field is
 * known. Each level gets `pseudoCount` extra pairs so that a level never seen (an equal ID number
 * among a million random pairs) still has a small u rather than an infinite weight; a field never
 * known gets a uniform u, which with a uniform m makes it weigh nothing.
 */
export function estimateU(vectors: Int8Array, levelCounts: readonly number[], options: { pseudoCount?: number } = {}): number[][] {
  const fields = fieldCountOf(vectors, levelCounts)
  checkLevels(vectors, levelCounts)
  const alpha = options.pseudoCount ?? 1
  if (!(alpha > 0)) throw new RangeError('pseudoCount must be positive')
  const counts = levelCounts.map((l) => new Float64Array(l))
  for (let i = 0; i < vectors.length; i++) {
    const level = vectors[i] as number
    if (level >= 0) add(counts[i % fields] as Float64Array, level, 1)
  }
  return counts.map((c) => {
    let known = 0
    for (const x of c) known += x
    return Array.from(c, (x) => (x + alpha) / (known + alpha * c.length))
  })
}

// ---------------------------------------------------------------------------------------------
// m and λ by EM

/**
 * Distinct vectors with how many pairs share each. EM only needs these: a province has tens of
 * millions of candidate pairs but a few thousand distinct vectors, so an iteration costs
 * microseconds instead of a pass over every pair, and the pairs are read once for all runs.
 */
interface Patterns {
  vectors: Int8Array
  counts: Float64Array
  /** Each pattern's blocking-rule mask, when masks were kept apart (else 0). */
  masks: Float64Array
}

interface PatternOptions {
  /** Input already aggregated: how many pairs each input vector stands for. */
  counts?: Float64Array
  /** Keep vectors found by different rule sets apart; `maskSpan` bounds the masks (2^rules). */
  masks?: ArrayLike<number>
  maskSpan?: number
  /** Fields read as unknown, which merges patterns that differ only there. */
  ignore?: readonly boolean[]
  select?: (row: number) => boolean
}

function patternsOf(vectors: Int8Array, levelCounts: readonly number[], options: PatternOptions = {}): Patterns {
  const { counts: weights, masks, ignore, select } = options
  const fields = levelCounts.length
  // A mixed-radix number names a vector (and its mask) exactly while it fits in a double;
  // strings beyond that.
  let span = 1
  const radix = levelCounts.map((l) => {
    const r = span
    span *= l + 1
    return r
  })
  const numeric = span * (masks ? (options.maskSpan ?? 2 ** 32) : 1) <= Number.MAX_SAFE_INTEGER
  const index = new Map<number | string, number>()
  // Typed and grown by doubling: the distinct vectors are usually few, but not always.
  let out = new Int8Array(1024 * fields)
  let counts = new Float64Array(1024)
  let outMasks = new Float64Array(1024)
  let distinct = 0
  const levels = new Array<number>(fields)
  const rows = vectors.length / fields
  for (let i = 0; i < rows; i++) {
    if (select && !select(i)) continue
    const mask = masks ? (masks[i] as number) : 0
    let key = 0
    for (let f = 0; f < fields; f++) {
      const level = ignore?.[f] ? -1 : (vectors[i * fields + f] as number)
      levels[f] = level
      key += (level + 1) * (radix[f] as number)
    }
    const name = numeric ? key + span * mask : `${levels.join(',')}|${mask}`
    const weight = weights ? (weights[i] as number) : 1
    const seen = index.get(name)
    if (seen !== undefined) {
      add(counts, seen, weight)
      continue
    }
    if (distinct === counts.length) {
      const wider = new Int8Array(out.length * 2)
      wider.set(out)
      out = wider
      const more = new Float64Array(counts.length * 2)
      more.set(counts)
      counts = more
      const moreMasks = new Float64Array(counts.length)
      moreMasks.set(outMasks)
      outMasks = moreMasks
    }
    index.set(name, distinct)
    counts[distinct] = weight
    outMasks[distinct] = mask
    out.set(levels, distinct * fields)
    distinct++
  }
  return { vectors: out.subarray(0, distinct * fields), counts: counts.subarray(0, distinct), masks: outMasks.subarray(0, distinct) }
}

export interface EmOptions {
  /** Starting λ; default 0.1. */
  lambda?: number
  /** Starting m; default rises fourfold per level, so EM starts on the "agreement means same" side. */
  m?: readonly (readonly number[])[]
  /** Fields that give no evidence and whose m is not estimated (those a blocking rule used). */
  heldOut?: readonly number[]
  /** Iteration cap; default 200. */
  maxIterations?: number
  /** Stop when no m moves by more than this, nor λ by more than this fraction of itself; default 1e-6. */
  tolerance?: number
  /** Pseudo-pairs per level added to each m (smoothing, so no m is 0); default 0.5. */
  pseudoCount?: number
}

export interface EmResult {
  lambda: number
  m: number[][]
  iterations: number
  converged: boolean
  /** Pairs the run saw. */
  pairs: number
  /** Per field, the expected number of same-person pairs where it was known: how much its m rests on. */
  support: number[]
  /** Fields whose m this run estimated (not held out, known in some pair). */
  estimated: boolean[]
}

/** A starting m that rises with the level: (1, 4, 16, …) normalised. */
export function defaultM(levelCounts: readonly number[]): number[][] {
  return levelCounts.map((l) => {
    const raw = Array.from({ length: l }, (_, k) => 4 ** k)
    const total = raw.reduce((s, x) => s + x, 0)
    return raw.map((x) => x / total)
  })
}

function checkTable(table: readonly (readonly number[])[], levelCounts: readonly number[], name: string): void {
  if (table.length !== levelCounts.length) throw new RangeError(`${name} has ${table.length} fields, expected ${levelCounts.length}`)
  table.forEach((row, f) => {
    if (row.length !== levelCounts[f]) throw new RangeError(`${name}[${f}] has ${row.length} levels, expected ${levelCounts[f]}`)
  })
}

/** The EM loop on patterns; `estimate[f]` false keeps m[f] fixed, `evidence[f]` false ignores field f. */
function em(
  patterns: Patterns,
  levelCounts: readonly number[],
  u: readonly (readonly number[])[],
  start: { lambda: number; m: readonly (readonly number[])[] },
  evidence: readonly boolean[],
  estimate: readonly boolean[],
  population: number,
  options: EmOptions,
): EmResult {
  const fields = levelCounts.length
  const maxIterations = options.maxIterations ?? 200
  const tolerance = options.tolerance ?? 1e-6
  const alpha = options.pseudoCount ?? 0.5
  if (!(alpha >= 0)) throw new RangeError('pseudoCount must be zero or positive')
  const m = start.m.map((row) => row.map(clampProbability))
  let lambda = clampProbability(start.lambda)
  const k = patterns.counts.length
  let pairs = 0
  for (const c of patterns.counts) pairs += c
  const support = new Array<number>(fields).fill(0)
  const estimated = estimate.map((e, f) => e && evidence[f] === true)
  if (pairs === 0) return { lambda, m, iterations: 0, converged: false, pairs, support, estimated: estimated.map(() => false) }

  // Natural-log ratios per field and level, refreshed each iteration; unused fields stay 0.
  const ratio = levelCounts.map((l) => new Float64Array(l))
  const expected = levelCounts.map((l) => new Float64Array(l))
  const known = new Float64Array(fields)
  let iterations = 0
  let converged = false
  while (iterations < maxIterations && !converged) {
    iterations++
    for (let f = 0; f < fields; f++) {
      const r = ratio[f] as Float64Array
      for (let l = 0; l < r.length; l++)
        r[l] = evidence[f] ? Math.log((m[f] as number[])[l] as number) - Math.log(clampProbability(u[f]?.[l] as number)) : 0
      ;(expected[f] as Float64Array).fill(0)
    }
    known.fill(0)
    // E step: each pattern's posterior of being the same person, in the log domain so that
    // fifteen strong fields do not underflow; the M step's sums are gathered on the way.
    const prior = Math.log(lambda / (1 - lambda))
    let matches = 0
    for (let j = 0; j < k; j++) {
      let w = prior
      for (let f = 0; f < fields; f++) {
        const level = patterns.vectors[j * fields + f] as number
        if (level >= 0) w += (ratio[f] as Float64Array)[level] as number
      }
      const p = 1 / (1 + Math.exp(-w))
      const c = (patterns.counts[j] as number) * p
      matches += c
      for (let f = 0; f < fields; f++) {
        const level = patterns.vectors[j * fields + f] as number
        if (level >= 0) {
          add(expected[f] as Float64Array, level, c)
          add(known, f, c)
        }
      }
    }
    // M step. Pairs beyond the vectors (those blocking skipped) are taken to be different persons.
    const nextLambda = clampProbability(matches / Math.max(pairs, population))
    // λ may be 1e-7 over all record pairs, so it converges on its relative change.
    let change = Math.abs(nextLambda - lambda) / Math.max(nextLambda, lambda)
    lambda = nextLambda
    for (let f = 0; f < fields; f++) {
      support[f] = known[f] as number
      // A field with no expected same-person pairs has nothing to learn from: keep its m.
      if (!estimated[f] || !((known[f] as number) > 0)) continue
      const row = m[f] as number[]
      const e = expected[f] as Float64Array
      const total = (known[f] as number) + alpha * row.length
      for (let l = 0; l < row.length; l++) {
        const next = clampProbability(((e[l] as number) + alpha) / total)
        change = Math.max(change, Math.abs(next - (row[l] as number)))
        row[l] = next
      }
    }
    converged = change < tolerance
  }
  return { lambda, m, iterations, converged, pairs, support, estimated: estimated.map((e, f) => e && (support[f] as number) > 0) }
}

/**
 * EM for λ and m with u held fixed (Fellegi–Sunter, fields independent given same/different).
 * With u fixed there is no label switching: the "same" class is the one whose m departs from u.
 */
export function estimateM(
  vectors: Int8Array,
  levelCounts: readonly number[],
  u: readonly (readonly number[])[],
  options: EmOptions = {},
): EmResult {
  const fields = fieldCountOf(vectors, levelCounts)
  checkLevels(vectors, levelCounts)
  checkTable(u, levelCounts, 'u')
  const m0 = options.m ?? defaultM(levelCounts)
  checkTable(m0, levelCounts, 'm')
  const evidence = new Array<boolean>(fields).fill(true)
  for (const f of options.heldOut ?? []) evidence[f] = false
  const patterns = patternsOf(vectors, levelCounts, { ignore: evidence.map((e) => !e) })
  return em(patterns, levelCounts, u, { lambda: options.lambda ?? 0.1, m: m0 }, evidence, evidence, 0, options)
}

/**
 * λ alone, m and u fixed, every field counted: EM over all `totalPairs` record pairs, of which
 * `vectors` are the candidates blocking kept and the rest are taken to be different persons (a
 * duplicate blocking missed is not counted, so λ is low by one minus the blocking recall).
 * Without `totalPairs`, λ is the share among the vectors themselves.
 */
export function estimateLambda(
  vectors: Int8Array,
  model: { levelCounts: readonly number[]; m: readonly (readonly number[])[]; u: readonly (readonly number[])[] },
  options: Pick<EmOptions, 'lambda' | 'maxIterations' | 'tolerance'> & { totalPairs?: number } = {},
): { lambda: number; iterations: number; converged: boolean } {
  fieldCountOf(vectors, model.levelCounts)
  checkLevels(vectors, model.levelCounts)
  checkTable(model.m, model.levelCounts, 'm')
  checkTable(model.u, model.levelCounts, 'u')
  return lambdaOf(patternsOf(vectors, model.levelCounts), model, options)
}

function lambdaOf(
  patterns: Patterns,
  model: { levelCounts: readonly number[]; m: readonly (readonly number[])[]; u: readonly (readonly number[])[] },
  options: Pick<EmOptions, 'lambda' | 'maxIterations' | 'tolerance'> & { totalPairs?: number },
): { lambda: number; iterations: number; converged: boolean } {
  const fields = model.levelCounts.length
  const all = new Array<boolean>(fields).fill(true)
  const none = new Array<boolean>(fields).fill(false)
  const start = { lambda: options.lambda ?? 0.1, m: model.m }
  const r = em(patterns, model.levelCounts, model.u, start, all, none, options.totalPairs ?? 0, options)
  return { lambda: r.lambda, iterations: r.iterations, converged: r.converged }
}

export interface TrainInput {
  /** The candidates' comparison vectors. */
  vectors: Int8Array
  /** Per candidate, bit r set when blocking rule r found it. */
  ruleMask: ArrayLike<number>
  /** Per rule, the fields it blocks on. */
  ruleFields: readonly (readonly number[])[]
  levelCounts: readonly number[]
  /** From `estimateU`. */
  u: readonly (readonly number[])[]
  /** How many record pairs the candidates were drawn from: n(n−1)/2 for n records. */
  totalPairs: number
}

export interface TrainResult {
  model: Model
  /** One EM run per blocking rule, in rule order; each run's λ is its block's share. */
  runs: (EmResult & { rule: number })[]
  /** Fields every rule blocked on (or never known outside them): their m comes from a run over all candidates, biased toward agreement. */
  fallback: number[]
  /** How the final λ run ended. */
  lambdaIterations: number
  lambdaConverged: boolean
}

/**
 * Each field's m estimated from blocks that do not use it. Inside the block of a rule on, say,
 * birth date + given name, every pair agrees on those fields whether same or not, so their
 * agreement says nothing there and would inflate their m. So EM runs once per rule over the
 * pairs that rule found, with the rule's fields held out, and a field's m is the average over
 * the runs that estimated it, weighted by how many expected same-person pairs each run saw with
 * the field known. λ is then estimated over all record pairs (see `Model.lambda`).
 */
export function trainM(input: TrainInput, options: Omit<EmOptions, 'heldOut'> = {}): TrainResult {
  const { vectors, ruleMask, ruleFields, levelCounts, u, totalPairs } = input
  const fields = fieldCountOf(vectors, levelCounts)
  checkLevels(vectors, levelCounts)
  checkTable(u, levelCounts, 'u')
  const pairs = vectors.length / fields
  if (ruleMask.length !== pairs) throw new RangeError(`${ruleMask.length} rule masks for ${pairs} pairs`)
  if (ruleFields.length > 32) throw new RangeError('at most 32 blocking rules fit a bitmask')
  if (!(totalPairs >= pairs)) throw new RangeError(`totalPairs ${totalPairs} is below the ${pairs} candidates`)
  const m0 = options.m ?? defaultM(levelCounts)
  checkTable(m0, levelCounts, 'm')
  const start = { lambda: options.lambda ?? 0.1, m: m0 }

  // One pass over the pairs; every run below works on these patterns.
  const maskSpan = 2 ** ruleFields.length
  for (let i = 0; i < pairs; i++) {
    const mask = ruleMask[i] as number
    if (!(Number.isInteger(mask) && mask >= 0 && mask < maskSpan)) throw new RangeError(`pair ${i}: rule mask ${mask} names no rule`)
  }
  const seen = patternsOf(vectors, levelCounts, { masks: ruleMask, maskSpan })
  const merged = patternsOf(seen.vectors, levelCounts, { counts: seen.counts })

  const sums = levelCounts.map((l) => new Float64Array(l))
  const weights = new Float64Array(fields)
  const runs: TrainResult['runs'] = []
  ruleFields.forEach((blocked, rule) => {
    const evidence = new Array<boolean>(fields).fill(true)
    for (const f of blocked) evidence[f] = false
    const bit = 2 ** rule
    // Dividing rather than `&` keeps bit 31 positive.
    const patterns = patternsOf(seen.vectors, levelCounts, {
      counts: seen.counts,
      ignore: evidence.map((e) => !e),
      select: (j) => Math.floor((seen.masks[j] as number) / bit) % 2 === 1,
    })
    const run = em(patterns, levelCounts, u, start, evidence, evidence, 0, options)
    runs.push({ ...run, rule })
    for (let f = 0; f < fields; f++) {
      const w = run.support[f] as number
      if (!run.estimated[f] || !(w > 0)) continue
      add(weights, f, w)
      const row = run.m[f] as number[]
      const sum = sums[f] as Float64Array
      for (let l = 0; l < row.length; l++) add(sum, l, w * (row[l] as number))
    }
  })

  const fallback: number[] = []
  for (let f = 0; f < fields; f++) if (!((weights[f] as number) > 0)) fallback.push(f)
  let m: number[][]
  if (fallback.length > 0) {
    const all = new Array<boolean>(fields).fill(true)
    m = em(merged, levelCounts, u, start, all, all, 0, options).m
  } else {
    m = m0.map((row) => [...row])
  }
  for (let f = 0; f < fields; f++) {
    const w = weights[f] as number
    if (w > 0) m[f] = Array.from(sums[f] as Float64Array, (s) => s / w)
  }
  const final = lambdaOf(merged, { levelCounts, m, u }, { ...options, totalPairs })
  return {
    model: { levelCounts: [...levelCounts], lambda: final.lambda, m, u: u.map((row) => [...row]) },
    runs,
    fallback,
    lambdaIterations: final.iterations,
    lambdaConverged: final.converged,
  }
}

// ---------------------------------------------------------------------------------------------
// Scoring

/** A model compiled for scoring: log2(m/u) in one flat table, so a pair costs a few additions. */
export interface Scorer {
  readonly fieldCount: number
  /** log2(λ / (1 − λ)). */
  readonly prior: number
  /** Where each field's level 0 sits in `weights`. */
  readonly offsets: Int32Array
  /**
   * log2(m/u) per field and level, each field's levels preceded by a 0 that level −1 (unknown)
   * reads: weights[offsets[f] + level] holds for every level, with no branch in the hot loop.
   */
  readonly weights: Float64Array
  /** The level a term frequency replaces u at (the exact match: each field's top level). */
  readonly exactLevel: Int8Array
  /** log2(m) at that level. */
  readonly exactLog2m: Float64Array
  /** Frequencies below this count as this (a value seen once must not weigh like a fingerprint). */
  readonly tfFloor: number
}

export function compile(model: Model, options: { tfFloor?: number; exactLevels?: readonly number[] } = {}): Scorer {
  const { levelCounts } = model
  checkTable(model.m, levelCounts, 'm')
  checkTable(model.u, levelCounts, 'u')
  const fields = levelCounts.length
  const offsets = new Int32Array(fields)
  let size = 0
  for (let f = 0; f < fields; f++) {
    offsets[f] = size + 1
    size += (levelCounts[f] as number) + 1
  }
  const weights = new Float64Array(size)
  const exactLevel = new Int8Array(fields)
  const exactLog2m = new Float64Array(fields)
  for (let f = 0; f < fields; f++) {
    const m = model.m[f] as number[]
    const u = model.u[f] as number[]
    for (let l = 0; l < m.length; l++)
      weights[(offsets[f] as number) + l] = Math.log2(clampProbability(m[l] as number) / clampProbability(u[l] as number))
    const exact = options.exactLevels?.[f] ?? m.length - 1
    if (!(exact >= 0 && exact < m.length)) throw new RangeError(`exact level ${exact} outside field ${f}`)
    exactLevel[f] = exact
    exactLog2m[f] = Math.log2(clampProbability(m[exact] as number))
  }
  const lambda = clampProbability(model.lambda)
  return {
    fieldCount: fields,
    prior: Math.log2(lambda / (1 - lambda)),
    offsets,
    weights,
    exactLevel,
    exactLog2m,
    tfFloor: options.tfFloor ?? 0.001,
  }
}

/** The weight of field f at a level, u replaced by the value's frequency for an exact match. */
function fieldWeight(s: Scorer, f: number, level: number, tf: Float64Array | undefined, tfAt: number): number {
  if (tf !== undefined && level === s.exactLevel[f]) {
    const q = tf[tfAt + f] as number
    if (!Number.isNaN(q)) return (s.exactLog2m[f] as number) - Math.log2(Math.min(Math.max(q, s.tfFloor), 1))
  }
  return s.weights[(s.offsets[f] as number) + level] as number
}

/**
 * Match weight in bits: log2(λ/(1−λ)) + Σ log2(m/u) over known fields. The pair's vector starts
 * at `at` in `vectors`; `tf`, if given, holds per field the frequency of the shared value (NaN
 * where there is none), starting at `tfAt`. Offsets instead of subarrays: no allocation per pair.
 * Levels are trusted here (estimation checks them): one below −1 would read a wrong weight.
 */
export function matchWeight(vectors: Int8Array, scorer: Scorer, tf?: Float64Array, at = 0, tfAt = 0): number {
  const fields = scorer.fieldCount
  let w = scorer.prior
  if (tf === undefined) {
    // The common path: a table read per field, no branch (unknown reads a 0), ~2× the speed.
    const { weights, offsets } = scorer
    for (let f = 0; f < fields; f++) w += weights[(offsets[f] as number) + (vectors[at + f] as number)] as number
    return w
  }
  // fieldWeight written out again, as a call per field halved the speed.
  const { weights, offsets, exactLevel, exactLog2m, tfFloor } = scorer
  for (let f = 0; f < fields; f++) {
    const level = vectors[at + f] as number
    if (level < 0) continue
    if (level === exactLevel[f]) {
      const q = tf[tfAt + f] as number
      if (!Number.isNaN(q)) {
        w += (exactLog2m[f] as number) - Math.log2(Math.min(Math.max(q, tfFloor), 1))
        continue
      }
    }
    w += weights[(offsets[f] as number) + level] as number
  }
  return w
}

/** 2^w / (1 + 2^w), written so that large weights give 1 rather than ∞/∞. */
export function probability(weight: number): number {
  return 1 / (1 + 2 ** -weight)
}

/** The probability that the pair is one person. */
export function score(vectors: Int8Array, scorer: Scorer, tf?: Float64Array, at = 0, tfAt = 0): number {
  return probability(matchWeight(vectors, scorer, tf, at, tfAt))
}

/**
 * Why a pair scored as it did: `out[f]` gets field f's weight (0 where unknown); returns the
 * total, which is the prior plus their sum. The vector and tf values are enough to recompute
 * these at any time, so a pair need only keep those (fields + 8·fields bytes at most).
 */
export function partialWeights(vectors: Int8Array, scorer: Scorer, out: Float64Array, tf?: Float64Array, at = 0, tfAt = 0): number {
  let w = scorer.prior
  for (let f = 0; f < scorer.fieldCount; f++) {
    const level = vectors[at + f] as number
    const part = level >= 0 ? fieldWeight(scorer, f, level, tf, tfAt) : 0
    out[f] = part
    w += part
  }
  return w
}

/**
 * Weights of every pair in `vectors` into `out`. Frequencies may come laid out like the vectors
 * (pair i at i·fields), or, with `tfRow`, as a table per record read at tfRow[i]·fields: an
 * exact match means both records hold the same value, so one side's frequency is the pair's,
 * and a table per record is a fraction of the memory of one per pair (pass the pairs' `a`).
 */
export function matchWeights(vectors: Int8Array, scorer: Scorer, out: Float64Array, tf?: Float64Array, tfRow?: Uint32Array): Float64Array {
  const fields = scorer.fieldCount
  const pairs = vectors.length / fields
  if (out.length < pairs) throw new RangeError(`out holds ${out.length} of ${pairs} pairs`)
  if (tfRow && tfRow.length < pairs) throw new RangeError(`tfRow holds ${tfRow.length} of ${pairs} pairs`)
  for (let i = 0; i < pairs; i++) {
    out[i] = matchWeight(vectors, scorer, tf, i * fields, (tfRow ? (tfRow[i] as number) : i) * fields)
  }
  return out
}

/** Probabilities of every pair in `vectors` into `out`; arguments as `matchWeights`. */
export function scoreAll(vectors: Int8Array, scorer: Scorer, out: Float64Array, tf?: Float64Array, tfRow?: Uint32Array): Float64Array {
  matchWeights(vectors, scorer, out, tf, tfRow)
  const pairs = vectors.length / scorer.fieldCount
  for (let i = 0; i < pairs; i++) out[i] = probability(out[i] as number)
  return out
}

// ---------------------------------------------------------------------------------------------
// Officer decisions

export interface RefineOptions {
  /** How many labelled pairs the current m is worth; default 500 (500 "same" decisions make a half-and-half blend). */
  mPriorPairs?: number
  /** The same for u; default Infinity: u stays as estimated (see `refine`). */
  uPriorPairs?: number
}

/**
 * Blends officers' decisions into m and u. Per field, the current estimate counts as `priorPairs`
 * pairs at its own proportions and each labelled pair where the field is known adds one at its
 * level: m' = (P·m + count) / (P + known). "Same" pairs refine m, "not same" pairs u.
 *
 * u is left alone by default because officers label the pairs that looked alike: "not same"
 * pairs are namesakes and twins, not random pairs, and blending them into u would lower the
 * weight of a name match for everyone. λ is left alone for the same reason. Pass a finite
 * `uPriorPairs` only where the labelled non-matches are a fair sample.
 */
export function refine(
  model: Model,
  labelled: { vectors: Int8Array; same: ArrayLike<number | boolean> },
  options: RefineOptions = {},
): Model {
  const { levelCounts } = model
  const fields = fieldCountOf(labelled.vectors, levelCounts)
  checkLevels(labelled.vectors, levelCounts)
  const pairs = labelled.vectors.length / fields
  if (labelled.same.length !== pairs) throw new RangeError(`${labelled.same.length} labels for ${pairs} pairs`)
  const blend = (table: number[][], wantSame: boolean, prior: number): number[][] => {
    if (!(prior > 0)) throw new RangeError('prior pairs must be positive')
    if (prior === Number.POSITIVE_INFINITY) return table.map((row) => [...row])
    const counts = levelCounts.map((l) => new Float64Array(l))
    for (let i = 0; i < pairs; i++) {
      if (Boolean(labelled.same[i]) !== wantSame) continue
      for (let f = 0; f < fields; f++) {
        const level = labelled.vectors[i * fields + f] as number
        if (level >= 0) add(counts[f] as Float64Array, level, 1)
      }
    }
    return table.map((row, f) => {
      const c = counts[f] as Float64Array
      let known = 0
      for (const x of c) known += x
      return row.map((p, l) => (prior * p + (c[l] as number)) / (prior + known))
    })
  }
  return {
    levelCounts: [...levelCounts],
    lambda: model.lambda,
    m: blend(model.m, true, options.mPriorPairs ?? 500),
    u: blend(model.u, false, options.uPriorPairs ?? Number.POSITIVE_INFINITY),
  }
}
