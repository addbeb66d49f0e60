// Vietnamese formats and order, whatever the language shown: dd/mm/yyyy, 1.234.567, and lists
// of people by given name, then middle name, then family name (a ă â b c d đ e ê …).

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

/** Money in "tỷ đồng" (billions of dong), as budgets are reported. */
export function formatBillions(dong: number): string {
  return `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(dong / 1e9)} tỷ đồng`
}

const collator = new Intl.Collator('vi', { sensitivity: 'variant' })

/** Given name, then middle names, then family name, compared the Vietnamese way. */
export function compareNames(a: string, b: string): number {
  const key = (name: string) => {
    const words = name.trim().split(/\s+/)
    const given = words[words.length - 1] ?? ''
    return [given, words.slice(1, -1).join(' '), words.length > 1 ? (words[0] ?? '') : '']
  }
  const ka = key(a)
  const kb = key(b)
  for (let i = 0; i < 3; i++) {
    const c = collator.compare(ka[i] as string, kb[i] as string)
    if (c !== 0) return c
  }
  return 0
}
