// Free-text addresses → administrative units, with a confidence (pure; the caller fetches the
// units whose names appear in the text). People keep writing pre-2025 addresses after the
// reform, so both eras are candidates and the text decides: a district means the old era.
import { collapseSpaces, exactKey, foldKey, nfc } from '../text/vietnamese.ts'
import type { Era } from './eras.ts'
import type { Level } from './gazetteer.ts'

export interface AddressPart {
  text: string
  level: Level | undefined
  /** The type the text says ("Phường"), when it says one. */
  type: string | undefined
  name: string
  fold: string
  exact: string
}

interface Prefix {
  pattern: RegExp
  level: Level
  type: string | undefined
}

// Matched on the folded text; abbreviations need their dot or a space after them.
const PREFIXES: Prefix[] = [
  { pattern: /^(thanh pho|tp)\b\.?\s*/, level: 'district', type: 'Thành phố' },
  { pattern: /^(thi xa|tx)\b\.?\s*/, level: 'district', type: 'Thị xã' },
  { pattern: /^(thi tran|tt)\b\.?\s*/, level: 'commune', type: 'Thị trấn' },
  { pattern: /^(dac khu|dk)\b\.?\s*/, level: 'commune', type: 'Đặc khu' },
  { pattern: /^(phuong|p)\b\.?\s*/, level: 'commune', type: 'Phường' },
  { pattern: /^(xa|x)\b\.?\s*/, level: 'commune', type: 'Xã' },
  { pattern: /^(huyen|h)\b\.?\s*/, level: 'district', type: 'Huyện' },
  { pattern: /^(quan|q)\b\.?\s*/, level: 'district', type: 'Quận' },
  { pattern: /^(tinh|t)\b\.?\s*/, level: 'province', type: 'Tỉnh' },
]

// Where the text has no commas, split before these words (never before a bare "xa": "Điền Xá").
const SPLIT_WORDS = /\s+(?=(?:phường|p\.|xã|x\.|thị trấn|tt\.?\s|thị xã|tx\.?\s|thành phố|tp\.?\s|huyện|h\.|tỉnh|đặc khu)\s*)/iu

/** Splits an address into its parts, most specific first as people write them. */
export function parseAddress(text: string): AddressPart[] {
  const clean = collapseSpaces(nfc(text).replace(/\.(?=\p{L})/gu, '. '))
  let segments = clean.split(/\s*[,;]\s*|\s+-\s+/).filter(Boolean)
  if (segments.length === 1) segments = clean.split(SPLIT_WORDS).filter(Boolean)
  return segments.map((segment) => {
    const fold = foldKey(segment)
    for (const p of PREFIXES) {
      const m = p.pattern.exec(fold)
      if (m && m[0].length < fold.length) {
        const name = dropWords(segment, m[0])
        return { text: segment, level: p.level, type: p.type, name, fold: foldKey(name), exact: exactKey(name) }
      }
    }
    return { text: segment, level: undefined, type: undefined, name: segment, fold, exact: exactKey(segment) }
  })
}

/** Drops from the typed text as many leading words and dots as the folded prefix had. */
function dropWords(segment: string, foldedPrefix: string): string {
  const words = foldedPrefix.trim().split(/\s+/).length
  return segment
    .split(/\s+/)
    .slice(words)
    .join(' ')
    .replace(/^\.\s*/, '')
    .trim()
}

export interface CandidateUnit {
  code: string
  province_code: string
  name: string
  type: string
  level: Level
  era: Era
  valid_from: string
  valid_to: string
  parent_code: string | null
  short_name: string
  short_fold_key: string
}

export interface AddressCandidate {
  code: string
  name: string
  level: Level
  era: Era
  valid_from: string
  valid_to: string
  parent_code: string | null
  confidence: number
}

export interface Resolution {
  candidates: AddressCandidate[]
  /** True when the best candidate does not clearly beat the next one. */
  ambiguous: boolean
  /** Parts of the text that named no unit (house number, street, hamlet). */
  detail: string
}

/**
 * Scores units named in the text. `on` (a date) favours the units valid that day without
 * excluding the others: an old address on a new form is still an address. An address in
 * another province than `home` resolves to that province (its communes are not held here).
 */
export function resolveAddress(text: string, units: CandidateUnit[], on?: string, home = '22'): Resolution {
  const parts = parseAddress(text)
  const byFold = new Map<string, CandidateUnit[]>()
  for (const u of units) byFold.set(u.short_fold_key, [...(byFold.get(u.short_fold_key) ?? []), u])

  const used = new Set<AddressPart>()
  const districtParts = parts.filter(
    (p) =>
      (p.level === 'district' || (p.level === undefined && hasLevel(byFold.get(p.fold), 'district'))) &&
      hasLevel(byFold.get(p.fold), 'district'),
  )
  const districts = districtParts.flatMap((p) => (byFold.get(p.fold) ?? []).filter((u) => u.level === 'district'))
  const provinceParts = parts.filter((p) => p.level !== 'commune' && hasLevel(byFold.get(p.fold), 'province'))
  const provinces = provinceParts.flatMap((p) => (byFold.get(p.fold) ?? []).filter((u) => u.level === 'province'))
  for (const p of provinceParts) used.add(p)
  if (provinces.length > 0 && !provinces.some((u) => u.code === home)) {
    const named = best(provinces.map((u) => candidate(u, 0.8 + (on && validOn(u, on) ? 0.1 : 0))))
    const [first, second] = named
    return {
      candidates: named,
      ambiguous: second !== undefined && first !== undefined && first.confidence - second.confidence < 0.2,
      detail: clean(parts, used),
    }
  }

  const scored: AddressCandidate[] = []
  for (const part of parts) {
    if (part.level === 'district' || part.level === 'province' || provinceParts.includes(part)) continue
    const matches = (byFold.get(part.fold) ?? []).filter((u) => u.level === 'commune')
    if (matches.length === 0) continue
    used.add(part)
    for (const u of matches) {
      let score = 0.55
      if (exactKey(u.short_name) === part.exact) score += 0.15
      if (part.type) score += part.type === u.type ? 0.1 : -0.15
      if (districts.length > 0) {
        score += districts.some((d) => d.code === u.parent_code) ? 0.25 : u.era === 2025 ? -0.3 : -0.4
      }
      if (on) score += validOn(u, on) ? 0.1 : -0.1
      scored.push(candidate(u, score))
    }
  }
  for (const p of districtParts) used.add(p)
  // Only a district named: it is the best we can say.
  if (scored.length === 0) {
    for (const d of districts) scored.push(candidate(d, 0.6 + (on && validOn(d, on) ? 0.1 : 0)))
  }
  const candidates = best(scored)
  const [first, second] = candidates
  const ambiguous = first !== undefined && second !== undefined && first.confidence - second.confidence < 0.2
  return { candidates, ambiguous, detail: clean(parts, used) }
}

function hasLevel(units: CandidateUnit[] | undefined, level: Level): boolean {
  return units?.some((u) => u.level === level) ?? false
}

function validOn(u: CandidateUnit, on: string): boolean {
  return u.valid_from <= on && on < u.valid_to
}

function candidate(u: CandidateUnit, score: number): AddressCandidate {
  return {
    code: u.code,
    name: u.name,
    level: u.level,
    era: u.era,
    valid_from: u.valid_from,
    valid_to: u.valid_to,
    parent_code: u.parent_code,
    confidence: Math.round(Math.max(0.05, Math.min(0.99, score)) * 100) / 100,
  }
}

/** One entry per unit version, best first. */
function best(scored: AddressCandidate[]): AddressCandidate[] {
  const seen = new Map<string, AddressCandidate>()
  for (const c of scored) {
    const key = `${c.code}@${c.valid_from}`
    const prev = seen.get(key)
    if (!prev || prev.confidence < c.confidence) seen.set(key, c)
  }
  return [...seen.values()].sort(
    (a, b) => b.confidence - a.confidence || a.code.localeCompare(b.code) || a.valid_from.localeCompare(b.valid_from),
  )
}

function clean(parts: AddressPart[], used: Set<AddressPart>): string {
  return parts
    .filter((p) => !used.has(p))
    .map((p) => p.text)
    .join(', ')
}

/** Fold keys worth looking up for this text: the caller fetches the units with these names. */
export function addressKeys(text: string): string[] {
  return [...new Set(parseAddress(text).map((p) => p.fold))].filter(Boolean)
}

const HAMLET = /^(thôn|khu phố|khu|bản|xóm|ấp|làng|tổ dân phố|tổ)\s+\S/iu

/**
 * The hamlet an address names: the last "thôn / khu / bản / xóm / ấp / làng" part, else a "tổ"
 * part, as typed (trimmed). A street address ("Số 12, đường X, tổ 3, khu 5") names its khu.
 */
export function hamletOf(address: string | null): string | null {
  if (!address) return null
  const parts = address
    .split(',')
    .map((p) => collapse(p))
    .filter((p) => HAMLET.test(p))
  // Not `\b`: JavaScript's word boundary knows ASCII letters only, and "ổ" is none.
  const main = parts.filter((p) => !/^tổ(?=\s|$)/iu.test(p))
  const pick = main.at(-1) ?? parts.at(-1)
  return pick ? pick.charAt(0).toLocaleUpperCase('vi') + pick.slice(1) : null
}

const collapse = (text: string) => text.trim().replace(/\s+/g, ' ')
