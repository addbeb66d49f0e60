// Commune heads: merges and undos that commune officers asked for, waiting for a second pair of
// eyes. Who asked and when, the persons involved (their records a click away), approve or
// reject; the server refuses anyone approving their own request, and its message shows.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { ApiError, api, type Merge, type MergeResult } from '../api.ts'
import { useI18n } from '../i18n/i18n.tsx'
import type { MessageKey } from '../i18n/messages.ts'
import { MergePersons } from '../Merges.tsx'
import { PageHeading } from '../PageHeading.tsx'

type Action = 'approve' | 'reject'

export function ApprovalsPage() {
  const { t, lang } = useI18n()
  const client = useQueryClient()
  const [outcome, setOutcome] = useState<MessageKey | null>(null)
  const waiting = useQuery({
    queryKey: ['merges', 'waiting'],
    queryFn: () => api<{ items: Merge[] }>('GET', '/api/dedup/merges?waiting=true'),
  })
  const decide = useMutation({
    mutationFn: ({ merge, action }: { merge: Merge; action: Action }) =>
      action === 'approve'
        ? api<MergeResult>('POST', `/api/dedup/merges/${merge.id}/approve`)
        : api<MergeResult>('POST', `/api/dedup/merges/${merge.id}/reject`),
    onMutate: () => setOutcome(null),
    onSuccess: async (result, { action }) => {
      setOutcome(`dedup.outcome.${action}.${result.state}` as MessageKey)
      // The persons' records and merge lists changed with it.
      await Promise.all([client.invalidateQueries({ queryKey: ['merges'] }), client.invalidateQueries({ queryKey: ['person'] })])
    },
  })
  const items = waiting.data?.items ?? []
  return (
    <section>
      <PageHeading>{t('dedup.approvals.title')}</PageHeading>
      <p role="status" className={outcome ? 'notice' : undefined}>
        {outcome && t(outcome)}
      </p>
      {decide.error && (
        <p className="error" role="alert">
          {decide.error instanceof ApiError ? decide.error.text[lang] : t('app.error')}
        </p>
      )}
      {waiting.isPending && <p>{t('app.loading')}</p>}
      {waiting.error && (
        <p className="error" role="alert">
          {waiting.error instanceof ApiError ? waiting.error.text[lang] : t('app.error')}
        </p>
      )}
      {waiting.data && items.length === 0 && <p>{t('dedup.approvals.none')}</p>}
      {items.length > 0 && (
        <table className="results stack">
          <thead>
            <tr>
              <th scope="col">{t('dedup.request')}</th>
              <th scope="col">{t('dedup.persons')}</th>
              <th scope="col">{t('dedup.requestedBy')}</th>
              <th scope="col">{t('dedup.requestedAt')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('users.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => {
              const undo = m.state === 'undo_pending'
              return (
                <tr key={m.id}>
                  <td id={`request-${m.id}`}>{t(undo ? 'dedup.kind.undo' : 'dedup.kind.merge')}</td>
                  <td data-label={t('dedup.persons')} id={`persons-${m.id}`}>
                    <MergePersons merge={m} />
                  </td>
                  <td data-label={t('dedup.requestedBy')}>{undo ? m.undo_requested_by : m.requested_by}</td>
                  <td data-label={t('dedup.requestedAt')}>
                    {new Date((undo ? m.undo_requested_at : m.requested_at) ?? m.requested_at).toLocaleString('vi-VN')}
                  </td>
                  <td>
                    <div className="row">
                      {(['approve', 'reject'] as const).map((action) => (
                        <button
                          key={action}
                          type="button"
                          className={action === 'reject' ? 'secondary' : undefined}
                          aria-describedby={`request-${m.id} persons-${m.id}`}
                          disabled={decide.isPending}
                          onClick={() => decide.mutate({ merge: m, action })}
                        >
                          {t(action === 'approve' ? 'dedup.approve' : 'dedup.reject')}
                        </button>
                      ))}
                    </div>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}
