// What the console and the field app both show of an approval request: its type and
// figures in one line, and its timeline (each round's steps, who decides, what they
// decided, their comment and when), all in the reader's language and the tenant's zone.
import { fmtDate, fmtDateTime, fmtMoney, fmtPeriod, t, tOr } from './i18n';
import type { RequestDetail, RequestSummary, RoundView, StepView } from './types';

export function typeLabel(type: string): string {
  // A type a tenant added has no label of ours: its name, made readable.
  return tOr(`approvals.type.${type}`, type.replace(/_/g, ' '));
}

export function statusLabel(status: string): string {
  return tOr(`approvals.status.${status}`, status);
}

/** The figures a list shows: a claim's amount (and month), leave's days, a correction's day. */
export function summaryText(r: Pick<RequestSummary, 'figures' | 'request_type'>): string {
  const f = r.figures;
  const parts: string[] = [];
  if (f.amount_minor !== undefined && f.amount_minor !== null) parts.push(fmtMoney(f.amount_minor));
  if (f.period) parts.push(t('approvals.period', { period: fmtPeriod(f.period) }));
  if (f.leave_type) parts.push(tOr(`leave.type.${f.leave_type}`, ''));
  if (f.from && f.to && f.from !== f.to)
    parts.push(t('approvals.leave_days', { from: fmtDate(f.from), to: fmtDate(f.to), n: f.days ?? '' }));
  else if (f.from) parts.push(fmtDate(f.from));
  if (f.punch_kind && f.punch_at)
    parts.push(tOr(`correction.${f.punch_kind}`, '').replace('{time}', fmtDateTime(f.punch_at)));
  return parts.filter(Boolean).join(' · ');
}

function StepItem({ step }: { step: StepView }) {
  return (
    <li class={`approval-step step-${step.state}`} data-step={step.index} data-state={step.state}>
      <div>
        <strong>{step.name || t('approvals.step', { n: step.index + 1 })}</strong>{' '}
        <span class="muted small">{tOr(`approvals.mode.${step.mode}`, '')}</span>{' '}
        <span class={`pill step-${step.state}`}>{tOr(`approvals.step_state.${step.state}`, step.state)}</span>
        {step.reason && <span class="muted small"> · {tOr(`approvals.reason.${step.reason}`, '')}</span>}
      </div>
      {step.approvers.length > 0 && (
        <ul class="plain approvers">
          {step.approvers.map((a) => (
            <li data-approver-state={a.state} data-testid="approver">
              <span>{a.employee.name}</span>{' '}
              <span class="muted small">{tOr(`approvals.approver.${a.state}`, a.state)}</span>
              {a.decided_by && a.decided_by.id !== a.employee.id && (
                <span class="muted small"> · {a.decided_by.name} {t('approvals.stand_in', { name: a.employee.name })}</span>
              )}
              {a.decided_at && <span class="muted small"> · {fmtDateTime(a.decided_at)}</span>}
              {a.comment && (
                <div class="small" data-testid="approver-comment">
                  “{a.comment}”
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {step.cc.length > 0 && (
        <div class="muted small">
          {t('approvals.cc')}: {step.cc.map((c) => c.employee.name).join('、')}
        </div>
      )}
    </li>
  );
}

function Round({ round, showNumber }: { round: RoundView; showNumber: boolean }) {
  const e = round.ended;
  return (
    <div class="approval-round" data-round={round.number}>
      <div class="muted small">
        {showNumber && <strong>{t('approvals.round', { n: round.number })} · </strong>}
        {t('approvals.submitted_at')} {fmtDateTime(round.submitted_at)}
      </div>
      <ol class="timeline approval-steps">
        {round.steps.map((s) => (
          <StepItem step={s} />
        ))}
      </ol>
      {e && (
        <p class={`approval-ending status-${e.status}`} data-testid="request-ending" data-status={e.status}>
          {e.by
            ? t('approvals.ended', { status: statusLabel(e.status), name: e.by.name, time: fmtDateTime(e.at) })
            : t('approvals.ended_rule', { status: statusLabel(e.status), time: fmtDateTime(e.at) })}
          {e.comment && <span class="small"> “{e.comment}”</span>}
        </p>
      )}
    </div>
  );
}

/** The request's rounds, oldest first, and who has it now. */
export function Timeline({ detail }: { detail: RequestDetail }) {
  return (
    <div class="approval-timeline" data-testid="request-timeline" data-status={detail.status}>
      {detail.status === 'in_progress' && detail.waiting_for.length > 0 && (
        <p data-testid="waiting-for">{t('approvals.waiting_for', { names: detail.waiting_for.map((p) => p.name).join('、') })}</p>
      )}
      {detail.rounds.map((r) => (
        <Round round={r} showNumber={detail.rounds.length > 1} />
      ))}
    </div>
  );
}
