// One mileage claim: its day lines (working-hours km paid, outside-hours km shown but not
// paid, customers visited in order, tracking coverage, the day's anti-cheat level, the
// amount), a rep's adjustments beside the recorded figure with their reason, each day
// linked to its track replay (and to the anti-cheat review when the day was flagged), the
// other expenses with their receipt photos, the totals, and — for a manager who reaches
// the rep — approve or reject while it waits.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { errorText } from '../shared/errors';
import { fmtDate, fmtDateTime, fmtDistance, fmtKm, fmtMoney, fmtPeriod, fmtNumber, fmtWeekday, t, tOr } from '../shared/i18n';
import { go } from '../shared/route';
import type { ClaimDecision, ClaimExpense, ClaimLine, ClaimView } from '../shared/types';
import { useLang } from '../shared/ui';
import { may, sections, useRole, useSelf } from './roles';
import { api } from './session';

/** What a submitted claim's recomputation says, when it differs (totals in minor units). */
function changed(c: ClaimView): { before: number; after: number } | null {
  const d = c.diff as { total_before?: { minor?: number }; total_after?: { minor?: number } } | null | undefined;
  const before = d?.total_before?.minor;
  const after = d?.total_after?.minor;
  return typeof before === 'number' && typeof after === 'number' && before !== after ? { before, after } : null;
}

export function ClaimDetail({ id }: { id: string }) {
  useLang();
  const role = useRole();
  const self = useSelf();
  const [claim, setClaim] = useState<ClaimView | null>(null);
  const [error, setError] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);

  const load = () =>
    api.get<ClaimView>(`/claims/${id}`).then(
      (c) => {
        setClaim(c);
        setError('');
      },
      (e) => setError(errorText(e)),
    );
  useEffect(() => {
    setClaim(null);
    void load();
  }, [id]);

  const decide = async (decision: 'approved' | 'rejected') => {
    setBusy(true);
    setError('');
    try {
      const body: ClaimDecision = { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) };
      setClaim(await api.post<ClaimView>(`/claims/${id}/decision`, body));
      setComment('');
    } catch (e) {
      setError(e instanceof ApiError && e.status === 409 ? t('claims.already_decided') : errorText(e));
      if (e instanceof ApiError && e.status === 409) void load();
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <a href="#/claims" onClick={(e) => (e.preventDefault(), go('claims'))} data-testid="claim-back">
      {t('claims.back')}
    </a>
  );
  if (!claim)
    return (
      <section class="panel page" data-testid="claim-detail">
        <div class="panel-head">{back}</div>
        {error ? <p class="error">{error}</p> : <p class="muted">{t('loading')}</p>}
      </section>
    );

  const replays = !!role && (sections(role).includes('live') || sections(role).includes('claims'));
  const reviews = !!role && sections(role).includes('integrity');
  const decides = claim.status === 'submitted' && may(role, 'claims.decide') && claim.employee_id !== self;
  const diff = changed(claim);
  const tt = claim.totals;
  return (
    <section class="panel page claim-detail" data-testid="claim-detail" data-status={claim.status}>
      <div class="panel-head">
        <h2>{t('claims.detail_title', { name: claim.employee_name, period: fmtPeriod(claim.period) })}</h2>
        <span class={`pill claim-${claim.status}`} data-testid="claim-status">
          {tOr(`claim.status.${claim.status}`, claim.status)}
        </span>
        {claim.approval_id && role && sections(role).includes('approvals') && (
          <a href={`#/approvals/${claim.approval_id}`} data-testid="claim-request">
            {t('approvals.open_request')}
          </a>
        )}
        {back}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <dl class="facts">
        {claim.submitted_at && (
          <>
            <dt>{t('claims.submitted_at')}</dt>
            <dd>{fmtDateTime(claim.submitted_at)}</dd>
          </>
        )}
        {claim.decided_at && (
          <>
            <dt>{t('claims.decided_at')}</dt>
            <dd>{fmtDateTime(claim.decided_at)}</dd>
          </>
        )}
        {claim.decision_comment && (
          <>
            <dt>{t('claims.comment')}</dt>
            <dd>{claim.decision_comment}</dd>
          </>
        )}
        {claim.paid_at && (
          <>
            <dt>{t('claims.paid_at')}</dt>
            <dd>{fmtDateTime(claim.paid_at)}</dd>
          </>
        )}
        <dt>{t('claims.total')}</dt>
        <dd data-testid="claim-detail-total">
          <strong>{fmtMoney(tt.total_minor)}</strong>
        </dd>
      </dl>
      {diff && (
        <p class="muted" data-testid="claim-diff">
          {t('claims.changed_since', { before: fmtMoney(diff.before), after: fmtMoney(diff.after) })}
        </p>
      )}
      {decides && (
        <div class="toolbar decide-bar" data-testid="claim-decide">
          <label class="grow">
            {t('claims.comment')}
            <input name="comment" value={comment} maxLength={500} onInput={(e) => setComment(e.currentTarget.value)} />
          </label>
          <button class="primary" disabled={busy} onClick={() => decide('approved')} data-testid="claim-approve">
            {t('claims.approve')}
          </button>
          <button disabled={busy} onClick={() => decide('rejected')} data-testid="claim-reject">
            {t('claims.reject')}
          </button>
        </div>
      )}
      <table class="table claim-lines" data-testid="claim-lines">
        <thead>
          <tr>
            <th>{t('claims.date')}</th>
            <th>{t('claims.day')}</th>
            <th class="num">{t('claims.working_km')}</th>
            <th class="num">{t('claims.outside_km')}</th>
            <th>{t('claims.visits')}</th>
            <th class="num">{t('claims.coverage')}</th>
            <th>{t('claims.anti_cheat')}</th>
            <th class="num">{t('claims.amount')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {claim.lines.map((l) => (
            <Line line={l} employee={claim.employee_id} replays={replays} reviews={reviews} />
          ))}
        </tbody>
      </table>
      <h3>{t('claims.expense_list')}</h3>
      {claim.expenses.length === 0 ? (
        <p class="muted">{t('claims.no_expenses')}</p>
      ) : (
        <table class="table claim-expenses" data-testid="claim-expenses">
          <thead>
            <tr>
              <th>{t('claims.date')}</th>
              <th>{t('mymileage.category')}</th>
              <th class="num">{t('claims.amount')}</th>
              <th>{t('mymileage.note')}</th>
              <th>{t('claims.receipt')}</th>
            </tr>
          </thead>
          <tbody>
            {claim.expenses.map((e) => (
              <Expense e={e} />
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('claims.totals')}</h3>
      <dl class="facts" data-testid="claim-totals">
        <dt>{t('claims.working_days')}</dt>
        <dd>{fmtNumber(tt.working_days)}</dd>
        <dt>{t('claims.paid_days')}</dt>
        <dd>{fmtNumber(tt.paid_days)}</dd>
        <dt>{t('claims.flagged_days')}</dt>
        <dd>{fmtNumber(tt.flagged_days)}</dd>
        <dt>{t('claims.recorded_km')}</dt>
        <dd>{fmtDistance(tt.recorded_m)}</dd>
        <dt>{t('claims.paid_km')}</dt>
        <dd>{fmtDistance(tt.paid_m)}</dd>
        <dt>{t('claims.outside_km')}</dt>
        <dd>{fmtDistance(tt.outside_m)}</dd>
        <dt>{t('claims.mileage')}</dt>
        <dd>{fmtMoney(tt.mileage_minor)}</dd>
        <dt>{t('claims.expenses')}</dt>
        <dd>{fmtMoney(tt.expenses_minor)}</dd>
        <dt>{t('claims.total')}</dt>
        <dd>
          <strong>{fmtMoney(tt.total_minor)}</strong>
        </dd>
      </dl>
    </section>
  );
}

function Line({ line: l, employee, replays, reviews }: { line: ClaimLine; employee: string; replays: boolean; reviews: boolean }) {
  const adjusted = l.adjusted_m !== null && l.adjusted_m !== undefined;
  const flagged = l.anti_cheat === 'review' || l.anti_cheat === 'likely_cheat';
  const working = l.kind === 'working_day';
  return (
    <tr class={`${adjusted ? 'adjusted' : ''} ${working ? '' : 'off'}`} data-date={l.date} data-level={l.anti_cheat ?? ''}>
      <td>
        {fmtDate(l.date)} <span class="muted">{fmtWeekday(l.date)}</span>
      </td>
      <td>{tOr(`claim.kind.${l.kind}`, l.kind)}</td>
      <td class="num">
        {adjusted ? (
          <>
            <s class="muted">{fmtKm(l.working_m)}</s> <strong>{fmtKm(l.adjusted_m!)}</strong>
          </>
        ) : (
          fmtKm(l.working_m)
        )}
      </td>
      <td class="num muted">{l.outside_m ? fmtKm(l.outside_m) : ''}</td>
      <td>
        {l.visits.length ? l.visits.join(' → ') : working ? <span class="muted">{t('claims.no_visits')}</span> : ''}
        {adjusted && (
          <div class="adjustment" data-testid="adjustment">
            {t('claims.adjusted', { recorded: fmtDistance(l.working_m), adjusted: fmtDistance(l.adjusted_m!) })}
            {l.adjustment_reason && <> · {t('claims.reason', { reason: l.adjustment_reason })}</>}
          </div>
        )}
        {l.zero_reason && working && (
          <div class="muted small">{t('claims.not_paid', { reason: tOr(`claim.zero.${l.zero_reason}`, '') })}</div>
        )}
        {l.capped_minor > 0 && <div class="muted small">{t('claims.capped', { amount: fmtMoney(l.capped_minor) })}</div>}
      </td>
      <td class="num">{working ? `${fmtNumber(l.coverage_pct, 1)}%` : ''}</td>
      <td>{l.anti_cheat && <span class={`pill level-${l.anti_cheat}`}>{tOr(`claim.level.${l.anti_cheat}`, '')}</span>}</td>
      <td class="num">{working ? fmtMoney(l.amount_minor) : ''}</td>
      <td class="actions">
        {working && replays && (
          <a href={`#/track/${employee}/${l.date}`} data-testid="line-replay">
            {t('claims.replay')}
          </a>
        )}
        {flagged && reviews && (
          <>
            {' · '}
            <a href={`#/integrity/day/${employee}/${l.date}`} data-testid="line-integrity">
              {t('claims.integrity')}
            </a>
          </>
        )}
      </td>
    </tr>
  );
}

function Expense({ e }: { e: ClaimExpense }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!e.photo_id) return;
    let url: string | null = null;
    api.objectUrl(`/photos/${e.photo_id}?variant=thumbnail`).then(
      (u) => {
        url = u;
        setSrc(u);
      },
      () => {},
    );
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [e.photo_id]);
  const open = async () => {
    if (!e.photo_id) return;
    const u = await api.objectUrl(`/photos/${e.photo_id}?variant=original`).catch(() => null);
    if (u) window.open(u, '_blank');
  };
  return (
    <tr data-expense={e.id}>
      <td>{fmtDate(e.date)}</td>
      <td>{tOr(`claim.category.${e.category}`, e.category)}</td>
      <td class="num">{fmtMoney(e.amount_minor)}</td>
      <td>{e.note ?? ''}</td>
      <td>
        {e.photo_id ? (
          src ? (
            <img class="receipt-thumb" src={src} alt={t('claims.receipt')} onClick={open} data-testid="receipt-photo" />
          ) : (
            <span class="muted">{t('loading')}</span>
          )
        ) : (
          <span class="muted">{t('claims.no_receipt')}</span>
        )}
        {e.duplicate_of && (
          <div class="error small" data-testid="receipt-duplicate">
            {t('claims.duplicate_receipt')}
          </div>
        )}
      </td>
    </tr>
  );
}
