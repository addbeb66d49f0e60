// The appointment slip (CC02, "giấy hẹn trả kết quả") printed at reception and handed to the
// applicant: the post's unit and province, the slip number, who applied for what and when, the
// officer, and the day to collect the card. The slip is a document of the Vietnamese
// administration: it is printed in Vietnamese whatever the interface's language (its wording
// lives here, as the DC01 form's labels live with the form); the controls around it follow the
// interface. On A5 or A4, alone on the paper (identity.css).
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'wouter'
import { ApiError, api } from '../api.ts'
import { formatDate } from '../format.ts'
import { useI18n } from '../i18n/i18n.tsx'
import { errorText } from '../living.tsx'
import { PageHeading } from '../PageHeading.tsx'
import type { Kind } from './Applications.tsx'
import './identity.css'

interface Slip {
  no: number
  name_display: string
  birth_date: string | null
  personal_id: string
  kind: Kind
  received_on: string
  received_by: string
  unit_code: string
  unit_name: string
  province_name: string | null
  place: string | null
  return_on: string
  return_provisional: boolean
}

/** The procedure each kind of application is, in the Identity Law's words. */
const PROCEDURE: Record<Kind, string> = {
  first_issue: 'cấp thẻ căn cước',
  renewal: 'cấp đổi thẻ căn cước',
  reissue: 'cấp lại thẻ căn cước',
  change: 'cấp đổi thẻ căn cước do thay đổi thông tin',
}

const upper = (s: string) => s.toLocaleUpperCase('vi')

/** "ngày 27 tháng 11 năm 2026", as a dated document says it. */
function longDate(iso: string): string {
  const [y, m, d] = iso.split('-')
  return `ngày ${d} tháng ${m} năm ${y}`
}

type Paper = 'a5' | 'a4'
const PAPER = 'coso.slip.paper'
/**
 * The paper the slip prints on: a rule of its own, in the page only while the slip is shown, so
 * no other page prints on A5 (a named page would do it too, but Chromium then starts the print
 * with a blank page of the default size).
 */
const PAGE_RULE: Record<Paper, string> = {
  a5: '@page { size: A5 portrait; margin: 10mm; }',
  a4: '@page { size: A4 portrait; margin: 15mm; }',
}

export function SlipPage({ id }: { id: string }) {
  const { t, lang } = useI18n()
  const [paper, setPaper] = useState<Paper>(() => (localStorage.getItem(PAPER) === 'a4' ? 'a4' : 'a5'))
  const slip = useQuery({
    queryKey: ['id-slip', id],
    queryFn: () => api<Slip>('GET', `/api/id/applications/${encodeURIComponent(id)}/slip`),
  })
  const back = <Link href={`/id/applications/${id}`}>{t('id.slip.back')}</Link>
  if (slip.isPending) return <p>{t('app.loading')}</p>
  if (slip.isError) {
    const missing = slip.error instanceof ApiError && slip.error.status === 404
    return (
      <section>
        <p className="error" role="alert">
          {missing ? t('id.notFound') : errorText(slip.error, lang, t('app.error'))}
        </p>
        {back}
      </section>
    )
  }
  const s = slip.data
  const post = `Công an ${s.unit_name}`
  return (
    <section>
      {back}
      <PageHeading>
        {t('id.slip.title')} — {t('id.no')} {s.no}
      </PageHeading>
      <div className="row wrap no-print">
        <label>
          {t('id.slip.paper')}
          <select
            value={paper}
            onChange={(e) => {
              const next = e.target.value as Paper
              localStorage.setItem(PAPER, next)
              setPaper(next)
            }}
          >
            <option value="a5">A5</option>
            <option value="a4">A4</option>
          </select>
        </label>
        <button type="button" onClick={() => window.print()}>
          {t('id.slip.print')}
        </button>
      </div>
      {lang !== 'vi' && <p className="hint no-print">{t('id.slip.inVietnamese')}</p>}
      <style>{PAGE_RULE[paper]}</style>
      <article className={`slip ${paper}`} lang="vi" aria-label="Giấy hẹn trả kết quả">
        <div className="slip-head">
          <div>
            {s.province_name && <p>CÔNG AN {upper(s.province_name)}</p>}
            <strong>CÔNG AN {upper(s.unit_name)}</strong>
            <p>Số: {s.no}</p>
          </div>
          <div>
            <strong>CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong>
            <p>Độc lập - Tự do - Hạnh phúc</p>
          </div>
        </div>
        <h2>GIẤY HẸN TRẢ KẾT QUẢ</h2>
        <p className="slip-sub">(Mẫu CC02)</p>
        <p>
          {post} đã tiếp nhận hồ sơ đề nghị {PROCEDURE[s.kind]} của:
        </p>
        <dl>
          <div>
            <dt>Họ, chữ đệm và tên</dt>
            <dd>{upper(s.name_display)}</dd>
          </div>
          <div>
            <dt>Ngày, tháng, năm sinh</dt>
            <dd>{formatDate(s.birth_date) || '…'}</dd>
          </div>
          <div>
            <dt>Số định danh cá nhân</dt>
            <dd>{s.personal_id}</dd>
          </div>
          <div>
            <dt>Ngày tiếp nhận hồ sơ</dt>
            <dd>{formatDate(s.received_on)}</dd>
          </div>
          <div>
            <dt>Nơi tiếp nhận</dt>
            <dd>{s.place ?? `Trụ sở ${post}`}</dd>
          </div>
        </dl>
        <p className="slip-return">
          Hẹn trả kết quả: <strong className="slip-return-day">{formatDate(s.return_on)}</strong> tại trụ sở {post}.
          {s.return_provisional && ' Ngày hẹn có thể thay đổi theo lịch nghỉ lễ, Tết chưa công bố.'}
        </p>
        <p>Khi đến nhận thẻ, công dân mang theo giấy hẹn này.</p>
        <div className="slip-sign">
          <div>
            <p>{longDate(s.received_on)}</p>
            <p>
              <strong>CÁN BỘ TIẾP NHẬN</strong>
            </p>
            <p>(Ký, ghi rõ họ tên)</p>
            <p className="slip-name">{s.received_by}</p>
          </div>
        </div>
      </article>
    </section>
  )
}
