import { z } from 'zod'

export const EraParam = z.coerce
  .number()
  .pipe(z.union([z.literal(2024), z.literal(2025)]))
  .meta({ description: '2024 (to 30/06/2025: province → district → commune) or 2025 (from 01/07/2025)' })
export const DateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .meta({ example: '2025-01-01' })
export const UnitCode = z
  .string()
  .regex(/^\d{2,5}$/, 'a GSO unit code (2, 3 or 5 digits)')
  .meta({ example: '06652' })
export const Level = z.enum(['province', 'district', 'commune'])

export const WhenQuery = z.object({
  on: DateParam.optional().meta({ description: 'the unit valid on this date' }),
  era: EraParam.optional(),
})

export const Unit = z
  .object({
    code: z.string(),
    name: z.string(),
    type: z.string(),
    level: Level,
    era: z.number().int(),
    valid_from: z.string().nullable().meta({ description: 'null: since before the records we hold' }),
    valid_to: z.string().nullable().meta({ description: 'exclusive; null: in force' }),
    parent_code: z.string().nullable(),
    parent_name: z.string().nullable(),
    province_code: z.string(),
  })
  .meta({ id: 'Unit' })

export const Successor = z
  .object({
    code: z.string(),
    name: z.string(),
    portion: z.enum(['whole', 'part']),
    era: z.number().int(),
    valid_from: z.string().nullable(),
  })
  .meta({ id: 'Successor' })

export const AddressCandidate = z.object({
  code: z.string(),
  name: z.string(),
  level: Level,
  era: z.number().int(),
  valid_from: z.string().nullable(),
  valid_to: z.string().nullable(),
  parent_code: z.string().nullable(),
  confidence: z.number().min(0).max(1),
})

export const Resolution = z
  .object({
    candidates: z.array(AddressCandidate),
    ambiguous: z.boolean(),
    detail: z.string().meta({ description: 'what named no unit: house number, street, hamlet' }),
  })
  .meta({ id: 'AddressResolution' })

export const Hamlet = z
  .object({
    id: z.string(),
    unit_code: z.string(),
    unit_valid_from: z.string().nullable(),
    name: z.string(),
    kind: z.string(),
  })
  .meta({ id: 'Hamlet' })

export const HamletsAdded = z.object({ added: z.array(Hamlet), existing: z.array(z.string()) })

export const HamletImportReport = z.object({
  added: z.number().int(),
  existing: z.number().int(),
  rejected: z.array(
    z.object({ row: z.number().int(), field: z.string(), rule: z.string(), message: z.object({ vi: z.string(), en: z.string() }) }),
  ),
})
