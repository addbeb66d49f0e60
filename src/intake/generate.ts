// Synthetic DC01 forms (docs/formats/dc01-csv.md) for tests, demos and benchmarks: households
// of consistent persons living in Quảng Ninh's communes, collected on plausible days, some
// collected more than once, some typed badly — and beside every form the truth about it.
//
// Pure and deterministic: the same options and seed give the same forms, byte for byte.
// Streaming: persons are made household by household and forgotten once their forms are out;
// what is kept (ID counters per province/sex/year, form counters per unit, a short queue of
// repeat forms, a ring of recent names for namesakes) is bounded whatever the number of persons.
//
// The numbers behind the choices (household make-up, age gaps, ethnic shares per district,
// occupations, …) are plausible estimates from public statistics, not measurements; the
// comments say where they come from.
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { REFORM_2025 } from '../geo/eras.ts'
import type { Row } from '../geo/gazetteer.ts'
import type { Dc01Form } from './dc01.ts'
import {
  type EraWeighted,
  FAMILY_BY_ETHNIC,
  FAMILY_KINH,
  GIVEN_DAO_FEMALE,
  GIVEN_DAO_MALE,
  GIVEN_FEMALE,
  GIVEN_MALE,
  HAMLETS_LOWLAND,
  HAMLETS_MOUNTAIN,
  MIDDLE_DAO_MALE,
  MIDDLE_FEMALE,
  MIDDLE_MALE,
  NICKNAMES,
  ORIGINS,
  type Origin,
  STREETS,
  type Weighted,
} from './names.ts'

export interface GenerateOptions {
  /** Number of distinct persons. */
  persons: number
  seed: number
  /** 0..1: probability that a person gets an extra form (collected again elsewhere or later); default 0. */
  dupRate: number
  /** 0..1: probability that a form carries at least one injected error; default 0. */
  errorRate: number
  /** ISO date, default '2025-09-01'. */
  collectedFrom?: string
  /** ISO date, default '2026-10-31'. */
  collectedTo?: string
}

export interface ReferenceData {
  units2024: Row[]
  units2025: Row[]
  merge2025: Row[]
  ethnicGroups: Row[]
  religions: Row[]
}

export interface GeneratedForm {
  form: Dc01Form
  truth: {
    form_no: string
    collecting_unit: string
    /** Stable person key ('P000123'): the same on every form of the same person. */
    person: string
    /** Codes of the injected errors (ERROR_CODES), empty for a clean form. */
    errors: string[]
  }
}

export const ERROR_CODES = [
  'family-variant',
  'no-middle',
  'typo',
  'wrong-tone',
  'old-tone',
  'upper-case',
  'spaces',
  'day-month-swap',
  'year-only',
  'id-digit',
  'id-century',
  'old-unit',
  'lost-diacritics',
  'nfd',
  'mojibake',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

function readSeedCsv(path: string): Row[] {
  const text = readFileSync(new URL(`../../seed/${path}`, import.meta.url), 'utf8')
  return parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Row[]
}

export function loadReferenceData(): ReferenceData {
  return {
    units2024: readSeedCsv('geo/qn-units-2024.csv'),
    units2025: readSeedCsv('geo/qn-units-2025.csv'),
    merge2025: readSeedCsv('geo/qn-merge-2025.csv'),
    ethnicGroups: readSeedCsv('reference/ethnic-groups.csv'),
    religions: readSeedCsv('reference/religions.csv'),
  }
}

// ---------------------------------------------------------------------------------------------
// Randomness: sfc32 seeded through splitmix32; several independent streams so that the
// population does not change when only the duplicate or error rate does.

function hash32(x: number): number {
  let z = x | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

function hashText(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return hash32(h)
}

class Rng {
  a: number
  b: number
  c: number
  d: number

  constructor(seed: number, stream: number) {
    let s = hash32((seed >>> 0) ^ hash32(Math.floor(seed / 4294967296) ^ Math.imul(stream + 1, 0x9e3779b9)))
    const next = () => {
      s = (s + 0x9e3779b9) | 0
      return hash32(s)
    }
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next()
    for (let i = 0; i < 12; i++) this.u32()
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T
  }

  normal(mean: number, sd: number): number {
    const u = 1 - this.next()
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next())
  }
}

class Table<T> {
  items: T[]
  cum: Float64Array
  total: number

  constructor(pairs: readonly (readonly [T, number])[]) {
    this.items = pairs.map((p) => p[0])
    this.cum = new Float64Array(pairs.length)
    let total = 0
    pairs.forEach((p, i) => {
      total += p[1]
      this.cum[i] = total
    })
    if (!(total > 0)) throw new Error('generate: a weighted table is empty')
    this.total = total
  }

  draw(rng: Rng): T {
    const x = rng.next() * this.total
    let lo = 0
    let hi = this.cum.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.cum[mid] as number) > x) hi = mid
      else lo = mid + 1
    }
    return this.items[lo] as T
  }
}

/**
 * A bijection of [0, n) keyed by `key`: a balanced Feistel network on [0, 2^bits) walked until
 * it lands below n. Counters go in, random-looking but never repeating numbers come out — which
 * is how IDs stay unique without remembering the ones already given.
 */
function permute(x: number, n: number, bits: number, key: number): number {
  const half = bits >>> 1
  const mask = (1 << half) - 1
  let v = x
  do {
    let l = v >>> half
    let r = v & mask
    for (let round = 0; round < 4; round++) {
      const f = hash32(r ^ key ^ Math.imul(round + 1, 0x9e3779b9)) & mask
      const t = r
      r = l ^ f
      l = t
    }
    v = (l << half) | r
  } while (v >= n)
  return v
}

// ---------------------------------------------------------------------------------------------
// Dates as day numbers (days since 1970-01-01, UTC).

const MS_PER_DAY = 86_400_000
const YEAR = 365.2425
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const REFORM_DAY = isoDay(REFORM_2025)
const FIRST_BIRTH = isoDay('1930-01-01')
const Y2000 = isoDay('2000-01-01')

function isoDay(iso: string): number {
  const m = ISO_DATE.exec(iso)
  if (!m) return Number.NaN
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  const d = new Date(ms)
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    return Number.NaN
  }
  return ms / MS_PER_DAY
}

function ymd(day: number): [number, number, number] {
  const d = new Date(day * MS_PER_DAY)
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))

/** 0: dd/mm/yyyy (the norm), 1: d/m/yyyy, 2: yyyy-mm-dd. */
type DateStyle = 0 | 1 | 2

function formatDate(y: number, m: number, d: number, style: DateStyle): string {
  if (style === 0) return `${pad2(d)}/${pad2(m)}/${y}`
  if (style === 1) return `${d}/${m}/${y}`
  return `${y}-${pad2(m)}-${pad2(d)}`
}

// ---------------------------------------------------------------------------------------------
// The map: Quảng Ninh's communes of 2024 with their 2025 successors, and what the generator
// assumes about each (population weight, ethnic mix, mountains, sea, coal).

// Population by 2024 district, thousands (rounded from the province's 2023 statistics).
const DISTRICT_POPULATION: Record<string, number> = {
  '193': 330, // Hạ Long (with the former Hoành Bồ)
  '194': 110, // Móng Cái
  '195': 195, // Cẩm Phả
  '196': 125, // Uông Bí
  '198': 33, // Bình Liêu
  '199': 55, // Tiên Yên
  '200': 42, // Đầm Hà
  '201': 68, // Hải Hà
  '202': 23, // Ba Chẽ
  '203': 50, // Vân Đồn
  '205': 180, // Đông Triều
  '206': 150, // Quảng Yên
  '207': 7, // Cô Tô
}

// Ethnic shares (%) in the rural communes of each district, after the 2019 census picture:
// Kinh ≈ 88 % of the province; Tày, Dao, Sán Chay in the mountains of the north-east,
// Sán Dìu in the lowland fringe, Hoa along the border.
const ETHNIC_BY_DISTRICT: Record<string, Record<string, number>> = {
  '193': { Kinh: 98.4, Dao: 0.5, Tày: 0.5, 'Sán Dìu': 0.3, Hoa: 0.3 },
  '194': { Kinh: 95, Dao: 1.5, Hoa: 1.5, Tày: 1, 'Sán Dìu': 0.5, Nùng: 0.5 },
  '195': { Kinh: 97.5, Tày: 0.8, 'Sán Dìu': 0.7, Dao: 0.5, Hoa: 0.3, Mường: 0.2 },
  '196': { Kinh: 97, Dao: 1, Tày: 1, 'Sán Dìu': 0.7, Mường: 0.3 },
  '198': { Kinh: 4, Tày: 60, Dao: 26, 'Sán Chay': 9, Nùng: 0.5, Hoa: 0.5 },
  '199': { Kinh: 48, Tày: 18, Dao: 22, 'Sán Chay': 10, 'Sán Dìu': 2 },
  '200': { Kinh: 68, Dao: 16, 'Sán Dìu': 8, Tày: 4, 'Sán Chay': 4 },
  '201': { Kinh: 78, Dao: 7, 'Sán Chay': 6, Tày: 4, 'Sán Dìu': 4, Hoa: 1 },
  '202': { Kinh: 28, Dao: 40, Tày: 18, 'Sán Chay': 12, 'Sán Dìu': 2 },
  '203': { Kinh: 88, 'Sán Dìu': 6, Dao: 4, Tày: 1.5, Hoa: 0.5 },
  '205': { Kinh: 97, 'Sán Dìu': 1.5, Dao: 0.8, Tày: 0.5, Mường: 0.2 },
  '206': { Kinh: 99, Tày: 0.5, 'Sán Dìu': 0.3, Hoa: 0.2 },
  '207': { Kinh: 99, Hoa: 0.5, Tày: 0.5 },
}
const KINH_ONLY = { Kinh: 100 }

// Communes whose mix differs from their district's: the Dao communes of the former Hoành Bồ,
// of Móng Cái's hills and of Uông Bí's Yên Tử slopes; Sán Dìu villages near Cẩm Phả.
const ETHNIC_BY_COMMUNE: Record<string, Record<string, number>> = {
  '07033': { Dao: 85, Kinh: 10, Tày: 5 },
  '07036': { Dao: 75, Kinh: 15, Tày: 10 },
  '07039': { Kinh: 45, Dao: 30, Tày: 10, 'Sán Dìu': 15 },
  '07042': { Kinh: 45, Dao: 30, Tày: 10, 'Sán Dìu': 15 },
  '07045': { Kinh: 50, Dao: 25, Tày: 10, 'Sán Dìu': 15 },
  '06724': { Dao: 60, Kinh: 30, Tày: 5, 'Sán Chay': 5 },
  '06727': { Dao: 55, Kinh: 35, Tày: 10 },
  '06805': { Kinh: 60, 'Sán Dìu': 25, Dao: 10, Tày: 5 },
  '06829': { Kinh: 55, Dao: 40, Tày: 5 },
  '07078': { Kinh: 85, Dao: 8, 'Sán Dìu': 7 },
}

const MOUNTAIN_DISTRICTS = new Set(['198', '199', '200', '201', '202'])
const MOUNTAIN_COMMUNES = new Set(['07033', '07036', '07039', '06724', '06727', '06829', '06805'])
const COASTAL_DISTRICTS = new Set(['194', '200', '201', '203', '206', '207'])
// Share of working men in coal: Cẩm Phả, Uông Bí, Hạ Long and Mạo Khê (Đông Triều) live by it.
const MINING: Record<string, number> = { '195': 0.3, '196': 0.2, '193': 0.12, '205': 0.12 }
const TOURISM_DISTRICTS = new Set(['193', '203', '207'])

interface Commune {
  code: string
  name: string
  type: string
  districtCode: string
  districtName: string
  urban: boolean
  successors: string[]
  ethnic: Table<string>
  mountain: boolean
  coastal: boolean
  mining: number
  tourism: boolean
  /** Hamlet names (rural) or the number of khu (urban). */
  hamlets: string[]
  khu: number
}

interface Model {
  communes: Commune[]
  pick: Table<Commune>
  names2025: Map<string, string>
  ethnicCode: Map<string, string>
  religion: Map<string, Table<string>>
}

function buildModel(ref: ReferenceData): Model {
  const ethnicCode = new Map(ref.ethnicGroups.map((r) => [r.name as string, r.code as string]))
  const religionNames = new Set(ref.religions.map((r) => r.name as string))
  const names2025 = new Map(ref.units2025.map((r) => [r.code as string, r.name as string]))
  const successors = new Map<string, string[]>()
  for (const m of ref.merge2025) {
    const list = successors.get(m.old_code as string) ?? []
    list.push(m.new_code as string)
    successors.set(m.old_code as string, list)
  }
  const districts = new Map<string, string>()
  for (const u of ref.units2024) if (u.parent_code === '22') districts.set(u.code as string, u.name as string)

  const mix = (shares: Record<string, number>) => {
    for (const name of Object.keys(shares)) {
      if (!ethnicCode.has(name)) throw new Error(`generate: ethnic group ${name} is not in the reference list`)
    }
    return new Table(Object.entries(shares))
  }
  const communes: Commune[] = []
  const weights: [Commune, number][] = []
  const perDistrict = new Map<string, number>()
  for (const u of ref.units2024) {
    if (u.parent_code === '22') continue
    const code = u.code as string
    const districtCode = u.parent_code as string
    const next = (successors.get(code) ?? []).filter((c) => names2025.has(c))
    if (next.length === 0) throw new Error(`generate: commune ${code} has no successor in the 2025 crosswalk`)
    const urban = u.type !== 'Xã'
    const districtMix = ETHNIC_BY_DISTRICT[districtCode] ?? KINH_ONLY
    let shares = ETHNIC_BY_COMMUNE[code] ?? districtMix
    // Towns of the mountain districts are mostly Kinh: half their district's mix, half Kinh.
    if (urban && !ETHNIC_BY_COMMUNE[code] && (districtMix.Kinh ?? 100) < 90) {
      shares = Object.fromEntries(Object.entries(districtMix).map(([k, v]) => [k, v / 2 + (k === 'Kinh' ? 50 : 0)]))
    }
    const h = hashText(code)
    const mountain = MOUNTAIN_COMMUNES.has(code) || (MOUNTAIN_DISTRICTS.has(districtCode) && u.type === 'Xã')
    const hamlets: string[] = []
    if (!urban) {
      if (h % 3 === 0) {
        const n = 5 + (h % 9)
        for (let i = 1; i <= n; i++) hamlets.push(String(i))
      } else {
        const pool = mountain ? HAMLETS_MOUNTAIN : HAMLETS_LOWLAND
        const n = 4 + (h % 6)
        for (let i = 0; i < n; i++) {
          const name = pool[hash32(h + i) % pool.length] as string
          if (!hamlets.includes(name)) hamlets.push(name)
        }
      }
    }
    const commune: Commune = {
      code,
      name: u.name as string,
      type: u.type as string,
      districtCode,
      districtName: districts.get(districtCode) ?? (u.parent_name as string),
      urban,
      successors: next,
      ethnic: mix(shares),
      mountain,
      coastal: COASTAL_DISTRICTS.has(districtCode),
      mining: MINING[districtCode] ?? 0,
      tourism: TOURISM_DISTRICTS.has(districtCode),
      hamlets,
      khu: 3 + (h % 10),
    }
    communes.push(commune)
    // Wards are denser than rural communes; the rest of the spread is fixed per code.
    const w = (urban ? 1.6 : 1) * (0.6 + 0.8 * ((h >>> 8) / 16777216))
    weights.push([commune, w])
    perDistrict.set(districtCode, (perDistrict.get(districtCode) ?? 0) + w)
  }
  if (communes.length === 0) throw new Error('generate: no communes in the reference data')
  const pick = new Table(
    weights.map(([c, w]) => [c, (w / (perDistrict.get(c.districtCode) ?? 1)) * (DISTRICT_POPULATION[c.districtCode] ?? 40)] as const),
  )

  const religion = new Map<string, Table<string>>()
  const religionTable = (shares: Record<string, number>) => {
    for (const name of Object.keys(shares)) {
      if (name !== 'Không' && !religionNames.has(name)) throw new Error(`generate: religion ${name} is not in the reference list`)
    }
    return new Table(Object.entries(shares))
  }
  // Quảng Ninh is largely without religion; Catholic parishes in Quảng Yên and Hạ Long,
  // some Protestant converts among the mountain peoples.
  religion.set('', religionTable({ Không: 92.5, 'Phật giáo': 5.2, 'Công giáo': 2, 'Tin lành': 0.2, 'Cao Đài': 0.1 }))
  religion.set('206', religionTable({ Không: 88, 'Phật giáo': 5, 'Công giáo': 6.8, 'Tin lành': 0.2 }))
  religion.set('193', religionTable({ Không: 91, 'Phật giáo': 5.7, 'Công giáo': 3, 'Tin lành': 0.3 }))
  religion.set('mountain', religionTable({ Không: 95, 'Phật giáo': 2.5, 'Tin lành': 1.5, 'Công giáo': 1 }))
  return { communes, pick, names2025, ethnicCode, religion }
}

// ---------------------------------------------------------------------------------------------
// Names.

type Sex = 'Nam' | 'Nữ'

// Multipliers for a name's era in three birth cohorts: before 1975, 1975–1999, from 2000.
const ERA_FACTOR = { o: [2, 1, 0.25], n: [0.2, 0.8, 3], '': [1, 1, 1] } as const
const cohort = (year: number) => (year < 1975 ? 0 : year < 2000 ? 1 : 2)

function eraTables(list: readonly EraWeighted[]): Table<string>[] {
  return [0, 1, 2].map((c) => new Table(list.map(([name, w, era]) => [name, w * (ERA_FACTOR[era][c] as number)] as const)))
}

const GIVEN_BY_SEX = { Nam: eraTables(GIVEN_MALE), Nữ: eraTables(GIVEN_FEMALE) }
const MIDDLE_BY_SEX = { Nam: eraTables(MIDDLE_MALE), Nữ: eraTables(MIDDLE_FEMALE) }
const FAMILY_TABLES = new Map<string, Table<string>>(
  Object.entries(FAMILY_BY_ETHNIC).map(([k, v]) => [k, new Table(v as readonly Weighted[])] as const),
)
const FAMILY_DEFAULT = new Table(FAMILY_KINH)
const DAO_MIDDLE_MALE = new Table(MIDDLE_DAO_MALE)
const DAO_GIVEN = { Nam: new Table(GIVEN_DAO_MALE), Nữ: new Table(GIVEN_DAO_FEMALE) }
const MINORITY_NAMES = new Set(['Tày', 'Dao', 'Sán Chay', 'Sán Dìu', 'Nùng'])

function familyName(rng: Rng, ethnic: string): string {
  return (FAMILY_TABLES.get(ethnic) ?? FAMILY_DEFAULT).draw(rng)
}

/** Văn / Thị: near universal for the old, a minority choice for the young. */
function traditionalMiddleShare(sex: Sex, year: number, ethnic: string): number {
  const share =
    sex === 'Nam'
      ? year < 1960
        ? 0.75
        : year < 1980
          ? 0.6
          : year < 1995
            ? 0.4
            : year < 2010
              ? 0.2
              : 0.08
      : year < 1960
        ? 0.92
        : year < 1980
          ? 0.78
          : year < 1995
            ? 0.5
            : year < 2010
              ? 0.3
              : 0.15
  return MINORITY_NAMES.has(ethnic) ? Math.min(0.95, share + 0.15) : share
}

function personalName(rng: Rng, sex: Sex, year: number, ethnic: string): [middle: string, given: string] {
  const c = cohort(year)
  if (ethnic === 'Dao' && rng.chance(year < 1975 ? 0.6 : year < 2000 ? 0.35 : 0.12)) {
    const middle = sex === 'Nam' ? DAO_MIDDLE_MALE.draw(rng) : 'Thị'
    return [middle, DAO_GIVEN[sex].draw(rng)]
  }
  let middle: string
  if (rng.chance(traditionalMiddleShare(sex, year, ethnic))) middle = sex === 'Nam' ? 'Văn' : 'Thị'
  else if (rng.chance(0.02)) middle = ''
  else {
    middle = (MIDDLE_BY_SEX[sex][c] as Table<string>).draw(rng)
    // Four-syllable names ("Nguyễn Ngọc Bảo Anh") are a recent fashion.
    if (year >= 2005 && rng.chance(0.12)) {
      const second = (MIDDLE_BY_SEX[sex][c] as Table<string>).draw(rng)
      if (second !== middle) middle = `${middle} ${second}`
    }
  }
  let given = (GIVEN_BY_SEX[sex][c] as Table<string>).draw(rng)
  for (let i = 0; i < 4 && middle.endsWith(given); i++) given = (GIVEN_BY_SEX[sex][c] as Table<string>).draw(rng)
  return [middle, given]
}

const joinName = (family: string, middle: string, given: string) => (middle ? `${family} ${middle} ${given}` : `${family} ${given}`)

// ---------------------------------------------------------------------------------------------
// Persons and households.

interface ParentRef {
  name: string
  id: string
}

interface Person {
  key: string
  sex: Sex
  family: string
  middle: string
  given: string
  name: string
  birth: number
  by: number
  bm: number
  bd: number
  /** 0: full date known, 1: month and year, 2: year only. */
  precision: 0 | 1 | 2
  ethnic: string
  origin: Origin | null
  birthPlace: string
  hometown: string
  pid: string
  oldId: string
  religion: string
  blood: string
  marital: string
  relation: string
  occupation: string
  phone: string
  email: string
  otherName: string
  father: ParentRef | null
  mother: ParentRef | null
  spouse: Person | null
  /** Where the person actually lives when it is not the household's commune (students, workers). */
  away: Commune | null
  awayUnit2025: string
  awayAddress: string
}

interface Household {
  no: string
  commune: Commune
  unit2025: string
  day: number
  address: string
  addressShort: string
  head: Person
  members: Person[]
}

interface NamesakeEntry {
  sex: Sex
  ethnic: string
  family: string
  middle: string
  given: string
  year: number
}

// Age of the husband of a household's core couple: [first age, width, weight], shaped like the
// pyramid of married men in 2025 (broad 30–55, thinning after 65).
const ANCHOR_AGES = new Table<readonly [number, number]>([
  [[22, 3], 1.8],
  [[25, 5], 5.5],
  [[30, 5], 9],
  [[35, 5], 9.5],
  [[40, 5], 8],
  [[45, 5], 6.5],
  [[50, 5], 5.5],
  [[55, 5], 4.5],
  [[60, 5], 3.2],
  [[65, 5], 2.2],
  [[70, 5], 1.3],
  [[75, 5], 0.8],
  [[80, 5], 0.5],
  [[85, 7], 0.25],
])

// Household kinds (census 2019: mean size ≈ 3.5; one person in ≈ 10 %; three generations in
// ≈ 15–20 %; grandparents raising grandchildren while the parents work away in ≈ 4 %).
type Kind = 'family' | 'single' | 'lone-parent' | 'skipped'
const KINDS = new Table<Kind>([
  ['family', 80],
  ['single', 8],
  ['lone-parent', 8],
  ['skipped', 4],
])

// Children ever born by the mother's cohort (total fertility fell from ≈ 5 to ≈ 2).
function desiredChildren(rng: Rng, motherYear: number, minority: boolean): number {
  const r = rng.next()
  let n: number
  if (motherYear < 1955) n = r < 0.1 ? 2 : r < 0.4 ? 3 : r < 0.7 ? 4 : r < 0.9 ? 5 : 6
  else if (motherYear < 1970) n = r < 0.05 ? 1 : r < 0.4 ? 2 : r < 0.75 ? 3 : r < 0.95 ? 4 : 5
  else if (motherYear < 1985) n = r < 0.04 ? 0 : r < 0.18 ? 1 : r < 0.72 ? 2 : r < 0.95 ? 3 : 4
  else n = r < 0.04 ? 0 : r < 0.2 ? 1 : r < 0.72 ? 2 : r < 0.94 ? 3 : 4
  if (minority && rng.chance(0.3)) n++
  return n
}

/** Probability that a child of this age still lives in the parents' household. */
function stayHome(age: number): number {
  return age < 18 ? 1 : age < 23 ? 0.85 : age < 28 ? 0.55 : age < 36 ? 0.25 : 0.05
}

function survives(age: number, sex: Sex): number {
  const p = age < 60 ? 0.97 : age < 70 ? 0.9 : age < 80 ? 0.75 : age < 90 ? 0.5 : 0.25
  return sex === 'Nam' && age >= 60 ? p * 0.85 : p
}

const URBAN_JOBS = {
  Nam: new Table([
    ['Công nhân', 16],
    ['Buôn bán', 10],
    ['Kinh doanh', 6],
    ['Lao động tự do', 14],
    ['Lái xe', 6],
    ['Thợ xây', 5],
    ['Công chức', 5],
    ['Viên chức', 3],
    ['Kỹ sư', 3],
    ['Nhân viên văn phòng', 4],
    ['Công an', 1.5],
    ['Quân nhân', 1.5],
    ['Giáo viên', 1.5],
    ['Bác sĩ', 0.8],
    ['Thợ điện', 2],
    ['Thợ sửa xe', 2],
    ['Bảo vệ', 1.5],
    ['Không nghề nghiệp', 3],
  ] as const),
  Nữ: new Table([
    ['Công nhân', 14],
    ['Buôn bán', 16],
    ['Kinh doanh', 6],
    ['Lao động tự do', 10],
    ['Nội trợ', 8],
    ['Công chức', 5],
    ['Viên chức', 4],
    ['Giáo viên', 4],
    ['Nhân viên văn phòng', 6],
    ['Kế toán', 3],
    ['Điều dưỡng', 1.5],
    ['Bác sĩ', 0.8],
    ['Thợ may', 3],
    ['Nhân viên bán hàng', 4],
    ['Không nghề nghiệp', 3],
  ] as const),
}
const RURAL_JOBS = {
  Nam: new Table([
    ['Nông dân', 38],
    ['Lao động tự do', 16],
    ['Công nhân', 12],
    ['Thợ xây', 6],
    ['Buôn bán', 4],
    ['Lái xe', 3],
    ['Giáo viên', 1],
    ['Công chức', 1.5],
    ['Không nghề nghiệp', 2],
  ] as const),
  Nữ: new Table([
    ['Nông dân', 42],
    ['Lao động tự do', 12],
    ['Công nhân', 12],
    ['Buôn bán', 6],
    ['Nội trợ', 8],
    ['Giáo viên', 2],
    ['Công chức', 1],
    ['Không nghề nghiệp', 2],
  ] as const),
}

function occupationFor(rng: Rng, sex: Sex, age: number, c: Commune): string {
  if (age < 6) return ''
  if (age < 15) return 'Học sinh'
  if (age < 18) return rng.chance(0.85) ? 'Học sinh' : c.urban ? 'Lao động tự do' : 'Nông dân'
  if (age < 23 && rng.chance(c.urban ? 0.4 : 0.22)) return 'Sinh viên'
  if (age >= (sex === 'Nam' ? 61 : 57)) {
    if (rng.chance(c.urban ? 0.55 : 0.25)) return 'Hưu trí'
    if (!c.urban && rng.chance(0.6)) return 'Nông dân'
    return sex === 'Nữ' && rng.chance(0.5) ? 'Nội trợ' : 'Không nghề nghiệp'
  }
  if (sex === 'Nam' && age < 55 && rng.chance(c.mining)) return rng.chance(0.6) ? 'Thợ mỏ' : 'Công nhân mỏ'
  if (c.coastal && !c.urban && rng.chance(sex === 'Nam' ? 0.22 : 0.06)) return rng.chance(0.7) ? 'Ngư dân' : 'Nuôi trồng thủy sản'
  if (c.mountain && rng.chance(0.12)) return 'Trồng rừng'
  if (c.tourism && c.urban && rng.chance(0.08)) return rng.chance(0.7) ? 'Nhân viên khách sạn' : 'Hướng dẫn viên du lịch'
  return (c.urban ? URBAN_JOBS : RURAL_JOBS)[sex].draw(rng)
}

// Mobile prefixes by network (Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile), weighted
// roughly by market share.
const PHONE_PREFIXES = new Table([
  ['086', 5],
  ['096', 8],
  ['097', 8],
  ['098', 8],
  ['032', 4],
  ['033', 4],
  ['034', 4],
  ['035', 4],
  ['036', 4],
  ['037', 4],
  ['038', 4],
  ['039', 4],
  ['088', 3],
  ['091', 6],
  ['094', 5],
  ['081', 2],
  ['082', 2],
  ['083', 2],
  ['084', 2],
  ['085', 2],
  ['089', 2],
  ['090', 6],
  ['093', 5],
  ['070', 2],
  ['076', 1],
  ['077', 2],
  ['078', 1],
  ['079', 2],
  ['092', 1],
  ['056', 1],
  ['058', 1],
  ['099', 0.5],
  ['059', 0.5],
] as const)

const BLOOD = new Table([
  ['O', 42],
  ['B', 30],
  ['A', 21],
  ['AB', 7],
] as const)

const ORIGIN_TABLE = new Table(ORIGINS.map((o) => [o, o.weight] as const))

function stripMarks(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
}

class Ids {
  key: number
  pidCounters = new Map<number, number>()
  oldCounters = new Map<string, number>()

  constructor(seed: number) {
    this.key = new Rng(seed, 99).u32()
  }

  /** 12 digits: birth-registration province, century and sex, year, then a unique serial. */
  pid(province: string, sex: Sex, year: number): string {
    const g = (year >= 2000 ? 2 : 0) + (sex === 'Nữ' ? 1 : 0)
    const yy = year % 100
    const bucket = (Number(province) * 4 + g) * 100 + yy
    const n = this.pidCounters.get(bucket) ?? 0
    if (n >= 1_000_000) throw new RangeError(`generate: more than a million IDs for ${province}/${g}/${yy}`)
    this.pidCounters.set(bucket, n + 1)
    const serial = permute(n, 1_000_000, 20, hash32(this.key ^ Math.imul(bucket + 1, 0x27d4eb2d)))
    return `${province}${g}${pad2(yy)}${String(serial).padStart(6, '0')}`
  }

  /** 9 digits: the issuing province's two digits, then a unique serial. */
  oldId(prefix: string): string {
    const n = this.oldCounters.get(prefix) ?? 0
    if (n >= 10_000_000) throw new RangeError(`generate: more than ten million old IDs for ${prefix}`)
    this.oldCounters.set(prefix, n + 1)
    const serial = permute(n, 10_000_000, 24, hash32(this.key ^ Math.imul(Number(prefix) + 7, 0x165667b1)))
    return `${prefix}${String(serial).padStart(7, '0')}`
  }
}

const RING_SIZE = 256

class Population {
  rng: Rng
  model: Model
  ids: Ids
  from: number
  to: number
  households = 0
  householdKey: number
  ring: (NamesakeEntry | undefined)[] = new Array(RING_SIZE)
  ringNext = 0

  constructor(seed: number, model: Model, from: number, to: number, ids: Ids) {
    this.rng = new Rng(seed, 1)
    this.model = model
    this.ids = ids
    this.from = from
    this.to = to
    this.householdKey = new Rng(seed, 98).u32()
  }

  qnPlace(c: Commune, birth: number): string {
    if (birth >= REFORM_DAY) return `${this.model.names2025.get(c.successors[0] as string)}, Tỉnh Quảng Ninh`
    return `${c.name}, ${c.districtName}, Tỉnh Quảng Ninh`
  }

  originPlace(o: Origin): string {
    return `${this.rng.pick(o.districts)}, ${o.province}`
  }

  /** A person with a name, a birth and an ID; the household fills in the rest. */
  person(sex: Sex, birth: number, ethnic: string, family: string, origin: Origin | null, day: number): Person {
    const rng = this.rng
    const [by, bm, bd] = ymd(birth)
    const [middle, given] = personalName(rng, sex, by, ethnic)
    // The old often know only the year they were born (≈ 30 % of those born before 1950).
    const precision = by < 1950 ? (rng.chance(0.3) ? 2 : rng.chance(0.07) ? 1 : 0) : 0
    const age = (day - birth) / YEAR
    // A newborn may not have its number yet when the officer comes by.
    const hasPid = age < 1 ? rng.chance(0.7) : rng.chance(0.996)
    const pid = hasPid ? this.ids.pid(origin?.id ?? '022', sex, by) : ''
    let oldId = ''
    if (by < 1990 && rng.chance(0.45)) oldId = this.ids.oldId(origin && rng.chance(0.4) ? origin.cmnd : '10')
    return {
      key: '',
      sex,
      family,
      middle,
      given,
      name: joinName(family, middle, given),
      birth,
      by,
      bm,
      bd,
      precision,
      ethnic,
      origin,
      birthPlace: '',
      hometown: '',
      pid,
      oldId,
      religion: 'Không',
      blood: '',
      marital: 'Chưa kết hôn',
      relation: '',
      occupation: '',
      phone: '',
      email: '',
      otherName: '',
      father: null,
      mother: null,
      spouse: null,
      away: null,
      awayUnit2025: '',
      awayAddress: '',
    }
  }

  /** A parent who is not in the household (living elsewhere or dead), known by name and maybe ID. */
  outsideParent(sex: Sex, childBirth: number, family: string, ethnic: string, day: number): ParentRef {
    const birth = Math.round(childBirth - this.rng.range(20, 38) * YEAR - this.rng.int(365))
    return this.outsider(sex, birth, family, ethnic, day)
  }

  outsider(sex: Sex, birth: number, family: string, ethnic: string, day: number): ParentRef {
    const rng = this.rng
    const [by] = ymd(birth)
    const [middle, given] = personalName(rng, sex, by, ethnic)
    const age = (day - birth) / YEAR
    const alive = birth >= FIRST_BIRTH && rng.chance(survives(age, sex))
    const id =
      birth >= FIRST_BIRTH && rng.chance(alive ? 0.6 : 0.15)
        ? this.ids.pid(rng.chance(0.85) ? '022' : ORIGIN_TABLE.draw(rng).id, sex, by)
        : ''
    return { name: joinName(family, middle, given), id }
  }

  remember(p: Person): void {
    this.ring[this.ringNext] = { sex: p.sex, ethnic: p.ethnic, family: p.family, middle: p.middle, given: p.given, year: p.by }
    this.ringNext = (this.ringNext + 1) % RING_SIZE
  }

  /** A recent person's name and birth year, for a namesake (a different person, same name and year). */
  namesake(sex: Sex, ethnic: string, minYear: number, maxYear: number): NamesakeEntry | undefined {
    for (let i = 0; i < 8; i++) {
      const e = this.ring[this.rng.int(RING_SIZE)]
      if (e && e.sex === sex && e.ethnic === ethnic && e.year >= minYear && e.year <= maxYear) return e
    }
    return undefined
  }

  birthFromAge(day: number, age: number): number {
    return Math.max(FIRST_BIRTH, Math.floor(day - age * YEAR))
  }

  /** Applies a namesake entry: its name, and a birth day in its year. */
  rename(p: Person, e: NamesakeEntry): void {
    const start = isoDay(`${e.year}-01-01`)
    const birth = Math.max(FIRST_BIRTH, start + this.rng.int(365))
    const [by, bm, bd] = ymd(birth)
    p.birth = birth
    p.by = by
    p.bm = bm
    p.bd = bd
    p.family = e.family
    p.middle = e.middle
    p.given = e.given
    p.name = joinName(e.family, e.middle, e.given)
    if (p.pid) p.pid = this.ids.pid(p.origin?.id ?? '022', p.sex, by)
    if (by >= 1950) p.precision = 0
    if (by >= 1990) p.oldId = ''
  }

  /** Children of a mother born on `motherBirth` (father on `fatherBirth`), born before `day`. */
  children(motherBirth: number, fatherBirth: number, day: number, minority: boolean): number[] {
    const rng = this.rng
    const [motherYear] = ymd(motherBirth)
    const wanted = desiredChildren(rng, motherYear, minority)
    const births: number[] = []
    let at = Math.min(38, Math.max(18, rng.normal(23, 3.5)))
    for (let i = 0; i < wanted && at <= 45; i++) {
      const birth = Math.floor(motherBirth + at * YEAR)
      if (birth >= day - 1) break
      if (birth - fatherBirth >= 20 * YEAR) {
        births.push(birth)
        // Twins (≈ 1.5 % of births): the same day, different names.
        if (rng.chance(0.015)) births.push(birth)
      }
      at += 1.2 + -Math.log(1 - rng.next()) * 2.2
    }
    return births
  }

  household(index: number): Household {
    const rng = this.rng
    const c = this.model.pick.draw(rng)
    const unit2025 = rng.pick(c.successors)
    const day = this.from + rng.int(this.to - this.from + 1)
    const ethnic = c.ethnic.draw(rng)
    const members: Person[] = []
    let head: Person
    const kind = KINDS.draw(rng)
    const minority = ethnic !== 'Kinh'
    // Lineage: where the father's family comes from (many Kinh families of the mining towns came
    // from the delta provinces within living memory).
    let lineage = this.qnPlace(c, 0)
    if (ethnic === 'Kinh' && rng.chance(0.3)) lineage = this.originPlace(ORIGIN_TABLE.draw(rng))

    const migrant = (p: number) => (ethnic === 'Kinh' && rng.chance(p) ? ORIGIN_TABLE.draw(rng) : null)
    const bornHere = (p: Person, stayP: number) => {
      if (p.origin) {
        p.birthPlace = this.originPlace(p.origin)
      } else {
        const where = rng.chance(stayP) ? c : this.model.pick.draw(rng)
        p.birthPlace = this.qnPlace(where, p.birth)
      }
    }
    const child = (birth: number, family: string, father: ParentRef | null, mother: ParentRef | null) => {
      // Sex ratio at birth: ≈ 105 boys per 100 girls, up to ≈ 112 since the 2000s.
      const sex: Sex = rng.chance(birth < Y2000 ? 0.512 : 0.527) ? 'Nam' : 'Nữ'
      const p = this.person(sex, birth, ethnic, family, null, day)
      p.father = father
      p.mother = mother
      bornHere(p, 0.92)
      p.hometown = lineage
      return p
    }
    const twinsApart = (kids: Person[]) => {
      // Twins get different given names.
      for (let i = 1; i < kids.length; i++) {
        const a = kids[i - 1] as Person
        const b = kids[i] as Person
        if (a.birth === b.birth) {
          for (let t = 0; t < 6 && b.given === a.given; t++) {
            b.given = personalName(rng, b.sex, b.by, ethnic)[1]
          }
          if (b.given === a.given) b.given = b.sex === 'Nam' ? 'Phúc' : 'Lộc'
          b.name = joinName(b.family, b.middle, b.given)
        }
      }
    }
    const ref = (p: Person): ParentRef => ({ name: p.name, id: p.pid })
    const marry = (a: Person, b: Person) => {
      a.spouse = b
      b.spouse = a
      a.marital = 'Đã kết hôn'
      b.marital = 'Đã kết hôn'
    }

    if (kind === 'family' || kind === 'lone-parent') {
      const [start, width] = ANCHOR_AGES.draw(rng)
      let age = start + rng.next() * width
      if (kind === 'lone-parent') age = Math.min(65, Math.max(25, age))
      const husband = this.person('Nam', this.birthFromAge(day, age), ethnic, familyName(rng, ethnic), migrant(0.12), day)
      if (kind === 'family' && rng.chance(0.008)) {
        const e = this.namesake('Nam', ethnic, ymd(day - 90 * YEAR)[0], ymd(day - 22 * YEAR)[0])
        if (e) this.rename(husband, e)
      }
      // Wives are on average 3–4 years younger; a few are older.
      const gap = Math.min(15, Math.max(-3, Math.round(rng.normal(3.5, 3.5))))
      let wifeBirth = Math.floor(husband.birth + gap * YEAR + rng.range(-150, 150))
      // At most three years older than him, and of age.
      wifeBirth = Math.max(wifeBirth, Math.floor(husband.birth - 3 * YEAR), FIRST_BIRTH)
      wifeBirth = Math.min(wifeBirth, Math.floor(day - 19 * YEAR))
      const wifeEthnic = rng.chance(0.85) ? ethnic : c.ethnic.draw(rng)
      const wife = this.person('Nữ', wifeBirth, wifeEthnic, familyName(rng, wifeEthnic), migrant(0.15), day)
      if (kind === 'family' && rng.chance(0.008)) {
        const e = this.namesake('Nữ', wifeEthnic, husband.by - 3, Math.min(husband.by + 15, ymd(day - 19 * YEAR)[0]))
        if (e) this.rename(wife, e)
      }
      if (husband.origin) lineage = this.originPlace(husband.origin)
      bornHere(husband, 0.65)
      bornHere(wife, 0.4)
      husband.hometown = lineage
      wife.hometown = wife.origin ? wife.birthPlace : rng.chance(0.25) ? this.originPlace(ORIGIN_TABLE.draw(rng)) : wife.birthPlace

      const kids: Person[] = []
      for (const birth of this.children(wife.birth, husband.birth, day, minority)) {
        const k = child(birth, husband.family, ref(husband), ref(wife))
        const kAge = (day - birth) / YEAR
        if (!rng.chance(stayHome(kAge))) continue
        if (kAge >= 25 && rng.chance(0.05)) k.marital = 'Ly hôn'
        kids.push(k)
      }
      twinsApart(kids)
      if (kind === 'lone-parent') {
        // One parent raising the children: divorced, or widowed (more often the older).
        const mother = rng.chance(0.78)
        const parent = mother ? wife : husband
        const other = mother ? husband : wife
        const pAge = (day - parent.birth) / YEAR
        const widowed = rng.chance(pAge > 50 ? 0.6 : 0.3)
        parent.marital = widowed ? 'Góa' : 'Ly hôn'
        const otherRef = { name: other.name, id: widowed && rng.chance(0.7) ? '' : other.pid }
        for (const k of kids) {
          if (mother) k.father = otherRef
          else k.mother = otherRef
        }
        parent.father = this.outsideParent('Nam', parent.birth, parent.family, parent.ethnic, day)
        parent.mother = this.outsideParent('Nữ', parent.birth, familyName(rng, parent.ethnic), parent.ethnic, day)
        head = parent
        parent.relation = 'Chủ hộ'
        members.push(parent)
        for (const k of kids) {
          k.relation = 'Con'
          members.push(k)
        }
        this.remember(parent)
      } else {
        marry(husband, wife)
        this.remember(husband)
        this.remember(wife)
        const hAge = (day - husband.birth) / YEAR
        // The husband's parents live with the couple, more often when the couple is young and in
        // the countryside; sometimes it is the wife's parents and her husband moved in (con rể).
        let g1: Person[] = []
        let g1Line: 'husband' | 'wife' = 'husband'
        let g1Births: [father: number, mother: number] | null = null
        const coreside = hAge < 30 ? 0.4 : hAge < 40 ? 0.25 : hAge < 50 ? 0.18 : hAge <= 58 ? 0.1 : 0
        if (rng.chance(coreside + (c.urban ? 0 : 0.08))) {
          g1Line = rng.chance(0.15) ? 'wife' : 'husband'
          const base = g1Line === 'husband' ? husband : wife
          const gf = Math.floor(base.birth - rng.range(22, 38) * YEAR - rng.int(365))
          let gm = Math.floor(gf + Math.min(12, Math.max(-3, rng.normal(3.5, 3))) * YEAR)
          gm = Math.min(gm, Math.floor(base.birth - 18 * YEAR))
          gm = Math.max(gm, Math.floor(base.birth - 42 * YEAR))
          g1Births = [gf, gm]
          const gfAlive = gf >= FIRST_BIRTH && rng.chance(survives((day - gf) / YEAR, 'Nam'))
          const gmAlive = gm >= FIRST_BIRTH && rng.chance(survives((day - gm) / YEAR, 'Nữ'))
          const grandfather = this.person('Nam', Math.max(FIRST_BIRTH, gf), base.ethnic, base.family, base.origin, day)
          const grandmother = this.person('Nữ', Math.max(FIRST_BIRTH, gm), base.ethnic, familyName(rng, base.ethnic), base.origin, day)
          grandfather.hometown = base.hometown
          bornHere(grandfather, 0.6)
          bornHere(grandmother, 0.4)
          grandmother.hometown = grandmother.birthPlace
          base.father = { name: grandfather.name, id: gfAlive || rng.chance(0.3) ? grandfather.pid : '' }
          base.mother = { name: grandmother.name, id: gmAlive || rng.chance(0.3) ? grandmother.pid : '' }
          if (gfAlive && gmAlive) {
            marry(grandfather, grandmother)
            g1 = [grandfather, grandmother]
          } else if (gfAlive || gmAlive) {
            const g = gfAlive ? grandfather : grandmother
            g.marital = 'Góa'
            g1 = [g]
          }
          for (const g of g1) {
            if (rng.chance(0.3)) {
              g.father = this.outsideParent('Nam', g.birth, g.family, g.ethnic, day)
              g.mother = this.outsideParent('Nữ', g.birth, familyName(rng, g.ethnic), g.ethnic, day)
            }
          }
        }
        const headIsElder = g1.length > 0 && (g1Line === 'wife' || rng.chance(0.45))
        if (!husband.father) husband.father = this.outsideParent('Nam', husband.birth, husband.family, ethnic, day)
        if (!husband.mother) husband.mother = this.outsideParent('Nữ', husband.birth, familyName(rng, ethnic), ethnic, day)
        if (!wife.father) wife.father = this.outsideParent('Nam', wife.birth, wife.family, wifeEthnic, day)
        if (!wife.mother) wife.mother = this.outsideParent('Nữ', wife.birth, familyName(rng, wifeEthnic), wifeEthnic, day)
        // A brother or sister of the husband, unmarried, sometimes lives with them.
        let sibling: Person | null = null
        if (g1Line === 'husband' && rng.chance(g1.length > 0 ? 0.2 : 0.04)) {
          const sBirth = Math.floor(husband.birth + rng.range(-4, 10) * YEAR + rng.range(-150, 150))
          const sAge = (day - sBirth) / YEAR
          // Born to the same parents: the mother 18–45, the father at least 20.
          const fits =
            !g1Births || (sBirth >= g1Births[1] + 18 * YEAR && sBirth <= g1Births[1] + 45 * YEAR && sBirth >= g1Births[0] + 20 * YEAR)
          if (fits && sAge >= 16 && sBirth >= FIRST_BIRTH && Math.abs(sBirth - husband.birth) > 300) {
            sibling = this.person(rng.chance(0.5) ? 'Nam' : 'Nữ', sBirth, ethnic, husband.family, null, day)
            sibling.father = husband.father
            sibling.mother = husband.mother
            sibling.hometown = husband.hometown
            bornHere(sibling, 0.8)
            if (sAge >= 30 && rng.chance(0.3)) sibling.marital = rng.chance(0.5) ? 'Ly hôn' : 'Chưa kết hôn'
          }
        }
        if (headIsElder) {
          const elder = g1[0] as Person
          head = elder
          elder.relation = 'Chủ hộ'
          members.push(elder)
          const elderSpouse = g1[1]
          if (elderSpouse) {
            elderSpouse.relation = 'Vợ'
            members.push(elderSpouse)
          }
          husband.relation = g1Line === 'husband' ? 'Con' : 'Con rể'
          wife.relation = g1Line === 'husband' ? 'Con dâu' : 'Con'
          members.push(husband, wife)
          if (sibling) {
            sibling.relation = 'Con'
            members.push(sibling)
          }
          for (const k of kids) k.relation = 'Cháu'
        } else {
          const wifeHeads = g1.length === 0 && !sibling && rng.chance(0.2)
          head = wifeHeads ? wife : husband
          head.relation = 'Chủ hộ'
          members.push(head)
          const spouse = wifeHeads ? husband : wife
          spouse.relation = wifeHeads ? 'Chồng' : 'Vợ'
          members.push(spouse)
          for (const g of g1) {
            g.relation = g.sex === 'Nam' ? 'Cha' : 'Mẹ'
            members.push(g)
          }
          if (sibling) {
            const older = sibling.birth < husband.birth
            sibling.relation = older ? (sibling.sex === 'Nam' ? 'Anh' : 'Chị') : 'Em'
            members.push(sibling)
          }
          for (const k of kids) k.relation = 'Con'
        }
        members.push(...kids)
        // Now and then an unrelated or distant member (a niece studying in town, a helper).
        if (rng.chance(0.01)) {
          const oBirth = this.birthFromAge(day, 16 + rng.next() * 40)
          const other = this.person(rng.chance(0.5) ? 'Nam' : 'Nữ', oBirth, ethnic, familyName(rng, ethnic), null, day)
          other.relation = 'Khác'
          other.father = this.outsideParent('Nam', oBirth, other.family, ethnic, day)
          other.mother = this.outsideParent('Nữ', oBirth, familyName(rng, ethnic), ethnic, day)
          bornHere(other, 0.3)
          other.hometown = other.birthPlace
          members.push(other)
        }
      }
    } else if (kind === 'single') {
      const old = rng.chance(0.5)
      const sex: Sex = old ? (rng.chance(0.7) ? 'Nữ' : 'Nam') : rng.chance(0.55) ? 'Nam' : 'Nữ'
      const age = old ? 60 + rng.next() * 34 : 20 + rng.next() * 20
      const p = this.person(sex, this.birthFromAge(day, age), ethnic, familyName(rng, ethnic), migrant(old ? 0.15 : 0.2), day)
      p.marital = old
        ? rng.chance(0.82)
          ? 'Góa'
          : rng.chance(0.5)
            ? 'Ly hôn'
            : 'Chưa kết hôn'
        : rng.chance(0.85)
          ? 'Chưa kết hôn'
          : 'Ly hôn'
      bornHere(p, 0.6)
      p.hometown = p.origin ? p.birthPlace : lineage
      if (!old || rng.chance(0.5)) {
        p.father = this.outsideParent('Nam', p.birth, p.family, ethnic, day)
        p.mother = this.outsideParent('Nữ', p.birth, familyName(rng, ethnic), ethnic, day)
      }
      p.relation = 'Chủ hộ'
      head = p
      members.push(p)
      this.remember(p)
    } else {
      // Grandparents raising their grandchildren while the parents work elsewhere.
      const gmAge = 50 + rng.next() * 28
      const gmBirth = this.birthFromAge(day, gmAge)
      const gfBirth = Math.max(FIRST_BIRTH, Math.floor(gmBirth - Math.max(-2, rng.normal(3, 3)) * YEAR))
      const grandmother = this.person('Nữ', gmBirth, ethnic, familyName(rng, ethnic), null, day)
      const grandfather = this.person('Nam', gfBirth, ethnic, familyName(rng, ethnic), null, day)
      bornHere(grandmother, 0.5)
      bornHere(grandfather, 0.7)
      grandfather.hometown = lineage
      grandmother.hometown = grandmother.birthPlace
      const gfAlive = rng.chance(survives((day - gfBirth) / YEAR, 'Nam') * 0.85)
      const elders = gfAlive ? [grandfather, grandmother] : [grandmother]
      if (gfAlive) marry(grandfather, grandmother)
      else grandmother.marital = 'Góa'
      // Their son (or daughter, then the children carry her husband's family name).
      const viaSon = rng.chance(0.75)
      const parentBirth = Math.floor(gmBirth + rng.range(20, 34) * YEAR)
      const sonFamily = viaSon ? grandfather.family : familyName(rng, ethnic)
      const fatherRef = this.outsider('Nam', parentBirth, sonFamily, ethnic, day)
      const motherRef = this.outsider(
        'Nữ',
        parentBirth + rng.range(-2, 6) * 365,
        viaSon ? familyName(rng, ethnic) : grandfather.family,
        ethnic,
        day,
      )
      const kids: Person[] = []
      const n = rng.range(1, 3)
      let birth = Math.floor(parentBirth + rng.range(20, 30) * YEAR)
      for (let i = 0; i < n && birth < day - 30; i++) {
        if ((day - birth) / YEAR <= 25) kids.push(child(birth, sonFamily, fatherRef, motherRef))
        birth = Math.floor(birth + (2 + rng.next() * 4) * YEAR)
      }
      if (!viaSon) for (const k of kids) k.hometown = this.qnPlace(this.model.pick.draw(rng), 0)
      twinsApart(kids)
      const eldest = kids[0]
      if (eldest && (day - eldest.birth) / YEAR >= 20 && rng.chance(0.3)) {
        // A grown grandchild is registered as the head: the grandparents are then Ông and Bà.
        head = eldest
        eldest.relation = 'Chủ hộ'
        members.push(eldest)
        for (const e of elders) {
          e.relation = e.sex === 'Nam' ? 'Ông' : 'Bà'
          members.push(e)
        }
        for (const k of kids.slice(1)) {
          k.relation = 'Em'
          members.push(k)
        }
      } else {
        head = elders[0] as Person
        for (const e of elders) {
          e.relation = e === head ? 'Chủ hộ' : 'Vợ'
          members.push(e)
        }
        for (const k of kids) {
          k.relation = 'Cháu'
          members.push(k)
        }
      }
      for (const e of elders) this.remember(e)
    }

    // What the household shares, and the person details that depend on age and place.
    const religion = (
      this.model.religion.get(c.mountain ? 'mountain' : c.districtCode) ?? (this.model.religion.get('') as Table<string>)
    ).draw(rng)
    for (const p of members) {
      const age = (day - p.birth) / YEAR
      p.religion = rng.chance(0.92) ? religion : rng.chance(0.8) ? 'Không' : 'Phật giáo'
      p.blood = rng.chance(0.42) ? BLOOD.draw(rng) : ''
      if (!p.birthPlace) bornHere(p, 0.7)
      if (!p.hometown) p.hometown = lineage
      p.occupation = occupationFor(rng, p.sex, age, c)
      const phoneP = age < 15 ? 0 : age < 18 ? 0.5 : age < 60 ? 0.88 : age < 75 ? 0.6 : 0.3
      if (rng.chance(phoneP)) p.phone = PHONE_PREFIXES.draw(rng) + String(rng.int(10_000_000)).padStart(7, '0')
      if (age >= 16 && age < 50 && rng.chance(0.06)) p.email = this.email(p)
      if (rng.chance(0.01)) p.otherName = rng.pick(NICKNAMES)
      // Students and workers of 18–35 often live in another commune than their family's.
      if (age >= 18 && age < 35 && p !== head && rng.chance(0.06)) {
        const away = this.model.pick.draw(rng)
        if (away !== c) {
          p.away = away
          p.awayUnit2025 = rng.pick(away.successors)
          p.awayAddress = this.address(away, rng)[0]
        }
      }
    }
    const [address, addressShort] = this.address(c, rng)
    if (index >= 10_000_000) throw new RangeError('generate: more than ten million households')
    const no = `22${String(permute(index, 10_000_000, 24, this.householdKey)).padStart(7, '0')}`
    return { no, commune: c, unit2025, day, address, addressShort, head, members }
  }

  address(c: Commune, rng: Rng): [full: string, short: string] {
    if (c.type === 'Phường') {
      const to = rng.range(1, 14)
      const khu = rng.range(1, c.khu)
      const block = `tổ ${to}, khu ${khu}`
      if (rng.chance(0.55)) {
        const house = rng.range(1, 250)
        const lane = rng.chance(0.2) ? `ngõ ${rng.range(1, 80)}, ` : ''
        return [`Số ${house}, ${lane}đường ${rng.pick(STREETS)}, ${block}`, `Tổ ${to}, khu ${khu}`]
      }
      return [`Tổ ${to}, khu ${khu}`, `Tổ ${to} khu ${khu}`]
    }
    if (c.type === 'Thị trấn') {
      const khu = rng.range(1, c.khu)
      if (rng.chance(0.4)) return [`Số ${rng.range(1, 200)}, phố ${rng.pick(STREETS)}, khu ${khu}`, `Khu ${khu}`]
      return [`Khu phố ${khu}`, `Khu ${khu}`]
    }
    const hamlet = rng.pick(c.hamlets)
    return [`Thôn ${hamlet}`, `thôn ${hamlet}`]
  }

  email(p: Person): string {
    const rng = this.rng
    const ascii = (s: string) => stripMarks(s).toLowerCase().replace(/\s+/g, '')
    const initials = [p.family, ...p.middle.split(' ')]
      .filter(Boolean)
      .map((w) => ascii(w).charAt(0))
      .join('')
    const local = rng.chance(0.5)
      ? `${ascii(p.family + p.middle + p.given)}${pad2(p.by % 100)}`
      : `${ascii(p.given)}${initials}${rng.range(1, 999)}`
    const domain = rng.chance(0.85) ? 'gmail.com' : rng.pick(['yahoo.com', 'yahoo.com.vn', 'outlook.com', 'icloud.com'])
    return `${local}@${domain}`
  }
}

// ---------------------------------------------------------------------------------------------
// Forms.

interface FormPlan {
  day: number
  collecting: string
  permanent: string
  current: string
  permanentAddress: string
  currentAddress: string
  /** Probability that an optional field is left empty on this form. */
  omit: number
}

interface ErrorContext {
  person: Person
  household: Household
  style: DateStyle
  era: 2024 | 2025
}

const eraOfDay = (day: number) => (day < REFORM_DAY ? 2024 : 2025)

const ABBREVIATIONS: [RegExp, string][] = [
  [/\bXã /gu, 'X. '],
  [/\bPhường /gu, 'P. '],
  [/\bThị trấn /gu, 'TT. '],
  [/\bHuyện /gu, 'H. '],
  [/\bThành phố /gu, 'TP. '],
  [/\bThị xã /gu, 'TX. '],
  [/\bTỉnh /gu, 'T. '],
  [/\bQuận /gu, 'Q. '],
]

function abbreviate(text: string): string {
  let out = text
  for (const [re, short] of ABBREVIATIONS) out = out.replace(re, short)
  return out
}

function formatPhone(rng: Rng, phone: string): string {
  const r = rng.next()
  if (r < 0.8) return phone
  if (r < 0.88) return `+84${phone.slice(1)}`
  if (r < 0.95) return `${phone.slice(0, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`
  return `${phone.slice(0, 4)}.${phone.slice(4, 7)}.${phone.slice(7)}`
}

function birthText(p: Person, style: DateStyle): string {
  if (p.precision === 2) return String(p.by)
  if (p.precision === 1) return style === 1 ? `${p.bm}/${p.by}` : `${pad2(p.bm)}/${p.by}`
  return formatDate(p.by, p.bm, p.bd, style)
}

// ---------------------------------------------------------------------------------------------
// Injected errors. Each takes the form as typed so far and changes it, or returns false when
// there is nothing it could change (then it is not recorded).

const TONES = '\u0300\u0301\u0303\u0309\u0323'
const OLD_TONE_OA = new RegExp(`([oO])([${TONES}])([aAeE])$`)
const OLD_TONE_UY = new RegExp(`(^|[^qQ])([uU])([${TONES}])([yY])$`)

/** Moves the tone of open "oa", "oe", "uy" syllables to the second vowel: hòa → hoà, thúy → thuý. */
const OLD_TONE_NFC = /[òóỏõọÒÓỎÕỌ][aAeE]|[ùúủũụÙÚỦŨỤ][yY]/

function newStyleTone(text: string): string {
  if (!OLD_TONE_NFC.test(text)) return text
  return text.replace(/\p{L}+/gu, (word) => {
    const d = word.normalize('NFD')
    const moved = d.replace(OLD_TONE_OA, '$1$3$2').replace(OLD_TONE_UY, '$1$2$4$3')
    return moved === d ? word : moved.normalize('NFC')
  })
}

const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'
const UTF8 = new TextEncoder()

/** UTF-8 bytes read as Windows-1252 ("Nguyễn" → "Nguyá»…n"); bytes it leaves undefined pass as Latin-1. */
function mojibake(text: string): string {
  if (!/[^\p{ASCII}]/u.test(text)) return text
  let out = ''
  for (const b of UTF8.encode(text)) out += b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b)
  return out
}

const KEYBOARD: Record<string, string> = {
  q: 'wa',
  w: 'qes',
  e: 'wrd',
  r: 'etf',
  t: 'ryg',
  y: 'tuh',
  u: 'yij',
  i: 'uok',
  o: 'ipl',
  p: 'ol',
  a: 'qsz',
  s: 'awdzx',
  d: 'sefxc',
  f: 'drgcv',
  g: 'fthvb',
  h: 'gyjbn',
  j: 'hukmn',
  k: 'jilm',
  l: 'kop',
  z: 'asx',
  x: 'zsdc',
  c: 'xdfv',
  v: 'cfgb',
  b: 'vghn',
  n: 'bhjm',
  m: 'njk',
}
const TELEX_TONE: Record<string, string> = { '\u0301': 's', '\u0300': 'f', '\u0309': 'r', '\u0303': 'x', '\u0323': 'j' }

/** The keys typed in Telex when the input method was off: "Nguyễn" → "Nguyeenx". */
function telex(word: string): string {
  let out = ''
  let tone = ''
  for (const ch of word.normalize('NFD')) {
    if (TELEX_TONE[ch]) tone = TELEX_TONE[ch] as string
    else if (ch === '\u0302') out += out.slice(-1).toLowerCase()
    else if (ch === '\u0306' || ch === '\u031b') out += 'w'
    else if (ch === 'đ') out += 'dd'
    else if (ch === 'Đ') out += 'Dd'
    else out += ch
  }
  return out + tone
}

function typo(rng: Rng, name: string): string {
  const words = name.split(' ')
  const wi = rng.chance(0.5) ? words.length - 1 : rng.int(words.length)
  const word = words[wi] as string
  const chars = Array.from(word)
  const r = rng.next()
  let out = word
  if (r < 0.15 && /[^\p{ASCII}]/u.test(word)) out = telex(word)
  else if (r < 0.45) {
    const spots = chars.map((ch, i) => (KEYBOARD[ch.toLowerCase()] ? i : -1)).filter((i) => i > 0)
    if (spots.length > 0) {
      const i = rng.pick(spots)
      const ch = chars[i] as string
      const near = rng.pick(Array.from(KEYBOARD[ch.toLowerCase()] as string))
      chars[i] = ch === ch.toLowerCase() ? near : near.toUpperCase()
      out = chars.join('')
    }
  } else if (r < 0.7 && chars.length >= 3) {
    chars.splice(rng.range(1, chars.length - 1), 1)
    out = chars.join('')
  } else if (r < 0.85) {
    const i = rng.range(1, chars.length - 1)
    chars.splice(i, 0, chars[i] as string)
    out = chars.join('')
  } else if (chars.length >= 3) {
    const i = rng.range(1, chars.length - 2)
    const t = chars[i] as string
    chars[i] = chars[i + 1] as string
    chars[i + 1] = t
    out = chars.join('')
  }
  if (out === word) {
    // Nothing to swap or drop: double the last letter, which is always a change.
    out = word + word.slice(-1)
  }
  words[wi] = out
  return words.join(' ')
}

const TEXT_KEYS = [
  'full_name',
  'other_name',
  'birth_reg_place',
  'hometown',
  'ethnicity',
  'religion',
  'nationality',
  'marital_status',
  'permanent_address',
  'current_address',
  'occupation',
  'father_name',
  'mother_name',
  'spouse_name',
  'household_head_name',
  'relation_to_head',
  'sex',
] as const

function mapText(form: Dc01Form, fn: (text: string) => string): boolean {
  let changed = false
  for (const k of TEXT_KEYS) {
    const v = form[k]
    if (!v) continue
    const w = fn(v)
    if (w !== v) {
      form[k] = w
      changed = true
    }
  }
  return changed
}

const FAMILY_VARIANTS: Record<string, string> = { Hoàng: 'Huỳnh', Huỳnh: 'Hoàng', Vũ: 'Võ', Võ: 'Vũ' }

interface ErrorKind {
  code: ErrorCode
  weight: number
  can: (f: Dc01Form, x: ErrorContext) => boolean
  apply: (f: Dc01Form, x: ErrorContext, rng: Rng) => boolean
  conflicts?: ErrorCode[]
}

const hasNonAscii = (s: string) => /[^\p{ASCII}]/u.test(s)

// In the order they are applied: the name's structure, then its letters, then how it is
// written down, then the whole form's encoding.
const ERROR_KINDS: ErrorKind[] = [
  {
    code: 'family-variant',
    weight: 8,
    can: (f) => FAMILY_VARIANTS[f.full_name.split(' ')[0] as string] !== undefined,
    apply: (f) => {
      const [first, ...rest] = f.full_name.split(' ')
      const other = FAMILY_VARIANTS[first as string]
      if (!other) return false
      f.full_name = [other, ...rest].join(' ')
      return true
    },
  },
  {
    code: 'no-middle',
    weight: 3,
    can: (f) => f.full_name.split(' ').length >= 3,
    apply: (f) => {
      const words = f.full_name.split(' ')
      if (words.length < 3) return false
      f.full_name = `${words[0]} ${words[words.length - 1]}`
      return true
    },
  },
  {
    code: 'typo',
    weight: 16,
    can: () => true,
    apply: (f, _x, rng) => {
      const before = f.full_name
      f.full_name = typo(rng, before)
      return f.full_name !== before
    },
  },
  {
    code: 'wrong-tone',
    weight: 8,
    can: (f) => /[\u0303\u0309]/.test(f.full_name.normalize('NFD')),
    apply: (f, _x, rng) => {
      const d = f.full_name.normalize('NFD')
      const spots: number[] = []
      for (let i = 0; i < d.length; i++) if (d[i] === '\u0303' || d[i] === '\u0309') spots.push(i)
      if (spots.length === 0) return false
      const i = rng.pick(spots)
      f.full_name = (d.slice(0, i) + (d[i] === '\u0303' ? '\u0309' : '\u0303') + d.slice(i + 1)).normalize('NFC')
      return true
    },
    conflicts: ['lost-diacritics'],
  },
  {
    code: 'old-tone',
    weight: 8,
    can: (f) => TEXT_KEYS.some((k) => f[k] !== newStyleTone(f[k])),
    apply: (f) => mapText(f, newStyleTone),
    conflicts: ['lost-diacritics'],
  },
  {
    code: 'upper-case',
    weight: 8,
    can: (f) => f.full_name !== f.full_name.toLocaleUpperCase('vi'),
    apply: (f) => {
      const before = f.full_name
      f.full_name = before.toLocaleUpperCase('vi')
      return f.full_name !== before
    },
  },
  {
    code: 'spaces',
    weight: 6,
    can: () => true,
    apply: (f, _x, rng) => {
      const r = rng.next()
      const name = f.full_name
      const gap = name.indexOf(' ')
      if (r < 0.4 && gap > 0) f.full_name = `${name.slice(0, gap)}  ${name.slice(gap + 1)}`
      else if (r < 0.6) f.full_name = `${name} `
      else if (r < 0.75) f.full_name = ` ${name}`
      else if (r < 0.9 && gap > 0) f.full_name = `${name.slice(0, gap)}\u00a0${name.slice(gap + 1)}`
      else if (gap > 0) f.full_name = name.slice(0, gap) + name.slice(gap + 1)
      else f.full_name = `${name}  `
      return f.full_name !== name
    },
  },
  {
    code: 'day-month-swap',
    weight: 6,
    can: (f, x) => f.birth_date !== '' && x.person.precision === 0 && x.person.bd <= 12 && x.person.bd !== x.person.bm,
    apply: (f, x) => {
      const p = x.person
      f.birth_date = formatDate(p.by, p.bd, p.bm, x.style)
      return true
    },
    conflicts: ['year-only'],
  },
  {
    code: 'year-only',
    weight: 4,
    can: (f, x) => f.birth_date !== '' && x.person.precision < 2,
    apply: (f, x) => {
      f.birth_date = String(x.person.by)
      return true
    },
    conflicts: ['day-month-swap'],
  },
  {
    code: 'id-digit',
    weight: 6,
    can: (f) => f.personal_id.length === 12,
    apply: (f, _x, rng) => {
      const i = rng.range(6, 11)
      const digit = (Number(f.personal_id[i]) + rng.range(1, 9)) % 10
      f.personal_id = f.personal_id.slice(0, i) + digit + f.personal_id.slice(i + 1)
      return true
    },
  },
  {
    code: 'id-century',
    weight: 3,
    can: (f) => f.personal_id.length === 12,
    apply: (f, _x, rng) => {
      const g = Number(f.personal_id[3])
      // Mostly the sex half of the digit is wrong (0↔1, 2↔3), sometimes the century (0↔2, 1↔3).
      const wrong = rng.chance(0.6) ? g ^ 1 : g ^ 2
      f.personal_id = f.personal_id.slice(0, 3) + wrong + f.personal_id.slice(4)
      return true
    },
  },
  {
    code: 'old-unit',
    weight: 6,
    can: (f, x) => x.era === 2025 && f.permanent_unit === x.household.unit2025 && x.household.commune.code !== x.household.unit2025,
    apply: (f, x, rng) => {
      const old = x.household.commune.code
      if (f.current_unit === f.permanent_unit && rng.chance(0.6)) f.current_unit = old
      f.permanent_unit = old
      return true
    },
  },
  {
    code: 'lost-diacritics',
    weight: 12,
    can: (f) => hasNonAscii(f.full_name),
    apply: (f) => mapText(f, stripMarks),
    conflicts: ['nfd', 'mojibake', 'wrong-tone', 'old-tone'],
  },
  {
    code: 'nfd',
    weight: 6,
    // "Đ" has no decomposition: a name of only Đ and ASCII looks the same in NFD.
    can: (f) => f.full_name.normalize('NFD') !== f.full_name,
    apply: (f) => mapText(f, (s) => s.normalize('NFD')),
    conflicts: ['mojibake', 'lost-diacritics'],
  },
  {
    code: 'mojibake',
    weight: 4,
    can: (f) => hasNonAscii(f.full_name),
    apply: (f) => mapText(f, mojibake),
    conflicts: ['nfd', 'lost-diacritics'],
  },
]

function injectErrors(form: Dc01Form, x: ErrorContext, rng: Rng): string[] {
  const r = rng.next()
  const wanted = r < 0.8 ? 1 : r < 0.96 ? 2 : 3
  const candidates = ERROR_KINDS.filter((k) => k.can(form, x))
  const chosen = new Set<ErrorKind>()
  while (chosen.size < wanted && candidates.length > 0) {
    let total = 0
    for (const k of candidates) total += k.weight
    let t = rng.next() * total
    let idx = 0
    for (; idx < candidates.length - 1; idx++) {
      t -= (candidates[idx] as ErrorKind).weight
      if (t < 0) break
    }
    const kind = candidates[idx] as ErrorKind
    chosen.add(kind)
    for (let i = candidates.length - 1; i >= 0; i--) {
      const k = candidates[i] as ErrorKind
      if (k === kind || kind.conflicts?.includes(k.code) || k.conflicts?.includes(kind.code)) candidates.splice(i, 1)
    }
  }
  const codes: string[] = []
  for (const kind of ERROR_KINDS) {
    if (chosen.has(kind) && kind.apply(form, x, rng)) codes.push(kind.code)
  }
  if (codes.length === 0) {
    // An earlier change undid what a later one needed (a tone in a dropped middle name): a typo
    // is always possible.
    const kind = ERROR_KINDS.find((k) => k.code === 'typo') as ErrorKind
    if (kind.apply(form, x, rng)) codes.push(kind.code)
  }
  return codes
}

// ---------------------------------------------------------------------------------------------
// The stream.

function checkOptions(options: GenerateOptions): { from: number; to: number; dupRate: number; errorRate: number } {
  const { persons, seed } = options
  const dupRate = options.dupRate ?? 0
  const errorRate = options.errorRate ?? 0
  if (!Number.isInteger(persons) || persons < 0) throw new RangeError(`generate: persons must be a whole number ≥ 0, not ${persons}`)
  if (!Number.isFinite(seed)) throw new RangeError(`generate: seed must be a finite number, not ${seed}`)
  for (const [name, rate] of [
    ['dupRate', dupRate],
    ['errorRate', errorRate],
  ] as const) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`generate: ${name} must be between 0 and 1, not ${rate}`)
  }
  const fromText = options.collectedFrom ?? '2025-09-01'
  const toText = options.collectedTo ?? '2026-10-31'
  const from = isoDay(fromText)
  const to = isoDay(toText)
  if (Number.isNaN(from) || Number.isNaN(to))
    throw new RangeError(`generate: collectedFrom/collectedTo must be ISO dates (${fromText}, ${toText})`)
  if (from > to) throw new RangeError(`generate: collectedFrom ${fromText} is after collectedTo ${toText}`)
  if (from < isoDay('1990-01-01')) throw new RangeError(`generate: collectedFrom ${fromText} is too early`)
  return { from, to, dupRate, errorRate }
}

// Repeat forms come out a while after the household, as they would in a province's batches.
const MAX_DELAY = 1500

export function* generateForms(options: GenerateOptions, ref: ReferenceData): Generator<GeneratedForm> {
  const { from, to, dupRate, errorRate } = checkOptions(options)
  const model = buildModel(ref)
  const ids = new Ids(options.seed)
  const population = new Population(options.seed, model, from, to, ids)
  const formRng = new Rng(options.seed, 2)
  const dupRng = new Rng(options.seed, 3)
  const errorRng = new Rng(options.seed, 4)
  const formCounters = new Map<string, number>()
  const delayed = new Map<number, GeneratedForm[]>()
  let made = 0
  let householdIndex = 0

  // Before the reform, the 2024 list — the map since the mergers of 1 Nov 2024; forms dated
  // before then would in reality also name the eight communes that changed, which is not modelled.
  const unitAt = (c: Commune, unit2025: string, day: number) => (day < REFORM_DAY ? c.code : unit2025)

  const makeForm = (p: Person, h: Household, plan: FormPlan, rng: Rng): GeneratedForm => {
    const era = eraOfDay(plan.day)
    const counterKey = `${era}:${plan.collecting}`
    const seq = (formCounters.get(counterKey) ?? 0) + 1
    formCounters.set(counterKey, seq)
    const r = rng.next()
    const style: DateStyle = r < 0.85 ? 0 : r < 0.93 ? 1 : 2
    const [cy, cm, cd] = ymd(plan.day)
    const keep = (value: string) => (value && rng.chance(plan.omit) ? '' : value)
    const place = (value: string) => keep(value && rng.chance(0.08) ? abbreviate(value) : value)
    const age = (plan.day - p.birth) / YEAR
    let sex: string = p.sex
    if (rng.chance(0.03)) sex = rng.chance(0.6) ? (p.sex === 'Nam' ? 'nam' : 'nu') : p.sex === 'Nam' ? 'M' : 'F'
    const spouse = p.spouse
    // A parent left off the form goes with their ID.
    const father = p.father && !rng.chance(plan.omit / 2) ? p.father : null
    const mother = p.mother && !rng.chance(plan.omit / 2) ? p.mother : null
    const form: Dc01Form = {
      form_no: `DC01-${plan.collecting}-${String(seq).padStart(6, '0')}`,
      collected_on: formatDate(cy, cm, cd, style),
      collecting_unit: plan.collecting,
      full_name: p.name,
      other_name: keep(p.otherName),
      birth_date: birthText(p, style),
      sex,
      personal_id: p.pid && rng.chance(0.005) ? '' : p.pid,
      old_id: keep(p.oldId),
      birth_reg_place: place(p.birthPlace),
      hometown: place(p.hometown),
      ethnicity: rng.chance(0.05) ? (model.ethnicCode.get(p.ethnic) ?? p.ethnic) : p.ethnic,
      religion: keep(p.religion),
      nationality: keep('Việt Nam'),
      blood_group: p.blood && !rng.chance(plan.omit) ? (rng.chance(0.1) ? `${p.blood}+` : p.blood) : '',
      marital_status: age < 16 && rng.chance(0.4) ? '' : keep(p.marital),
      permanent_unit: plan.permanent,
      permanent_address: plan.permanentAddress,
      current_unit: plan.current,
      current_address:
        plan.current === plan.permanent && plan.currentAddress === plan.permanentAddress ? keep(plan.currentAddress) : plan.currentAddress,
      occupation: keep(p.occupation),
      father_name: father ? father.name : '',
      father_id: father ? keep(father.id) : '',
      mother_name: mother ? mother.name : '',
      mother_id: mother ? keep(mother.id) : '',
      spouse_name: spouse ? spouse.name : '',
      spouse_id: spouse ? keep(spouse.pid) : '',
      household_no: h.no,
      household_head_name: h.head.name,
      household_head_id: h.head.pid,
      relation_to_head: p.relation,
      phone: p.phone && !rng.chance(plan.omit) ? formatPhone(rng, p.phone) : '',
      email: keep(p.email),
    }
    const errors = errorRate > 0 && errorRng.chance(errorRate) ? injectErrors(form, { person: p, household: h, style, era }, errorRng) : []
    return { form, truth: { form_no: form.form_no, collecting_unit: plan.collecting, person: p.key, errors } }
  }

  const primaryPlan = (p: Person, h: Household): FormPlan => {
    // Most of a household is seen on the same visit; someone absent is caught up within weeks.
    let day = h.day
    if (formRng.chance(0.12)) day = Math.min(to, day + formRng.range(1, 20))
    const home = unitAt(h.commune, h.unit2025, day)
    if (p.away) {
      // Seen where they live (on another day), or declared by the family at home.
      const atAway = formRng.chance(0.7)
      if (atAway) day = Math.max(from, Math.min(to, day + formRng.range(-60, 60)))
      const current = unitAt(p.away, p.awayUnit2025, day)
      const permanent = unitAt(h.commune, h.unit2025, day)
      return {
        day,
        collecting: atAway ? current : permanent,
        permanent,
        current,
        permanentAddress: h.address,
        currentAddress: p.awayAddress,
        omit: 0.04,
      }
    }
    return { day, collecting: home, permanent: home, current: home, permanentAddress: h.address, currentAddress: h.address, omit: 0.04 }
  }

  const repeatPlan = (p: Person, h: Household, first: FormPlan): FormPlan => {
    const rng = dupRng
    // Another day, later if the window allows; after the reform when the first was before it.
    let day: number
    if (first.day < REFORM_DAY && to >= REFORM_DAY && rng.chance(0.5))
      day = Math.max(REFORM_DAY, first.day + 1) + rng.int(to - Math.max(REFORM_DAY, first.day + 1) + 1)
    else if (first.day < to) day = first.day + 1 + rng.int(to - first.day)
    else {
      const earliest = Math.max(from, p.birth + 1)
      day = earliest < first.day ? earliest + rng.int(first.day - earliest) : first.day
    }
    const home = unitAt(h.commune, h.unit2025, day)
    const permanentAddress = rng.chance(0.25) ? h.addressShort : h.address
    if (p.away) {
      // The other end: collected at home if first seen where they live, and the other way round.
      const current = unitAt(p.away, p.awayUnit2025, day)
      const collecting = first.collecting === first.permanent ? current : home
      return { day, collecting, permanent: home, current, permanentAddress, currentAddress: p.awayAddress, omit: 0.12 }
    }
    if (rng.chance(0.3)) {
      // Registered where they now stay (work, study, a relative's), the family home unchanged.
      const where = model.pick.draw(rng)
      if (where !== h.commune) {
        const current = unitAt(where, rng.pick(where.successors), day)
        return {
          day,
          collecting: current,
          permanent: home,
          current,
          permanentAddress,
          currentAddress: population.address(where, rng)[0],
          omit: 0.12,
        }
      }
    }
    return { day, collecting: home, permanent: home, current: home, permanentAddress, currentAddress: permanentAddress, omit: 0.12 }
  }

  while (made < options.persons) {
    const h = population.household(householdIndex)
    if (h.members.length > options.persons - made) h.members.length = options.persons - made
    for (const p of h.members) {
      made++
      p.key = `P${String(made).padStart(6, '0')}`
    }
    for (const p of h.members) {
      const plan = primaryPlan(p, h)
      yield makeForm(p, h, plan, formRng)
      if (dupRate > 0 && dupRng.chance(dupRate)) {
        let extra = dupRng.chance(0.05) ? 2 : 1
        let last = plan
        while (extra-- > 0) {
          const repeat = repeatPlan(p, h, last)
          last = repeat
          const saved = p.phone
          // Numbers change between visits now and then.
          if (p.phone && dupRng.chance(0.1)) p.phone = PHONE_PREFIXES.draw(dupRng) + String(dupRng.int(10_000_000)).padStart(7, '0')
          const out = makeForm(p, h, repeat, dupRng)
          p.phone = saved
          const at = householdIndex + 1 + dupRng.int(MAX_DELAY)
          const queue = delayed.get(at)
          if (queue) queue.push(out)
          else delayed.set(at, [out])
        }
      }
    }
    const due = delayed.get(householdIndex)
    if (due) {
      delayed.delete(householdIndex)
      yield* due
    }
    householdIndex++
  }
  for (const at of [...delayed.keys()].sort((a, b) => a - b)) yield* delayed.get(at) as GeneratedForm[]
}
