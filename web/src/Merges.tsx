// Merges as the person page and the approvals page show them: the persons involved, and a
// person's own merges with their state and the undo ("Tách").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link } from 'wouter'
import { ApiError, api, type Merge, type MergeResult } from './api.ts'
import { useI18n } from './i18n/i18n.tsx'
import type { MessageKey } from './i18n/messages.ts'

/** The persons of a merge, survivor first; those it absorbed are no longer in the register (no link). */
export function MergePersons({ merge }: { merge: Merge }) {
  const { t } = useI18n()
  return (
    <ul className="plain">
      {merge.persons.map((p) => {
        const name = p.name_display ?? p.id
        return (
          <li key={p.id}>
            {p.in_register ? <Link href={`/persons/${p.id}`}>{name}</Link> : name} (
            {t(p.id === merge.survivor_id ? 'dedup.survivor' : 'dedup.absorbed')})
          </li>
        )
      })}
    </ul>
  )
}

/** A person's merges, newest first; an applied one can be undone by whoever may enter forms. */
export function PersonMerges({ id, canUndo }: { id: string; canUndo: boolean }) {
  const { t, lang } = useI18n()
  const client = useQueryClient()
  const merges = useQuery({
    queryKey: ['merges', 'person', id],
    queryFn: () => api<{ items: Merge[] }>('GET', `/api/dedup/merges?person=${encodeURIComponent(id)}`),
  })
  const undo = useMutation({
    mutationFn: (merge: Merge) => api<MergeResult>('POST', `/api/dedup/merges/${merge.id}/undo`),
    onSuccess: async (result) => {
      // An undone merge gives the absorbed persons back: this person's record changed too.
      if (result.state === 'undone') await client.invalidateQueries({ queryKey: ['person', id] })
      await client.invalidateQueries({ queryKey: ['merges'] })
    },
  })
  const items = merges.data?.items ?? []
  if (items.length === 0) return null
  return (
    <>
      <h2>{t('person.merges')}</h2>
      <ul className="merges">
        {items.map((m) => (
          <li key={m.id}>
            <span id={`merge-${m.id}`}>
              {t(`dedup.state.${m.state}` as MessageKey)} · {t(`dedup.origin.${m.origin}` as MessageKey)} ·{' '}
              {new Date(m.requested_at).toLocaleDateString('vi-VN')}
            </span>
            <MergePersons merge={m} />
            {canUndo && m.state === 'applied' && (
              <button
                type="button"
                className="secondary"
                aria-describedby={`merge-${m.id}`}
                disabled={undo.isPending}
                onClick={() => window.confirm(t('dedup.undoConfirm')) && undo.mutate(m)}
              >
                {t('dedup.undo')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p role="status" className={undo.data ? 'notice' : undefined}>
        {undo.data && t(undo.data.state === 'undone' ? 'dedup.undo.undone' : 'dedup.undo.undo_pending')}
      </p>
      {undo.error && (
        <p className="error" role="alert">
          {undo.error instanceof ApiError ? undo.error.text[lang] : t('app.error')}
        </p>
      )}
    </>
  )
}
