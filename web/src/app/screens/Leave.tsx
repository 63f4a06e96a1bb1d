// Asking for leave from the phone: the days, the kind and a reason, queued in the outbox
// like every other action (it reaches the manager when the phone is online). Below, the
// requests sent from this phone, with the manager's decision when the server says it.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../shared/errors';
import { currentLang, fmtDateTime, t, tOr } from '../../shared/i18n';
import { localDate } from '../../shared/ids';
import type { AttendanceRequest, Me, RequestPage, Today } from '../../shared/types';
import { requestLeave, type SentLeave } from '../actions';
import { kvGet } from '../db';
import { useOutbox } from '../hooks';
import { refusalText } from '../refusal';
import { RequestTimeline } from '../RequestTimeline';
import { api } from '../session';

const TYPES = ['annual', 'sick', 'personal'];

/** A `YYYY-MM-DD` day in the locale's date style (the API's string is never shown). */
function fmtDay(d: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return new Intl.DateTimeFormat(currentLang(), { dateStyle: 'medium', timeZone: 'UTC' }).format(day);
}

export function LeaveScreen({ me }: { me: Me | null }) {
  const tomorrow = localDate(new Date(Date.now() + 86400_000));
  const [from, setFrom] = useState(tomorrow);
  const [to, setTo] = useState(tomorrow);
  const [type, setType] = useState('annual');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [mine, setMine] = useState<SentLeave[]>([]);
  const [decided, setDecided] = useState<Record<string, string>>({});
  const { items } = useOutbox();

  const [elsewhere, setElsewhere] = useState<AttendanceRequest[]>([]);

  // Requests sent from this phone; and, apart, those the server says are waiting that
  // this phone did not send (another phone, or before signing in again).
  const reload = () =>
    void Promise.all([kvGet<SentLeave[]>('leaves'), kvGet<Today>('today')]).then(([l, today]) => {
      const local = l ?? [];
      setMine(local);
      setElsewhere((today?.pending_requests ?? []).filter((r) => r.kind === 'leave' && !local.some((x) => x.id === r.id)));
    });
  useEffect(reload, []);

  // The decisions, when the server lets the rep read their own requests.
  const span = mine.length ? [mine.reduce((a, l) => (l.from < a ? l.from : a), mine[0].from), mine.reduce((a, l) => (l.to > a ? l.to : a), mine[0].to)] : null;
  const waiting = items.filter((i) => i.kind === 'leave').length;
  useEffect(() => {
    if (!me || !span) return;
    api
      .all<AttendanceRequest>('/attendance/requests', { employee_id: me.employee.id, from: span[0], to: span[1] })
      .then((list) => setDecided(Object.fromEntries(list.map((r) => [r.id, r.status]))), () => {});
  }, [me?.employee.id, span?.[0], span?.[1], waiting]);

  // The approval request deciding each leave (its timeline, Withdraw while it waits).
  const [requestOf, setRequestOf] = useState<Record<string, string>>({});
  const [open, setOpen] = useState<string | null>(null);
  const [changed, setChanged] = useState(0);
  useEffect(() => {
    if (!me) return;
    api.get<RequestPage>('/requests', { scope: 'mine', type: 'leave', limit: 200 }).then(
      (p) => setRequestOf(Object.fromEntries(p.items.flatMap((r) => (r.subject_id ? [[r.subject_id, r.id]] : [])))),
      () => {},
    );
  }, [me?.employee.id, waiting, changed]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (to < from) return setError(t('leave.bad_range'));
    if (!reason.trim()) return setError(t('leave.need_reason'));
    try {
      await requestLeave({ from, to, leave_type: type, reason: reason.trim() });
      setReason('');
      reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div class="stack">
      <form class="card report" onSubmit={submit} data-testid="leave-form" noValidate>
        <h2>{t('leave.title')}</h2>
        <div class="row">
          <label class="grow">
            {t('leave.from')}
            <input type="date" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label class="grow">
            {t('leave.to')}
            <input type="date" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
        </div>
        <label>
          {t('leave.type')}
          <select name="leave_type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {TYPES.map((ty) => (
              <option value={ty}>{tOr(`leave.type.${ty}`, ty)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('leave.reason')}
          <textarea name="reason" maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary big" data-testid="leave-submit">
          {t('leave.submit')}
        </button>
      </form>
      <section class="card">
        <h3>{t('leave.mine')}</h3>
        {mine.length === 0 && <p class="muted">{t('leave.none')}</p>}
        <ul class="plain" data-testid="leave-list">
          {mine.map((l) => {
            const item = items.find((i) => i.id === l.id);
            const status = item ? (item.status === 'failed' ? 'failed' : 'waiting') : (decided[l.id] ?? 'sent');
            return (
              <li data-leave={l.id} data-status={status}>
                <strong>{tOr(`leave.type.${l.leave_type}`, l.leave_type)}</strong> {l.from === l.to ? fmtDay(l.from) : `${fmtDay(l.from)} – ${fmtDay(l.to)}`}{' '}
                {status === 'waiting' && <span class="badge warn">{t('sync.pending')}</span>}
                {status === 'failed' && item && <span class="badge bad">{refusalText(item)}</span>}
                {['pending', 'approved', 'rejected', 'withdrawn'].includes(status) && (
                  <span class={`badge ${status === 'approved' ? 'ok' : status === 'rejected' ? 'bad' : 'warn'}`}>
                    {tOr(`request.status.${status}`, status)}
                  </span>
                )}
                {l.at && <div class="muted small">{fmtDateTime(l.at)}</div>}
                {requestOf[l.id] && (
                  <button class="link" onClick={() => setOpen(open === l.id ? null : l.id)} data-testid="leave-timeline">
                    {t('approvals.open_request')}
                  </button>
                )}
                {open === l.id && requestOf[l.id] && (
                  <RequestTimeline id={requestOf[l.id]} onChange={() => setChanged((n) => n + 1)} />
                )}
              </li>
            );
          })}
        </ul>
      </section>
      {elsewhere.length > 0 && (
        <section class="card">
          <h3>{t('leave.pending_server')}</h3>
          <ul class="plain" data-testid="leave-pending">
            {elsewhere.map((r) => (
              <li data-leave={r.id}>
                <strong>{'leave_type' in r.body ? tOr(`leave.type.${r.body.leave_type}`, r.body.leave_type) : ''}</strong>{' '}
                {r.from === r.to ? fmtDay(r.from) : `${fmtDay(r.from)} – ${fmtDay(r.to)}`}{' '}
                <span class="badge warn">{tOr(`request.status.${r.status}`, r.status)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
