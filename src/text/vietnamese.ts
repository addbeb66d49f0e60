// Vietnamese text: normal forms and search keys. Pure functions, used by every module that
// compares names (geo, intake, register, dedup); what was typed is always kept beside them.

const TONE_MARKS = new Map<string, number>([
  ['\u0300', 2], // huyền (grave)
  ['\u0301', 1], // sắc (acute)
  ['\u0309', 3], // hỏi (hook above)
  ['\u0303', 4], // ngã (tilde)
  ['\u0323', 5], // nặng (dot below)
])
const TONE_BY_DIGIT = ['', '\u0301', '\u0300', '\u0309', '\u0303', '\u0323']
const VOWELS = new Set('aăâeêioôơuưy')
const SHAPED_VOWELS = new Set('ăâêôơư')
const COMBINING = /[\u0300-\u036f]/g
const IS_COMBINING = /^[\u0300-\u036f]$/
const WORD_SPLIT = /(\s+|[-‐–—/.,;:()'"]+)/u

/** Unicode NFC, the one form we store; NFD input (macOS, some IMEs) becomes NFC. */
export function nfc(text: string): string {
  return text.normalize('NFC')
}

/** Trim, and collapse every run of whitespace (including no-break and zero-width) to one space. */
// Most values need nothing done: a cheap test spares them the replacements.
const NEEDS_COLLAPSE = /^\s|\s$|\s\s|[\t\n\r\v\f\u00a0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u3000\ufeff]/

export function collapseSpaces(text: string): string {
  if (!NEEDS_COLLAPSE.test(text)) return text
  return text
    .replace(/[\u200b-\u200d\ufeff]/g, '')
    .replace(/\s+/gu, ' ')
    .trim()
}

interface Letter {
  base: string // letter with its shape marks (ă â ê ô ơ ư), NFC, tone removed
  tone: number // 0 = none (ngang), 1..5 as in TONE_BY_DIGIT
}

function letters(word: string): Letter[] {
  const out: Letter[] = []
  for (const ch of word.normalize('NFD')) {
    const tone = TONE_MARKS.get(ch)
    const last = out[out.length - 1]
    if (tone !== undefined && last) {
      if (last.tone === 0) last.tone = tone
    } else if (IS_COMBINING.test(ch) && last) {
      last.base = (last.base + ch).normalize('NFC')
    } else {
      out.push({ base: ch, tone: 0 })
    }
  }
  return out
}

const isVowel = (l: Letter | undefined) => l !== undefined && VOWELS.has(l.base.toLowerCase())

/**
 * Index of the letter that carries the tone mark in the traditional ("old") placement —
 * hòa, thúy, khỏe — which is the one most official documents use. -1 when the word has no
 * vowel (then it is not a Vietnamese syllable and is left alone).
 */
function tonePosition(ls: Letter[]): number {
  let start = ls.findIndex((l) => isVowel(l))
  if (start < 0) return -1
  let end = start
  while (isVowel(ls[end + 1])) end++
  const lower = (i: number) => ls[i]?.base.toLowerCase() ?? ''
  // "qu" and "gi" before another vowel: the u / i belongs to the consonant.
  if (end > start && ((lower(start) === 'u' && lower(start - 1) === 'q') || (lower(start) === 'i' && lower(start - 1) === 'g'))) {
    start++
  }
  let shaped = -1
  for (let i = start; i <= end; i++) {
    if (lower(i) === 'ơ') return i
    if (SHAPED_VOWELS.has(lower(i))) shaped = i
  }
  if (shaped >= 0) return shaped
  const closed = end + 1 < ls.length
  const size = end - start + 1
  if (closed) return end
  if (size === 3) return start + 1
  return start
}

function rebuild(ls: Letter[], tone: number, at: number): string {
  let out = ''
  ls.forEach((l, i) => {
    out += i === at && tone > 0 ? (l.base + TONE_BY_DIGIT[tone]).normalize('NFC') : l.base
  })
  return out
}

function mapWords(text: string, fn: (word: string) => string): string {
  return text
    .split(WORD_SPLIT)
    .map((part, i) => (i % 2 === 0 && part ? fn(part) : part))
    .join('')
}

// Only syllables with two vowels side by side can carry their tone in more than one place.
const TWO_VOWELS = /[aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]{2}/i

/** One canonical tone placement per syllable ("hoà" → "hòa", "thuý" → "thúy", "khoẻ" → "khỏe"). */
export function canonicalTone(text: string): string {
  const composed = nfc(text)
  if (!TWO_VOWELS.test(composed)) return composed
  return mapWords(composed, (word) => {
    if (!TWO_VOWELS.test(word)) return word
    const ls = letters(word)
    const tone = ls.reduce((t, l) => t || l.tone, 0)
    if (tone === 0) return word.normalize('NFC')
    const at = tonePosition(ls)
    if (at < 0) return word.normalize('NFC')
    return rebuild(
      ls.map((l) => ({ base: l.base, tone: 0 })),
      tone,
      at,
    )
  })
}

/**
 * Tone key of a word: lower case, vowel shapes kept, tone moved to a trailing digit
 * ("Hoà" and "hòa" → "hoa2"). Two spellings that differ only in tone placement share it.
 */
export function toneKey(word: string): string {
  const ls = letters(word.toLowerCase())
  const tone = ls.reduce((t, l) => t || l.tone, 0)
  return ls.map((l) => l.base).join('') + (tone ? String(tone) : '')
}

/** Lower case ASCII without any mark (đ → d), punctuation to spaces: the diacritic-blind key. */
export function foldKey(text: string): string {
  return collapseSpaces(
    text
      .normalize('NFD')
      .replace(COMBINING, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' '),
  )
}

/** Lower case, NFC, canonical tone placement, single spaces: the spelling-exact key. */
export function exactKey(text: string): string {
  return collapseSpaces(canonicalTone(text).toLocaleLowerCase('vi'))
}

/** Name case: "NGUYỄN  VĂN an" → "Nguyễn Văn An". */
export function nameCase(text: string): string {
  // Vietnamese has no locale-specific case rules (no Turkish i), so the plain, fast mappings do.
  const lower = collapseSpaces(nfc(text)).toLowerCase()
  let out = ''
  let start = true
  for (const ch of lower) {
    out += start ? ch.toUpperCase() : ch
    start = ch === ' ' || ch === '-' || ch === '‐' || ch === "'"
  }
  return out
}

// Windows-1252's characters at 0x80–0x9F, the ones a UTF-8 file read as "ANSI" turns into.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ'
const CP1252_BYTE = new Map<string, number>([...CP1252_HIGH].map((ch, i) => [ch, 0x80 + i]))
const MOJIBAKE = /[ÃÄÆáâ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Undoes the commonest mojibake: UTF-8 text that was read as Windows-1252 and saved again
 * ("Nguyá»…n" → "Nguyễn"). Returns undefined when the text shows no such damage or does not
 * decode cleanly, so nothing is "repaired" on a guess.
 */
export function repairMojibake(text: string): string | undefined {
  if (!MOJIBAKE.test(text)) return undefined
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const byte = code < 0x100 ? code : CP1252_BYTE.get(text[i] as string)
    if (byte === undefined) return undefined
    bytes[i] = byte
  }
  try {
    return UTF8.decode(bytes).normalize('NFC')
  } catch {
    return undefined
  }
}
