// Vietnamese formats, whatever the language shown: dd/mm/yyyy, 1.234.567, 12,5 tỷ đồng.

/** An ISO date at its precision (1950, 1950-03, 1950-03-07) as Vietnamese write it. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const [y, m, d] = iso.slice(0, 10).split('-')
  if (d) return `${d}/${m}/${y}`
  if (m) return `${m}/${y}`
  return y ?? ''
}

const numbers = new Intl.NumberFormat('vi-VN')
export const formatNumber = (n: number) => numbers.format(n)

const decimals = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 })
/**
 * An amount in đồng the way budgets are read: "12,5 tỷ đồng", "350 triệu đồng", "900.000 đồng"
 * (the HQ programme's budgets and disbursements). English keeps the Vietnamese digits.
 */
export function formatMoney(dong: number, lang: 'vi' | 'en' = 'vi'): string {
  const [billion, million, unit] = lang === 'vi' ? ['tỷ đồng', 'triệu đồng', 'đồng'] : ['billion đồng', 'million đồng', 'đồng']
  if (Math.abs(dong) >= 1e9) return `${decimals.format(dong / 1e9)} ${billion}`
  if (Math.abs(dong) >= 1e6) return `${decimals.format(dong / 1e6)} ${million}`
  return `${numbers.format(dong)} ${unit}`
}

const percent = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 })
/** A probability as a percentage: 0.991 → "99,1%"; never a rounded "100%" short of certainty. */
export const formatPercent = (p: number) => percent.format(p < 1 ? Math.min(p, 0.999) : p)

const signed = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' })
/** A weight of evidence in bits, its sign shown: "+5,2", "-3,3", "0,0". */
export const formatWeight = (bits: number) => signed.format(bits)

const share = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 })
/** A share of a whole as a percentage: 0.875 → "87,5%" (all of it is 100%). */
export const formatShare = (p: number) => share.format(p)
