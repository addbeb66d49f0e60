// An identity-card application's life (pure): its kinds, its states, which step may follow which
// for a holder, and the day its file became complete (from which the deadline of seven working
// days runs). Identity Law 26/2023: no biometrics (face, fingerprints, iris) under 6 — whether a
// holder gives them is `needsBiometrics` (validity.ts) on the application day.

import { BIOMETRICS_AGE, type BirthDate, birthdayAt, GRACE_YEARS, mayHaveCard, nextRenewal } from './validity.ts'

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

/**
 * What a step does to the file: completes it — biometrics captured, or reception for a holder
 * under 6 (received again after a correction too) — so the deadline runs from that day; reopens
 * it (returned for correction: no deadline until complete again); or leaves it as it was.
 */
export function fileChange(to: State, holder: Holder): 'complete' | 'reopened' | 'unchanged' {
  if (to === 'returned_for_correction') return 'reopened'
  return to === (holder.biometrics ? 'biometrics_captured' : 'received') ? 'complete' : 'unchanged'
}

/** What the register knows of the person applying, on the application day. */
export interface Applicant {
  birth: BirthDate | null
  died_on: string | null
  personal_id: string | null
  /** The expiry of the card in force (null: it does not expire); undefined: no card recorded. */
  card?: { expires_on: string | null } | undefined
}

/**
 * Whether a person may apply for this kind of card on `day` (the rules by age of Identity Law
 * 26/2023); null when they may. A renewal is taken from two years before the renewal age (a card
 * issued then is valid until the next age) or once the card in force has expired; a first issue
 * is refused to a person whose card in force is still valid.
 */
export function checkApplication(kind: ApplicationKind, who: Applicant, day: string, reason?: string | null): Refusal | null {
  if (who.died_on !== null && who.died_on <= day) {
    return refusal('deceased', 'Người này đã mất: không thể nhận hồ sơ.', 'This person has died: no application can be received.')
  }
  if (!who.personal_id || !/^\d{12}$/.test(who.personal_id)) {
    return refusal(
      'no-number',
      'Người này chưa có số định danh cá nhân (12 chữ số): cần ghi số trước khi làm thẻ.',
      'This person has no personal ID number (12 digits) yet: record it before applying for a card.',
    )
  }
  if (who.birth === null) {
    return refusal(
      'no-birth-date',
      'Thiếu ngày sinh: không xác định được quy định theo tuổi.',
      'No birth date: the rules by age cannot be applied.',
    )
  }
  if (!mayHaveCard(who.birth, day)) {
    return refusal('unborn', 'Ngày nhận hồ sơ trước ngày sinh.', 'The application day is before the birth.')
  }
  const valid = who.card !== undefined && (who.card.expires_on === null || who.card.expires_on >= day)
  if (kind === 'first_issue' && valid) {
    return refusal(
      'has-card',
      'Người này đang có thẻ còn hạn: nhận hồ sơ đổi hoặc cấp lại thẻ.',
      'This person holds a valid card: receive a renewal, reissue or change instead.',
    )
  }
  if (kind === 'renewal' && valid) {
    const next = nextRenewal(who.birth, day)
    const from = next ? birthdayAt(next.date, -GRACE_YEARS) : null
    if (next === null || (from !== null && day < from)) {
      return refusal(
        'not-yet',
        next
          ? `Chưa đến tuổi đổi thẻ: đủ ${next.age} tuổi ngày ${next.date}; nhận hồ sơ đổi thẻ từ ngày ${from}.`
          : 'Thẻ đang có không cần đổi theo tuổi.',
        next
          ? `Not yet due: the holder turns ${next.age} on ${next.date}; a renewal is received from ${from}.`
          : 'The card held needs no renewal by age.',
      )
    }
  }
  if ((kind === 'reissue' || kind === 'change') && !reason?.trim()) {
    return kind === 'reissue'
      ? refusal('reason-needed', 'Cấp lại: cần ghi lý do (mất, hư hỏng…).', 'A reissue needs its reason (lost, damaged…).')
      : refusal('reason-needed', 'Cấp đổi do thay đổi thông tin: cần ghi thông tin thay đổi.', 'A change needs what changes.')
  }
  return null
}
