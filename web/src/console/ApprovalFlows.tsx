// Approval flows (审批流程, admins): for each request type, the flow new requests start
// under — its one-line preview as the server writes it, in the reader's language, and its
// steps (who decides, how several decide, when the step applies, who is copied). An
// admin edits a type's steps — resolver, mode, an amount condition, CC by role — and
// saves a new version; requests already started keep theirs. Steps naming people or
// conditions the form does not edit are kept as they are.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { typeLabel } from '../shared/approvals';
import { errorText } from '../shared/errors';
import { currentLang, fmtDateTime, fmtMoney, parseMoney, t, tOr } from '../shared/i18n';
import type { FlowInput, FlowView, StepDef } from '../shared/types';
import { useLang } from '../shared/ui';
import { may, useRole } from './roles';
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
  const [editing, setEditing] = useState<string | null>(null);
  const edits = may(useRole(), 'approval_flows.edit');
  useEffect(() => {
    Promise.all(TYPES.map((ty) => api.get<FlowView>(`/approval-flows/${ty}`))).then(setFlows, (e) => setError(errorText(e)));
  }, []);
  return (
    <section class="panel page" data-testid="approval-flows-page">
      <div class="panel-head">
        <h2>{t('approvals.flows_title')}</h2>
      </div>
      {!edits && <p class="muted small">{t('console.read_only')}</p>}
      {error && <p class="error">{error}</p>}
      {!flows && !error && <p class="muted">{t('loading')}</p>}
      {flows?.map((f) =>
        editing === f.request_type ? (
          <FlowEditor
            flow={f}
            onDone={(saved) => {
              if (saved) setFlows((fs) => fs?.map((x) => (x.request_type === saved.request_type ? saved : x)) ?? null);
              setEditing(null);
            }}
          />
        ) : (
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
          {edits && !editing && (
            <button onClick={() => setEditing(f.request_type)} data-testid="flow-edit">
              {t('approvals.flow_edit')}
            </button>
          )}
        </div>
        ),
      )}
    </section>
  );
}

const ROLES = ['manager', 'finance', 'admin'] as const;
const SCOPES = ['nearest_above', 'submitter_department', 'tenant'] as const;
const KINDS = ['manager', 'manager_chain', 'role', 'submitter_choice'] as const;

/** A step's amount condition as the form edits it; null when it has several (a range),
 * which the form keeps as they are. */
function amountOf(step: StepDef): { op: string; yuan: string } | null {
  const all = (step.when ?? []).filter((w) => w.kind === 'amount');
  if (all.length > 1) return null;
  const c = all[0];
  return c && c.kind === 'amount' ? { op: c.op, yuan: (Number(c.fen) / 100).toFixed(2) } : { op: '', yuan: '' };
}

/** The CC role when the step copies one role tenant-wide (what the form edits), '' for none, null otherwise. */
function ccRoleOf(step: StepDef): string | null {
  const cc = step.cc ?? [];
  if (cc.length === 0) return '';
  const c = cc[0];
  return cc.length === 1 && c.kind === 'role' && c.in.scope === 'tenant' ? c.role : null;
}

function FlowEditor({ flow, onDone }: { flow: FlowView; onDone: (saved: FlowView | null) => void }) {
  const [steps, setSteps] = useState<StepDef[]>(flow.steps.map((s) => ({ ...s })));
  const [amounts, setAmounts] = useState(flow.steps.map(amountOf));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const set = (i: number, patch: Partial<StepDef>) => setSteps((ss) => ss.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const setKind = (i: number, kind: string) =>
    set(i, {
      approvers:
        kind === 'manager'
          ? { kind: 'manager', level: 1 }
          : kind === 'manager_chain'
            ? { kind: 'manager_chain', levels: 2 }
            : kind === 'role'
              ? { kind: 'role', role: 'finance', in: { scope: 'tenant' } }
              : { kind: 'submitter_choice', max: 1 },
    });
  const add = () => {
    setSteps((ss) => [...ss, { approvers: { kind: 'manager', level: 1 }, mode: 'any' }]);
    setAmounts((a) => [...a, { op: '', yuan: '' }]);
  };
  const remove = (i: number) => {
    setSteps((ss) => ss.filter((_, j) => j !== i));
    setAmounts((a) => a.filter((_, j) => j !== i));
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setError('');
    const out: StepDef[] = [];
    for (const [i, s] of steps.entries()) {
      const a = amounts[i];
      if (!a) {
        out.push(s);
        continue;
      }
      const others = (s.when ?? []).filter((w) => w.kind !== 'amount');
      let when: StepDef['when'] = others;
      if (a.op) {
        const fen = parseMoney(a.yuan);
        if (fen === null || fen < 0) return setError(`${t('approvals.step', { n: i + 1 })}：${t('approvals.bad_amount')}`);
        when = [{ kind: 'amount', op: a.op as 'gt', fen }, ...others];
      }
      const name = s.name?.trim();
      out.push({ ...s, name: name ? name : null, when });
    }
    setBusy(true);
    try {
      onDone(await api.put<FlowView>(`/approval-flows/${flow.request_type}`, { steps: out } satisfies FlowInput));
    } catch (err) {
      const at = err instanceof ApiError ? /^steps\[(\d+)\]/.exec(err.fields[0]?.field ?? '') : null;
      setError((at ? `${t('approvals.step', { n: Number(at[1]) + 1 })}：` : '') + errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card report" onSubmit={save} data-flow={flow.request_type} data-testid="flow-editor" noValidate>
      <h3>{typeLabel(flow.request_type)}</h3>
      {steps.length === 0 && <p class="muted">{t('approvals.flow_no_steps')}</p>}
      <ol>
        {steps.map((s, i) => {
          const r = s.approvers;
          const cc = ccRoleOf(s);
          return (
            <li data-testid="flow-step-editor">
              <div class="filters">
                <label>
                  {t('approvals.step_name')}
                  <input name="name" value={s.name ?? ''} maxLength={100} onInput={(e) => set(i, { name: e.currentTarget.value })} />
                </label>
                {r.kind === 'people' ? (
                  <span>{resolverText(r)}</span>
                ) : (
                  <label>
                    {t('approvals.approvers')}
                    <select name="kind" value={r.kind} onChange={(e) => setKind(i, e.currentTarget.value)}>
                      {KINDS.map((k) => (
                        <option value={k}>{t(`approvals.kind.${k}`)}</option>
                      ))}
                    </select>
                  </label>
                )}
                {r.kind === 'manager' && (
                  <label>
                    {t('approvals.level')}
                    <input name="level" type="number" min={1} max={10} value={r.level} onInput={(e) => set(i, { approvers: { ...r, level: Number(e.currentTarget.value) } })} />
                  </label>
                )}
                {r.kind === 'manager_chain' && (
                  <label>
                    {t('approvals.levels')}
                    <input name="levels" type="number" min={1} max={10} value={r.levels} onInput={(e) => set(i, { approvers: { ...r, levels: Number(e.currentTarget.value) } })} />
                  </label>
                )}
                {r.kind === 'submitter_choice' && (
                  <label>
                    {t('approvals.max')}
                    <input name="max" type="number" min={1} max={10} value={r.max} onInput={(e) => set(i, { approvers: { ...r, max: Number(e.currentTarget.value) } })} />
                  </label>
                )}
                {r.kind === 'role' && (
                  <>
                    <label>
                      {t('approvals.role')}
                      <select name="role" value={r.role} onChange={(e) => set(i, { approvers: { ...r, role: e.currentTarget.value as 'finance' } })}>
                        {ROLES.map((x) => (
                          <option value={x}>{tOr(`role.${x}`, x)}</option>
                        ))}
                      </select>
                    </label>
                    {r.in.scope !== 'department' && (
                      <label>
                        {t('approvals.where')}
                        <select name="scope" value={r.in.scope} onChange={(e) => set(i, { approvers: { ...r, in: { scope: e.currentTarget.value as 'tenant' } } })}>
                          {SCOPES.map((x) => (
                            <option value={x}>{t(`approvals.scope.${x}`)}</option>
                          ))}
                        </select>
                      </label>
                    )}
                  </>
                )}
                <label>
                  {t('approvals.mode')}
                  <select name="mode" value={s.mode} onChange={(e) => set(i, { mode: e.currentTarget.value as 'any' })}>
                    {(['any', 'all', 'sequential'] as const).map((m) => (
                      <option value={m}>{t(`approvals.mode.${m}`)}</option>
                    ))}
                  </select>
                </label>
                {!amounts[i] ? (
                  <span class="muted small">{t('approvals.when', { conditions: conditionsText(s) })}</span>
                ) : (
                <label>
                  {t('approvals.amount_condition')}
                  <select name="amount_op" value={amounts[i]!.op} onChange={(e) => setAmounts((a) => a.map((x, j) => (j === i && x ? { ...x, op: e.currentTarget.value } : x)))}>
                    <option value="">{t('approvals.always')}</option>
                    {['gt', 'ge', 'lt', 'le'].map((o) => (
                      <option value={o}>{t('approvals.when_amount', { op: OPS[o], amount: '¥' })}</option>
                    ))}
                  </select>
                </label>
                )}
                {amounts[i]?.op && (
                  <label>
                    {t('approvals.amount_yuan')}
                    <input name="amount" inputMode="decimal" value={amounts[i]!.yuan} onInput={(e) => setAmounts((a) => a.map((x, j) => (j === i && x ? { ...x, yuan: e.currentTarget.value } : x)))} />
                  </label>
                )}
                {cc === null ? (
                  <span class="muted small">
                    {t('approvals.cc')}: {(s.cc ?? []).map(resolverText).join('、')}
                  </span>
                ) : (
                  <label>
                    {t('approvals.cc')}
                    <select
                      name="cc"
                      value={cc}
                      onChange={(e) => {
                        const v = e.currentTarget.value;
                        set(i, { cc: v ? [{ kind: 'role', role: v as 'finance', in: { scope: 'tenant' } }] : [] });
                      }}
                    >
                      <option value="">{t('approvals.cc_none')}</option>
                      {ROLES.map((x) => (
                        <option value={x}>{tOr(`role.${x}`, x)}</option>
                      ))}
                    </select>
                  </label>
                )}
                <button type="button" onClick={() => remove(i)} data-testid="flow-step-remove">
                  {t('approvals.remove_step')}
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      {error && (
        <p class="error" role="alert" data-testid="flow-error">
          {error}
        </p>
      )}
      <div class="row">
        <button type="button" onClick={add} data-testid="flow-step-add">
          {t('approvals.add_step')}
        </button>
        <button type="submit" class="primary" disabled={busy} data-testid="flow-save">
          {t('approvals.save_flow')}
        </button>
        <button type="button" onClick={() => onDone(null)}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
