// The approval inbox (审批): what waits for the signed-in person's decision, longest
// waiting first — type, submitter, the figures (a claim's amount, leave's days),
// submitted and waiting since — and one request's page: its timeline, and approve or
// reject with a comment while it is the caller's turn. A request decided meanwhile by
// someone else answers 409: that is said and the page is reloaded.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { statusLabel, summaryText, Timeline, typeLabel } from '../shared/approvals';
import { errorText } from '../shared/errors';
import { fmtDateTime, t } from '../shared/i18n';
import type { DecisionInput, InboxItem, InboxPage, RequestDetail } from '../shared/types';
import { useLang } from '../shared/ui';
import { api } from './session';

/** Everything in the caller's inbox (pages followed; an inbox is short). */
export async function loadInbox(): Promise<InboxItem[]> {
  const out: InboxItem[] = [];
  let cursor: string | undefined;
  do {
    const page: InboxPage = await api.get<InboxPage>('/approvals/inbox', { limit: '200', ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

export function Approvals({ id, onChange }: { id?: string; onChange: () => void }) {
  useLang();
  return id ? <RequestPage id={id} onChange={onChange} /> : <Inbox />;
}

function Inbox() {
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    loadInbox().then(setItems, (e) => setError(errorText(e)));
  }, []);
  return (
    <section class="panel page" data-testid="approvals-page">
      <div class="panel-head">
        <h2>{t('approvals.inbox')}</h2>
      </div>
      {error && <p class="error">{error}</p>}
      {!items && !error && <p class="muted">{t('loading')}</p>}
      {items && items.length === 0 && <p class="muted" data-testid="approvals-empty">{t('approvals.none')}</p>}
      {items && items.length > 0 && (
        <table class="table" data-testid="approvals">
          <thead>
            <tr>
              <th>{t('approvals.type')}</th>
              <th>{t('approvals.submitter')}</th>
              <th>{t('approvals.summary')}</th>
              <th>{t('approvals.submitted_at')}</th>
              <th>{t('approvals.waiting_since')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr data-request={r.id} data-type={r.request_type} onClick={() => (location.hash = `#/approvals/${r.id}`)}>
                <td>{typeLabel(r.request_type)}</td>
                <td>{r.submitter.name}</td>
                <td data-testid="approval-summary">{summaryText(r)}</td>
                <td>{fmtDateTime(r.submitted_at)}</td>
                <td>{fmtDateTime(r.waiting_since)}</td>
                <td class="actions">
                  <a href={`#/approvals/${r.id}`} data-testid="approval-open">
                    {t('approvals.open')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RequestPage({ id, onChange }: { id: string; onChange: () => void }) {
  const [detail, setDetail] = useState<RequestDetail | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);

  const load = () =>
    api.get<RequestDetail>(`/requests/${id}`).then(
      (d) => {
        setDetail(d);
      },
      (e) => setError(errorText(e)),
    );
  useEffect(() => {
    setDetail(null);
    setError('');
    setNotice('');
    void load();
  }, [id]);

  const decide = async (decision: DecisionInput['decision']) => {
    setBusy(true);
    setError('');
    setNotice('');
    try {
      const body: DecisionInput = { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) };
      setDetail(await api.post<RequestDetail>(`/requests/${id}/decision`, body));
      setComment('');
      setNotice(t('approvals.decided'));
      onChange();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 409 ? t('requests.already_decided') : errorText(e));
      if (e instanceof ApiError && e.status === 409) {
        void load();
        onChange();
      }
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <a href="#/approvals" data-testid="approvals-back">
      {t('approvals.back')}
    </a>
  );
  if (!detail)
    return (
      <section class="panel page" data-testid="request-detail">
        {error ? <p class="error">{error}</p> : <p class="muted">{t('loading')}</p>}
        {back}
      </section>
    );
  const claimId = detail.request_type === 'mileage_claim' ? detail.subject_id : null;
  return (
    <section class="panel page" data-testid="request-detail" data-status={detail.status}>
      <div class="panel-head">
        <h2>
          {typeLabel(detail.request_type)} · {detail.submitter.name}
        </h2>
        <span class={`pill approval-${detail.status}`} data-testid="request-status">
          {statusLabel(detail.status)}
        </span>
        {claimId && (
          <a href={`#/claims/${claimId}`} data-testid="request-claim">
            {t('approvals.open_claim')}
          </a>
        )}
        {back}
      </div>
      <p data-testid="request-summary">{summaryText(detail)}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {notice && <p class="ok" role="status">{notice}</p>}
      {detail.can_decide && (
        <div class="decide stack" data-testid="decide">
          <label>
            {t('approvals.comment')}
            <textarea
              name="comment"
              maxLength={1000}
              placeholder={t('approvals.comment_hint')}
              value={comment}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
          </label>
          <div class="row">
            <button class="primary" disabled={busy} onClick={() => decide('approve')} data-testid="approve">
              {t('approvals.approve')}
            </button>{' '}
            <button disabled={busy} onClick={() => decide('reject')} data-testid="reject">
              {t('approvals.reject')}
            </button>
          </div>
        </div>
      )}
      <h3>{t('approvals.timeline')}</h3>
      <Timeline detail={detail} />
    </section>
  );
}
