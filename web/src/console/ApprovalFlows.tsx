// Approval flows (审批流程, admins): for each request type, the flow new requests start
// under — its one-line preview as the server writes it, in the reader's language, and its
// steps (who decides, how several decide, when the step applies, who is copied). Read
// only here for now.
import { useEffect, useState } from 'preact/hooks';
import { typeLabel } from '../shared/approvals';
import { errorText } from '../shared/errors';
import { currentLang, fmtDateTime, fmtMoney, t, tOr } from '../shared/i18n';
import type { FlowView, StepDef } from '../shared/types';
import { useLang } from '../shared/ui';
import { api } from './session';

const TYPES = ['mileage_claim', 'leave', 'attendance_correction', 'expense', 'plan_change'];
const OPS: Record<string, string> = { eq: '=', ne: '≠', gt: '>', ge: '≥', lt: '<', le: '≤' };

function resolverText(r: StepDef['approvers']): string {
  switch (r.kind) {
    case 'manager':
      return t('approvals.resolver.manager', { n: r.level });
    case 'manager_chain':
      return t('approvals.resolver.manager_chain', { n: r.levels });
    case 'role':
      return t('approvals.resolver.role', { role: tOr(`role.${r.role}`, r.role) });
    case 'people':
      return t('approvals.resolver.people', { n: r.ids.length });
    case 'submitter_choice':
      return t('approvals.resolver.submitter_choice');
  }
}

function conditionsText(step: StepDef): string {
  return (step.when ?? [])
    .map((c) =>
      c.kind === 'amount'
        ? t('approvals.when_amount', { op: OPS[c.op] ?? c.op, amount: fmtMoney(Number(c.fen)) })
        : c.kind === 'submitter_in'
          ? t('approvals.when_department')
          : t('approvals.when_field'),
    )
    .join(currentLang() === 'en' ? ', ' : '，');
}

export function ApprovalFlows() {
  const lang = useLang();
  const [flows, setFlows] = useState<FlowView[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    Promise.all(TYPES.map((ty) => api.get<FlowView>(`/approval-flows/${ty}`))).then(setFlows, (e) => setError(errorText(e)));
  }, []);
  return (
    <section class="panel page" data-testid="approval-flows-page">
      <div class="panel-head">
        <h2>{t('approvals.flows_title')}</h2>
      </div>
      <p class="muted small">{t('approvals.flows_read_only')}</p>
      {error && <p class="error">{error}</p>}
      {!flows && !error && <p class="muted">{t('loading')}</p>}
      {flows?.map((f) => (
        <div class="card" data-flow={f.request_type} data-testid="approval-flow">
          <h3>{typeLabel(f.request_type)}</h3>
          <p data-testid="flow-preview">
            <strong>{lang === 'en' ? f.preview_en : f.preview_zh}</strong>
          </p>
          <p class="muted small">
            {f.is_default || !f.created_at
              ? t('approvals.flow_default')
              : t('approvals.flow_version', { n: f.version, time: fmtDateTime(f.created_at) })}
          </p>
          {f.steps.length === 0 && <p class="muted">{t('approvals.flow_no_steps')}</p>}
          <ol>
            {f.steps.map((s) => (
              <li data-testid="flow-step">
                {s.name ? <strong>{s.name} · </strong> : null}
                {resolverText(s.approvers)} · {tOr(`approvals.mode.${s.mode}`, '')}
                {(s.when ?? []).length > 0 && <div class="muted small">{t('approvals.when', { conditions: conditionsText(s) })}</div>}
                {(s.cc ?? []).length > 0 && (
                  <div class="muted small">
                    {t('approvals.cc')}: {(s.cc ?? []).map(resolverText).join(lang === 'en' ? ', ' : '、')}
                  </div>
                )}
              </li>
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}
