// Deduplication, comparison layer (pure): what two register persons have in common, field by
// field, as the level indexes a Fellegi–Sunter model weighs (../shared/NOTES.md §3).
//
// prepare() does all the text work once per person (NFC, tone keys, folds, spelling variants,
// date numbers), so that compare() — run tens of millions of times — only compares strings
// and numbers: no allocation, no regular expression.
import { idParts } from '../identity/number.ts'
import { collapseSpaces, exactKey, foldKey, nfc } from '../text/vietnamese.ts'

/** One register person's values as dedup sees them; undefined = unknown. */
export interface Candidate {
  /** Dense index assigned by the caller. */
  id: number
  /**
   * Name parts, NFC as stored (name-cased); middle may have several words. A person whose
   * given name is known and whose middle is undefined or '' has no middle name (that is an
   * observation: "dropped" is a level); with no given name the whole name counts as unknown.
   */
  family?: string
  middle?: string
  given?: string
  /** Partial dates are real: year only, or year + month. */
  birth?: { year: number; month?: number; day?: number }
  /** 12 digits. */
  personalId?: string
  /** 9 digits (old CMND). */
  oldId?: string
  sex?: 'M' | 'F'
  /** Residence unit code in today's era (already crosswalked by the caller). */
  unit?: string
  /** Hamlet / street of residence as typed. */
  address?: string
  /** Household number. */
  household?: string
  /** Normalised digits. */
  phone?: string
  /** Full names as typed. */
  father?: string
  mother?: string
  spouse?: string
  head?: string
}

/** Keys of one name part ('' everywhere when there is none). */
export interface NameKeys {
  /** Lower case, canonical tone placement: the spelling itself (also the key for term frequencies). */
  readonly exact: string
  /** exact with ngã written as hỏi: the one tone people mix up (northern and southern speech). */
  readonly hoiNga: string
  /** exact with regional spellings of one name made one (Huỳnh → hoàng, Võ → vũ). */
  readonly variant: string
  /** exact with a lone final y after a consonant written i (Lý → lí, Quý → quí). */
  readonly iy: string
  /** ASCII fold, Telex keystrokes removed, variants and i/y made one: "same without diacritics". */
  readonly fold: string
  /** The words of fold. */
  readonly words: readonly string[]
  /** Hash of fold (0 = no name), for blocking keys. */
  readonly foldHash: number
  /** Telex keystrokes were typed for the marks ("Dduwcs" for Đức): the marks were lost, not different. */
  readonly keystrokes: boolean
  /** Written without any diacritic (true for no name). */
  readonly ascii: boolean
  /** Only Thị or only Văn: a middle name that says little more than the sex. */
  readonly thiVan: boolean
}

export interface RelativeKeys {
  /** The whole name folded as NameKeys.fold ('' = unknown). */
  readonly fold: string
  /**
   * Family and given name (first and last word of fold); for a name of one or two words, fold
   * itself. One side's ends equal to the other's fold is a middle name dropped on that side.
   */
  readonly ends: string
}

export interface Prepared {
  readonly id: number
  readonly family: NameKeys
  readonly middle: NameKeys
  readonly given: NameKeys
  /** A given name is known (so an empty middle is "no middle name", not "unknown"). */
  readonly nameKnown: boolean
  /** The whole name was typed without a single diacritic ("Nguyen Van Anh"). */
  readonly unmarked: boolean
  /** 0 unknown, 1 year, 2 year and month, 3 full date. */
  readonly birthPrecision: number
  readonly birthYear: number
  readonly birthMonth: number
  readonly birthDay: number
  /** YYYYMMDD with 00 for what is not known. */
  readonly birthYmd: number
  /** 12 digits ('' = unknown). */
  readonly personalId: string
  /** 9 digits ('' = unknown). */
  readonly oldId: string
  /** As typed: 0 unknown, 1 male, 2 female. */
  readonly sex: number
  /** As implied by the personal ID's century/sex digit: 0 unknown, 1 male, 2 female. */
  readonly idSex: number
  /** One string object per unit code ('' = unknown). */
  readonly unit: string
  /** Folded address, "khu phố" → "khu" ('' = unknown). */
  readonly address: string
  /** Household key: a register-wide number alone, a short local one with its unit ('' = unknown). */
  readonly household: string
  /** Last nine digits ('' = unknown). */
  readonly phone: string
  readonly father: RelativeKeys
  readonly mother: RelativeKeys
  readonly spouse: RelativeKeys
  readonly head: RelativeKeys

  // The same values again as small integers, held in the object itself: compare() reads the
  // other person's strings only when these agree, and most candidate pairs disagree on them.
  // On a province, reading those strings (a cache miss each) cost more than all the comparing.
  /** The personal ID as its first six and last six digits (-1 = unknown). */
  readonly idHigh: number
  readonly idLow: number
  /** The old ID as its first three and last six digits (-1 = unknown). */
  readonly oldIdHigh: number
  readonly oldIdLow: number
  /** phone as a number (-1 = unknown). */
  readonly phoneNumber: number
  /** Hashes of unit, address, household and of the relatives' fold and ends (0 = unknown). */
  readonly unitHash: number
  readonly addressHash: number
  readonly householdHash: number
  readonly fatherFold: number
  readonly fatherEnds: number
  readonly motherFold: number
  readonly motherEnds: number
  readonly spouseFold: number
  readonly spouseEnds: number
  readonly headFold: number
  readonly headEnds: number
}

export const FIELDS = ['family', 'middle', 'given', 'birth', 'id', 'sex', 'residence', 'household', 'phone', 'relatives'] as const
export type Field = (typeof FIELDS)[number]

// Strongest last. For names the order is the issue's: tone slip, regional variant and i/y are
// spellings of the same name; a fold match is weaker when both sides wrote marks that differ
// (Hà ≠ Hạ) than when one side wrote none at all (diacritics lost on the way); one edit is weaker
// still.
const NAME_LEVELS = ['different', 'edit1', 'fold', 'unmarked', 'iy', 'variant', 'tone', 'exact'] as const
const MIDDLE_LEVELS = ['different', 'dropped', 'common', 'edit1', 'fold', 'unmarked', 'iy', 'variant', 'tone', 'exact'] as const
const BIRTH_LEVELS = ['different', 'year1', 'partial', 'typo', 'swap', 'exact'] as const

/** Level names per field, index 0 = the weakest ("different"). */
export const LEVELS: Record<Field, readonly string[]> = {
  family: NAME_LEVELS,
  middle: MIDDLE_LEVELS,
  given: NAME_LEVELS,
  birth: BIRTH_LEVELS,
  id: ['different', 'typo', 'exact'],
  sex: ['different', 'same'],
  residence: ['different', 'unit', 'address'],
  household: ['different', 'same'],
  phone: ['different', 'same'],
  relatives: ['disagree', 'mixed', 'one', 'several'],
}

// Level indexes, named once so the code below reads as the table above.
const N_DIFFERENT = 0
const N_EDIT = 1
const N_FOLD = 2
const N_UNMARKED = 3
const N_IY = 4
const N_VARIANT = 5
const N_TONE = 6
const N_EXACT = 7
const M_DROPPED = 1
const M_COMMON = 2
const M_SHIFT = 2 // a middle-name spelling level is the name level + 2
const B_YEAR1 = 1
const B_PARTIAL = 2
const B_TYPO = 3
const B_SWAP = 4
const B_EXACT = 5
const UNKNOWN = -1

// ---------------------------------------------------------------------------------------------
// prepare

/**
 * Regional spellings of one family name: Huỳnh is the southern form of Hoàng (the name was
 * avoided under the Nguyễn lords), Võ of Vũ. Keys are canonical exact keys and their folds; each
 * maps to one representative. Kept small on purpose: every pair here makes different people's
 * names agree a little.
 */
const VARIANTS = new Map<string, string>([
  ['huỳnh', 'hoàng'],
  ['võ', 'vũ'],
])
const VARIANT_FOLDS = new Map<string, string>([
  ['huynh', 'hoang'],
  ['vo', 'vu'],
])

const Y_AS_I = new Map([...'yýỳỷỹỵ'].map((y, i) => [y, 'iíìỉĩị'[i] as string]))
const VOWEL_LETTERS = new Set('aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ')

/**
 * i and y alternate as a lone final vowel after a consonant (Lý/Lí, Sỹ/Sĩ, Vy/Vi, Kỳ/Kì, and
 * Quý/Quí, where u belongs to qu) but not after another vowel (Thúy ≠ Thúi, Huy ≠ Hui).
 */
function iyWord(word: string): string {
  const last = word[word.length - 1] as string
  const i = Y_AS_I.get(last)
  if (i === undefined || word.length < 2) return word // "Y" alone is a name prefix (Y Ksor)
  const before = word[word.length - 2] as string
  const lone = !VOWEL_LETTERS.has(before) || (before === 'u' && word[word.length - 3] === 'q')
  return lone ? word.slice(0, -1) + i : word
}

/**
 * Telex keystrokes left in a folded word ("Nguyeenx", "Hawngf", "Dduwcs"): Vietnamese never
 * ends a syllable in s f r x j, nor writes w, aa, ee, oo or dd, so these are typing residue.
 */
const TELEX = /[sfrxj]$|w|aa|ee|oo|dd/

function untelex(word: string): string {
  if (!TELEX.test(word)) return word
  let w = word
  if (w.length > 1 && /[aeiouy][a-z]*[sfrxj]$/.test(w)) w = w.slice(0, -1)
  return w
    .replace(/([aou])w/g, '$1')
    .replace(/aa/g, 'a')
    .replace(/ee/g, 'e')
    .replace(/oo/g, 'o')
    .replace(/dd/g, 'd')
}

/**
 * Remembers f's results for repeated texts: names repeat a great deal, so a province's persons
 * are prepared many times faster and equal names share one object (memory). Emptied when full,
 * so that a long-running server holds a few megabytes at most; a province's distinct family,
 * middle and given names fit, its relatives' names and addresses come round again.
 */
function cached<T>(f: (text: string) => T, limit = 1 << 16): (text: string | undefined) => T {
  const cache = new Map<string, T>()
  return (text) => {
    const key = text ?? ''
    let value = cache.get(key)
    if (value === undefined) {
      if (cache.size >= limit) cache.clear()
      value = f(key)
      cache.set(key, value)
    }
    return value
  }
}

function foldWord(word: string): string {
  const w = iyWord(untelex(word))
  return VARIANT_FOLDS.get(w) ?? w
}

const NO_NAME: NameKeys = {
  exact: '',
  hoiNga: '',
  variant: '',
  iy: '',
  fold: '',
  words: [],
  foldHash: 0,
  keystrokes: false,
  ascii: true,
  thiVan: false,
}

const nameKeys = cached((text: string): NameKeys => {
  const exact = exactKey(nfc(text))
  if (!exact) return NO_NAME
  const exactWords = exact.split(' ')
  const folded = foldKey(exact).split(' ').filter(Boolean)
  const words = folded.map(foldWord)
  const fold = words.join(' ')
  return {
    exact,
    // In Vietnamese the combining tilde is only ever the ngã tone.
    hoiNga: exact
      .normalize('NFD')
      .replace(/\u0303/g, '\u0309')
      .normalize('NFC'),
    variant: exactWords.map((w) => VARIANTS.get(w) ?? w).join(' '),
    iy: exactWords.map(iyWord).join(' '),
    fold,
    words,
    foldHash: hashText(fold),
    keystrokes: folded.some((w) => TELEX.test(w)),
    ascii: !/[^\p{ASCII}]/u.test(exact),
    thiVan: words.length === 1 && (words[0] === 'thi' || words[0] === 'van'),
  }
})

const NO_RELATIVE: RelativeKeys = { fold: '', ends: '' }

const relativeKeys = cached((text: string): RelativeKeys => {
  const words = foldKey(nfc(text)).split(' ').filter(Boolean).map(foldWord)
  if (words.length === 0) return NO_RELATIVE
  const fold = words.join(' ')
  return { fold, ends: words.length <= 2 ? fold : `${words[0]} ${words[words.length - 1]}` }
})

// "Khu phố 3" and "Khu 3", "Tổ dân phố 5" and "Tổ 5" are written for one place.
const addressKey = cached((text: string) =>
  foldKey(text)
    .replace(/\bkhu pho\b/g, 'khu')
    .replace(/\bto dan pho\b/g, 'to'),
)

// Equal unit codes become one string object, so that comparing equal units is one pointer test.
const unitKey = cached((text: string) => text)

// Household numbers from the register are province-wide; a short one ("12") is only a number
// within its unit.
const REGISTER_WIDE_HOUSEHOLD = 8

function householdKey(household: string | undefined, unit: string | undefined): string {
  const h = household ? collapseSpaces(household) : ''
  if (!h) return ''
  if (h.length >= REGISTER_WIDE_HOUSEHOLD) return h
  return unit ? `${unit}/${h}` : ''
}

/** FNV-1a, cut to 30 bits so that V8 keeps it as a small integer; never 0, which is "unknown". */
export function hashText(text: string): number {
  if (text === '') return 0
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 2 || 1
}

const sexCode = (sex: 'M' | 'F' | undefined) => (sex === 'M' ? 1 : sex === 'F' ? 2 : 0)

/** Computes every key once per candidate, so that compare() allocates nothing. */
export function prepare(c: Candidate): Prepared {
  const given = nameKeys(c.given)
  const nameKnown = given !== NO_NAME
  const family = nameKeys(c.family)
  const middle = nameKnown ? nameKeys(c.middle) : NO_NAME
  const b = c.birth
  let precision = 0
  let year = 0
  let month = 0
  let day = 0
  if (b && Number.isInteger(b.year) && b.year > 0) {
    year = b.year
    precision = 1
    if (b.month !== undefined && b.month >= 1 && b.month <= 12) {
      month = b.month
      precision = 2
      if (b.day !== undefined && b.day >= 1 && b.day <= 31) {
        day = b.day
        precision = 3
      }
    }
  }
  const personalId = c.personalId && /^\d{12}$/.test(c.personalId) ? c.personalId : ''
  const oldId = c.oldId && /^\d{9}$/.test(c.oldId) ? c.oldId : ''
  const parts = personalId ? idParts(personalId) : undefined
  const phoneDigits = c.phone ? c.phone.replace(/\D/g, '') : ''
  // Too short to be anyone's number: treated as not given.
  const phone = phoneDigits.length >= 9 ? phoneDigits.slice(-9) : ''
  const unit = c.unit ? unitKey(c.unit) : ''
  const address = unit ? addressKey(c.address) : ''
  const household = householdKey(c.household, unit)
  const father = relativeKeys(c.father)
  const mother = relativeKeys(c.mother)
  const spouse = relativeKeys(c.spouse)
  const head = relativeKeys(c.head)
  return {
    id: c.id,
    family,
    middle,
    given,
    nameKnown,
    unmarked: nameKnown && family.ascii && middle.ascii && given.ascii,
    birthPrecision: precision,
    birthYear: year,
    birthMonth: month,
    birthDay: day,
    birthYmd: year * 10000 + month * 100 + day,
    personalId,
    oldId,
    sex: sexCode(c.sex),
    idSex: sexCode(parts?.sex),
    unit,
    address,
    household,
    phone,
    father,
    mother,
    spouse,
    head,
    idHigh: personalId ? Number(personalId.slice(0, 6)) : -1,
    idLow: personalId ? Number(personalId.slice(6)) : -1,
    oldIdHigh: oldId ? Number(oldId.slice(0, 3)) : -1,
    oldIdLow: oldId ? Number(oldId.slice(3)) : -1,
    phoneNumber: phone ? Number(phone) : -1,
    unitHash: hashText(unit),
    addressHash: hashText(address),
    householdHash: hashText(household),
    fatherFold: hashText(father.fold),
    fatherEnds: hashText(father.ends),
    motherFold: hashText(mother.fold),
    motherEnds: hashText(mother.ends),
    spouseFold: hashText(spouse.fold),
    spouseEnds: hashText(spouse.ends),
    headFold: hashText(head.fold),
    headEnds: hashText(head.ends),
  }
}

// ---------------------------------------------------------------------------------------------
// compare

// Below this many letters one edit turns a name into another name (An/Anh, Hà/Hân, Lê/Lý).
const MIN_EDIT_LENGTH = 3

/** Damerau distance ≤ 1 between two different strings (one substitution, insertion, deletion or adjacent swap). */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length
  const lb = b.length
  if (la < lb) return withinOneEdit(b, a)
  if (lb < MIN_EDIT_LENGTH || la - lb > 1) return false
  let i = 0
  while (i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++
  if (la === lb) {
    if (i === la) return true
    // A swap of neighbours consumes two places; otherwise one letter was replaced.
    if (i + 1 < la && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i)) i += 2
    else i += 1
    for (; i < la; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false
    return true
  }
  // a has one letter more, at place i: the rest lines up shifted by one.
  for (let j = i; j < lb; j++) if (a.charCodeAt(j + 1) !== b.charCodeAt(j)) return false
  return true
}

/** Spelling level of two known name strings (NAME_LEVELS). */
function spelling(a: NameKeys, b: NameKeys, unmarked: boolean): number {
  // Equal texts share one NameKeys (prepare caches them); every key below implies equal folds,
  // so the common mismatch costs one comparison.
  if (a === b) return N_EXACT
  if (a.fold !== b.fold) return withinOneEdit(a.fold, b.fold) ? N_EDIT : N_DIFFERENT
  if (a.exact === b.exact) return N_EXACT
  if (a.hoiNga === b.hoiNga) return N_TONE
  if (a.variant === b.variant) return N_VARIANT
  if (a.iy === b.iy) return N_IY
  return unmarked || a.keystrokes || b.keystrokes ? N_UNMARKED : N_FOLD
}

function nameLevel(a: NameKeys, b: NameKeys, unmarked: boolean): number {
  if (a === NO_NAME || b === NO_NAME) return UNKNOWN
  return spelling(a, b, unmarked)
}

/** Every word of the shorter middle name is in the longer one. */
function subset(small: readonly string[], large: readonly string[]): boolean {
  if (small.length >= large.length) return false
  for (let i = 0; i < small.length; i++) {
    if (!large.includes(small[i] as string)) return false
  }
  return true
}

function middleLevel(a: Prepared, b: Prepared, unmarked: boolean): number {
  if (!a.nameKnown || !b.nameKnown) return UNKNOWN
  const ma = a.middle
  const mb = b.middle
  if (ma === NO_NAME && mb === NO_NAME) return UNKNOWN // nothing to compare
  if (ma === NO_NAME || mb === NO_NAME) return M_DROPPED
  const level = spelling(ma, mb, unmarked)
  // Thị or Văn alone says little more than the sex does. Văn against Vân (both marked) is not
  // agreement on Văn, so the fold level stays what it is there.
  if (level >= N_UNMARKED && ma.thiVan) return M_COMMON
  if (level > N_DIFFERENT) return level + M_SHIFT
  if (subset(ma.words, mb.words) || subset(mb.words, ma.words)) return M_DROPPED
  return N_DIFFERENT
}

/** Number of decimal places in which x and y differ. */
function digitsDiffer(x: number, y: number): number {
  let n = 0
  while (x > 0 || y > 0) {
    if (x % 10 !== y % 10) n++
    x = (x / 10) | 0
    y = (y / 10) | 0
  }
  return n
}

/** The date cut to a precision: YYYY, YYYYMM or YYYYMMDD. */
function cut(ymd: number, precision: number): number {
  return precision === 3 ? ymd : precision === 2 ? (ymd / 100) | 0 : (ymd / 10000) | 0
}

function birthLevel(a: Prepared, b: Prepared): number {
  if (a.birthPrecision === 0 || b.birthPrecision === 0) return UNKNOWN
  const precision = Math.min(a.birthPrecision, b.birthPrecision)
  const x = cut(a.birthYmd, precision)
  const y = cut(b.birthYmd, precision)
  if (x === y) return precision === 3 && a.birthPrecision === b.birthPrecision ? B_EXACT : B_PARTIAL
  if (precision === 3 && a.birthYear === b.birthYear && a.birthDay === b.birthMonth && a.birthMonth === b.birthDay) return B_SWAP
  if (digitsDiffer(x, y) === 1) return B_TYPO
  if (a.birthYear - b.birthYear === 1 || b.birthYear - a.birthYear === 1) return B_YEAR1
  return N_DIFFERENT
}

const POW10 = [1, 10, 100, 1000, 10_000, 100_000]

/** Digit i (0 = first) of an ID of width digits held as (high, low six digits). */
function idDigit(high: number, low: number, i: number, width: number): number {
  const fromEnd = width - 1 - i
  return fromEnd < 6 ? ((low / (POW10[fromEnd] as number)) | 0) % 10 : ((high / (POW10[fromEnd - 6] as number)) | 0) % 10
}

/** 2 equal, 1 a typo (one digit different, or two neighbours swapped), 0 different. */
function idLevel(aHigh: number, aLow: number, bHigh: number, bLow: number, width: number): number {
  if (aHigh === bHigh && aLow === bLow) return 2
  let first = -1 // the later of the two differing places (the walk goes from the end)
  let second = -1
  // From the last digit: the random digits are there, so two numbers differ there soonest.
  for (let i = width - 1; i >= 0; i--) {
    if (idDigit(aHigh, aLow, i, width) === idDigit(bHigh, bLow, i, width)) continue
    if (second >= 0) return 0
    if (first < 0) first = i
    else second = i
  }
  if (second < 0) return 1
  const swapped =
    first === second + 1 &&
    idDigit(aHigh, aLow, first, width) === idDigit(bHigh, bLow, second, width) &&
    idDigit(aHigh, aLow, second, width) === idDigit(bHigh, bLow, first, width)
  return swapped ? 1 : 0
}

function idsLevel(a: Prepared, b: Prepared): number {
  // The personal ID when both have one; the old ID otherwise (a person may have had several
  // old IDs, and the personal ID replaces them).
  if (a.idHigh >= 0 && b.idHigh >= 0) return idLevel(a.idHigh, a.idLow, b.idHigh, b.idLow, 12)
  if (a.oldIdHigh >= 0 && b.oldIdHigh >= 0) return idLevel(a.oldIdHigh, a.oldIdLow, b.oldIdHigh, b.oldIdLow, 9)
  return UNKNOWN
}

function residenceLevel(a: Prepared, b: Prepared): number {
  if (a.unit === '' || b.unit === '') return UNKNOWN
  if (a.unit !== b.unit) return 0
  return a.address !== '' && b.address !== '' && sameAddress(a.address, b.address) ? 2 : 1
}

/** Equal, or the shorter is the tail of the longer ("to 3 khu 4" in "so 12 duong tran phu to 3 khu 4"). */
function sameAddress(a: string, b: string): boolean {
  if (a === b) return true
  const long = a.length > b.length ? a : b
  const short = a.length > b.length ? b : a
  return long.endsWith(short) && long.charCodeAt(long.length - short.length - 1) === 32
}

/** 1 the same relative, 8 another, 0 unknown on either side (counts for relativesLevel). */
function relative(x: RelativeKeys, xFold: number, xEnds: number, y: RelativeKeys, yFold: number, yEnds: number): number {
  if (xFold === 0 || yFold === 0) return 0
  if (x === y || (xFold === yFold && x.fold === y.fold)) return 1
  // A relative's middle name is dropped as often as anyone's.
  if ((xFold === yEnds && x.fold === y.ends) || (xEnds === yFold && x.ends === y.fold)) return 1
  return 8
}

function relativesLevel(a: Prepared, b: Prepared): number {
  const sum =
    relative(a.father, a.fatherFold, a.fatherEnds, b.father, b.fatherFold, b.fatherEnds) +
    relative(a.mother, a.motherFold, a.motherEnds, b.mother, b.motherFold, b.motherEnds) +
    relative(a.spouse, a.spouseFold, a.spouseEnds, b.spouse, b.spouseFold, b.spouseEnds) +
    relative(a.head, a.headFold, a.headEnds, b.head, b.headFold, b.headEnds)
  // Agreements counted in the low three bits, disagreements above them (at most four of each).
  const agree = sum & 7
  const disagree = sum >> 3
  if (agree === 0) return disagree === 0 ? UNKNOWN : 0
  if (disagree > 0) return 1
  return agree === 1 ? 2 : 3
}

/** One level index per field (in FIELDS order), -1 where either side is unknown (no evidence). */
export function compare(a: Prepared, b: Prepared, out: Int8Array): void {
  const unmarked = a.unmarked || b.unmarked
  out[0] = nameLevel(a.family, b.family, unmarked)
  out[1] = middleLevel(a, b, unmarked)
  out[2] = nameLevel(a.given, b.given, unmarked)
  out[3] = birthLevel(a, b)
  out[4] = idsLevel(a, b)
  const sa = a.sex || a.idSex
  const sb = b.sex || b.idSex
  out[5] = sa === 0 || sb === 0 ? UNKNOWN : sa === sb ? 1 : 0
  out[6] = residenceLevel(a, b)
  out[7] =
    a.householdHash === 0 || b.householdHash === 0 ? UNKNOWN : a.householdHash === b.householdHash && a.household === b.household ? 1 : 0
  out[8] = a.phoneNumber < 0 || b.phoneNumber < 0 ? UNKNOWN : a.phoneNumber === b.phoneNumber ? 1 : 0
  out[9] = relativesLevel(a, b)
}

/** A reason that forbids an automatic link, or undefined. */
export function hardConflict(a: Prepared, b: Prepared): 'id' | 'sex' | 'birth' | undefined {
  // No check digit: a one-digit slip or a swap of neighbours still looks valid, and is a typo.
  if (a.idHigh >= 0 && b.idHigh >= 0 && idLevel(a.idHigh, a.idLow, b.idHigh, b.idLow, 12) === 0) return 'id'
  // Each side's sex confirmed by its own ID's digit: a typing slip on the sex is then unlikely.
  if (a.sex !== 0 && b.sex !== 0 && a.sex !== b.sex && a.sex === a.idSex && b.sex === b.idSex) return 'sex'
  if (a.birthPrecision === 3 && b.birthPrecision === 3) {
    // YYYYMMDD + 20000 is the same day two years later.
    const early = Math.min(a.birthYmd, b.birthYmd)
    const late = Math.max(a.birthYmd, b.birthYmd)
    if (late > early + 20000 && digitsDiffer(early, late) !== 1) return 'birth'
  }
  return undefined
}
