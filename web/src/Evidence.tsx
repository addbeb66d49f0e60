// Why dedup scored a pair as it did, field by field: how the two compared (the level, in words)
// and the weight of that in bits — positive for the same person, negative against — with a bar
// to read the balance at a glance. Shared by the review queue and the form entry's matches.
import { formatWeight } from './format.ts'
import { useI18n } from './i18n/i18n.tsx'
import { type MessageKey, vi } from './i18n/messages.ts'

export interface Evidence {
  field: string
  level: string | null
  weight: number
}

/** Bits at which a bar is full: hardly any field weighs more (equal ID numbers about this). */
const FULL = 10

/** A text whose key is made of a server's value: one the app does not know yet shows as named. */
export function textOf(t: (key: MessageKey) => string, key: string, fallback: string): string {
  return key in vi ? t(key as MessageKey) : fallback
}

export function EvidenceTable({ evidence }: { evidence: Evidence[] }) {
  const { t } = useI18n()
  const text = (key: string, fallback: string) => textOf(t, key, fallback)
  return (
    <table className="results evidence">
      <caption>{t('dedup.evidence')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('dedup.field')}</th>
          <th scope="col">{t('dedup.level')}</th>
          <th scope="col" className="number">
            {t('dedup.weight')}
          </th>
          <th scope="col">{t('dedup.direction')}</th>
        </tr>
      </thead>
      <tbody>
        {evidence.map((e) => {
          const share = `${Math.min(100, (Math.abs(e.weight) / FULL) * 100)}%`
          return (
            <tr key={e.field}>
              <th scope="row">{text(`dedup.field.${e.field}`, e.field)}</th>
              <td>{e.level === null ? t('dedup.level.unknown') : text(`dedup.level.${e.level}`, e.level)}</td>
              <td className="number">{formatWeight(e.weight)}</td>
              <td>
                {/* Against to the left of the middle, for to the right; the words say it too. */}
                <span className="weight-bar" aria-hidden="true">
                  <span>{e.weight < 0 && <span className="against" style={{ width: share }} />}</span>
                  <span>{e.weight > 0 && <span className="for" style={{ width: share }} />}</span>
                </span>{' '}
                {t(e.weight > 0 ? 'dedup.for' : e.weight < 0 ? 'dedup.against' : 'dedup.neutral')}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
