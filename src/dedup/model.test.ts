import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  compile,
  estimateLambda,
  estimateM,
  estimateU,
  type Model,
  matchWeight,
  matchWeights,
  partialWeights,
  probability,
  randomPairs,
  refine,
  score,
  scoreAll,
  trainM,
} from './model.ts'

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) | 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function draw(dist: readonly number[], r: number): number {
  let acc = 0
  for (let l = 0; l < dist.length; l++) {
    acc += dist[l] as number
    if (r < acc) return l
  }
  return dist.length - 1
}

// Five fields shaped like the real ones: names with a fold level, a sex-like field that half of
// random pairs share, a four-level date, a residence, an ID-like field that is rarely known.
const LEVELS = [3, 2, 4, 3, 2]
const M = [
  [0.05, 0.15, 0.8],
  [0.1, 0.9],
  [0.03, 0.07, 0.2, 0.7],
  [0.1, 0.2, 0.7],
  [0.05, 0.95],
]
const U = [
  [0.85, 0.1, 0.05],
  [0.5, 0.5],
  [0.9, 0.06, 0.03, 0.01],
  [0.7, 0.2, 0.1],
  [0.6, 0.4],
]
const UNKNOWN = [0.05, 0.02, 0.1, 0.05, 0.6]

/** Pairs from the mixture; `same[i]` says which side each came from. */
function mixture(pairs: number, lambda: number, seed: number): { vectors: Int8Array; same: Uint8Array } {
  const next = rng(seed)
  const vectors = new Int8Array(pairs * LEVELS.length)
  const same = new Uint8Array(pairs)
  for (let i = 0; i < pairs; i++) {
    const isSame = next() < lambda
    same[i] = isSame ? 1 : 0
    for (let f = 0; f < LEVELS.length; f++) {
      const level = draw((isSame ? M : U)[f] as number[], next())
      vectors[i * LEVELS.length + f] = next() < (UNKNOWN[f] as number) ? -1 : level
    }
  }
  return { vectors, same }
}

function maxError(estimate: readonly (readonly number[])[], truth: readonly (readonly number[])[], fields?: number[]): number {
  let worst = 0
  for (const f of fields ?? truth.map((_, k) => k)) {
    ;(truth[f] as number[]).forEach((t, l) => {
      worst = Math.max(worst, Math.abs(((estimate[f] as number[])[l] as number) - t))
    })
  }
  return worst
}

test('u is the share of each level among known values, smoothed so none is 0', () => {
  // field 0: levels 0,0,1,0 (4 known); field 1: 0,1,unknown,2 (3 known)
  const vectors = Int8Array.from([0, 0, 0, 1, 1, -1, 0, 2])
  const u = estimateU(vectors, [2, 3])
  assert.deepEqual(u[0], [(3 + 1) / (4 + 2), (1 + 1) / (4 + 2)])
  assert.deepEqual(u[1], [2 / 6, 2 / 6, 2 / 6])
  // A level never seen still has a u above 0, and a field never known is uniform.
  const unseen = estimateU(Int8Array.from([0, -1, 0, -1]), [3, 2])
  assert.ok((unseen[0] as number[]).every((x) => x > 0))
  assert.deepEqual(unseen[1], [0.5, 0.5])
  assert.throws(() => estimateU(Int8Array.from([0, 3]), [2, 3]), /level 3/)
  assert.throws(() => estimateU(Int8Array.from([0, 1, 0]), [2, 3]), /whole vectors/)
})

test('random pairs are deterministic, in range and never a record with itself', () => {
  const { a, b } = randomPairs(5, 2000, 7)
  for (let i = 0; i < a.length; i++) {
    assert.ok((a[i] as number) < 5 && (b[i] as number) < 5)
    assert.notEqual(a[i], b[i])
  }
  assert.deepEqual(randomPairs(5, 2000, 7).a, a)
  // Every ordered pair turns up: 20 of them, about 100 times each.
  const seen = new Set(Array.from(a, (x, i) => x * 5 + (b[i] as number)))
  assert.equal(seen.size, 20)
})

test('EM recovers m and λ of a well-separated synthetic mixture', () => {
  const random = mixture(200_000, 0, 1)
  const u = estimateU(random.vectors, LEVELS)
  assert.ok(maxError(u, U) < 0.01, `u off by ${maxError(u, U)}`)

  const lambda = 0.1
  const { vectors } = mixture(40_000, lambda, 2)
  const r = estimateM(vectors, LEVELS, u)
  assert.ok(r.converged, `not converged after ${r.iterations}`)
  assert.ok(Math.abs(r.lambda - lambda) < 0.01, `λ ${r.lambda}`)
  assert.ok(maxError(r.m, M) < 0.03, `m off by ${maxError(r.m, M)}: ${JSON.stringify(r.m)}`)
  // Each row is a distribution and, as in the truth, rises with the level of agreement.
  for (const row of r.m) {
    assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-9)
    assert.ok((row[row.length - 1] as number) > (row[0] as number))
  }
  assert.ok(r.estimated.every(Boolean))
})

test('each field learnt from blocks that do not use it beats EM over all candidates', () => {
  // A population of pairs, a few the same person, and three blocking rules that keep only pairs
  // agreeing exactly on their fields, as real blocking does.
  const population = mixture(600_000, 0.01, 3)
  const F = LEVELS.length
  const rules = [[0], [2], [1, 3]]
  const kept: number[] = []
  const masks: number[] = []
  let same = 0
  for (let i = 0; i < population.same.length; i++) {
    const at = (f: number) => population.vectors[i * F + f] === (LEVELS[f] as number) - 1
    const mask = (at(0) ? 1 : 0) | (at(2) ? 2 : 0) | (at(1) && at(3) ? 4 : 0)
    if (mask === 0) continue
    for (let f = 0; f < F; f++) kept.push(population.vectors[i * F + f] as number)
    masks.push(mask)
    same += population.same[i] as number
  }
  const vectors = Int8Array.from(kept)
  const share = same / masks.length

  const u = estimateU(mixture(200_000, 0, 4).vectors, LEVELS)
  const totalPairs = population.same.length
  const trained = trainM({ vectors, ruleMask: Uint8Array.from(masks), ruleFields: rules, levelCounts: LEVELS, u, totalPairs })
  assert.deepEqual(trained.fallback, [])
  assert.ok(trained.lambdaConverged)
  assert.equal(trained.runs.length, 3)
  for (const run of trained.runs) assert.ok(run.converged, `rule ${run.rule} not converged`)
  const error = maxError(trained.model.m, M)
  assert.ok(error < 0.04, `m off by ${error}: ${JSON.stringify(trained.model.m)}`)
  // λ is over all pairs, so with every field counted the candidates' probabilities are
  // calibrated: on average they give the true share of same-person pairs among candidates.
  // (λ counts only the duplicates blocking found; the ~2% it missed are not its to see.)
  const lambda = trained.model.lambda
  assert.ok(Math.abs(lambda / (same / totalPairs) - 1) < 0.05, `λ ${lambda}, truth ${same / totalPairs}`)
  const p = scoreAll(vectors, compile(trained.model), new Float64Array(masks.length))
  const mean = p.reduce((s, x) => s + x, 0) / p.length
  assert.ok(Math.abs(mean - share) < 0.01, `mean probability ${mean}, share ${share}`)

  // The blocked-on fields agree in every pair of their block, same person or not; EM that
  // ignores this credits agreement there to "same" and gets m and λ wrong.
  const naive = estimateM(vectors, LEVELS, u)
  assert.ok(maxError(naive.m, M) > 2 * error, `naive ${maxError(naive.m, M)} vs ${error}`)
})

test('EM never produces NaN: no pairs, fields never known, rules that find nothing', () => {
  const u = estimateU(mixture(1000, 0, 5).vectors, LEVELS)
  const empty = estimateM(new Int8Array(0), LEVELS, u)
  assert.equal(empty.pairs, 0)
  assert.equal(empty.converged, false)
  assert.ok(Number.isFinite(empty.lambda) && empty.m.flat().every(Number.isFinite))

  // Field 4 never known: its m stays the starting one and is not reported as estimated.
  const { vectors } = mixture(2000, 0.2, 6)
  for (let i = 4; i < vectors.length; i += LEVELS.length) vectors[i] = -1
  const r = estimateM(vectors, LEVELS, u, { m: M })
  assert.equal(r.estimated[4], false)
  assert.deepEqual(r.m[4], M[4])
  assert.ok(r.m.flat().every(Number.isFinite))

  // Rule 1 finds nothing; field 0 is blocked on by every rule that found pairs, so it falls back.
  const masks = new Uint8Array(vectors.length / LEVELS.length).fill(1)
  const input = { vectors, ruleMask: masks, ruleFields: [[0], [1]], levelCounts: LEVELS, u, totalPairs: 1e6 }
  const trained = trainM(input)
  assert.equal(trained.runs[1]?.pairs, 0)
  assert.deepEqual(trained.fallback, [0, 4])
  assert.ok(Number.isFinite(trained.model.lambda) && trained.model.m.flat().every(Number.isFinite))
  assert.throws(() => trainM({ ...input, ruleMask: masks.subarray(1) }), /rule masks/)
  assert.throws(() => trainM({ ...input, totalPairs: 10 }), /totalPairs/)
  assert.throws(() => trainM({ ...input, ruleMask: masks.map((x, i) => (i === 7 ? 4 : x)) }), /pair 7: rule mask 4/)
})

test('λ alone is re-estimated with m and u fixed, over the vectors or over all pairs', () => {
  const { vectors, same } = mixture(30_000, 0.3, 8)
  const truth = same.reduce((s, x) => s + x, 0)
  const r = estimateLambda(vectors, { levelCounts: LEVELS, m: M, u: U })
  assert.ok(r.converged)
  assert.ok(Math.abs(r.lambda - truth / 30_000) < 0.015, `λ ${r.lambda}`)
  // Over all record pairs: blocking keeps the pairs that agree exactly on field 0 or 2, and the
  // pairs it skipped count as different persons. That is only sound because the skipped pairs
  // would have scored low; with unblocked pairs standing in for "the rest", λ would come out low.
  const population = mixture(300_000, 0.01, 9)
  const F = LEVELS.length
  const kept: number[] = []
  let found = 0
  for (let i = 0; i < population.same.length; i++) {
    if (population.vectors[i * F] !== 2 && population.vectors[i * F + 2] !== 3) continue
    for (let f = 0; f < F; f++) kept.push(population.vectors[i * F + f] as number)
    found += population.same[i] as number
  }
  const wide = estimateLambda(Int8Array.from(kept), { levelCounts: LEVELS, m: M, u: U }, { totalPairs: 300_000 })
  assert.ok(wide.converged)
  assert.ok(Math.abs(wide.lambda / (found / 300_000) - 1) < 0.05, `λ ${wide.lambda}, truth ${found / 300_000}`)
})

const model: Model = {
  levelCounts: [2, 3],
  lambda: 0.01,
  m: [
    [0.1, 0.9],
    [0.05, 0.15, 0.8],
  ],
  u: [
    [0.8, 0.2],
    [0.9, 0.08, 0.02],
  ],
}

test('weight is the prior plus log2(m/u) of known fields, probability 2^w / (1 + 2^w)', () => {
  const s = compile(model)
  const prior = Math.log2(0.01 / 0.99)
  const v = Int8Array.from([1, 2])
  const w = prior + Math.log2(0.9 / 0.2) + Math.log2(0.8 / 0.02)
  assert.ok(Math.abs(matchWeight(v, s) - w) < 1e-12)
  assert.ok(Math.abs(score(v, s) - 2 ** w / (1 + 2 ** w)) < 1e-12)
  // Unknown contributes nothing; disagreement counts against.
  assert.ok(Math.abs(matchWeight(Int8Array.from([-1, 2]), s) - (prior + Math.log2(0.8 / 0.02))) < 1e-12)
  assert.ok(Math.abs(matchWeight(Int8Array.from([0, -1]), s) - (prior + Math.log2(0.1 / 0.8))) < 1e-12)
  assert.equal(matchWeight(Int8Array.from([-1, -1]), s), prior)

  // The per-field weights add up to the weight.
  const parts = new Float64Array(2)
  const total = partialWeights(Int8Array.from([0, 1]), s, parts)
  const [first = Number.NaN, second = Number.NaN] = parts
  assert.ok(Math.abs(first - Math.log2(0.1 / 0.8)) < 1e-12)
  assert.ok(Math.abs(second - Math.log2(0.15 / 0.08)) < 1e-12)
  assert.ok(Math.abs(total - (prior + first + second)) < 1e-12)
  assert.ok(Math.abs(total - matchWeight(Int8Array.from([0, 1]), s)) < 1e-12)
  assert.equal(partialWeights(Int8Array.from([-1, 2]), s, parts), matchWeight(Int8Array.from([-1, 2]), s))
  assert.equal(parts[0], 0)

  // Batch scoring reads each pair at its offset and agrees with the single-pair functions.
  const batch = Int8Array.from([1, 2, 0, 0, -1, 1])
  const weights = matchWeights(batch, s, new Float64Array(3))
  const probabilities = scoreAll(batch, s, new Float64Array(3))
  for (let i = 0; i < 3; i++) {
    assert.equal(weights[i], matchWeight(batch.subarray(i * 2, i * 2 + 2), s))
    assert.equal(probabilities[i], probability(weights[i] as number))
    assert.equal(probabilities[i], score(batch, s, undefined, i * 2))
  }
})

test('probabilities and weights stay finite whatever the model holds', () => {
  assert.equal(probability(2000), 1)
  assert.equal(probability(-2000), 0)
  assert.equal(probability(0), 0.5)
  const extreme = compile({ levelCounts: [2], lambda: 1, m: [[0, 1]], u: [[1, 0]] })
  for (const v of [[0], [1], [-1]]) {
    const w = matchWeight(Int8Array.from(v), extreme)
    assert.ok(Number.isFinite(w), `${v}: ${w}`)
  }
  assert.throws(() => compile({ ...model, m: [[0.5, 0.5]] }), /fields/)
})

test('term frequency: a rare exact match weighs more than a common one', () => {
  const s = compile(model)
  const exact = Int8Array.from([1, 2])
  const plain = matchWeight(exact, s)
  const common = matchWeight(exact, s, Float64Array.from([Number.NaN, 0.38])) // Nguyễn
  const rare = matchWeight(exact, s, Float64Array.from([Number.NaN, 0.004]))
  const unique = matchWeight(exact, s, Float64Array.from([Number.NaN, 0.000001]))
  assert.ok(rare > plain && plain > common, `${rare} > ${plain} > ${common}`)
  // u is the value's frequency: the difference is exactly log2 of the frequencies' ratio.
  assert.ok(Math.abs(rare - common - Math.log2(0.38 / 0.004)) < 1e-12)
  // Rare values are floored at 0.001, so one typo-made "unique" name is not a fingerprint.
  assert.ok(Math.abs(unique - (s.prior + Math.log2(0.9 / 0.2) + Math.log2(0.8 / 0.001))) < 1e-12)
  // NaN means no frequency; a non-exact level ignores the frequency.
  assert.equal(matchWeight(exact, s, Float64Array.from([Number.NaN, Number.NaN])), plain)
  const fold = Int8Array.from([1, 1])
  const adjusted = matchWeight(fold, s, Float64Array.from([0.01, 0.01]))
  assert.ok(Math.abs(adjusted - (matchWeight(fold, s) + Math.log2(0.9 / 0.01) - Math.log2(0.9 / 0.2))) < 1e-12)
  // Partial weights show the adjusted weight, and tf is read at its own offset.
  const parts = new Float64Array(2)
  const tf = Float64Array.from([Number.NaN, Number.NaN, Number.NaN, 0.38])
  assert.equal(partialWeights(exact, s, parts, tf, 0, 2), common)
  assert.ok(Math.abs((parts[1] as number) - Math.log2(0.8 / 0.38)) < 1e-12)
  assert.equal(matchWeights(Int8Array.from([1, 2, 1, 2]), s, new Float64Array(2), tf)[1], common)
})

test('officer decisions blend into m; u stays unless asked', () => {
  // Two "same" pairs: field 0 at level 0 (a different given name the officer accepted) and
  // unknown; field 1 at level 2 twice. One "not same" pair at the top levels.
  const labelled = { vectors: Int8Array.from([0, 2, -1, 2, 1, 2]), same: [1, 1, 0] }
  const refined = refine(model, labelled, { mPriorPairs: 8 })
  assert.deepEqual(refined.m[0], [(8 * 0.1 + 1) / 9, (8 * 0.9) / 9])
  assert.deepEqual(refined.m[1], [(8 * 0.05) / 10, (8 * 0.15) / 10, (8 * 0.8 + 2) / 10])
  assert.deepEqual(refined.u, model.u)
  assert.equal(refined.lambda, model.lambda)
  assert.deepEqual(model.m[0], [0.1, 0.9], 'the input model is not changed')

  const both = refine(model, labelled, { mPriorPairs: 8, uPriorPairs: 4 })
  assert.deepEqual(both.u[0], [(4 * 0.8) / 5, (4 * 0.2 + 1) / 5])
  // More agreement among non-matches lowers that agreement's weight.
  const at = (compile(model).offsets[0] as number) + 1
  assert.ok((compile(both).weights[at] as number) < (compile(model).weights[at] as number))
  assert.throws(() => refine(model, { vectors: labelled.vectors, same: [1] }), /labels/)
})
