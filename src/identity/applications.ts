// An identity-card application's life (pure): its kinds, its states, which step may follow which
// for a holder, and the day its file became complete (from which the deadline of seven working
// days runs). Identity Law 26/2023: no biometrics (face, fingerprints, iris) under 6 — whether a
// holder gives them is `needsBiometrics` (validity.ts) on the application day.

import { BIOMETRICS_AGE } from './validity.ts'

export const APPLICATION_KINDS = ['first_issue', 'renewal', 'reissue', 'change'] as const
/** first issue; renewal at an age (14, 25, 40, 60); reissue of a lost or damaged card; change of information. */
export type ApplicationKind = (typeof APPLICATION_KINDS)[number]

export const STATES = [
  'received',
  'biometrics_captured',
  'sent_for_production',
  'produced',
  'arrived',
  'handed_over',
  'returned_for_correction',
  'cancelled',
] as const
export type State = (typeof STATES)[number]

/** No step follows these. */
export const FINAL: readonly State[] = ['handed_over', 'cancelled']

export interface Holder {
  /** Biometrics are taken from this holder (6 or older on the application day). */
  biometrics: boolean
}

export interface Refusal {
  code: string
  vi: string
  en: string
}

const refusal = (code: string, vi: string, en: string): Refusal => ({ code, vi, en })

/** The steps of the normal way forward, each with the one before it. */
const FORWARD: Partial<Record<State, State>> = {
  biometrics_captured: 'received',
  sent_for_production: 'biometrics_captured',
  produced: 'sent_for_production',
  arrived: 'produced',
  handed_over: 'arrived',
}

/** States from which a file can go back to the applicant for correction. */
const CORRECTABLE: readonly State[] = ['received', 'biometrics_captured', 'sent_for_production']

/** The states that may follow `from` for this holder. */
export function nextStates(from: State, holder: Holder): State[] {
  return STATES.filter((to) => checkStep(from, to, holder, { reason: 'x', receiver: 'x' }) === null)
}

/**
 * Whether the step `from` → `to` may be taken; null when it may, else why not. A correction and a
 * cancellation need a reason; a hand-over needs the name of who received the card.
 */
export function checkStep(
  from: State,
  to: State,
  holder: Holder,
  what: { reason?: string | null; receiver?: string | null } = {},
): Refusal | null {
  if (FINAL.includes(from)) {
    return refusal('final', 'Hồ sơ đã kết thúc: không thể chuyển tiếp.', 'The application has ended: no step can follow.')
  }
  if (to === 'cancelled') {
    return what.reason?.trim() ? null : refusal('reason-needed', 'Cần ghi lý do huỷ.', 'A cancellation needs its reason.')
  }
  if (to === 'returned_for_correction') {
    if (!CORRECTABLE.includes(from)) {
      return refusal(
        'not-correctable',
        'Thẻ đã sản xuất: không thể trả hồ sơ để sửa.',
        'The card is produced: the file cannot go back for correction.',
      )
    }
    return what.reason?.trim() ? null : refusal('reason-needed', 'Cần ghi nội dung cần sửa.', 'Returning a file needs what to correct.')
  }
  if (to === 'received') {
    return from === 'returned_for_correction'
      ? null
      : refusal('order', 'Chỉ hồ sơ đã trả để sửa mới được nhận lại.', 'Only a file returned for correction is received again.')
  }
  const young = !holder.biometrics
  if (to === 'biometrics_captured' && young) {
    return refusal(
      'under-biometrics-age',
      `Không thu nhận sinh trắc học của người dưới ${BIOMETRICS_AGE} tuổi.`,
      `No biometrics are taken under the age of ${BIOMETRICS_AGE}.`,
    )
  }
  // Under 6 the file goes to production straight from reception.
  const before = to === 'sent_for_production' && young ? 'received' : FORWARD[to]
  if (before !== from) {
    return refusal(
      'order',
      `Không thể chuyển từ “${STATE_NAMES[from].vi}” sang “${STATE_NAMES[to].vi}”.`,
      `Cannot go from “${STATE_NAMES[from].en}” to “${STATE_NAMES[to].en}”.`,
    )
  }
  if (to === 'handed_over' && !what.receiver?.trim()) {
    return refusal('receiver-needed', 'Cần ghi tên người nhận thẻ.', 'A hand-over needs the name of who received the card.')
  }
  return null
}

export const STATE_NAMES: Record<State, { vi: string; en: string }> = {
  received: { vi: 'Đã tiếp nhận', en: 'Received' },
  biometrics_captured: { vi: 'Đã thu nhận sinh trắc học', en: 'Biometrics captured' },
  sent_for_production: { vi: 'Đã gửi sản xuất', en: 'Sent for production' },
  produced: { vi: 'Đã sản xuất', en: 'Produced' },
  arrived: { vi: 'Đã về xã', en: 'Arrived at the commune' },
  handed_over: { vi: 'Đã trả thẻ', en: 'Handed over' },
  returned_for_correction: { vi: 'Trả lại để sửa', en: 'Returned for correction' },
  cancelled: { vi: 'Đã huỷ', en: 'Cancelled' },
}

export interface Step {
  state: State
  /** The day the step was taken (Vietnam's date). */
  on: string
}

/**
 * The day the file became complete: the last time it reached the state from which it goes to
 * production — biometrics captured, or reception for a holder under 6 — after any return for
 * correction. Null while it has not (yet, or again).
 */
export function completeOn(steps: readonly Step[], holder: Holder): string | null {
  const ready: State = holder.biometrics ? 'biometrics_captured' : 'received'
  let day: string | null = null
  for (const s of steps) {
    if (s.state === ready) day = s.on
    if (s.state === 'returned_for_correction') day = null
  }
  return day
}
