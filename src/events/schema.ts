// What each event carries, one Zod schema per kind: the API, the events import and the web
// forms all speak this shape.
import { z } from 'zod'

const Uuid = z.string().uuid()
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
const Code = z.string().regex(/^\d{5}$/, 'a 5-digit unit code / mã đơn vị 5 chữ số')
const Text = (max: number) => z.string().trim().min(1).max(max)
const Era = z.union([z.literal(2024), z.literal(2025)])

/** Where a person goes to live: an existing household, or a unit (and a new household there). */
export const Destination = z.union([
  z.object({ household_id: Uuid, relation_to_head: Text(50).optional() }).strict(),
  z
    .object({
      unit_code: Code,
      era: Era.optional(),
      detail: Text(300).optional(),
      /** Opens a new household with the person as its head. */
      new_household_no: Text(30).optional(),
    })
    .strict(),
])
export type Destination = z.infer<typeof Destination>

export const CORRECTABLE = [
  'full_name',
  'other_name',
  'birth_date',
  'sex',
  'personal_id',
  'ethnicity_code',
  'religion',
  'nationality',
  'occupation',
  'phone',
  'email',
  'hometown',
  'birth_reg_place',
] as const
export type Correctable = (typeof CORRECTABLE)[number]

const common = {
  effective_on: Day,
  document: Text(300).optional(),
}
const onPerson = { ...common, person_id: Uuid }
const onHousehold = { ...common, household_id: Uuid }

export const EventInput = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('birth'),
      ...common,
      full_name: Text(120),
      sex: z.enum(['M', 'F']),
      household_id: Uuid,
      relation_to_head: Text(50).default('Con'),
      father_id: Uuid.optional(),
      mother_id: Uuid.optional(),
      personal_id: z
        .string()
        .regex(/^\d{12}$/)
        .optional(),
      ethnicity_code: z
        .string()
        .regex(/^\d{2}$/)
        .optional(),
      nationality: Text(60).default('Việt Nam'),
      birth_reg_place: Text(200).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('death'), ...onPerson, new_head_id: Uuid.optional() }).strict(),
  z
    .object({
      kind: z.literal('move'),
      ...onPerson,
      /** Absent: the person leaves the province for `outside`. */
      to: Destination.optional(),
      outside: Text(200).optional(),
    })
    .strict()
    .refine((e) => (e.to === undefined) !== (e.outside === undefined), {
      message: 'give either to (a place in the province) or outside (a place outside it) / chỉ một trong hai: to hoặc outside',
      path: ['to'],
    }),
  z
    .object({
      kind: z.literal('temporary_residence'),
      ...onPerson,
      unit_code: Code,
      era: Era.optional(),
      detail: Text(300).optional(),
      until: Day,
    })
    .strict(),
  z.object({ kind: z.literal('temporary_absence'), ...onPerson, until: Day.optional(), destination: Text(300).optional() }).strict(),
  z.object({ kind: z.literal('marriage'), ...onPerson, spouse_id: Uuid.optional(), spouse_name: Text(120).optional() }).strict(),
  z.object({ kind: z.literal('divorce'), ...onPerson, spouse_id: Uuid.optional() }).strict(),
  z
    .object({
      kind: z.literal('household_split'),
      ...onHousehold,
      members: z.array(Uuid).min(1).max(50),
      head_id: Uuid,
      household_no: Text(30),
      detail: Text(300).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('household_merge'), ...onHousehold, to_household_id: Uuid }).strict(),
  z.object({ kind: z.literal('head_change'), ...onHousehold, head_id: Uuid }).strict(),
  z.object({ kind: z.literal('name_change'), ...onPerson, full_name: Text(120) }).strict(),
  z
    .object({
      kind: z.literal('correction'),
      ...onPerson,
      field: z.enum(CORRECTABLE),
      value: z.string().trim().max(300),
      reason: Text(300),
    })
    .strict(),
  z.object({ kind: z.literal('confirmation'), ...onPerson }).strict(),
  z.object({ kind: z.literal('revocation'), ...common, event_id: Uuid, reason: Text(300) }).strict(),
])
export type EventInput = z.infer<typeof EventInput>
