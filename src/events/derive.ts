// A person's life as the log tells it (pure): where they live from when to when, alive or not,
// married or not, each event checked against the state it finds on its day. Every write
// re-derives the whole life from the forms' record and all events in effective order, so a
// back-dated event re-derives what follows it, and an event that would make a later one wrong
// is refused with that event named.
//
// Dates are ISO days compared as text; '-infinity' sorts before and 'infinity' after any day.

export const EVENT_KINDS = [
  'birth',
  'death',
  'move',
  'temporary_residence',
  'temporary_absence',
  'marriage',
  'divorce',
  'household_split',
  'household_merge',
  'head_change',
  'name_change',
  'correction',
  'confirmation',
  'revocation',
] as const
export type EventKind = (typeof EVENT_KINDS)[number]

/** A place to live: a unit (with its era), the address in it, and the household the person is in. */
export interface Place {
  unit_code: string
  era: number
  detail: string | null
  household_id: string | null
  relation_to_head: string | null
}

export interface Stay extends Place {
  valid_from: string
  valid_to: string
  kind: 'permanent' | 'temporary'
  /** The event that began it; null: the forms' record. */
  event_id: string | null
}

/** An event as derivation reads it: what it does to one person. */
export interface LifeEvent {
  id: string
  kind: EventKind
  effective_on: string
  recorded_at: string
  /**
   * birth / move (in or within) / split / merge: the place the person lives from this day;
   * move out: null. temporary_residence: the place, until `until`.
   */
  place?: Place | null
  until?: string
  /** household_split / household_merge: the household the person leaves. */
  from_household?: string
  /** marriage, divorce. */
  spouse?: string | null
}

export interface PersonFacts {
  /** The earliest day the recorded birth date can be; null when unknown. */
  born_from: string | null
  sex: 'M' | 'F' | null
  married: boolean
  /** The forms' record of where the person lives; null: none (a person born or moved in by event). */
  recorded: Place | null
}

export interface Problem {
  event_id: string
  code: string
  vi: string
  en: string
}

export interface Life {
  stays: Stay[]
  died_on: string | null
  married: boolean
  problems: Problem[]
}

/** Minimum age to marry (Law on Marriage and Family 2014, art. 8): men 20, women 18. */
const MARRIAGE_AGE = { M: 20, F: 18 } as const

/** Effective order: by day, then as recorded. */
export const byEffectiveDate = (
  a: Pick<LifeEvent, 'effective_on' | 'recorded_at' | 'id'>,
  b: Pick<LifeEvent, 'effective_on' | 'recorded_at' | 'id'>,
) => a.effective_on.localeCompare(b.effective_on) || a.recorded_at.localeCompare(b.recorded_at) || a.id.localeCompare(b.id)

const samePlace = (a: Place, b: Place) =>
  a.unit_code === b.unit_code &&
  a.era === b.era &&
  (a.household_id ?? '') === (b.household_id ?? '') &&
  (a.detail ?? '') === (b.detail ?? '')

function addYears(day: string, years: number): string {
  return `${String(Number(day.slice(0, 4)) + years).padStart(4, '0')}${day.slice(4)}`
}

const ddmmyyyy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`

/** Derives the life; `problems` is empty when every event fits the state it finds. */
export function deriveLife(facts: PersonFacts, events: readonly LifeEvent[]): Life {
  const problems: Problem[] = []
  const refuse = (e: LifeEvent, code: string, vi: string, en: string) => problems.push({ event_id: e.id, code, vi, en })
  const permanent: Stay[] = []
  const temporary: Stay[] = []
  let current: Stay | null = null
  let diedOn: string | null = null
  let married = facts.married
  const start = facts.born_from ?? '-infinity'
  if (facts.recorded) {
    current = { ...facts.recorded, valid_from: start, valid_to: 'infinity', kind: 'permanent', event_id: null }
    permanent.push(current)
  }
  const close = (day: string) => {
    if (current) current.valid_to = day
    current = null
  }
  const open = (place: Place, e: LifeEvent) => {
    current = { ...place, valid_from: e.effective_on, valid_to: 'infinity', kind: 'permanent', event_id: e.id }
    permanent.push(current)
  }

  for (const e of [...events].sort(byEffectiveDate)) {
    const day = e.effective_on
    const record = e.kind === 'correction' || e.kind === 'confirmation'
    if (facts.born_from && day < facts.born_from && e.kind !== 'birth' && !record) {
      refuse(e, 'before-birth', `Ngày ${ddmmyyyy(day)} trước ngày sinh của người này.`, `${day} is before this person's date of birth.`)
      continue
    }
    if (diedOn !== null && day >= diedOn && !record) {
      refuse(
        e,
        'after-death',
        `Người này đã mất ngày ${ddmmyyyy(diedOn)}: không thể ghi sự kiện từ ngày ${ddmmyyyy(day)}.`,
        `This person died on ${diedOn}: no event can take effect on ${day}.`,
      )
      continue
    }
    switch (e.kind) {
      case 'birth':
        if (e.place) open(e.place, e)
        break
      case 'death':
        close(day)
        diedOn = day
        break
      case 'move': {
        const to = e.place ?? null
        if (to && current && samePlace(current, to)) {
          refuse(e, 'already-lives-there', 'Người này đã cư trú tại nơi chuyển đến.', 'This person already lives at the destination.')
          break
        }
        if (!to && !current) {
          refuse(
            e,
            'not-resident',
            'Người này không cư trú trong tỉnh vào ngày đó: không thể chuyển đi.',
            'This person does not live in the province on that day: there is nothing to move out of.',
          )
          break
        }
        if (current && current.valid_from === day && current.event_id !== null) {
          refuse(
            e,
            'same-day-move',
            'Đã có một lần chuyển nơi ở trong cùng ngày.',
            'Another change of residence takes effect on the same day.',
          )
          break
        }
        close(day)
        if (to) open(to, e)
        // A new permanent residence ends a temporary one still running.
        for (const t of temporary) if (t.valid_from < day && t.valid_to > day) t.valid_to = day
        break
      }
      case 'household_split':
      case 'household_merge':
        if (!current || current.household_id !== e.from_household || !e.place) {
          refuse(e, 'not-member', 'Người này không thuộc hộ vào ngày đó.', 'This person is not in the household on that day.')
          break
        }
        close(day)
        open(e.place, e)
        break
      case 'temporary_residence':
        if (!e.until || e.until <= day) {
          refuse(e, 'until-before-start', 'Ngày hết hạn tạm trú phải sau ngày bắt đầu.', 'A temporary residence must end after it starts.')
          break
        }
        if (e.place) temporary.push({ ...e.place, valid_from: day, valid_to: e.until, kind: 'temporary', event_id: e.id })
        break
      case 'temporary_absence':
        if (e.until !== undefined && e.until <= day) {
          refuse(e, 'until-before-start', 'Ngày kết thúc tạm vắng phải sau ngày bắt đầu.', 'A temporary absence must end after it starts.')
        }
        break
      case 'marriage': {
        if (married) {
          refuse(e, 'already-married', 'Người này đang có vợ hoặc chồng.', 'This person is already married.')
          break
        }
        const age = facts.sex ? MARRIAGE_AGE[facts.sex] : null
        if (age !== null && facts.born_from && day < addYears(facts.born_from, age)) {
          refuse(
            e,
            'under-age',
            `Chưa đủ tuổi kết hôn (${facts.sex === 'M' ? 'nam' : 'nữ'} từ đủ ${age} tuổi).`,
            `Under the age of marriage (${age} for ${facts.sex === 'M' ? 'men' : 'women'}).`,
          )
          break
        }
        married = true
        break
      }
      case 'divorce':
        if (!married) {
          refuse(e, 'not-married', 'Người này không có vợ hoặc chồng vào ngày đó.', 'This person is not married on that day.')
          break
        }
        married = false
        break
      default:
        break
    }
  }
  if (diedOn !== null) {
    for (const t of temporary) if (t.valid_to > diedOn) t.valid_to = diedOn
  }
  return { stays: overlay(permanent, temporary), died_on: diedOn, married, problems }
}

/**
 * One stay per stretch of time: a temporary residence covers the permanent one while it lasts
 * (the person counts where they actually live), and is cut where the permanent stay ends (a
 * move out of the province or death ends everything).
 */
export function overlay(permanent: readonly Stay[], temporary: readonly Stay[]): Stay[] {
  const kept = permanent.filter((s) => s.valid_from < s.valid_to)
  if (temporary.length === 0) return kept
  const bounds = [...new Set(kept.concat(temporary).flatMap((s) => [s.valid_from, s.valid_to]))].sort()
  const out: Stay[] = []
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i] as string
    const to = bounds[i + 1] as string
    const base = kept.find((s) => s.valid_from <= from && s.valid_to >= to)
    const over = temporary.filter((s) => s.valid_from <= from && s.valid_to >= to).at(-1)
    // A temporary residence needs someone living in the province (or just arrived): none after a move out.
    const chosen = over && base ? { ...over, household_id: base.household_id, relation_to_head: base.relation_to_head } : base
    if (!chosen) continue
    const last = out.at(-1)
    if (last && last.valid_to === from && last.event_id === chosen.event_id && last.kind === chosen.kind && samePlace(last, chosen)) {
      last.valid_to = to
    } else {
      out.push({ ...chosen, valid_from: from, valid_to: to })
    }
  }
  return out
}

/** The stay in force on a day, if any. */
export function stayOn(stays: readonly Stay[], day: string): Stay | undefined {
  return stays.find((s) => s.valid_from <= day && day < s.valid_to)
}
