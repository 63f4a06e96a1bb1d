// My mileage (我的里程): this period's claim as the server computes it from the recorded
// days — each working day's kilometres and amount so far, the receipts added — with where
// the claim stands (draft, submitted, decided, paid). The rep corrects a day's kilometres
// with a reason (the recorded figure stays beside it), adds a receipt (category, amount,
// date, a photo through the same pipeline as every photo with purpose `receipt`, queued
// in the outbox) and submits the period's claim when it is complete.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../shared/errors';
import { fmtDate, fmtDateTime, fmtDistance, fmtMoney, fmtPeriod, fmtWeekday, parseMoney, t, todayInZone, tOr } from '../../shared/i18n';
import type { ClaimLine, ClaimView, LineAdjustment, NewClaim } from '../../shared/types';
import { addReceipt } from '../actions';
import { takePhoto } from '../cameraHost';
import { useOutbox } from '../hooks';
import { refusalText } from '../refusal';
import { RequestTimeline } from '../RequestTimeline';
import { api } from '../session';

const CATEGORIES = ['toll', 'parking', 'fuel', 'other'];

export function MileageScreen() {
  const today = todayInZone();
  const [claim, setClaim] = useState<ClaimView | null>(null);
  const [error, setError] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState(false);
  const [adjusting, setAdjusting] = useState<string | null>(null);
  const { items } = useOutbox();
  const receipts = items.filter((i) => i.kind === 'expense');
  const waiting = receipts.filter((i) => i.status === 'waiting').length;

  // The claim of the period today is in (a month, half-month or week: the tenant's
  // setting, so the server picks it): made on first look (one per rep and period, so
  // asking again is safe).
  const load = () =>
    api.post<ClaimView>('/claims', {} satisfies NewClaim).then(
      (c) => {
        setClaim(c);
        setError('');
      },
      (e) => setError(errorText(e)),
    );
  // Again whenever a queued receipt has been sent.
  useEffect(() => void load(), [today, waiting]);

  const submit = async () => {
    if (!claim) return;
    setBusy(true);
    setError('');
    try {
      setClaim(await api.post<ClaimView>(`/claims/${claim.id}/submit`));
      setConfirming(false);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!claim)
    return (
      <div class="stack">
        <h2>{t('mymileage.title')}</h2>
        {error ? <p class="muted">{t('mymileage.offline')}</p> : <p class="muted">{t('loading')}</p>}
      </div>
    );

  const days = claim.lines.filter((l) => l.kind === 'working_day' && l.date <= today);
  const editable = claim.status === 'draft' || claim.status === 'rejected';
  const tt = claim.totals;
  return (
    <div class="stack" data-testid="mileage-screen" data-status={claim.status}>
      <section class="card">
        <h2>
          {t('mymileage.title')} · {fmtPeriod(claim.period)}
        </h2>
        <p>
          <span class={`badge ${claim.status === 'paid' || claim.status === 'approved' ? 'ok' : claim.status === 'rejected' ? 'bad' : 'warn'}`} data-testid="claim-status">
            {tOr(`claim.status.${claim.status}`, claim.status)}
          </span>{' '}
          <span class="muted small">{t(`mymileage.${claim.status}` as 'mymileage.draft')}</span>
        </p>
        <dl class="facts">
          <dt>{t('mymileage.km')}</dt>
          <dd data-testid="mileage-km">{fmtDistance(tt.paid_m)}</dd>
          <dt>{t('claims.mileage')}</dt>
          <dd>{fmtMoney(tt.mileage_minor)}</dd>
          <dt>{t('claims.expenses')}</dt>
          <dd>{fmtMoney(tt.expenses_minor)}</dd>
          <dt>{t('claims.total')}</dt>
          <dd data-testid="mileage-total">
            <strong>{fmtMoney(tt.total_minor)}</strong>
          </dd>
        </dl>
        {claim.submitted_at && (
          <ol class="timeline" data-testid="claim-timeline">
            <li>
              {t('mymileage.step_submitted')} · {fmtDateTime(claim.submitted_at)}
            </li>
            {claim.decided_at && (
              <li>
                {tOr(`claim.status.${claim.status === 'paid' ? 'approved' : claim.status}`, '')} · {fmtDateTime(claim.decided_at)}
                {claim.decision_comment && <div class="muted small">{claim.decision_comment}</div>}
              </li>
            )}
            {claim.paid_at && (
              <li>
                {t('mymileage.step_paid')} · {fmtDateTime(claim.paid_at)}
              </li>
            )}
          </ol>
        )}
        {claim.approval_id && (
          <RequestTimeline id={claim.approval_id} version={`${claim.status}:${claim.submitted_at ?? ''}`} onChange={() => void load()} />
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {editable &&
          (confirming ? (
            <div class="stack" data-testid="submit-confirm">
              <p>{t('mymileage.submit_confirm')}</p>
              <div class="row">
                <button class="primary big" disabled={busy || waiting > 0} onClick={submit} data-testid="claim-submit-confirm">
                  {t('mymileage.submit')}
                </button>
                <button onClick={() => setConfirming(false)}>{t('cancel')}</button>
              </div>
            </div>
          ) : (
            <button class="primary big" onClick={() => setConfirming(true)} data-testid="claim-submit">
              {t('mymileage.submit')}
            </button>
          ))}
      </section>

      <section class="card">
        <h3>{t('mymileage.so_far')}</h3>
        {days.length === 0 && <p class="muted">{t('mymileage.none')}</p>}
        <ul class="plain mileage-days" data-testid="mileage-days">
          {days.map((l) => {
            const adjusted = l.adjusted_m !== null && l.adjusted_m !== undefined;
            return (
              <li data-date={l.date} class={adjusted ? 'adjusted' : ''}>
                <span>
                  {fmtDate(l.date)} <span class="muted">{fmtWeekday(l.date)}</span>
                </span>
                <span data-testid="day-km">{fmtDistance(l.paid_m)}</span>
                <strong>{fmtMoney(l.amount_minor)}</strong>
                {l.zero_reason && <div class="muted small">{t('claims.not_paid', { reason: tOr(`claim.zero.${l.zero_reason}`, '') })}</div>}
                {adjusted && (
                  <div class="muted small" data-testid="day-adjusted">
                    {t('mymileage.recorded', { km: fmtDistance(l.working_m) })} · {l.adjustment_reason}
                  </div>
                )}
                {editable && adjusting !== l.date && (
                  <button class="link small" onClick={() => setAdjusting(l.date)} data-testid="adjust-day">
                    {t('mymileage.adjust')}
                  </button>
                )}
                {editable && adjusting === l.date && (
                  <AdjustForm
                    claimId={claim.id}
                    line={l}
                    onSaved={(c) => {
                      setClaim(c);
                      setAdjusting(null);
                    }}
                    onCancel={() => setAdjusting(null)}
                  />
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section class="card">
        <h3>{t('mymileage.expenses')}</h3>
        <ul class="plain" data-testid="mileage-expenses">
          {claim.expenses.map((e) => (
            <li data-expense={e.id}>
              {fmtDate(e.date)} · {tOr(`claim.category.${e.category}`, e.category)} · <strong>{fmtMoney(e.amount_minor)}</strong>
              {e.duplicate_of && <div class="error small">{t('claims.duplicate_receipt')}</div>}
            </li>
          ))}
          {receipts
            .filter((i) => !claim.expenses.some((e) => e.id === i.id))
            .map((i) => (
              <li data-expense={i.id} data-status={i.status}>
                {fmtMoney(Number(i.body.amount_minor))}{' '}
                {i.status === 'failed' ? <span class="badge bad">{refusalText(i)}</span> : <span class="badge warn">{t('sync.pending')}</span>}
              </li>
            ))}
        </ul>
        {editable && !adding && (
          <button onClick={() => setAdding(true)} data-testid="add-receipt">
            {t('mymileage.add_expense')}
          </button>
        )}
        {editable && adding && <ReceiptForm claimId={claim.id} first={claim.period_first} onDone={() => setAdding(false)} />}
      </section>
    </div>
  );
}

function ReceiptForm({ claimId, first, onDone }: { claimId: string; first: string; onDone: () => void }) {
  const [category, setCategory] = useState('parking');
  const [amount, setAmount] = useState('');
  const [date, setDate] = useState(todayInZone());
  const [note, setNote] = useState('');
  const [photo, setPhoto] = useState<Blob | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!photo) return setPreview(null);
    const u = URL.createObjectURL(photo);
    setPreview(u);
    return () => URL.revokeObjectURL(u);
  }, [photo]);

  const shoot = async () => {
    const b = await takePhoto();
    if (b) setPhoto(b);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setError('');
    const minor = parseMoney(amount);
    if (minor === null || minor <= 0) return setError(t('mymileage.bad_amount'));
    try {
      await addReceipt(
        claimId,
        { category: category as 'parking', amount_minor: minor, date, ...(note.trim() ? { note: note.trim() } : {}) },
        photo,
        null,
      );
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <form class="report" onSubmit={save} data-testid="receipt-form" noValidate>
      <label>
        {t('mymileage.category')}
        <select name="category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
          {CATEGORIES.map((c) => (
            <option value={c}>{tOr(`claim.category.${c}`, c)}</option>
          ))}
        </select>
      </label>
      <label>
        {t('mymileage.expense_amount')}
        <input name="amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      </label>
      <label>
        {t('mymileage.expense_date')}
        <input type="date" name="date" min={first} max={todayInZone()} value={date} onInput={(e) => setDate(e.currentTarget.value)} />
      </label>
      <label>
        {t('mymileage.note')}
        <input name="note" maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <div class="row">
        {preview && <img class="thumb" src={preview} alt={t('mymileage.photo')} data-testid="receipt-preview" />}
        <button type="button" onClick={shoot} data-testid="receipt-photo">
          {photo ? t('mymileage.retake') : t('mymileage.take_photo')}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        <button type="submit" class="primary" data-testid="receipt-save">
          {t('mymileage.save_expense')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

/** One day's kilometres as the rep drove them for work, with the reason; sent at once
 * (the claim answers recomputed), since the amount depends on the server's rates. */
function AdjustForm({ claimId, line, onSaved, onCancel }: { claimId: string; line: ClaimLine; onSaved: (c: ClaimView) => void; onCancel: () => void }) {
  const [km, setKm] = useState(((line.adjusted_m ?? line.working_m) / 1000).toFixed(1));
  const [reason, setReason] = useState(line.adjustment_reason ?? '');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    const value = Number(km.replace(',', '.'));
    if (!km.trim() || !Number.isFinite(value) || value < 0) return setError(t('mymileage.bad_km'));
    if (!reason.trim()) return setError(t('mymileage.reason_needed'));
    setBusy(true);
    setError('');
    try {
      const body: LineAdjustment = { meters: Math.round(value * 1000), reason: reason.trim() };
      onSaved(await api.post<ClaimView>(`/claims/${claimId}/lines/${line.date}/adjust`, body));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="report" onSubmit={save} data-testid="adjust-form" noValidate>
      <p class="muted small">{t('mymileage.recorded', { km: fmtDistance(line.working_m) })}</p>
      <label>
        {t('mymileage.adjust_km')}
        <input name="km" inputMode="decimal" value={km} onInput={(e) => setKm(e.currentTarget.value)} />
      </label>
      <label>
        {t('mymileage.adjust_reason')}
        <input name="reason" maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        <button type="submit" class="primary" disabled={busy} data-testid="adjust-save">
          {t('mymileage.adjust_save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
