// From scored pairs to persons: the three zones, clusters by union-find over the links, clusters
// that would break an officer's "not same" or join a hard conflict held back for review, and the
// pairwise figures the benches report.
//
// Records are dense ids 0..n−1; pairs are parallel typed arrays (pair i joins a[i] and b[i]).

export type Decision = 'link' | 'review' | 'distinct'

/** Decisions as stored in a Uint8Array: the index into this list. */
export const DECISIONS: readonly Decision[] = ['distinct', 'review', 'link']
export const DISTINCT = 0
export const REVIEW = 1
export const LINK = 2

export interface Thresholds {
  /** Auto-link at or above this probability (when no hard conflict). */
  link: number
  /** Auto-distinct below this probability. */
  distinct: number
}

// A false merge deletes a citizen, so links need near certainty; the review queue takes the rest.
export const DEFAULT_THRESHOLDS: Thresholds = { link: 0.995, distinct: 0.2 }

function thresholdsOf(given: Partial<Thresholds> = {}): Thresholds {
  const t = { ...DEFAULT_THRESHOLDS, ...given }
  if (!(t.distinct >= 0 && t.distinct <= t.link && t.link <= 1))
    throw new RangeError(`thresholds need 0 ≤ distinct ≤ link ≤ 1, got ${t.distinct}, ${t.link}`)
  return t
}

function zone(probability: number, conflict: boolean, t: Thresholds): number {
  if (probability < t.distinct) return DISTINCT
  // A hard conflict forbids only the automatic link: an officer may still find the pair is one person.
  if (probability >= t.link && !conflict) return LINK
  return REVIEW
}

/** The zone of one pair. NaN, which no scorer here produces, lands in review rather than anywhere silent. */
export function decide(probability: number, conflict = false, thresholds: Partial<Thresholds> = {}): Decision {
  return DECISIONS[zone(probability, conflict, thresholdsOf(thresholds))] as Decision
}

/** Pair indices ordered for review: the most uncertain (probability nearest 0.5) first, ties by index. */
export function byUncertainty(probability: Float64Array, indices: ArrayLike<number>): Uint32Array {
  const order = Array.from(indices)
  order.sort((i, j) => Math.abs((probability[i] as number) - 0.5) - Math.abs((probability[j] as number) - 0.5) || i - j)
  return Uint32Array.from(order)
}

// ---------------------------------------------------------------------------------------------
// Clustering

export interface ScoredPairs {
  a: Uint32Array
  b: Uint32Array
  probability: Float64Array
  /** Nonzero where the pair has a hard conflict (IDs beyond a typo, sex, birth dates). */
  conflict?: Uint8Array
}

export interface ClusterOptions {
  thresholds?: Partial<Thresholds>
  /** Officers' "not same" decisions: these two records may never be in one automatic cluster. */
  cannotLink?: { a: Uint32Array; b: Uint32Array }
}

export interface Offence {
  a: number
  b: number
  reason: 'cannot-link' | 'conflict'
  /** The scored pair with the conflict, or −1 for a cannot-link decision. */
  pair: number
}

export interface ReviewCluster {
  /** Records the links would have joined, ascending. None of them is merged. */
  members: Uint32Array
  /** Why the cluster was held back. */
  offending: Offence[]
  /** Indices of the scored pairs between its members, ascending: the evidence to show. */
  pairs: Uint32Array
}

export interface Clustering {
  /** Per record, its cluster's id: the smallest record id in it (itself if alone or held for review). */
  clusterOf: Uint32Array
  /** Clusters of two or more records merged automatically, members ascending, by smallest member. */
  clusters: Uint32Array[]
  /** Would-be clusters held back, by smallest member. */
  review: ReviewCluster[]
  /**
   * Per pair, DISTINCT / REVIEW / LINK after constraints: LINK exactly when both records ended in
   * one automatic cluster (so also a review-zone pair joined through others); a link-zone pair
   * that was held back is REVIEW; a pair an officer called "not same" is DISTINCT.
   */
  decision: Uint8Array
  /** Indices of REVIEW pairs, most uncertain first. */
  reviewPairs: Uint32Array
}

/** Union-find over dense ids with path halving and union by size: near-constant time per call. */
export class UnionFind {
  readonly parent: Int32Array
  readonly size: Int32Array

  constructor(n: number) {
    this.parent = new Int32Array(n)
    for (let i = 0; i < n; i++) this.parent[i] = i
    this.size = new Int32Array(n).fill(1)
  }

  find(x: number): number {
    const parent = this.parent
    while (parent[x] !== x) {
      const up = parent[parent[x] as number] as number
      parent[x] = up
      x = up
    }
    return x
  }

  union(x: number, y: number): number {
    let rx = this.find(x)
    let ry = this.find(y)
    if (rx === ry) return rx
    if ((this.size[rx] as number) < (this.size[ry] as number)) [rx, ry] = [ry, rx]
    this.parent[ry] = rx
    this.size[rx] = (this.size[rx] as number) + (this.size[ry] as number)
    return rx
  }
}

// Record ids stay below 2^32, so an ordered pair fits a double exactly as one number.
function pairKey(a: number, b: number): number {
  return a < b ? a * 4294967296 + b : b * 4294967296 + a
}

/**
 * Links the pairs in the link zone into clusters. A cluster that would hold two records an
 * officer called "not same", or two records whose scored pair has a hard conflict, is not merged:
 * chains of individually strong links are how false merges happen, so the whole would-be cluster
 * goes to review with the offending pairs named.
 */
export function cluster(recordCount: number, pairs: ScoredPairs, options: ClusterOptions = {}): Clustering {
  const t = thresholdsOf(options.thresholds)
  const { a, b, probability, conflict } = pairs
  const count = a.length
  if (b.length !== count || probability.length !== count || (conflict && conflict.length !== count))
    throw new RangeError('pair arrays differ in length')
  const cannot = options.cannotLink ?? { a: new Uint32Array(0), b: new Uint32Array(0) }
  if (cannot.a.length !== cannot.b.length) throw new RangeError('cannot-link arrays differ in length')
  for (const ids of [a, b, cannot.a, cannot.b])
    for (const id of ids) if (id >= recordCount) throw new RangeError(`record ${id} outside 0..${recordCount - 1}`)

  const cannotSet = new Set<number>()
  for (let k = 0; k < cannot.a.length; k++) cannotSet.add(pairKey(cannot.a[k] as number, cannot.b[k] as number))

  const decision = new Uint8Array(count)
  const sets = new UnionFind(recordCount)
  for (let i = 0; i < count; i++) {
    const x = a[i] as number
    const y = b[i] as number
    // The officer's word outranks any score.
    const z = cannotSet.has(pairKey(x, y)) ? DISTINCT : zone(probability[i] as number, conflict !== undefined && conflict[i] !== 0, t)
    decision[i] = z
    if (z === LINK && x !== y) sets.union(x, y)
  }

  // Offences by component root.
  const offences = new Map<number, Offence[]>()
  const offend = (x: number, y: number, o: Offence) => {
    const root = sets.find(x)
    if (x === y || root !== sets.find(y)) return
    const list = offences.get(root)
    if (list) list.push(o)
    else offences.set(root, [o])
  }
  for (let k = 0; k < cannot.a.length; k++) {
    const x = cannot.a[k] as number
    const y = cannot.b[k] as number
    offend(x, y, { a: x, b: y, reason: 'cannot-link', pair: -1 })
  }
  if (conflict) {
    for (let i = 0; i < count; i++)
      if (conflict[i] !== 0) offend(a[i] as number, b[i] as number, { a: a[i] as number, b: b[i] as number, reason: 'conflict', pair: i })
  }

  // Members of each component, gathered in record order so they come out ascending.
  const root = new Int32Array(recordCount)
  const size = new Int32Array(recordCount)
  for (let x = 0; x < recordCount; x++) {
    const r = sets.find(x)
    root[x] = r
    size[r] = (size[r] as number) + 1
  }
  const clusterOf = new Uint32Array(recordCount)
  const clusters: Uint32Array[] = []
  const review: ReviewCluster[] = []
  const held = new Map<number, { withheld: ReviewCluster; pairs: number[] }>()
  const members = new Map<number, Uint32Array>()
  const filled = new Int32Array(recordCount)
  for (let x = 0; x < recordCount; x++) {
    const r = root[x] as number
    const n = size[r] as number
    clusterOf[x] = x
    if (n < 2) continue
    let list = members.get(r)
    if (!list) {
      // The first member seen is the smallest, so clusters come out ordered by it.
      list = new Uint32Array(n)
      members.set(r, list)
      const offending = offences.get(r)
      if (offending) {
        const withheld = { members: list, offending, pairs: new Uint32Array(0) }
        review.push(withheld)
        held.set(r, { withheld, pairs: [] })
      } else {
        clusters.push(list)
      }
    }
    list[filled[r] as number] = x
    filled[r] = (filled[r] as number) + 1
    if (!offences.has(r)) clusterOf[x] = list[0] as number
  }

  const reviewIndices: number[] = []
  for (let i = 0; i < count; i++) {
    const x = a[i] as number
    const y = b[i] as number
    if (x !== y && clusterOf[x] === clusterOf[y]) decision[i] = LINK
    else if (decision[i] === LINK) decision[i] = REVIEW
    if (decision[i] === REVIEW) reviewIndices.push(i)
    if (root[x] === root[y]) held.get(root[x] as number)?.pairs.push(i)
  }
  for (const { withheld, pairs } of held.values()) withheld.pairs = Uint32Array.from(pairs)
  return { clusterOf, clusters, review, decision, reviewPairs: byUncertainty(probability, reviewIndices) }
}

// ---------------------------------------------------------------------------------------------
// Evaluation against ground truth (benches)

export interface PairwiseScores {
  /** Pairs of records in one predicted cluster. */
  predictedPairs: number
  /** Pairs of records of one true person. */
  truePairs: number
  /** Pairs in both. */
  correctPairs: number
  /** correct / predicted; 1 when nothing was linked (no false link was made). */
  precision: number
  /** correct / true; 1 when there were no duplicates to find. */
  recall: number
  f1: number
}

function f1Of(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
}

/**
 * Pairwise precision, recall and F1 of a clustering against the true persons, over all record
 * pairs (not only scored ones), counted from cluster sizes without listing pairs. Review pairs
 * count as non-links because `clusterOf` only joins automatic links.
 */
export function pairwiseScores(predicted: ArrayLike<number>, truth: ArrayLike<number | string>): PairwiseScores {
  if (predicted.length !== truth.length) throw new RangeError(`${predicted.length} predictions for ${truth.length} records`)
  const n = predicted.length
  // Labels renamed to dense numbers, so that a (cluster, person) cell is one exact number.
  const dense = (labels: ArrayLike<unknown>) => {
    const names = new Map<unknown, number>()
    const ids = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let id = names.get(labels[i])
      if (id === undefined) {
        id = names.size
        names.set(labels[i], id)
      }
      ids[i] = id
    }
    return ids
  }
  // Sorting typed numbers and counting runs of equal ones beats a Map of a million keys.
  const pairsBy = (keys: Float64Array) => {
    const sorted = keys.slice().sort()
    let pairs = 0
    let run = 0
    for (let i = 0; i < sorted.length; i++) {
      run = i > 0 && sorted[i] === sorted[i - 1] ? run + 1 : 1
      pairs += run - 1 // the record pairs with each earlier record of its run
    }
    return pairs
  }
  const predictedId = dense(predicted)
  const person = dense(truth)
  // A record pair is correct when it shares both its predicted cluster and its true person.
  const cell = predictedId.map((c, i) => c * n + (person[i] as number))
  const predictedPairs = pairsBy(predictedId)
  const truePairs = pairsBy(person)
  const correctPairs = pairsBy(cell)
  const precision = predictedPairs > 0 ? correctPairs / predictedPairs : 1
  const recall = truePairs > 0 ? correctPairs / truePairs : 1
  return { predictedPairs, truePairs, correctPairs, precision, recall, f1: f1Of(precision, recall) }
}

/**
 * Precision of the links themselves: of the pairs decided LINK, the share that are one true
 * person. This is the "auto-link precision" figure; with `decision` from `cluster` it includes
 * pairs linked through others.
 */
export function linkPrecision(
  pairs: { a: Uint32Array; b: Uint32Array },
  decision: Uint8Array,
  truth: ArrayLike<number | string>,
): { links: number; correct: number; precision: number } {
  let links = 0
  let correct = 0
  for (let i = 0; i < decision.length; i++) {
    if (decision[i] !== LINK) continue
    links++
    if (truth[pairs.a[i] as number] === truth[pairs.b[i] as number]) correct++
  }
  return { links, correct, precision: links > 0 ? correct / links : 1 }
}
