// events' functions: recording an event (checked, the lives it touches re-derived, the person
// and household rows brought up to date, in one transaction), and the reads of the log.
import type pg from 'pg'
import type { Actor } from '../access/service.ts'
import { today } from '../geo/eras.ts'
import type { UnitIndex } from '../geo/unit-index.ts'
import { fromList, MARITAL_STATUSES, normalizeName, parseDate, splitName } from '../intake/values.ts'
import { provinceCode } from '../platform/config.ts'
import type { Queryable } from '../platform/db.ts'
import { AppError, badInput, notFound } from '../platform/errors.ts'
import { uuidv7 } from '../platform/ids.ts'
import * as register from '../register/service.ts'
import { foldKey } from '../text/vietnamese.ts'
import { byEffectiveDate, deriveLife, type LifeEvent, type Place, type Problem, type Stay, stayOn } from './derive.ts'
import * as q from './queries.ts'
import type { Correctable, Destination, EventInput } from './schema.ts'

export type { EventRow } from './queries.ts'

/** The refusal; a problem with another event than the one being recorded names that event. */
const refused = (problems: Problem[], events: Map<string, q.EventRow>, recording: ReadonlySet<string>) => {
  const lines = problems.map((p) => {
    const e = recording.has(p.event_id) ? undefined : events.get(p.event_id)
    const which = e ? ` (${e.kind} ${e.effective_on})` : ''
    return { vi: `${p.vi}${which}`, en: `${p.en}${which}`, code: p.code, event_id: p.event_id }
  })
  return new AppError('EVENT_REFUSED', { vi: lines.map((l) => l.vi).join(' '), en: lines.map((l) => l.en).join(' ') }, 422, {
    problems: lines.map(({ code, event_id }) => ({ code, event_id })),
  })
}

const personNotFound = (id: string) => notFound({ vi: 'người', en: 'Person' }, { person_id: id })
const householdNotFound = (id: string) => notFound({ vi: 'hộ', en: 'Household' }, { household_id: id })

/** The earliest day a birth date recorded at its precision can be. */
export function bornFrom(p: { birth_year: number | null; birth_month: number | null; birth_day: number | null }): string | null {
  if (p.birth_year === null) return null
  const two = (n: number | null) => String(n ?? 1).padStart(2, '0')
  return `${String(p.birth_year).padStart(4, '0')}-${two(p.birth_month)}-${two(p.birth_day)}`
}

/** What derivation reads from a stored event, for one person. */
function lifeEvent(e: q.EventRow, personId: string): LifeEvent {
  const d = e.details as Record<string, unknown>
  const life: LifeEvent = { id: e.id, kind: e.kind, effective_on: e.effective_on, recorded_at: e.recorded_at }
  if (e.kind === 'birth' || e.kind === 'move') life.place = (d.place as Place | undefined) ?? null
  if (e.kind === 'temporary_residence') {
    life.place = d.place as Place
    life.until = d.until as string
  }
  if (e.kind === 'temporary_absence' && typeof d.until === 'string') life.until = d.until
  if (e.kind === 'household_split' || e.kind === 'household_merge') {
    life.from_household = e.household_id ?? undefined
    const places = d.places as Record<string, Place> | undefined
    life.place = places?.[personId] ?? null
  }
  return life
}

/** The events that count: all but revoked ones and the revocations themselves. */
function standing(events: readonly q.EventRow[]): q.EventRow[] {
  const revoked = new Set(events.filter((e) => e.kind === 'revocation').map((e) => e.details.event_id as string))
  return events.filter((e) => e.kind !== 'revocation' && !revoked.has(e.id))
}

interface Derivation {
  person: q.LockedPerson
  stays: Stay[]
  died_on: string | null
  married: boolean
}

/**
 * Derives a person's life with their stored events plus `extra` (the event being recorded) and
 * without `dropped` (a revoked one); throws the refusal when any event no longer fits.
 */
async function derivePerson(
  client: Queryable,
  province: string,
  personId: string,
  change: {
    extra?: q.EventRow[]
    dropped?: string[]
    birth?: { year: number; month: number | null; day: number | null }
    sex?: 'M' | 'F' | null
  },
): Promise<Derivation> {
  const person = await q.lockPerson(client, province, personId)
  if (!person) throw personNotFound(personId)
  const stored = await q.eventsOf(client, province, personId)
  const all = [...stored, ...(change.extra ?? [])]
  const events = standing(all).filter((e) => !change.dropped?.includes(e.id))
  const recorded = (await q.staysOf(client, province, personId)).find((s) => s.event_id === null)
  const birth = change.birth ?? { year: person.birth_year, month: person.birth_month, day: person.birth_day }
  const life = deriveLife(
    {
      born_from: birth.year === null ? null : bornFrom({ birth_year: birth.year, birth_month: birth.month, birth_day: birth.day }),
      sex: change.sex === undefined ? person.sex : change.sex,
      // As the importer reads it: "da ket hon" is "Đã kết hôn".
      married: fromList(MARITAL_STATUSES, person.recorded_marital ?? '') === 'Đã kết hôn',
      recorded: recorded
        ? {
            unit_code: recorded.unit_code,
            era: recorded.era,
            detail: recorded.detail,
            household_id: recorded.household_id,
            relation_to_head: recorded.relation_to_head,
          }
        : null,
    },
    events.map((e) => lifeEvent(e, personId)).sort(byEffectiveDate),
  )
  if (life.problems.length > 0) {
    throw refused(life.problems, new Map(all.map((e) => [e.id, e])), new Set((change.extra ?? []).map((e) => e.id)))
  }
  return { person, stays: life.stays, died_on: life.died_on, married: life.married }
}

/** Writes a derived life: the stays, and what the person's row says of today. */
async function saveLife(client: Queryable, province: string, d: Derivation, set: Record<string, unknown> = {}) {
  await q.replaceStays(client, province, d.person.id, d.stays)
  // Someone who left the province lives in none of its units; the dead keep their last one.
  const now = stayOn(d.stays, today()) ?? (d.died_on ? d.stays.at(-1) : undefined)
  const marital = d.married ? 'Đã kết hôn' : d.person.marital_status === 'Đã kết hôn' ? 'Ly hôn' : d.person.marital_status
  await q.updatePerson(client, province, d.person.id, {
    unit_code: now?.unit_code ?? null,
    unit_era: now?.era ?? null,
    died_on: d.died_on,
    marital_status: d.person.died_on === null && d.died_on === null ? marital : d.person.marital_status,
    confirmed_on: today(),
    ...set,
  })
}

/** A unit code as of a day: the unit must exist then (in the era the day falls in, or the one named). */
function placeIn(
  index: UnitIndex,
  code: string,
  era: number | undefined,
  day: string,
  detail: string | null,
  household: { id: string; relation: string | null } | null,
): Place {
  const on = era === undefined ? day : era === 2024 ? (day < '2025-07-01' ? day : '2025-06-30') : day < '2025-07-01' ? '2025-07-01' : day
  const unit = index.on(code, on)
  if (unit?.level !== 'commune') {
    throw badInput(
      { vi: `Không có xã/phường mã ${code} vào ngày ${on}.`, en: `There is no commune with code ${code} on ${on}.` },
      { field: 'unit_code', rule: 'unit-unknown' },
    )
  }
  return { unit_code: code, era: unit.era, detail, household_id: household?.id ?? null, relation_to_head: household?.relation ?? null }
}

async function householdPlace(client: Queryable, province: string, id: string, relation: string | null): Promise<Place> {
  const h = await q.lockHousehold(client, province, id)
  if (!h) throw householdNotFound(id)
  return { unit_code: h.unit_code, era: h.era, detail: h.address, household_id: h.id, relation_to_head: relation }
}

export interface Recorded {
  event: q.EventRow
  /** Persons whose lives it changed (a household event moves several). */
  persons: string[]
  /** Other events it wrote with it (the spouse's side of a marriage). */
  also: string[]
}

/**
 * Records one event in the caller's transaction. Every person it touches is locked, re-derived
 * with it and checked; nothing is written unless all of them accept it.
 */
export async function recordEventIn(
  client: pg.PoolClient,
  actor: Actor,
  input: EventInput,
  options: { index: UnitIndex; batchId?: string | null; scope?: string[] | null },
): Promise<Recorded> {
  const province = provinceCode()
  const day = input.effective_on
  if (day > today() && input.kind !== 'revocation') {
    throw badInput(
      { vi: `Ngày hiệu lực ${day} ở tương lai.`, en: `The effective date ${day} is in the future.` },
      { field: 'effective_on', rule: 'future-date' },
    )
  }
  const scope = options.scope === undefined ? actor.scope : options.scope
  const base = {
    id: uuidv7(),
    kind: input.kind,
    person_id: 'person_id' in input ? input.person_id : null,
    household_id: 'household_id' in input && input.kind !== 'birth' ? input.household_id : null,
    effective_on: day,
    officer: actor.name,
    document: input.document ?? null,
    batch_id: options.batchId ?? null,
  }
  // Every person and household the event names must lie within the caller's units.
  const visible = async (person: string | undefined | null) => {
    if (person && !(await register.getPerson(client, province, person, scope))) throw personNotFound(person)
  }
  const visibleHousehold = async (household: string | undefined | null) => {
    if (household && !(await register.getHousehold(client, province, household, scope))) throw householdNotFound(household)
  }
  await visible(base.person_id)
  await visibleHousehold('household_id' in input ? input.household_id : null)
  if (input.kind === 'birth') for (const parent of [input.mother_id, input.father_id]) await visible(parent)
  if (input.kind === 'marriage' || input.kind === 'divorce') await visible(input.spouse_id)
  if (input.kind === 'move' && input.to && 'household_id' in input.to) await visibleHousehold(input.to.household_id)
  if (input.kind === 'household_merge') await visibleHousehold(input.to_household_id)
  const write = async (details: Record<string, unknown>, extra: Partial<q.EventRow> = {}): Promise<q.EventRow> => {
    const row = { ...base, ...extra, details, recorded_at: '' }
    row.recorded_at = await q.insertEvent(client, province, row)
    return row
  }
  // A candidate event's recorded time sorts after every stored one.
  const pending = (details: Record<string, unknown>, extra: Partial<q.EventRow> = {}): q.EventRow => ({
    ...base,
    ...extra,
    details,
    recorded_at: '9999',
  })

  switch (input.kind) {
    case 'birth': {
      const place = await householdPlace(client, province, input.household_id, input.relation_to_head)
      const mother = input.mother_id ? await q.lockPerson(client, province, input.mother_id) : undefined
      if (input.mother_id && !mother) throw personNotFound(input.mother_id)
      if (mother?.died_on && mother.died_on < day) {
        throw badInput(
          { vi: 'Người mẹ đã mất trước ngày sinh.', en: 'The mother died before the date of birth.' },
          { field: 'mother_id', rule: 'mother-deceased' },
        )
      }
      const father = input.father_id ? await q.lockPerson(client, province, input.father_id) : undefined
      if (input.father_id && !father) throw personNotFound(input.father_id)
      if (input.personal_id && (await register.holders(client, [input.personal_id])).size > 0) {
        throw badInput(
          { vi: 'Số định danh này đã thuộc về một người khác.', en: 'This personal ID number belongs to another person.' },
          { field: 'personal_id', rule: 'id-held' },
        )
      }
      const personId = uuidv7()
      const name = normalizeName(input.full_name)
      const parts = splitName(name)
      const [y, m, d] = day.split('-').map(Number) as [number, number, number]
      await q.insertBornPerson(client, province, {
        id: personId,
        full_name: input.full_name,
        name_display: name,
        family_fold: foldKey(parts.family),
        given_fold: foldKey(parts.given),
        name_fold: foldKey(name),
        birth_year: y,
        birth_month: m,
        birth_day: d,
        sex: input.sex,
        personal_id: input.personal_id ?? null,
        ethnicity_code: input.ethnicity_code ?? null,
        nationality: input.nationality,
        birth_reg_place: input.birth_reg_place ?? null,
        unit_code: place.unit_code,
        unit_era: place.era,
        origin_event_id: base.id,
        confirmed_on: today(),
      })
      if (input.personal_id) await q.insertIdentifier(client, province, input.personal_id, personId)
      for (const [kind, parent] of [
        ['father', father],
        ['mother', mother],
      ] as const) {
        if (parent) await q.insertRelationship(client, province, personId, kind, base.id, parent.name_display, parent.personal_id)
      }
      const event = await write(
        { place, father_id: input.father_id ?? null, mother_id: input.mother_id ?? null, full_name: name, sex: input.sex },
        { person_id: personId, household_id: input.household_id },
      )
      const life = await derivePerson(client, province, personId, {})
      await q.replaceStays(client, province, personId, life.stays)
      return { event, persons: [personId], also: [] }
    }

    case 'death': {
      const details: Record<string, unknown> = {}
      const headOf = await q.householdsHeadedBy(client, province, input.person_id)
      let household: string | null = null
      if (input.new_head_id) {
        const h = headOf[0]
        if (!h)
          throw badInput(
            { vi: 'Người này không là chủ hộ nào.', en: 'This person heads no household.' },
            { field: 'new_head_id', rule: 'not-head' },
          )
        const members = await q.membersOn(client, province, h, day)
        if (!members.includes(input.new_head_id) || input.new_head_id === input.person_id) {
          throw badInput(
            { vi: 'Chủ hộ mới phải là một thành viên khác của hộ.', en: 'The new head must be another member of the household.' },
            { field: 'new_head_id', rule: 'head-not-member' },
          )
        }
        details.new_head_id = input.new_head_id
        household = h
      }
      const event = pending(details, { household_id: household })
      const life = await derivePerson(client, province, input.person_id, { extra: [event] })
      const stored = await write(details, { household_id: household })
      await saveLife(client, province, life)
      if (household && input.new_head_id) await q.setHead(client, province, household, input.new_head_id)
      return { event: stored, persons: [input.person_id], also: [] }
    }

    case 'move': {
      const to = input.to ? await destination(options.index, client, province, input.to, day, input.person_id) : null
      const details = { place: to?.place ?? null, outside: input.outside ?? null }
      const life = await derivePerson(client, province, input.person_id, { extra: [pending(details)] })
      if (to?.newHousehold) await q.insertHousehold(client, province, to.newHousehold)
      const event = await write(details)
      await saveLife(client, province, life)
      return { event, persons: [input.person_id], also: [] }
    }

    case 'temporary_residence': {
      const place = placeIn(options.index, input.unit_code, input.era, day, input.detail ?? null, null)
      const details = { place, until: input.until }
      const life = await derivePerson(client, province, input.person_id, { extra: [pending(details)] })
      const event = await write(details)
      await saveLife(client, province, life)
      return { event, persons: [input.person_id], also: [] }
    }

    case 'temporary_absence':
    case 'confirmation': {
      const details = input.kind === 'temporary_absence' ? { until: input.until ?? null, destination: input.destination ?? null } : {}
      const life = await derivePerson(client, province, input.person_id, { extra: [pending(details)] })
      const event = await write(details)
      await saveLife(client, province, life)
      return { event, persons: [input.person_id], also: [] }
    }

    case 'marriage':
    case 'divorce': {
      const spouse = input.spouse_id ?? null
      if (spouse === input.person_id) throw badInput({ vi: 'Vợ/chồng phải là người khác.', en: 'The spouse must be someone else.' })
      const details = { spouse_id: spouse, spouse_name: input.kind === 'marriage' ? (input.spouse_name ?? null) : null }
      const mine = pending(details)
      const life = await derivePerson(client, province, input.person_id, { extra: [mine] })
      let theirs: Derivation | undefined
      const theirsId = uuidv7()
      if (spouse) {
        theirs = await derivePerson(client, province, spouse, {
          extra: [{ ...mine, id: theirsId, person_id: spouse, details: { ...details, spouse_id: input.person_id, pair: base.id } }],
        }).catch((error: unknown) => {
          // The reason is the spouse's: say so.
          if (!(error instanceof AppError)) throw error
          throw new AppError(
            error.code,
            { vi: `Vợ/chồng: ${error.text.vi}`, en: `The spouse: ${error.text.en}` },
            error.status,
            error.details,
          )
        })
      }
      const event = await write(details)
      await saveLife(client, province, life)
      if (spouse && theirs) {
        await q.insertEvent(client, province, {
          ...base,
          id: theirsId,
          person_id: spouse,
          details: { ...details, spouse_id: input.person_id, spouse_name: null, pair: base.id },
        })
        await saveLife(client, province, theirs)
      }
      return { event, persons: spouse ? [input.person_id, spouse] : [input.person_id], also: spouse ? [theirsId] : [] }
    }

    case 'household_split': {
      const h = await q.lockHousehold(client, province, input.household_id)
      if (!h) throw householdNotFound(input.household_id)
      const members = await q.membersOn(client, province, h.id, day)
      const leaving = [...new Set(input.members)]
      const strangers = leaving.filter((p) => !members.includes(p))
      if (strangers.length > 0) {
        throw badInput(
          { vi: 'Có người không thuộc hộ vào ngày tách.', en: 'Someone is not in the household on the day of the split.' },
          {
            field: 'members',
            rule: 'not-member',
            persons: strangers,
          },
        )
      }
      if (!leaving.includes(input.head_id)) {
        throw badInput(
          { vi: 'Chủ hộ mới phải nằm trong số người tách hộ.', en: 'The new head must be one of those who split off.' },
          { field: 'head_id', rule: 'head-not-leaving' },
        )
      }
      if (h.head_person_id && leaving.includes(h.head_person_id)) {
        throw badInput(
          {
            vi: 'Chủ hộ hiện tại không thể tách đi: hãy đổi chủ hộ trước.',
            en: 'The current head cannot split off: change the head first.',
          },
          { field: 'members', rule: 'head-leaving' },
        )
      }
      if (leaving.length === members.length) {
        throw badInput(
          { vi: 'Tách hộ phải để lại ít nhất một người trong hộ cũ.', en: 'A split must leave someone in the household.' },
          { field: 'members', rule: 'household-emptied' },
        )
      }
      if (await q.householdByNumber(client, province, h.unit_code, h.era, input.household_no)) {
        throw badInput(
          { vi: `Số hộ ${input.household_no} đã có.`, en: `Household number ${input.household_no} exists already.` },
          { field: 'household_no', rule: 'household-no-taken' },
        )
      }
      const created = uuidv7()
      const places: Record<string, Place> = {}
      for (const p of leaving) {
        places[p] = {
          unit_code: h.unit_code,
          era: h.era,
          detail: input.detail ?? h.address,
          household_id: created,
          relation_to_head: p === input.head_id ? 'Chủ hộ' : null,
        }
      }
      const details = { members: leaving, new_household_id: created, household_no: input.household_no, head_id: input.head_id, places }
      return moveMembers(client, province, base, details, leaving, async () => {
        await q.insertHousehold(client, province, {
          id: created,
          unit_code: h.unit_code,
          era: h.era,
          household_no: input.household_no,
          head_person_id: null,
          head_name: null,
          address: input.detail ?? h.address,
        })
        await q.setHead(client, province, created, input.head_id)
      })
    }

    case 'household_merge': {
      if (input.to_household_id === input.household_id) {
        throw badInput(
          { vi: 'Hộ nhập vào phải là một hộ khác.', en: 'The household merged into must be another one.' },
          { field: 'to_household_id', rule: 'same-household' },
        )
      }
      const members = await q.membersOn(client, province, input.household_id, day)
      if (members.length === 0) {
        throw badInput(
          { vi: 'Hộ không có ai vào ngày đó.', en: 'The household has nobody on that day.' },
          { field: 'household_id', rule: 'household-empty' },
        )
      }
      const target = await householdPlace(client, province, input.to_household_id, null)
      const places = Object.fromEntries(members.map((p) => [p, target]))
      const details = { members, to_household_id: input.to_household_id, places }
      return moveMembers(client, province, base, details, members, () => q.setHead(client, province, input.household_id, null))
    }

    case 'head_change': {
      const members = await q.membersOn(client, province, input.household_id, day)
      if (!members.includes(input.head_id)) {
        throw badInput(
          { vi: 'Chủ hộ mới phải là thành viên của hộ.', en: 'The new head must be a member of the household.' },
          { field: 'head_id', rule: 'head-not-member' },
        )
      }
      const head = await q.lockPerson(client, province, input.head_id)
      if (head?.died_on && head.died_on <= day) {
        throw badInput({ vi: 'Người này đã mất.', en: 'This person has died.' }, { field: 'head_id', rule: 'head-deceased' })
      }
      const h = await q.lockHousehold(client, province, input.household_id)
      const event = await write({ head_id: input.head_id, previous_head_id: h?.head_person_id ?? null })
      await q.setHead(client, province, input.household_id, input.head_id)
      return { event, persons: [], also: [] }
    }

    case 'name_change': {
      const person = await q.lockPerson(client, province, input.person_id)
      if (!person) throw personNotFound(input.person_id)
      const name = normalizeName(input.full_name)
      if (name === person.name_display) {
        throw badInput(
          { vi: 'Tên mới trùng tên hiện tại.', en: 'The new name is the current name.' },
          { field: 'full_name', rule: 'same-name' },
        )
      }
      const details = { from: person.name_display, to: name }
      const life = await derivePerson(client, province, input.person_id, { extra: [pending(details)] })
      const event = await write(details)
      await saveLife(client, province, life, nameColumns(input.full_name, name))
      return { event, persons: [input.person_id], also: [] }
    }

    case 'correction':
      return correct(client, province, input, pending, write)

    case 'revocation':
      return revoke(client, province, input, base)
  }
}

function nameColumns(typed: string, name: string) {
  const parts = splitName(name)
  return {
    full_name: typed,
    name_display: name,
    family_fold: foldKey(parts.family),
    given_fold: foldKey(parts.given),
    name_fold: foldKey(name),
  }
}

async function destination(index: UnitIndex, client: Queryable, province: string, to: Destination, day: string, personId: string) {
  if ('household_id' in to) {
    return { place: await householdPlace(client, province, to.household_id, to.relation_to_head ?? null), newHousehold: undefined }
  }
  const detail = to.detail ?? null
  if (!to.new_household_no) return { place: placeIn(index, to.unit_code, to.era, day, detail, null), newHousehold: undefined }
  const probe = placeIn(index, to.unit_code, to.era, day, detail, null)
  if (await q.householdByNumber(client, province, probe.unit_code, probe.era, to.new_household_no)) {
    throw badInput(
      { vi: `Số hộ ${to.new_household_no} đã có.`, en: `Household number ${to.new_household_no} exists already.` },
      { field: 'new_household_no', rule: 'household-no-taken' },
    )
  }
  const id = uuidv7()
  const person = await q.lockPerson(client, province, personId)
  return {
    place: { ...probe, household_id: id, relation_to_head: 'Chủ hộ' },
    newHousehold: {
      id,
      unit_code: probe.unit_code,
      era: probe.era,
      household_no: to.new_household_no,
      head_person_id: personId,
      head_name: person?.name_display ?? null,
      address: detail,
    },
  }
}

/** A household event: every person it moves is re-derived and checked before anything is written. */
async function moveMembers(
  client: pg.PoolClient,
  province: string,
  base: Omit<q.EventRow, 'details' | 'recorded_at'>,
  details: Record<string, unknown>,
  persons: string[],
  after: () => Promise<void>,
): Promise<Recorded> {
  const candidate: q.EventRow = { ...base, person_id: null, details, recorded_at: '9999' }
  const lives: Derivation[] = []
  for (const p of persons) lives.push(await derivePerson(client, province, p, { extra: [candidate] }))
  await after()
  const recordedAt = await q.insertEvent(client, province, { ...base, person_id: null, details })
  for (const life of lives) await saveLife(client, province, life)
  return { event: { ...candidate, recorded_at: recordedAt }, persons, also: [] }
}

/** A correction changes a value as it always was: the person's row, and every check that reads it. */
async function correct(
  client: pg.PoolClient,
  province: string,
  input: Extract<EventInput, { kind: 'correction' }>,
  pending: (details: Record<string, unknown>) => q.EventRow,
  write: (details: Record<string, unknown>) => Promise<q.EventRow>,
): Promise<Recorded> {
  const person = await q.lockPerson(client, province, input.person_id)
  if (!person) throw personNotFound(input.person_id)
  const current = await q.personValue(client, province, input.person_id, input.field)
  const { set, change } = correctionOf(input.field, input.value)
  if (input.field === 'personal_id' && input.value && (await register.holders(client, [input.value])).size > 0) {
    throw badInput(
      { vi: 'Số định danh này đã thuộc về một người khác.', en: 'This personal ID number belongs to another person.' },
      { field: 'value', rule: 'id-held' },
    )
  }
  const details = { field: input.field, value: input.value, previous: current, reason: input.reason }
  const life = await derivePerson(client, province, input.person_id, { extra: [pending(details)], ...change })
  const event = await write(details)
  await saveLife(client, province, life, set)
  if (input.field === 'personal_id') await q.replaceIdentifier(client, province, input.person_id, input.value || null)
  return { event, persons: [input.person_id], also: [] }
}

/** The person's columns a corrected field sets, and what derivation must see of it. */
export function correctionOf(
  field: Correctable,
  value: string,
): {
  set: Record<string, unknown>
  change: { birth?: { year: number; month: number | null; day: number | null }; sex?: 'M' | 'F' | null }
} {
  const text = value.trim() === '' ? null : value.trim()
  const bad = (vi: string, en: string) => badInput({ vi, en }, { field: 'value', rule: 'value-invalid' })
  switch (field) {
    case 'full_name': {
      if (!text) throw bad('Họ tên không được để trống.', 'A name cannot be empty.')
      return { set: nameColumns(text, normalizeName(text)), change: {} }
    }
    case 'birth_date': {
      const d = parseDate(value, true)
      if (d.kind !== 'ok')
        throw bad('Ngày sinh không đọc được (dd/mm/yyyy, mm/yyyy hoặc yyyy).', 'Unreadable date of birth (dd/mm/yyyy, mm/yyyy or yyyy).')
      const birth = { year: d.year, month: d.month, day: d.day }
      return { set: { birth_year: d.year, birth_month: d.month, birth_day: d.day, birth_precision: d.precision }, change: { birth } }
    }
    case 'sex': {
      const sex = text === 'M' || text === 'Nam' ? 'M' : text === 'F' || text === 'Nữ' ? 'F' : undefined
      if (!sex) throw bad('Giới tính là Nam hoặc Nữ.', 'Sex is Nam (M) or Nữ (F).')
      return { set: { sex }, change: { sex } }
    }
    case 'personal_id':
      if (text !== null && !/^\d{12}$/.test(text)) throw bad('Số định danh gồm 12 chữ số.', 'A personal ID number has 12 digits.')
      return { set: { personal_id: text }, change: {} }
    case 'ethnicity_code':
      if (text !== null && !/^\d{2}$/.test(text)) throw bad('Mã dân tộc gồm 2 chữ số.', 'An ethnic group code has 2 digits.')
      return { set: { ethnicity_code: text, ethnicity_code_set: text ? '1979' : null }, change: {} }
    default:
      return { set: { [field]: text }, change: {} }
  }
}

/** Undoes an event by recording its revocation; every life it touched is re-derived without it. */
async function revoke(
  client: pg.PoolClient,
  province: string,
  input: Extract<EventInput, { kind: 'revocation' }>,
  base: Omit<q.EventRow, 'details' | 'recorded_at'>,
): Promise<Recorded> {
  const target = await q.eventById(client, province, input.event_id)
  if (!target) throw notFound({ vi: 'sự kiện', en: 'Event' }, { event_id: input.event_id })
  if (target.kind === 'revocation')
    throw badInput(
      { vi: 'Không thể thu hồi một lần thu hồi.', en: 'A revocation cannot be revoked.' },
      { field: 'event_id', rule: 'not-revocable' },
    )
  if (await q.isRevoked(client, province, target.id))
    throw badInput(
      { vi: 'Sự kiện này đã bị thu hồi.', en: 'This event is revoked already.' },
      { field: 'event_id', rule: 'already-revoked' },
    )
  if (target.kind === 'birth') {
    throw badInput(
      {
        vi: 'Không thể thu hồi khai sinh: hãy sửa thông tin bằng đính chính.',
        en: 'A birth cannot be revoked: correct its details instead.',
      },
      { field: 'event_id', rule: 'not-revocable' },
    )
  }
  if (target.kind === 'head_change' || target.kind === 'household_split') {
    throw badInput(
      {
        vi: 'Thay đổi chủ hộ và tách hộ được hoàn tác bằng một sự kiện mới (đổi chủ hộ, nhập hộ).',
        en: 'A head change or a split is undone by a new event (head change, merge).',
      },
      { field: 'event_id', rule: 'not-revocable' },
    )
  }
  const set: Record<string, unknown> = {}
  if (target.kind === 'correction' || target.kind === 'name_change') {
    const field = target.kind === 'name_change' ? 'full_name' : (target.details.field as Correctable)
    if (await q.laterChangeOf(client, province, target)) {
      throw badInput(
        {
          vi: 'Trường này đã được thay đổi sau đó: hãy thu hồi thay đổi sau trước.',
          en: 'This field changed again later: revoke the later change first.',
        },
        { field: 'event_id', rule: 'changed-later' },
      )
    }
    const previous = target.kind === 'name_change' ? (target.details.from as string) : (target.details.previous as string | null)
    Object.assign(set, correctionOf(field, previous ?? '').set)
  }
  const persons = target.person_id ? [target.person_id] : ((target.details.members as string[] | undefined) ?? [])
  const pair = (target.details.pair as string | undefined) ?? (await q.pairOf(client, province, target.id))
  const revoked = [target.id, ...(pair ? [pair] : [])]
  const lives: Derivation[] = []
  for (const p of persons) lives.push(await derivePerson(client, province, p, { dropped: revoked }))
  const partner = pair ? await q.eventById(client, province, pair) : undefined
  if (partner?.person_id) lives.push(await derivePerson(client, province, partner.person_id, { dropped: revoked }))
  const details = { event_id: target.id, reason: input.reason, members: target.details.members ?? null }
  const recordedAt = await q.insertEvent(client, province, {
    ...base,
    person_id: target.person_id,
    household_id: target.household_id,
    details,
  })
  if (partner) {
    await q.insertEvent(client, province, {
      ...base,
      id: uuidv7(),
      person_id: partner.person_id,
      household_id: null,
      details: { event_id: partner.id, reason: input.reason, members: null },
    })
  }
  for (const life of lives) await saveLife(client, province, life, life.person.id === target.person_id ? set : {})
  if (target.kind === 'correction' && target.details.field === 'personal_id' && target.person_id) {
    await q.replaceIdentifier(client, province, target.person_id, (target.details.previous as string | null) ?? null)
  }
  if (target.kind === 'death' && target.details.new_head_id && target.household_id) {
    await q.setHead(client, province, target.household_id, target.person_id)
  }
  return {
    event: { ...base, person_id: target.person_id, household_id: target.household_id, details, recorded_at: recordedAt },
    persons: lives.map((l) => l.person.id),
    also: [],
  }
}

// ——— reads ———

export interface TimelineEntry extends q.EventRow {
  revoked_by: string | null
}

/** A person's events in effective order, each with the revocation that cancelled it, and their stays. */
export async function timeline(db: Queryable, province: string, personId: string) {
  const events = await q.eventsOf(db, province, personId)
  const revokedBy = new Map(events.filter((e) => e.kind === 'revocation').map((e) => [e.details.event_id as string, e.id]))
  const entries: TimelineEntry[] = events.map((e) => ({ ...e, revoked_by: revokedBy.get(e.id) ?? null })).sort(byEffectiveDate)
  return { events: entries, stays: await q.staysOf(db, province, personId) }
}

/**
 * The head of a household on a day, from its standing events: the head a change, a death or the
 * split that made it named last on or before the day; before any, the head the first change replaced.
 */
export function headOn(events: readonly q.EventRow[], householdId: string, day: string, current: string | null): string | null {
  const changes = standing(events)
    .flatMap((e) => {
      const d = e.details
      if (e.kind === 'head_change' && e.household_id === householdId)
        return [{ e, head: d.head_id as string, before: d.previous_head_id as string | null }]
      if (e.kind === 'death' && e.household_id === householdId && d.new_head_id)
        return [{ e, head: d.new_head_id as string, before: e.person_id }]
      if (e.kind === 'household_split' && d.new_household_id === householdId) return [{ e, head: d.head_id as string, before: null }]
      return []
    })
    .sort((a, b) => byEffectiveDate(a.e, b.e))
  if (changes.length === 0) return current
  const last = changes.filter((c) => c.e.effective_on <= day).at(-1)
  return last ? last.head : (changes[0]?.before ?? null)
}

/** Who was in a household when, its head changes, splits and merges; with `on`, its members that day, the head marked. */
export async function householdHistory(db: Queryable, province: string, householdId: string, on?: string) {
  const stays = await q.householdStays(db, province, householdId)
  const events = await q.householdEvents(db, province, householdId)
  if (!on) return { stays, events, members_on: null }
  const head = headOn(events, householdId, on, await q.headOf(db, province, householdId))
  const members = stays
    .filter((s) => s.valid_from <= on && on < s.valid_to)
    .map((s) => ({ ...s, relation_to_head: s.person_id === head ? 'Chủ hộ' : s.relation_to_head === 'Chủ hộ' ? null : s.relation_to_head }))
  return { stays, events, members_on: members }
}
