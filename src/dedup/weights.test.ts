import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FIELDS, type Field, LEVELS } from './compare.ts'
import type { Model } from './model.ts'
import { constrain, probabilityOf } from './weights.ts'

const parts = (weights: Partial<Record<Field, number>>) => FIELDS.map((f) => weights[f] ?? 0)
const total = (p: number[], prior = -15) => prior + p.reduce((a, b) => a + b, 0)

test('family evidence adds up to 10 bits at most: twins do not outvote a different given name', () => {
  const twins = parts({ family: 3, middle: -3, given: -5.4, birth: 14, sex: 0.6, residence: 10.4, household: 11.8, relatives: 14 })
  assert.ok(probabilityOf(total(twins), twins) < 0.995, 'not an automatic link')
  assert.ok(1 / (1 + 2 ** -total(twins)) > 0.999, 'uncapped, the family would have linked them')
  const modest = parts({ given: 8, birth: 14, household: 4, phone: 3 })
  assert.equal(probabilityOf(total(modest), modest), 1 / (1 + 2 ** -total(modest)), 'below the cap nothing changes')
})

test('EM’s m of "different" is held low for names, sex and birth, the rest rescaled to sum to one', () => {
  const m = FIELDS.map((f) => LEVELS[f].map((_, level) => (level === 0 ? 0.5 : 0.5 / (LEVELS[f].length - 1))))
  const model: Model = { levelCounts: FIELDS.map((f) => LEVELS[f].length), lambda: 1e-6, m, u: m }
  const held = constrain(model)
  const given = held.m[FIELDS.indexOf('given')] as number[]
  assert.equal(given[0], 0.02)
  assert.ok(Math.abs(given.reduce((a, b) => a + b, 0) - 1) < 1e-12)
  assert.deepEqual(held.m[FIELDS.indexOf('phone')], m[FIELDS.indexOf('phone')], 'fields without a cap are left as EM found them')
})
