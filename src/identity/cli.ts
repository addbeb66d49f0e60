// `coso id …`: the personal identification number. Needs no database.
import type { Command } from 'commander'
import { fail, jsonFlag, out, printJson } from '../cli/common.ts'
import { today } from '../geo/eras.ts'
import { AppError } from '../platform/errors.ts'
import { type Explanation, explainNumber, SEX_NAME } from './number.ts'
import { idPlaces } from './places.ts'

const UNKNOWN_PLACE = {
  vi: 'không rõ: không phải mã tỉnh, có thể là mã nước của khai sinh đăng ký ở nước ngoài (không có trong dữ liệu)',
  en: "unknown: no province's code, perhaps a country's for a birth registered abroad (not in our data)",
}

/** What `--json` prints: the fields tools read. */
export function explanationJson(e: Explanation) {
  const place = 'unknown' in e.place ? null : e.place
  return {
    number: e.number,
    province: place?.name ?? null,
    province_code: e.place.code,
    province_2025: place?.name2025 ?? null,
    province_2025_code: place?.code2025 ?? null,
    sex: SEX_NAME[e.sex].vi,
    birth_year: e.birthYear,
    century: e.century,
    century_digit: e.centuryDigit,
    serial: e.serial,
    note: place ? null : UNKNOWN_PLACE,
  }
}

function explanationLines(e: Explanation): string[] {
  const place = 'unknown' in e.place ? null : e.place
  const sex = SEX_NAME[e.sex]
  const from = (e.century - 1) * 100
  const lines = [`Số định danh / ID number: ${e.number}`]
  if (!place) lines.push(`Nơi đăng ký khai sinh / Birth registered in: ${e.place.code} — ${UNKNOWN_PLACE.vi} / ${UNKNOWN_PLACE.en}`)
  else {
    lines.push(`Nơi đăng ký khai sinh / Birth registered in: ${place.name} (${place.code})`)
    if (place.name2025 !== place.name) lines.push(`Từ 1/7/2025 thuộc / Since 1 July 2025 part of: ${place.name2025} (${place.code2025})`)
  }
  lines.push(
    `Giới tính / Sex: ${sex.vi} / ${sex.en}`,
    `Năm sinh / Birth year: ${e.birthYear}`,
    `Thế kỷ / Century: ${e.century} (${from}–${from + 99}), mã ${e.centuryDigit} / digit ${e.centuryDigit}`,
    `Số ngẫu nhiên / Random digits: ${e.serial}`,
  )
  return lines
}

export function registerIdentityCommands(program: Command) {
  const id = program.command('id').description('personal identification numbers / số định danh cá nhân')

  jsonFlag(id.command('explain').argument('<number>', 'a 12-digit personal ID number (spaces, dots and dashes between groups are ignored)'))
    .description('what a personal ID number says: place of birth registration, century, sex, birth year / giải nghĩa số định danh')
    .action((number: string, flags: { json?: boolean }) => {
      const r = explainNumber(number, idPlaces(), today())
      if (!r.ok) fail(new AppError('ID_INVALID', r.message, 400, { code: r.code }))
      if (flags.json) return printJson(explanationJson(r.explanation))
      out(explanationLines(r.explanation).join('\n'))
    })
}
