import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  byUncertainty,
  cluster,
  DISTINCT,
  decide,
  LINK,
  linkPrecision,
  pairwiseScores,
  REVIEW,
  type ScoredPairs,
  UnionFind,
} from './cluster.ts'

function pairs(list: [number, number, number, (0 | 1)?][]): ScoredPairs {
  return {
    a: Uint32Array.from(list, (p) => p[0]),
    b: Uint32Array.from(list, (p) => p[1]),
    probability: Float64Array.from(list, (p) => p[2]),
    conflict: Uint8Array.from(list, (p) => p[3] ?? 0),
  }
}

test('zones: link at 0.995 without conflict, distinct below 0.2, review between', () => {
  assert.equal(decide(0.995), 'link')
  assert.equal(decide(0.9999, true), 'review')
  assert.equal(decide(0.994), 'review')
  assert.equal(decide(0.2), 'review')
  assert.equal(decide(0.1999), 'distinct')
  assert.equal(decide(0.1, true), 'distinct')
  assert.equal(decide(Number.NaN), 'review')
  assert.equal(decide(0.95, false, { link: 0.9 }), 'link')
  assert.equal(decide(0.4, false, { distinct: 0.5 }), 'distinct')
  assert.throws(() => decide(0.5, false, { link: 0.1 }), /thresholds/)
})

test('review pairs come most uncertain first', () => {
  const p = Float64Array.from([0.9, 0.45, 0.3, 0.55, 0.99, 0.5])
  assert.deepEqual(Array.from(byUncertainty(p, [0, 1, 2, 3, 4, 5])), [5, 1, 3, 2, 0, 4])
  assert.deepEqual(Array.from(byUncertainty(p, [4, 2])), [2, 4])
})

test('union-find joins components', () => {
  const sets = new UnionFind(6)
  sets.union(0, 1)
  sets.union(2, 3)
  sets.union(1, 3)
  assert.equal(sets.find(0), sets.find(2))
  assert.notEqual(sets.find(0), sets.find(4))
  assert.equal(sets.size[sets.find(3)], 4)
})

test('links make clusters; a review-zone pair joined through others is linked', () => {
  // 0–1–2 chained by links, 2–0 only in review; 3–4 linked; 5 alone; 6–7 review; 8–9 distinct.
  const scored = pairs([
    [0, 1, 0.999],
    [1, 2, 0.998],
    [2, 0, 0.6],
    [4, 3, 0.9999],
    [6, 7, 0.7],
    [8, 9, 0.05],
  ])
  const c = cluster(10, scored)
  assert.deepEqual(Array.from(c.clusterOf), [0, 0, 0, 3, 3, 5, 6, 7, 8, 9])
  assert.deepEqual(
    c.clusters.map((x) => Array.from(x)),
    [
      [0, 1, 2],
      [3, 4],
    ],
  )
  assert.deepEqual(c.review, [])
  assert.deepEqual(Array.from(c.decision), [LINK, LINK, LINK, LINK, REVIEW, DISTINCT])
  assert.deepEqual(Array.from(c.reviewPairs), [4])
})

test('a cluster that would join two records an officer called "not same" goes to review', () => {
  // 0–1 and 1–2 are strong links, but an officer said 0 and 2 are different people: the chain
  // would merge them, so none of 0, 1, 2 is merged. 3–4 is unaffected.
  const scored = pairs([
    [0, 1, 0.999],
    [1, 2, 0.998],
    [3, 4, 0.999],
    [0, 2, 0.3],
  ])
  const c = cluster(5, scored, { cannotLink: { a: Uint32Array.from([2]), b: Uint32Array.from([0]) } })
  assert.deepEqual(Array.from(c.clusterOf), [0, 1, 2, 3, 3])
  assert.deepEqual(
    c.clusters.map((x) => Array.from(x)),
    [[3, 4]],
  )
  assert.equal(c.review.length, 1)
  assert.deepEqual(Array.from(c.review[0]?.members ?? []), [0, 1, 2])
  assert.deepEqual(c.review[0]?.offending, [{ a: 2, b: 0, reason: 'cannot-link', pair: -1 }])
  assert.deepEqual(Array.from(c.review[0]?.pairs ?? []), [0, 1, 3])
  // The held-back links are review pairs (most uncertain first); the officer's pair is distinct.
  assert.deepEqual(Array.from(c.decision), [REVIEW, REVIEW, LINK, DISTINCT])
  assert.deepEqual(Array.from(c.reviewPairs), [1, 0])
})

test('a cluster with an internal hard conflict goes to review with the conflicting pair', () => {
  // 0 and 2 were scored and their ID numbers differ beyond a typo; 0–1–2 would chain them.
  const scored = pairs([
    [0, 1, 0.999],
    [1, 2, 0.999],
    [0, 2, 0.9, 1],
    [3, 4, 0.9999, 1],
  ])
  const c = cluster(5, scored)
  assert.deepEqual(c.clusters, [])
  assert.deepEqual(
    c.review.map((r) => ({ members: Array.from(r.members), offending: r.offending, pairs: Array.from(r.pairs) })),
    [{ members: [0, 1, 2], offending: [{ a: 0, b: 2, reason: 'conflict', pair: 2 }], pairs: [0, 1, 2] }],
  )
  assert.deepEqual(Array.from(c.clusterOf), [0, 1, 2, 3, 4])
  // 3–4 is above the link threshold but conflicted: a review pair on its own, not a cluster.
  assert.deepEqual(Array.from(c.decision), [REVIEW, REVIEW, REVIEW, REVIEW])
})

test('an officer\'s "not same" outranks a linking score', () => {
  const scored = pairs([
    [0, 1, 0.9999],
    [1, 2, 0.999],
  ])
  const c = cluster(3, scored, { cannotLink: { a: Uint32Array.from([0]), b: Uint32Array.from([1]) } })
  assert.deepEqual(Array.from(c.decision), [DISTINCT, LINK])
  assert.deepEqual(Array.from(c.clusterOf), [0, 1, 1])
  assert.deepEqual(c.review, [])
  assert.throws(() => cluster(2, scored), /record 2/)
})

test('pairwise precision, recall and F1 on a hand-counted case', () => {
  // Truth: A = {0,1,2}, B = {3,4}, C = {5}: 3 + 1 = 4 true pairs.
  // Predicted: {0,1}, {2}, {3,4,5}: 1 + 3 = 4 predicted pairs, of which 0–1 and 3–4 are right.
  const s = pairwiseScores([0, 0, 2, 3, 3, 3], ['A', 'A', 'A', 'B', 'B', 'C'])
  assert.deepEqual(s, { predictedPairs: 4, truePairs: 4, correctPairs: 2, precision: 0.5, recall: 0.5, f1: 0.5 })

  // Everything right but the 3–4 pair missed: P = 3/3, R = 3/4, F1 = 6/7.
  const t = pairwiseScores([0, 0, 0, 3, 4, 5], [7, 7, 7, 8, 8, 9])
  assert.deepEqual([t.correctPairs, t.precision, t.recall], [3, 1, 0.75])
  assert.ok(Math.abs(t.f1 - 6 / 7) < 1e-12)
  const u = pairwiseScores([0, 0, 2, 3, 3, 5], [7, 7, 7, 8, 8, 9])
  assert.deepEqual([u.correctPairs, u.precision, u.recall], [2, 1, 0.5])
  assert.ok(Math.abs(u.f1 - 2 / 3) < 1e-12)

  // Nothing linked: no false link made (precision 1) but no duplicate found (recall 0).
  assert.deepEqual(pairwiseScores([0, 1, 2], [0, 0, 2]), {
    predictedPairs: 0,
    truePairs: 1,
    correctPairs: 0,
    precision: 1,
    recall: 0,
    f1: 0,
  })
  assert.throws(() => pairwiseScores([0], [0, 1]), /predictions/)
})

test('review pairs count as non-links; auto-link precision counts the links', () => {
  // Truth: {0,1,2} one person, {3} and {4} two others.
  const truth = [1, 1, 1, 2, 3]
  const scored = pairs([
    [0, 1, 0.999], // right link
    [1, 2, 0.6], // right, but only review
    [3, 4, 0.998], // wrong link
    [2, 3, 0.1], // distinct
  ])
  const c = cluster(5, scored)
  const s = pairwiseScores(c.clusterOf, truth)
  // Predicted pairs 0–1 and 3–4; true pairs 0–1, 0–2, 1–2.
  assert.deepEqual([s.predictedPairs, s.truePairs, s.correctPairs], [2, 3, 1])
  assert.equal(s.precision, 0.5)
  assert.equal(s.recall, 1 / 3)
  assert.deepEqual(linkPrecision(scored, c.decision, truth), { links: 2, correct: 1, precision: 0.5 })
  assert.deepEqual(linkPrecision(scored, new Uint8Array(4), truth), { links: 0, correct: 0, precision: 1 })
})
