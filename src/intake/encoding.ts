// Legacy Vietnamese encodings of citizen CSV files (TCVN3/ABC, VNI-Windows, Windows-1258, VIQR)
// decoded to NFC Unicode, encoded back (for synthetic legacy files), and guessed from a sample.
// Pure functions over byte-indexed tables: a 100 MB file must decode at table-lookup speed.

export type Encoding = 'utf-8' | 'tcvn3' | 'vni' | 'viqr' | 'cp1258'
export const ENCODINGS: readonly Encoding[] = ['utf-8', 'tcvn3', 'vni', 'viqr', 'cp1258']

// ---------------------------------------------------------------------------------------------
// Shared pieces

// Tone marks in the order every table below lists them: huyền, hỏi, ngã, sắc, nặng.
const TONES = '\u0300\u0309\u0303\u0301\u0323'
const withTone = (base: string, tone: number): string => (base + TONES.charAt(tone)).normalize('NFC')
const codeOf = (ch: string): number => ch.charCodeAt(0)

// Windows-1252 0x80–0x9F. TCVN3 and VNI fonts were ANSI fonts, so bytes outside their Vietnamese
// slots are what Windows wrote for that code page (curly quotes, dashes from Excel AutoCorrect).
// The five holes keep their C1 code point, so decoding never loses a byte.
const CP1252_80_9F = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
]

function cp1252Table(): Uint16Array {
  const t = new Uint16Array(256)
  for (let b = 0; b < 256; b++) t[b] = b
  CP1252_80_9F.forEach((c, i) => {
    t[0x80 + i] = c
  })
  return t
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
// ignoreBOM: a U+FEFF that happens to start a block is text, not a byte order mark.
const UTF16 = new TextDecoder('utf-16le', { ignoreBOM: true })
const BLOCK = 1 << 16
const SCRATCH = new Uint16Array(BLOCK + 1)

function unitsToString(units: Uint16Array, n: number): string {
  if (LITTLE_ENDIAN) return UTF16.decode(units.subarray(0, n))
  let s = ''
  for (let i = 0; i < n; i += 4096) s += String.fromCharCode(...units.subarray(i, Math.min(n, i + 4096)))
  return s
}

function unrepresentable(encoding: Encoding, text: string, index: number): Error {
  const cp = text.codePointAt(index) ?? 0
  const hex = cp.toString(16).toUpperCase().padStart(4, '0')
  return new Error(`${encoding} cannot represent "${String.fromCodePoint(cp)}" (U+${hex}) at index ${index}`)
}

/** Letters, for VIQR's word rules: ASCII, Latin-1/Extended and Vietnamese letters, combining marks. */
function isLetter(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) ||
    (c >= 0x300 && c <= 0x36f) ||
    (c >= 0x1e00 && c <= 0x1eff)
  )
}

// ---------------------------------------------------------------------------------------------
// TCVN3 (TCVN 5712:1993 VN3, the ABC ".Vn" fonts): one byte per lower-case letter. Capitals with
// tones have no code (an all-capitals "H" font drew the lower-case codes), so they decode lower case.

const TCVN3_TONED: readonly (readonly [string, readonly number[]])[] = [
  ['a', [0xb5, 0xb6, 0xb7, 0xb8, 0xb9]],
  ['ă', [0xbb, 0xbc, 0xbd, 0xbe, 0xc6]],
  ['â', [0xc7, 0xc8, 0xc9, 0xca, 0xcb]],
  ['e', [0xcc, 0xce, 0xcf, 0xd0, 0xd1]],
  ['ê', [0xd2, 0xd3, 0xd4, 0xd5, 0xd6]],
  ['i', [0xd7, 0xd8, 0xdc, 0xdd, 0xde]],
  ['o', [0xdf, 0xe1, 0xe2, 0xe3, 0xe4]],
  ['ô', [0xe5, 0xe6, 0xe7, 0xe8, 0xe9]],
  ['ơ', [0xea, 0xeb, 0xec, 0xed, 0xee]],
  ['u', [0xef, 0xf1, 0xf2, 0xf3, 0xf4]],
  ['ư', [0xf5, 0xf6, 0xf7, 0xf8, 0xf9]],
  ['y', [0xfa, 0xfb, 0xfc, 0xfd, 0xfe]],
]
// 0xA0..0xAE in order. 0xAD (ư) is the soft hyphen of Latin-1: tools that strip it eat the letter.
const TCVN3_A0_AE = '\u00a0ĂÂÊÔƠƯĐăâêôơưđ'

const TCVN3_DECODE = cp1252Table()
const TCVN3_ENCODE = new Map<number, number>()
{
  const assigned = new Set<number>()
  const assign = (ch: string, b: number) => {
    TCVN3_DECODE[b] = codeOf(ch)
    TCVN3_ENCODE.set(codeOf(ch), b)
    assigned.add(b)
  }
  for (let b = 0; b < 0x80; b++) TCVN3_ENCODE.set(b, b)
  for (let i = 0; i < TCVN3_A0_AE.length; i++) assign(TCVN3_A0_AE.charAt(i), 0xa0 + i)
  for (const [base, bytes] of TCVN3_TONED) {
    bytes.forEach((b, tone) => {
      const ch = withTone(base, tone)
      assign(ch, b)
      TCVN3_ENCODE.set(codeOf(ch.toUpperCase()), b)
    })
  }
  addCp1252Fallback(TCVN3_ENCODE, assigned)
}

/** Characters of the unassigned slots encode to their Windows-1252 byte, mirroring the decoder. */
function addCp1252Fallback(encode: Map<number, number>, taken: Set<number>): void {
  const cp1252 = cp1252Table()
  for (let b = 0x80; b < 0x100; b++) {
    const c = cp1252[b] as number
    if (!taken.has(b) && !encode.has(c)) encode.set(c, b)
  }
}

// ---------------------------------------------------------------------------------------------
// VNI-Windows: an ASCII base letter followed by a mark byte; ơ ư đ, the toned i and ỵ are single
// bytes. Capital mark bytes are the lower-case ones minus 0x20 (the Windows-1252 upper case of the
// same glyph slot, which is why Excel's UPPER() keeps VNI text intact).

const VNI_TONE = [
  [0xf8, 0xfb, 0xf5, 0xf9, 0xef], // lower: ø û õ ù ï
  [0xd8, 0xdb, 0xd5, 0xd9, 0xcf], // upper: Ø Û Õ Ù Ï
] as const
const VNI_CIRCUMFLEX = [
  [0xe2, 0xe0, 0xe5, 0xe3, 0xe1, 0xe4], // plain, then the five tones: â à å ã á ä
  [0xc2, 0xc0, 0xc5, 0xc3, 0xc1, 0xc4],
] as const
const VNI_BREVE = [
  [0xea, 0xe8, 0xfa, 0xfc, 0xe9, 0xeb], // ê è ú ü é ë
  [0xca, 0xc8, 0xda, 0xdc, 0xc9, 0xcb],
] as const
const VNI_SINGLE: readonly (readonly [string, number])[] = [
  ['đ', 0xf1],
  ['Đ', 0xd1],
  ['ơ', 0xf4],
  ['Ơ', 0xd4],
  ['ư', 0xf6],
  ['Ư', 0xd6],
  ['ỵ', 0xee], // ỵ is one byte (the dot sits under the descender), unlike the other y tones
  ['Ỵ', 0xce],
  ['ì', 0xec],
  ['ỉ', 0xe6],
  ['ĩ', 0xf3],
  ['í', 0xed],
  ['ị', 0xf2],
  ['Ì', 0xcc],
  ['Ỉ', 0xc6],
  ['Ĩ', 0xd3],
  ['Í', 0xcd],
  ['Ị', 0xd2],
]

const VNI_DECODE = cp1252Table()
const VNI_COMPOSE = new Uint16Array(0x10000) // (base byte << 8 | mark byte) → letter, 0 = none
const VNI_IS_BASE = new Uint8Array(256)
const VNI_ENCODE = new Map<number, number>() // one byte, or base | mark << 8
{
  const taken = new Set<number>()
  for (let b = 0; b < 0x80; b++) VNI_ENCODE.set(b, b)
  for (const [ch, b] of VNI_SINGLE) {
    VNI_DECODE[b] = codeOf(ch)
    VNI_ENCODE.set(codeOf(ch), b)
    taken.add(b)
  }
  const pair = (ch: string, base: number, mark: number) => {
    VNI_COMPOSE[(base << 8) | mark] = codeOf(ch)
    // A mark of the other case (hand-edited or re-cased text) still belongs to the letter.
    if (!VNI_COMPOSE[(base << 8) | (mark ^ 0x20)]) VNI_COMPOSE[(base << 8) | (mark ^ 0x20)] = codeOf(ch)
    VNI_ENCODE.set(codeOf(ch), base | (mark << 8))
    VNI_IS_BASE[base] = 1
    taken.add(mark)
    taken.add(mark ^ 0x20)
  }
  for (const upper of [0, 1] as const) {
    const cased = (s: string) => (upper ? s.toUpperCase() : s)
    for (const v of 'aeouy') {
      for (let t = 0; t < 5; t++) if (!(v === 'y' && t === 4)) pair(cased(withTone(v, t)), codeOf(cased(v)), VNI_TONE[upper][t] as number)
    }
    for (const v of 'ơư') {
      const base = VNI_ENCODE.get(codeOf(cased(v))) as number
      for (let t = 0; t < 5; t++) pair(cased(withTone(v, t)), base, VNI_TONE[upper][t] as number)
    }
    for (const v of 'aeo') {
      const shaped = `${v}\u0302`.normalize('NFC')
      pair(cased(shaped), codeOf(cased(v)), VNI_CIRCUMFLEX[upper][0])
      for (let t = 0; t < 5; t++) pair(cased(withTone(shaped, t)), codeOf(cased(v)), VNI_CIRCUMFLEX[upper][t + 1] as number)
    }
    pair(cased('ă'), codeOf(cased('a')), VNI_BREVE[upper][0])
    for (let t = 0; t < 5; t++) pair(cased(withTone('ă', t)), codeOf(cased('a')), VNI_BREVE[upper][t + 1] as number)
  }
  addCp1252Fallback(VNI_ENCODE, taken)
}

// ---------------------------------------------------------------------------------------------
// Windows-1258: Windows-1252 with Vietnamese letters swapped in and five combining tone marks;
// tones follow their letter (Unikey writes "a" + 0xEC even where "á" 0xE1 exists), so NFC rebuilds.

const CP1258_DECODE = cp1252Table()
for (const b of [0x8a, 0x8e, 0x9a, 0x9e]) CP1258_DECODE[b] = b
for (const [b, c] of [
  [0xc3, 0x102], // Ă
  [0xcc, 0x300], // combining grave
  [0xd0, 0x110], // Đ
  [0xd2, 0x309], // combining hook above
  [0xd5, 0x1a0], // Ơ
  [0xdd, 0x1af], // Ư
  [0xde, 0x303], // combining tilde
  [0xe3, 0x103], // ă
  [0xec, 0x301], // combining acute
  [0xf0, 0x111], // đ
  [0xf2, 0x323], // combining dot below
  [0xf5, 0x1a1], // ơ
  [0xfd, 0x1b0], // ư
  [0xfe, 0x20ab], // ₫
] as const) {
  CP1258_DECODE[b] = c
}
const CP1258_ENCODE = new Map<number, number>()
for (let b = 255; b >= 0; b--) CP1258_ENCODE.set(CP1258_DECODE[b] as number, b)

/** A letter without a byte of its own: its base byte plus a tone byte (as iconv writes it), or -1. */
function cp1258Split(c: number): number {
  const nfd = String.fromCharCode(c).normalize('NFD')
  for (let i = 1; i < nfd.length; i++) {
    const tone = CP1258_ENCODE.get(nfd.charCodeAt(i))
    if (tone === undefined || !TONES.includes(nfd.charAt(i))) continue
    const rest = (nfd.slice(0, i) + nfd.slice(i + 1)).normalize('NFC')
    const base = rest.length === 1 ? CP1258_ENCODE.get(codeOf(rest)) : undefined
    if (base !== undefined) return base | (tone << 8)
  }
  return -1
}
const CP1258_SPLIT = new Map<number, number>()

// ---------------------------------------------------------------------------------------------
// VIQR (RFC 1456): ASCII marks after the letter. Heuristics, because plain ASCII text is full of
// the same characters:
// - a mark applies only right after a letter it fits: ( ^ + after the vowels they shape, a tone
//   after a vowel (with its shape mark, if any, first);
// - one tone per word: "No^.i." is "Nội." — the full stop after a toned word is punctuation;
// - "dd"/"DD"/"Dd" is đ/Đ only at the start of a word (đ only begins syllables), so "address" stays;
// - tokens that look like e-mail addresses or URLs (an @, "://", "www.", or a final .vn/.com/...)
//   are left alone: "a.b@x.vn" must not become "ạb@x.vn". Numbers ("1.5") need nothing: not vowels;
// - "\" before a mark makes it literal ("Ha\." is "Ha."), and "d\d" is a literal "dd".
// Still ambiguous, as in the RFC: a toneless word ending in a vowel before "." or "?" ("Ha." is Hạ).

const VIQR_TONE_CHARS = "`?~'." // same order as TONES
const VIQR_MARKS = `(^+${VIQR_TONE_CHARS}` // shape marks are slots 0..2, tones 3..7
// One class table for the hot loop: delimiters (of tokens for the e-mail/URL rule, and safe cut
// points for streaming), marks, letters, and the characters that make a token look like an address.
const DELIM = 1
const MARK = 2
const LETTER = 4
const URL_HINT = 8
const VIQR_CLASS = new Uint8Array(128)
for (const ch of ' \t\n\r\v\f,;"<>') VIQR_CLASS[codeOf(ch)] = DELIM
const VIQR_SLOT = new Uint8Array(128)
for (let k = 0; k < VIQR_MARKS.length; k++) {
  VIQR_CLASS[codeOf(VIQR_MARKS.charAt(k))] = MARK
  VIQR_SLOT[codeOf(VIQR_MARKS.charAt(k))] = k
}
for (let c = 0x41; c <= 0x7a; c++) if (c <= 0x5a || c >= 0x61) VIQR_CLASS[c] = LETTER
for (const ch of '@:/') VIQR_CLASS[codeOf(ch)] = URL_HINT
const isDelim = (c: number) => (c < 128 ? VIQR_CLASS[c] === DELIM : c === 0xa0)
const URLISH = /@|:\/\/|^www\.|\.(?:vn|com|net|org|edu|gov|info|io|biz)(?:[/:?#]|$)/i

// letter * 8 + mark slot → the letter with that mark (0: the mark does not fit). All Vietnamese
// letters are below U+2000.
const VIQR_APPLY = new Uint16Array(0x2000 * 8)
const viqrApply = (letter: string, mark: string, result: string) => {
  VIQR_APPLY[codeOf(letter) * 8 + (VIQR_SLOT[codeOf(mark)] as number)] = codeOf(result)
}
const VIQR_VOWELS = new Set<number>()
const VIQR_ENCODE = new Map<number, string>([
  [codeOf('đ'), 'dd'],
  [codeOf('Đ'), 'DD'],
])
{
  const shapes: [string, string][] = [
    ['ă', 'a('],
    ['â', 'a^'],
    ['ê', 'e^'],
    ['ô', 'o^'],
    ['ơ', 'o+'],
    ['ư', 'u+'],
  ]
  for (const upper of [false, true]) {
    const cased = (s: string) => (upper ? s.toUpperCase() : s)
    for (const [shaped, seq] of shapes) {
      viqrApply(cased(seq.charAt(0)), seq.charAt(1), cased(shaped))
      VIQR_ENCODE.set(codeOf(cased(shaped)), cased(seq))
    }
    for (const v of 'aăâeêioôơuưy') {
      const base = cased(v)
      const seq = VIQR_ENCODE.get(codeOf(base)) ?? base
      VIQR_VOWELS.add(codeOf(base))
      for (let t = 0; t < 5; t++) {
        const ch = cased(withTone(v, t))
        viqrApply(base, VIQR_TONE_CHARS.charAt(t), ch)
        VIQR_ENCODE.set(codeOf(ch), seq + VIQR_TONE_CHARS.charAt(t))
        VIQR_VOWELS.add(codeOf(ch))
      }
    }
  }
}

/** End of the token starting at from, or its negation (-end - 1) when it is an e-mail address or URL. */
function scanToken(text: string, from: number): number {
  let j = from
  let hint = false
  let lastDot = -1
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c >= 128) {
      if (c === 0xa0) break
      continue
    }
    const k = VIQR_CLASS[c]
    if (k === DELIM) break
    if (k === URL_HINT) hint = true
    else if (c === 0x2e) lastDot = j
  }
  // The regex only for tokens that could match: most VIQR tokens hold a "." (dot below), few an address.
  if (!hint && lastDot >= 0) hint = (j - lastDot >= 3 && j - lastDot <= 5) || text.startsWith('www.', from) || text.startsWith('WWW.', from)
  return hint && URLISH.test(text.slice(from, j)) ? -j - 1 : j
}

/** VIQR marks → letters, without the final NFC (the streaming decoder normalises once, later). */
function viqrRaw(text: string): string {
  const len = text.length
  const out = len <= BLOCK ? SCRATCH : new Uint16Array(len)
  let n = 0
  let atToken = true // the previous character was a delimiter: a new token may start here
  let composable = false // the last output is a letter a following mark may still change
  let wordTone = false // the current word already carries a tone
  for (let i = 0; i < len; ) {
    const c = text.charCodeAt(i)
    const cls = c < 128 ? (VIQR_CLASS[c] as number) : c === 0xa0 ? DELIM : isLetter(c) ? LETTER : 0
    if (cls === DELIM) {
      out[n++] = c
      atToken = true
      composable = false
      wordTone = false
      i++
      continue
    }
    if (atToken) {
      atToken = false
      const end = scanToken(text, i)
      if (end < 0) {
        for (; i < -end - 1; i++) out[n++] = text.charCodeAt(i)
        composable = false
        continue
      }
    }
    if (cls === LETTER) {
      if ((c === 0x64 || c === 0x44) && (n === 0 || !isLetter(out[n - 1] as number))) {
        const next = text.charCodeAt(i + 1)
        if ((c === 0x64 && next === 0x64) || (c === 0x44 && (next === 0x44 || next === 0x64))) {
          out[n++] = c === 0x64 ? 0x111 : 0x110
          composable = false
          i += 2
          continue
        }
      }
      out[n++] = c
      composable = true
      i++
      continue
    }
    if (cls === MARK) {
      const prev = out[n - 1] as number
      if (composable && prev < 0x2000) {
        const slot = VIQR_SLOT[c] as number
        const marked = VIQR_APPLY[prev * 8 + slot] as number
        if (marked && slot < 3) {
          out[n - 1] = marked
          i++
          continue
        }
        if (marked && !wordTone) {
          out[n - 1] = marked
          wordTone = true
          composable = false
          i++
          continue
        }
      }
    } else if (c === 0x5c) {
      const next = text.charCodeAt(i + 1)
      const prev = i > 0 ? text.charCodeAt(i - 1) : 0
      const isD = (x: number) => x === 0x64 || x === 0x44
      if (VIQR_CLASS[next] === MARK || (isD(next) && isD(prev))) {
        out[n++] = next
        composable = false
        if (!isD(next)) wordTone = false
        i += 2
        continue
      }
    }
    // Anything else (digits, punctuation, an unused mark) ends the word.
    out[n++] = c
    composable = false
    wordTone = false
    i++
  }
  return unitsToString(out, n)
}

/** viqrRaw over blocks cut after delimiters, which the rules never look across: small scratch, fast loop. */
function viqrBlocks(text: string): string {
  let out = ''
  let from = 0
  while (text.length - from > BLOCK) {
    let cut = from + BLOCK
    while (cut > from && !isDelim(text.charCodeAt(cut - 1))) cut--
    if (cut === from) break
    out += viqrRaw(text.slice(from, cut))
    from = cut
  }
  return out + viqrRaw(from === 0 ? text : text.slice(from))
}

/** VIQR is applied per text value, not to a whole file (a CSV header "address" must not become "ađress"), so expose it on strings too. */
export function decodeViqr(text: string): string {
  return viqrBlocks(text).normalize('NFC')
}

function encodeViqr(text: string): Uint8Array {
  const src = text.normalize('NFC')
  let out = ''
  let prev = 0 // previous source character
  let prev2 = 0
  for (let i = 0; i < src.length; ) {
    const c = src.charCodeAt(i)
    if ((i === 0 || isDelim(prev)) && !isDelim(c)) {
      const end = -scanToken(src, i) - 1
      if (end >= 0) {
        for (let k = i; k < end; k++) if (src.charCodeAt(k) > 0x7f) throw unrepresentable('viqr', src, k)
        out += src.slice(i, end)
        prev2 = end - i > 1 ? src.charCodeAt(end - 2) : prev
        prev = src.charCodeAt(end - 1)
        i = end
        continue
      }
    }
    if (c < 0x80) {
      const isD = (x: number) => x === 0x64 || x === 0x44
      if (VIQR_CLASS[c] === MARK && VIQR_VOWELS.has(prev)) out += '\\'
      else if (c === 0x5c && VIQR_CLASS[src.charCodeAt(i + 1)] === MARK) out += '\\'
      else if (isD(c) && isD(prev) && !isLetter(prev2) && (prev === 0x44 || c === 0x64)) out += '\\'
      out += src.charAt(i)
    } else {
      const seq = VIQR_ENCODE.get(c)
      if (seq === undefined) throw unrepresentable('viqr', src, i)
      out += seq
    }
    prev2 = prev
    prev = c
    i++
  }
  // The heuristics cannot express everything (two tones in one word, "d\d" itself): check, and
  // refuse rather than write a file that reads back differently.
  const back = decodeViqr(out)
  if (back !== src) {
    let k = 0
    while (k < src.length && back.charCodeAt(k) === src.charCodeAt(k)) k++
    throw unrepresentable('viqr', src, Math.min(k, src.length - 1))
  }
  return new TextEncoder().encode(out)
}

// ---------------------------------------------------------------------------------------------
// Streaming

interface RawDecoder {
  write(chunk: Uint8Array): string
  end(): string
}

function tableDecoder(table: Uint16Array): RawDecoder {
  return {
    write(bytes) {
      let s = ''
      for (let start = 0; start < bytes.length; start += BLOCK) {
        const stop = Math.min(bytes.length, start + BLOCK)
        for (let i = start, j = 0; i < stop; i++, j++) SCRATCH[j] = table[bytes[i] as number] as number
        s += unitsToString(SCRATCH, stop - start)
      }
      return s
    },
    end: () => '',
  }
}

function vniDecoder(): RawDecoder {
  let held = -1 // a base letter byte waiting to see whether a mark byte follows
  return {
    write(bytes) {
      let s = ''
      let n = 0
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i] as number
        if (held >= 0) {
          const letter = VNI_COMPOSE[(held << 8) | b] as number
          const base = held
          held = -1
          if (letter) {
            SCRATCH[n++] = letter
            if (n >= BLOCK) {
              s += unitsToString(SCRATCH, n)
              n = 0
            }
            continue
          }
          SCRATCH[n++] = VNI_DECODE[base] as number
        }
        if (VNI_IS_BASE[b]) held = b
        else SCRATCH[n++] = VNI_DECODE[b] as number
        if (n >= BLOCK) {
          s += unitsToString(SCRATCH, n)
          n = 0
        }
      }
      return s + unitsToString(SCRATCH, n)
    },
    end() {
      const last = held >= 0 ? String.fromCharCode(VNI_DECODE[held] as number) : ''
      held = -1
      return last
    },
  }
}

function utf8Decoder(): RawDecoder {
  const d = new TextDecoder('utf-8')
  return { write: (bytes) => d.decode(bytes, { stream: true }), end: () => d.decode() }
}

/** Holds back the text after the last delimiter: VIQR rules never look across one. */
function viqrStage(inner: RawDecoder): RawDecoder {
  let pending = ''
  return {
    write(bytes) {
      const t = pending + inner.write(bytes)
      let cut = t.length
      while (cut > 0 && !isDelim(t.charCodeAt(cut - 1))) cut--
      pending = t.slice(cut)
      return cut > 0 ? viqrBlocks(t.slice(0, cut)) : ''
    },
    end() {
      const t = pending + inner.end()
      pending = ''
      return viqrBlocks(t)
    },
  }
}

const COMBINING_MARK = /^\p{M}$/u

/** Whether a character can compose with what precedes it (a mark, or a Hangul vowel/final jamo). */
function joinsBackward(cp: number): boolean {
  if (cp < 0x300) return false
  if (cp >= 0x1160 && cp <= 0x11ff) return true
  return COMBINING_MARK.test(String.fromCodePoint(cp))
}

/**
 * NFC per chunk, holding back the last character that a following mark could still combine
 * with (CP1258 "e" | 0xDE, NFD UTF-8 split between chunks), so chunks normalise like the whole.
 */
function nfcStage(inner: RawDecoder): { write(chunk: Uint8Array): string; end(): string } {
  let pending = ''
  return {
    write(bytes) {
      const t = pending + inner.write(bytes)
      let cut = t.length - 1
      for (; cut > 0; cut--) {
        const c = t.charCodeAt(cut)
        if (c >= 0xdc00 && c <= 0xdfff) continue // judge a surrogate pair by its first half
        if (!joinsBackward(t.codePointAt(cut) ?? 0)) break
      }
      if (cut <= 0) {
        pending = t
        return ''
      }
      pending = t.slice(cut)
      return t.slice(0, cut).normalize('NFC')
    },
    end() {
      const t = (pending + inner.end()).normalize('NFC')
      pending = ''
      return t
    },
  }
}

/** Streaming decoder: feed chunks of bytes of any size; output is identical to decode() of the concatenation.
 * Must hold back bytes/characters that may combine with the next chunk (UTF-8 partial sequences; VNI and CP1258 mark bytes following a base letter; VIQR marks following a letter). */
export function createDecoder(encoding: Encoding): { write(chunk: Uint8Array): string; end(): string } {
  switch (encoding) {
    case 'utf-8':
      return nfcStage(utf8Decoder())
    case 'tcvn3':
      return nfcStage(tableDecoder(TCVN3_DECODE))
    case 'vni':
      return nfcStage(vniDecoder())
    case 'cp1258':
      return nfcStage(tableDecoder(CP1258_DECODE))
    case 'viqr':
      // Bytes beyond ASCII are not VIQR; read them as UTF-8 rather than invent a code page.
      return nfcStage(viqrStage(utf8Decoder()))
    default:
      throw new Error(`unknown encoding: ${String(encoding)}`)
  }
}

/** Whole buffer → NFC Unicode string. For 'viqr' the input is ASCII bytes and the VIQR marks are interpreted. */
export function decode(bytes: Uint8Array, encoding: Encoding): string {
  const d = createDecoder(encoding)
  return d.write(bytes) + d.end()
}

/** Unicode → bytes in the encoding (for a synthetic data generator that must produce legacy files, and for tests). Characters the encoding cannot represent: throw an Error naming the character. For tcvn3, capitals that have no code are written as their lower-case code (that is what TCVN3 files really contain: case is carried by fonts).
 * 'utf-8' writes the text as given (no BOM, no normalisation), so NFD files can be made too. */
export function encode(text: string, encoding: Encoding): Uint8Array {
  switch (encoding) {
    case 'utf-8':
      return new TextEncoder().encode(text)
    case 'viqr':
      return encodeViqr(text)
    case 'tcvn3':
      return encodeWith(text, encoding, (c) => TCVN3_ENCODE.get(c))
    case 'vni':
      return encodeWith(text, encoding, (c) => VNI_ENCODE.get(c))
    case 'cp1258':
      return encodeWith(text, encoding, (c) => {
        const direct = CP1258_ENCODE.get(c)
        if (direct !== undefined) return direct
        let split = CP1258_SPLIT.get(c)
        if (split === undefined) {
          split = cp1258Split(c)
          CP1258_SPLIT.set(c, split)
        }
        return split < 0 ? undefined : split
      })
    default:
      throw new Error(`unknown encoding: ${String(encoding)}`)
  }
}

/** Encodes NFC text through a lookup giving one byte, or two as first | second << 8. */
function encodeWith(text: string, encoding: Encoding, lookup: (c: number) => number | undefined): Uint8Array {
  const s = text.normalize('NFC')
  const out = new Uint8Array(s.length * 2)
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const v = lookup(s.charCodeAt(i))
    if (v === undefined) throw unrepresentable(encoding, s, i)
    out[n++] = v & 0xff
    if (v > 0xff) out[n++] = v >> 8
  }
  return out.slice(0, n)
}

// ---------------------------------------------------------------------------------------------
// Detection

const ONSET = '(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?'
const NUCLEUS =
  '(?:iêu|yêu|oai|oao|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|[aăâeêioôơuưy])'
const CODA = '(?:ch|ng|nh|[cmnptk])?'
const SYLLABLE = new RegExp(`^${ONSET}${NUCLEUS}${CODA}$`)
const WORD = /[\p{L}\p{M}]+/gu
const NON_ASCII = /[^\t\n\r -~]/

/** Whether a word is a well-formed Vietnamese syllable: onset, vowel cluster, coda, one tone at most. */
function isSyllable(word: string): boolean {
  let tones = 0
  let bare = ''
  for (const ch of word.toLowerCase().normalize('NFD')) {
    if (TONES.includes(ch)) tones++
    else bare += ch
  }
  return tones <= 1 && SYLLABLE.test(bare.normalize('NFC'))
}

/** Accented words in the text and how many of them are Vietnamese syllables. */
function syllableScore(text: string): { words: number; valid: number } {
  let words = 0
  let valid = 0
  for (const m of text.matchAll(WORD)) {
    if (!NON_ASCII.test(m[0])) continue
    words++
    if (isSyllable(m[0])) valid++
  }
  return { words, valid }
}

/** Well-formed UTF-8 sequences and stray bytes; a sequence cut off by the end of the sample is not stray. */
function utf8Check(b: Uint8Array): { multibyte: number; stray: number } {
  let multibyte = 0
  let stray = 0
  const n = b.length
  for (let i = 0; i < n; ) {
    const c = b[i] as number
    if (c < 0x80) {
      i++
      continue
    }
    let need = 0
    let lo = 0x80
    let hi = 0xbf
    if (c >= 0xc2 && c <= 0xdf) need = 1
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2
      if (c === 0xe0) lo = 0xa0
      if (c === 0xed) hi = 0x9f
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3
      if (c === 0xf0) lo = 0x90
      if (c === 0xf4) hi = 0x8f
    }
    let k = 1
    for (; k <= need && i + k < n; k++) {
      const d = b[i + k] as number
      if (d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) break
    }
    if (need > 0 && k > need) multibyte++
    else if (need === 0 || i + k < n) {
      stray++
      i++
      continue
    }
    i += k
  }
  return { multibyte, stray }
}

const VIQR_STRONG = /[aeoAEO]\^|[aA]\(|[ouOU]\+|[aeiouyAEIOUY][`~]|^(?:dd|DD|Dd)[aeiouyAEIOUY]/
const VIQR_WEAK = /[aeiouyAEIOUY]['?.](?:[A-Za-z]|$)/

const round2 = (x: number) => Math.round(Math.max(0, Math.min(1, x)) * 100) / 100

/**
 * Guess a file's encoding from a sample of its first bytes (e.g. 64 KiB). Returns the encoding and a confidence 0..1 and a short reason.
 * In order: a UTF-8 BOM; 'binary' when over 2% of bytes are NUL or controls other than tab/CR/LF/FF/^Z;
 * UTF-8 (NFC or NFD) when the non-ASCII bytes form valid sequences; pure ASCII is VIQR when words carry
 * VIQR marks (^ ( + after their vowels, ` ~ after a vowel, dd starting a word; ' ? . count only as
 * support), else UTF-8 at low confidence; otherwise each 8-bit table (TCVN3, VNI, CP1258) decodes the
 * sample and the one whose accented words are most often well-formed Vietnamese syllables wins.
 */
export function detectEncoding(sample: Uint8Array): { encoding: Encoding; confidence: number; reason: string } {
  const n = sample.length
  if (n === 0) return { encoding: 'utf-8', confidence: 0.1, reason: 'empty sample' }
  if (n >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: 'utf-8', confidence: 1, reason: 'UTF-8 byte order mark' }
  }
  let odd = 0
  let high = 0
  for (let i = 0; i < n; i++) {
    const b = sample[i] as number
    if (b >= 0x80) high++
    // Text has tab, LF, CR, form feed and a DOS end-of-file ^Z; other controls mean binary.
    else if ((b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 26) || b === 0x7f) odd++
  }
  if (odd * 50 > n) return { encoding: 'utf-8', confidence: 0, reason: 'binary' }

  const { multibyte, stray } = utf8Check(sample)
  if (multibyte > 0 && stray === 0) {
    return { encoding: 'utf-8', confidence: multibyte >= 3 ? 0.99 : 0.85, reason: `valid UTF-8, ${multibyte} multi-byte sequences` }
  }
  // Legacy bytes almost never form UTF-8 sequences; a UTF-8 file with a few damaged bytes does.
  if (multibyte >= 10 && stray * 20 <= multibyte) {
    return { encoding: 'utf-8', confidence: 0.7, reason: `UTF-8 with ${stray} invalid bytes among ${multibyte} multi-byte sequences` }
  }

  if (high === 0) {
    let words = 0
    let strong = 0
    let weak = 0
    for (const token of new TextDecoder().decode(sample).split(/[\s,;"<>]+/)) {
      if (!/[A-Za-z]/.test(token) || URLISH.test(token)) continue
      words++
      if (VIQR_STRONG.test(token)) strong++
      else if (VIQR_WEAK.test(token)) weak++
    }
    if (strong >= 2 || (strong === 1 && (weak >= 1 || words <= 3))) {
      const sparse = (strong + weak) * 20 < words // marks in under 5% of words: maybe just odd ASCII
      const confidence = Math.min(0.97, 0.5 + 0.1 * strong + 0.02 * weak) * (sparse ? 0.7 : 1)
      return { encoding: 'viqr', confidence: round2(confidence), reason: `ASCII with VIQR marks in ${strong + weak} of ${words} words` }
    }
    return { encoding: 'utf-8', confidence: 0.3, reason: 'ASCII only, no Vietnamese marks' }
  }

  // 8-bit legacy: decode with each table and see which yields real Vietnamese syllables.
  const ranked = (['cp1258', 'vni', 'tcvn3'] as const)
    .map((encoding) => {
      const { words, valid } = syllableScore(decode(sample, encoding))
      return { encoding, words, valid, ratio: words ? valid / words : 0 }
    })
    .sort((a, b) => b.ratio - a.ratio || b.valid - a.valid)
  const [best, second] = ranked as [(typeof ranked)[number], (typeof ranked)[number]]
  if (best.valid === 0) {
    return { encoding: 'cp1258', confidence: 0.2, reason: 'not UTF-8, and no table gives Vietnamese words' }
  }
  const margin = best.ratio - second.ratio
  const confidence = Math.min(0.99, best.ratio * (0.5 + margin)) * Math.min(1, 0.6 + best.valid / 50)
  const pct = (r: number) => `${Math.round(r * 100)}%`
  return {
    encoding: best.encoding,
    confidence: round2(confidence),
    reason: `${pct(best.ratio)} of ${best.words} accented words read as Vietnamese (next: ${second.encoding} ${pct(second.ratio)})`,
  }
}
