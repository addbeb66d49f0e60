// What the dedup model's weights mean for this domain, beyond the Fellegi–Sunter arithmetic
// (pure): correlated family evidence is capped, and EM's m is held to what one person can be.
import { FIELDS, type Field } from './compare.ts'
import type { Model } from './model.ts'

/**
 * Where a person lives and with whom: household, address, phone and relatives agree for every
 * member of a family, so they are not independent evidence. Their weights add up only to this
 * many bits, so that a family (twins above all: same parents, address and birth date) cannot
 * outvote a different given name or sex.
 */
const CONTEXT = (['residence', 'household', 'phone', 'relatives'] as const).map((f) => FIELDS.indexOf(f))
const CONTEXT_CAP = 10

/**
 * The most a level of "different" may be among pairs of one person, whatever EM found: one
 * person keeps their given and family name and sex (a slip is a level of its own). EM left alone
 * drifts toward "same household", since family members agree on everything else.
 */
const MAX_DIFFERENT: Partial<Record<Field, number>> = { family: 0.03, given: 0.02, sex: 0.01, birth: 0.05 }

/** The probability of a pair from its total weight and per-field parts (bits), family evidence capped. */
export function probabilityOf(total: number, parts: ArrayLike<number>): number {
  let context = 0
  for (const f of CONTEXT) context += parts[f] as number
  const weight = context > CONTEXT_CAP ? total - context + CONTEXT_CAP : total
  return 1 / (1 + 2 ** -weight)
}

/** m with each field's "different" level held to MAX_DIFFERENT, the rest rescaled to sum to one. */
export function constrain(model: Model): Model {
  const m = model.m.map((row, f) => {
    const cap = MAX_DIFFERENT[FIELDS[f] as Field]
    const different = row[0] as number
    if (cap === undefined || different <= cap) return row
    const scale = (1 - cap) / (1 - different)
    return row.map((v, level) => (level === 0 ? cap : v * scale))
  })
  return { ...model, m }
}
