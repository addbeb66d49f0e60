import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { createDecoder, decode, decodeViqr, detectEncoding, ENCODINGS, type Encoding, encode } from './encoding.ts'

const NAMES = [
  'Nguyễn Văn Đức',
  'Trần Thị Thủy',
  'Hoàng Thị Hường',
  'Lê Quang Vũ',
  'Phạm Ngọc Ánh',
  'Đặng Hữu Nghĩa',
  'Bùi Thị Mỵ',
  'Đỗ Minh Khôi',
  'Hồ Xuân Hương',
  'Ngô Thừa Ân',
  'Dương Văn Lượng',
  'Vũ Thị Ngọc Bích',
  'Võ Nguyên Giáp',
  'Huỳnh Tấn Phát',
  'Lý Thường Kiệt',
  'Trịnh Công Sơn',
  'Lương Thế Vinh',
  'Đinh Tiên Hoàng',
  'Quách Thị Yến',
  'Tạ Quang Bửu',
  'Triệu Thị Trinh',
  'Phùng Khắc Khoan',
  'Ông Ích Khiêm',
  'Ưng Hoàng Phúc',
  'Ân Thị Ỷ',
  'Âu Thị Ỵ',
  'Y Ngông Niê Kdăm',
  'Lò Văn Ẩn',
  'Ừng Thị Ửng',
  'NGUYỄN THỊ ỐC',
  'ĐẶNG VĂN ĐẠT',
]
const ADDRESSES = [
  'Tổ 5, Phường Hà Tu, TP. Hạ Long, Quảng Ninh',
  'Thôn Đồng Mỏ, Xã Đồng Tâm, Huyện Mỹ Đức, Hà Nội',
  'Số 12, ngõ 34, phố Nguyễn Trãi, Thanh Xuân, Hà Nội',
  'Ấp Bình Hòa, Xã Tân Phú, Huyện Định Quán, Đồng Nai',
  'Bản Nà Hừ, Xã Sán Dìu, Huyện Đầm Hà',
  'Khu phố 3, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
  "Thôn 7, Xã Ea Tar, Huyện Cư M'gar, Đắk Lắk",
  'Xóm Trại, Xã Nghĩa Hưng, Nam Định',
  'Khối 7, Thị trấn Quỳ Hợp, Nghệ An',
  'Đường Lê Lợi, Phường Ô Chợ Dừa, Quận Đống Đa',
  'Bản Sủng Là, Xã Sủng Là, Huyện Đồng Văn, Hà Giang',
  'Thôn Ỷ La, Xã Ỷ La, Tuyên Quang',
  'Làng Ữ, Xã Hưng Đạo, Huyện Tứ Kỳ',
]
const CORPUS = [...NAMES, ...ADDRESSES]
// Windows-1252 punctuation Excel writes (AutoCorrect quotes, dashes), kept by the 8-bit tables.
const PUNCTUATION = 'Ghi chú: “Hộ khẩu” – số 5…'

/** What a TCVN3 file can hold: capitals with marks other than Ă Â Ê Ô Ơ Ư Đ become lower case. */
const tcvn3Case = (s: string) => s.normalize('NFC').replace(/[^\x20-\x7e]/gu, (ch) => ('ĂÂÊÔƠƯĐ'.includes(ch) ? ch : ch.toLowerCase()))

const bytes = (...xs: number[]) => Uint8Array.from(xs)
const ascii = (s: string) => new TextEncoder().encode(s)
const iconv = (text: string, to: string) => new Uint8Array(execFileSync('iconv', ['-f', 'UTF-8', '-t', to], { input: text }))
const iconvFrom = (b: Uint8Array, from: string) =>
  execFileSync('iconv', ['-f', from, '-t', 'UTF-8'], { input: b, stdio: ['pipe', 'pipe', 'ignore'] }).toString('utf8')

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Every letter of the alphabet, upper and lower case, one per word (VIQR allows one tone per word). */
function alphabet(): string {
  const letters: string[] = []
  for (const v of 'aăâeêioôơuưy') {
    letters.push(v)
    for (const tone of '\u0300\u0309\u0303\u0301\u0323') letters.push((v + tone).normalize('NFC'))
  }
  letters.push('đ', ...'bcdghklmnpqrstvx')
  return [...letters, ...letters.map((l) => l.toUpperCase())].join(' ')
}

function csv(rows: number, seed = 1): string {
  const rnd = random(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
  const lines = ['form_no,full_name,birth_date,sex,address']
  for (let i = 1; i <= rows; i++) {
    const born = `${1940 + Math.floor(rnd() * 70)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`
    lines.push(`${String(i).padStart(6, '0')},${pick(NAMES)},${born},${pick(['Nam', 'Nữ'])},"${pick(ADDRESSES)}"`)
  }
  return `${lines.join('\r\n')}\r\n`
}

function decodeInChunks(encoding: Encoding, data: Uint8Array, sizes: number[]): string {
  const d = createDecoder(encoding)
  let out = ''
  let at = 0
  for (const size of sizes) {
    out += d.write(data.subarray(at, at + size))
    at += size
  }
  return out + d.write(data.subarray(at)) + d.end()
}

test('ENCODINGS lists the five encodings', () => {
  assert.deepEqual([...ENCODINGS].sort(), ['cp1258', 'tcvn3', 'utf-8', 'viqr', 'vni'])
})

test('TCVN3 decodes hand-checked bytes from the ABC table', () => {
  // "NguyÔn V¨n §øc" as the bytes show in Windows-1252
  assert.equal(decode(bytes(0x4e, 0x67, 0x75, 0x79, 0xd4, 0x6e, 0x20, 0x56, 0xa8, 0x6e, 0x20, 0xa7, 0xf8, 0x63), 'tcvn3'), 'Nguyễn Văn Đức')
  // ư is 0xAD, the soft hyphen of Latin-1; ờ 0xEA, à 0xB5
  assert.equal(decode(bytes(0x50, 0x68, 0xad, 0xea, 0x6e, 0x67, 0x20, 0x48, 0xb5, 0x20, 0x54, 0x75), 'tcvn3'), 'Phường Hà Tu')
  assert.equal(decode(bytes(0x54, 0x72, 0xc7, 0x6e, 0x20, 0x54, 0x68, 0xde, 0x20, 0x54, 0x68, 0xf1, 0x79), 'tcvn3'), 'Trần Thị Thủy')
  assert.equal(decode(bytes(0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae), 'tcvn3'), 'ĂÂÊÔƠƯĐăâêôơưđ')
})

test('TCVN3 agrees with iconv TCVN5712-1 on its lower-case set and seven capitals', () => {
  // Decode: every byte TCVN3 assigns a letter, read by iconv one at a time.
  let letters = 0
  for (let b = 0x80; b <= 0xff; b++) {
    const ours = decode(bytes(b), 'tcvn3')
    const theirs = iconvFrom(bytes(b), 'TCVN5712-1')
    if (/^\p{L}$/u.test(theirs) && tcvn3Case(theirs) === theirs) {
      assert.equal(ours, theirs, `byte 0x${b.toString(16)}`)
      letters++
    } else {
      // VN1's capitals and combining marks are not TCVN3: those bytes read as Windows-1252.
      assert.equal(ours, new TextDecoder('windows-1252').decode(bytes(b)), `byte 0x${b.toString(16)}`)
    }
  }
  assert.equal(letters, 67 + 7)
  // Encode and decode whole texts against iconv's bytes.
  for (const text of [...CORPUS.map(tcvn3Case), tcvn3Case(alphabet())]) {
    const theirs = iconv(text, 'TCVN5712-1')
    assert.equal(decode(theirs, 'tcvn3'), text)
    assert.deepEqual(encode(text, 'tcvn3'), theirs, text)
  }
})

test('TCVN3 writes capitals without a code as lower case, as the fonts did', () => {
  assert.deepEqual(encode('ĐỖ THỊ ÁNH', 'tcvn3'), bytes(0xa7, 0xe7, 0x20, 0x54, 0x48, 0xde, 0x20, 0xb8, 0x4e, 0x48))
  assert.equal(decode(encode('ĐỖ THỊ ÁNH', 'tcvn3'), 'tcvn3'), 'Đỗ THị áNH')
  assert.equal(decode(encode('ĂN Ở', 'tcvn3'), 'tcvn3'), 'ĂN ở')
})

test('VNI decodes hand-checked bytes from the VNI-Windows table', () => {
  const cases: [string, number[]][] = [
    // "Nguyeãn Vaên Ñöùc" in Windows-1252
    ['Nguyễn Văn Đức', [0x4e, 0x67, 0x75, 0x79, 0x65, 0xe3, 0x6e, 0x20, 0x56, 0x61, 0xea, 0x6e, 0x20, 0xd1, 0xf6, 0xf9, 0x63]],
    // "Traàn Thò Thuûy"
    ['Trần Thị Thủy', [0x54, 0x72, 0x61, 0xe0, 0x6e, 0x20, 0x54, 0x68, 0xf2, 0x20, 0x54, 0x68, 0x75, 0xfb, 0x79]],
    // "Phöôøng Haø Tu"
    ['Phường Hà Tu', [0x50, 0x68, 0xf6, 0xf4, 0xf8, 0x6e, 0x67, 0x20, 0x48, 0x61, 0xf8, 0x20, 0x54, 0x75]],
    // "Quaûng Ninh"
    ['Quảng Ninh', [0x51, 0x75, 0x61, 0xfb, 0x6e, 0x67, 0x20, 0x4e, 0x69, 0x6e, 0x68]],
    // "Hoaøng Thò Höôøng"
    ['Hoàng Thị Hường', [0x48, 0x6f, 0x61, 0xf8, 0x6e, 0x67, 0x20, 0x54, 0x68, 0xf2, 0x20, 0x48, 0xf6, 0xf4, 0xf8, 0x6e, 0x67]],
    // "Saùn Dìu": ì is a single byte
    ['Sán Dìu', [0x53, 0x61, 0xf9, 0x6e, 0x20, 0x44, 0xec, 0x75]],
    // "NGUYEÃN VAÊN ÑÖÙC": capitals take the upper-case mark bytes
    ['NGUYỄN VĂN ĐỨC', [0x4e, 0x47, 0x55, 0x59, 0x45, 0xc3, 0x4e, 0x20, 0x56, 0x41, 0xca, 0x4e, 0x20, 0xd1, 0xd6, 0xd9, 0x43]],
    // "Buøi Thò Mî": ỵ is the single byte 0xEE
    ['Bùi Thị Mỵ', [0x42, 0x75, 0xf8, 0x69, 0x20, 0x54, 0x68, 0xf2, 0x20, 0x4d, 0xee]],
    // "Ñaék Laék"
    ['Đắk Lắk', [0xd1, 0x61, 0xe9, 0x6b, 0x20, 0x4c, 0x61, 0xe9, 0x6b]],
    // "Löôïng Nghóa"
    ['Lượng Nghĩa', [0x4c, 0xf6, 0xf4, 0xef, 0x6e, 0x67, 0x20, 0x4e, 0x67, 0x68, 0xf3, 0x61]],
    // "OÂng Íc Aáp YÛ"
    ['Ông Íc Ấp Ỷ', [0x4f, 0xc2, 0x6e, 0x67, 0x20, 0xcd, 0x63, 0x20, 0x41, 0xc1, 0x70, 0x20, 0x59, 0xdb]],
  ]
  for (const [text, raw] of cases) {
    assert.equal(decode(Uint8Array.from(raw), 'vni'), text)
    assert.deepEqual(encode(text, 'vni'), Uint8Array.from(raw), text)
  }
})

test('VNI tolerates a mark byte of the other case and keeps stray mark bytes as Windows-1252', () => {
  assert.equal(decode(bytes(0x4e, 0x47, 0x55, 0x59, 0x45, 0xe3, 0x4e), 'vni'), 'NGUYỄN')
  assert.equal(decode(bytes(0x31, 0xf9, 0x20, 0x93, 0x61, 0x94), 'vni'), '1ù “a”')
})

test('CP1258 agrees with iconv, both ways', () => {
  for (let b = 0x80; b <= 0xff; b++) {
    let theirs: string
    try {
      theirs = iconvFrom(bytes(b), 'CP1258')
    } catch {
      continue // a hole in the code page
    }
    assert.equal(decode(bytes(b), 'cp1258'), theirs.normalize('NFC'), `byte 0x${b.toString(16)}`)
  }
  for (const text of [...CORPUS, alphabet(), PUNCTUATION]) {
    const theirs = iconv(text, 'CP1258')
    assert.equal(decode(theirs, 'cp1258'), text.normalize('NFC'))
    assert.deepEqual(encode(text, 'cp1258'), theirs, text)
  }
})

test('CP1258 reads a tone after a letter that has its own byte (as Unikey writes it)', () => {
  assert.equal(decode(bytes(0x61, 0xec, 0x20, 0xea, 0xde, 0x20, 0xd0, 0xfd, 0xec, 0x63), 'cp1258'), 'á ễ Đức')
})

test('VIQR decodes hand-written text with its heuristics', () => {
  const cases: [string, string][] = [
    ["Nguye^~n Va(n DDu+'c", 'Nguyễn Văn Đức'],
    ['Tra^`n Thi. Thu?y', 'Trần Thị Thủy'],
    ['Phu+o+`ng Ha` Tu, Qua?ng Ninh', 'Phường Hà Tu, Quảng Ninh'],
    ['Hoa`ng Thi. Hu+o+`ng', 'Hoàng Thị Hường'],
    ["Sa'n Di`u", 'Sán Dìu'],
    ['DDa(.ng Va(n DDa.t, ddu+o+`ng Le^ Lo+.i', 'Đặng Văn Đạt, đường Lê Lợi'],
    ["NGUYE^~N THI. O^'C", 'NGUYỄN THỊ ỐC'],
    // one tone per word: the full stop after a toned word is punctuation
    ['Ha` No^.i.', 'Hà Nội.'],
    ["Kho^ng bie^'t?", 'Không biết?'],
    // a toneless word ending in a vowel takes the dot, as RFC 1456 says
    ['TP. Ha. Long', 'TP. Hạ Long'],
    // the escape makes a mark literal; d\d is a literal dd
    ['Ha\\. Long', 'Ha. Long'],
    ['d\\dos', 'ddos'],
    // dd only at the start of a word
    ['address, Eddie', 'address, Eddie'],
    // e-mail addresses and URLs stay as typed; numbers and consonants take no marks
    ['a.b@x.vn', 'a.b@x.vn'],
    ['Email: nguye^~n.van.a@gmail.com.', 'Email: nguye^~n.van.a@gmail.com.'],
    ['www.congan.gov.vn, http://a.vn/ha.noi', 'www.congan.gov.vn, http://a.vn/ha.noi'],
    ["1.5 m, Q.1, So^' 12?", '1.5 m, Q.1, Số 12?'],
    ["Cu+ M'gar, H'Mo^ng", "Cư M'gar, H'Mông"],
    ["(ghi chu')", '(ghi chú)'],
    ['C:\\data', 'C:\\data'],
    // Unicode already decoded is left alone
    ['Nguyễn Văn Đức', 'Nguyễn Văn Đức'],
  ]
  for (const [text, expected] of cases) {
    assert.equal(decodeViqr(text), expected, text)
    assert.equal(decode(ascii(text), 'viqr'), expected, text)
  }
})

test('round trip encode → decode over names, addresses and the whole alphabet', () => {
  for (const encoding of ENCODINGS) {
    const texts = [...CORPUS, alphabet(), csv(50)]
    if (encoding !== 'viqr') texts.push(PUNCTUATION)
    for (const text of texts) {
      const expected = encoding === 'tcvn3' ? tcvn3Case(text) : text.normalize('NFC')
      assert.equal(decode(encode(text, encoding), encoding), expected, `${encoding}: ${text}`)
      assert.equal(decode(encode(text.normalize('NFD'), encoding), encoding), expected, `${encoding} from NFD: ${text}`)
    }
  }
})

test('VIQR encoding escapes what would otherwise be read as a mark', () => {
  assert.equal(new TextDecoder().decode(encode('Hà Nội.', 'viqr')), 'Ha` No^.i\\.')
  for (const text of ['Hà Nội.', 'Thôn A. Số 1?', 'ddos dd đi', 'a\\.b', 'x@y.vn, "Hà"', 'Nguyễn Văn A.', 'Eddie']) {
    assert.equal(decode(encode(text, 'viqr'), 'viqr'), text, text)
  }
})

test('UTF-8 decoding drops the BOM and normalises to NFC', () => {
  const nfd = 'Nguyễn Văn Đức'.normalize('NFD')
  assert.equal(decode(new Uint8Array([0xef, 0xbb, 0xbf, ...encode(nfd, 'utf-8')]), 'utf-8'), 'Nguyễn Văn Đức')
})

test('encode throws an error naming an unrepresentable character', () => {
  for (const encoding of ['tcvn3', 'vni', 'cp1258', 'viqr'] as const) {
    assert.throws(
      () => encode('Nguyễn 漢', encoding),
      (e: Error) => e.message.includes('"漢"') && e.message.includes(encoding),
      encoding,
    )
  }
  assert.throws(() => encode('€', 'viqr'), /"€"/)
  assert.doesNotThrow(() => encode('Nguyễn 漢', 'utf-8'))
})

test('streaming: every split point of a short sample decodes like the whole', () => {
  const text = 'Nguyễn Văn Đức, Phường Hà Tu. NGUYỄN THỊ ỐC a.b@x.vn Mỵ Đắk Lắk'
  const samples: [Encoding, Uint8Array][] = [
    ['utf-8', encode(text, 'utf-8')],
    ['utf-8', encode(text.normalize('NFD'), 'utf-8')],
    ['utf-8', new Uint8Array([0xef, 0xbb, 0xbf, ...encode(text, 'utf-8')])],
    ['tcvn3', encode(text, 'tcvn3')],
    ['vni', encode(text, 'vni')],
    ['cp1258', encode(text, 'cp1258')],
    // Unikey-style CP1258: every tone a separate byte after its letter
    [
      'cp1258',
      encode(
        text
          .normalize('NFD')
          .replace(/[\u0306\u0302\u031b]/g, '')
          .normalize('NFC'),
        'cp1258',
      ),
    ],
    ['viqr', encode(text, 'viqr')],
    ['viqr', ascii("Ha` No^.i. DDu+'c d\\dos Ha\\. a.b@x.vn")],
  ]
  for (const [encoding, data] of samples) {
    const whole = decode(data, encoding)
    for (let at = 0; at <= data.length; at++) {
      assert.equal(decodeInChunks(encoding, data, [at]), whole, `${encoding} split at ${at}`)
    }
    assert.equal(decodeInChunks(encoding, data, Array(data.length).fill(1)), whole, `${encoding} byte by byte`)
  }
})

test('streaming: random chunk sizes over a CSV decode like the whole', () => {
  const rnd = random(7)
  const text = csv(300, 3)
  for (const encoding of ENCODINGS) {
    const data = encode(text, encoding)
    const whole = decode(data, encoding)
    for (let trial = 0; trial < 20; trial++) {
      const sizes: number[] = []
      for (let left = data.length; left > 0; ) {
        const size = Math.min(left, Math.floor(rnd() * (trial < 10 ? 8 : 5000)))
        sizes.push(size)
        left -= size
      }
      assert.equal(decodeInChunks(encoding, data, sizes), whole, `${encoding} trial ${trial}`)
    }
  }
})

test('detection picks each encoding on a realistic CSV', () => {
  const text = csv(400, 11)
  for (const encoding of ENCODINGS) {
    const sample = encode(text, encoding).subarray(0, 65536)
    const guess = detectEncoding(sample)
    assert.equal(guess.encoding, encoding, `${encoding}: ${guess.reason}`)
    assert.ok(guess.confidence >= 0.8, `${encoding}: confidence ${guess.confidence} (${guess.reason})`)
  }
})

test('detection works on a few rows too', () => {
  const text = csv(8, 5)
  for (const encoding of ENCODINGS) {
    const guess = detectEncoding(encode(text, encoding))
    assert.equal(guess.encoding, encoding, `${encoding}: ${guess.reason}`)
  }
})

test('detection: UTF-8 with BOM, NFD UTF-8, and a sample cut inside a character', () => {
  const text = csv(400, 13)
  const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...encode(text, 'utf-8')])
  assert.deepEqual(detectEncoding(withBom), { encoding: 'utf-8', confidence: 1, reason: 'UTF-8 byte order mark' })
  const nfd = detectEncoding(encode(text.normalize('NFD'), 'utf-8').subarray(0, 65536))
  assert.equal(nfd.encoding, 'utf-8')
  assert.ok(nfd.confidence >= 0.9)
  const utf8 = encode(text, 'utf-8')
  const cut = utf8.findIndex((b, i) => i > utf8.length / 2 && (b & 0xc0) === 0x80) // inside a sequence
  assert.ok(cut > 0)
  assert.equal(detectEncoding(utf8.subarray(0, cut)).encoding, 'utf-8')
  // a UTF-8 file with one damaged byte is still UTF-8, with less confidence
  const damaged = utf8.slice(0, 65536)
  damaged[5000] = 0xff
  const guess = detectEncoding(damaged)
  assert.equal(guess.encoding, 'utf-8', guess.reason)
  assert.ok(guess.confidence < 0.9)
})

test('detection of plain ASCII and short VIQR', () => {
  const plain = detectEncoding(ascii('form_no,full_name,birth_date,sex,address\r\n1,Nguyen Van An,1990-01-01,Nam,"Thon 3, Ha Noi."\r\n'))
  assert.equal(plain.encoding, 'utf-8')
  assert.ok(plain.confidence < 0.5)
  assert.equal(detectEncoding(ascii('form_no,full_name,birth_date,sex,address\n')).encoding, 'utf-8')
  assert.equal(detectEncoding(ascii('Vie^.t Nam')).encoding, 'viqr')
  assert.equal(detectEncoding(ascii("1,Nguye^~n Va(n DDu+'c,1990-01-01,Nam,Ha` No^.i")).encoding, 'viqr')
  assert.equal(detectEncoding(ascii("ngo+` u+o+' a( dde^'n")).encoding, 'viqr')
  assert.equal(detectEncoding(new Uint8Array()).encoding, 'utf-8')
})

test('detection reports binary garbage', () => {
  const rnd = random(42)
  const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(rnd() * 256))
  const utf16 = new Uint8Array(Buffer.from(csv(20), 'utf16le'))
  const zip = new Uint8Array([
    0x50,
    0x4b,
    0x03,
    0x04,
    0x14,
    0x00,
    0x06,
    0x00,
    0x08,
    0x00,
    0x00,
    0x00,
    0x21,
    0x00,
    ...ascii('[Content_Types].xml'),
  ])
  for (const sample of [noise, utf16, zip, new Uint8Array(100)]) {
    assert.deepEqual(detectEncoding(sample), { encoding: 'utf-8', confidence: 0, reason: 'binary' })
  }
})
