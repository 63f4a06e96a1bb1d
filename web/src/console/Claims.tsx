// Mileage claims (报销) for managers and finance: a period's claims (a month, half-month or
// ISO week: the tenant's setting) with status, person, department, kilometres, amounts and
// what the anti-cheat centre said about their days; one claim opens its detail
// (ClaimDetail). Finance selects approved claims of the period and pays them as one batch
// under a reference, then downloads the batch's Excel or CSV.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { errorText } from '../shared/errors';
import { currentLang, fmtKm, fmtMoney, fmtPeriod, t, todayInZone, tOr } from '../shared/i18n';
import { isPeriodOf, PeriodPicker, type PeriodKind } from '../shared/PeriodPicker';
import { uuid } from '../shared/ids';
import { go } from '../shared/route';
import type { ClaimPage, ClaimSettings, ClaimSummary, Department, DepartmentList, NewPayout, Payout } from '../shared/types';
import { useLang } from '../shared/ui';
import { ClaimDetail } from './ClaimDetail';
import { download } from './download';
import { may, useRole } from './roles';
import { api } from './session';

const STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'paid'];

/** The month before today's, `YYYY-MM`: the one a period's end just generated. */
export function lastMonth(): string {
  const [y, m] = todayInZone().split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Every page of a list. */
export async function allClaims(query: Record<string, string | undefined>): Promise<ClaimSummary[]> {
  const out: ClaimSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<ClaimPage>('/claims', { ...query, limit: 500, cursor });
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

/** The anti-cheat summary of a claim's days in words, or "nothing flagged". */
export function antiCheatText(c: ClaimSummary): string {
  const a = c.anti_cheat;
  const parts = [
    a.confirmed ? t('claims.ac_confirmed', { n: a.confirmed }) : '',
    a.likely_cheat ? t('claims.ac_likely', { n: a.likely_cheat }) : '',
    a.review ? t('claims.ac_review', { n: a.review }) : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : t('claims.ac_none');
}

/** The batch's export, downloaded in the screen's language. */
export function exportPayout(p: Payout, format: 'xlsx' | 'csv'): Promise<void> {
  const lang = currentLang() === 'en' ? 'en' : 'zh-CN';
  return download(`/payouts/${p.id}/export`, { format, lang }, `payout-${p.period}.${format}`);
}

export function Claims({ id }: { id?: string }) {
  if (id) return <ClaimDetail id={id} />;
  return <ClaimList />;
}

function ClaimList() {
  const lang = useLang();
  const role = useRole();
  const pays = may(role, 'payouts.create');
  const [kind, setKind] = useState<PeriodKind>('month');
  const [period, setPeriod] = useState(lastMonth());
  const [status, setStatus] = useState('');
  const [dept, setDept] = useState('');
  const [departments, setDepartments] = useState<Department[]>([]);
  const [rows, setRows] = useState<ClaimSummary[] | null>(null);
  const [error, setError] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [reference, setReference] = useState('');
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<Payout | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    api.get<DepartmentList>('/departments').then((p) => setDepartments(p.items), () => {});
    // The tenant's period length; the list opens on the period that ended last.
    api.get<ClaimSettings>('/claim-settings').then(
      (c) => {
        setKind(c.period);
        if (c.period !== 'month') setPeriod(c.previous_period);
      },
      () => {},
    );
  }, []);

  useEffect(() => {
    if (!/^\d{4}-(\d{2}(-H[12])?|W\d{2})$/.test(period)) return;
    let live = true;
    setRows(null);
    setError('');
    allClaims({ period, status: status || undefined, department_id: dept || undefined }).then(
      (list) => {
        if (!live) return;
        list.sort((a, b) => a.employee_name.localeCompare(b.employee_name, lang));
        setRows(list);
        setPicked((p) => new Set([...p].filter((id) => list.some((c) => c.id === id && c.status === 'approved'))));
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [period, status, dept, tick]);

  const deptName = (id: string) => departments.find((d) => d.id === id)?.name ?? '';
  const shown = rows ?? [];
  const sum = (f: (c: ClaimSummary) => number) => shown.reduce((n, c) => n + f(c), 0);
  const approved = shown.filter((c) => c.status === 'approved');
  const chosen = shown.filter((c) => picked.has(c.id));
  const chosenTotal = chosen.reduce((n, c) => n + c.total_minor, 0);

  const toggle = (id: string) =>
    setPicked((p) => {
      const n = new Set(p);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const pay = async () => {
    setError('');
    setMade(null);
    if (!reference.trim()) return setError(t('claims.pay_need_reference'));
    setBusy(true);
    try {
      const body: NewPayout = { id: uuid(), reference: reference.trim(), claim_ids: chosen.map((c) => c.id) };
      const p = await api.post<Payout>('/payouts', body);
      setMade(p);
      setReference('');
      setPicked(new Set());
      setTick((n) => n + 1);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 409 ? errorText(e) : errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel page" data-testid="claims-page">
      <div class="filters">
        <label>
          {t('claims.period')}
          <PeriodPicker kind={isPeriodOf(kind, period) ? kind : 'month'} value={period} onChange={setPeriod} testid="claims-period" />
        </label>
        <label>
          {t('claims.department')}
          <select value={dept} onChange={(e) => setDept(e.currentTarget.value)} data-testid="claims-dept">
            <option value="">{t('claims.all_departments')}</option>
            {departments.map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('claims.status')}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)} data-testid="claims-status">
            <option value="">{t('all')}</option>
            {STATUSES.map((s) => (
              <option value={s}>{tOr(`claim.status.${s}`, s)}</option>
            ))}
          </select>
        </label>
      </div>
      <h2>{fmtPeriod(period)}</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {made && (
        <div class="notice" data-testid="payout-made">
          <span>{t('payouts.created', { reference: made.reference, amount: fmtMoney(made.total_minor) })}</span>{' '}
          <button onClick={() => exportPayout(made, 'xlsx').catch((e) => setError(errorText(e)))} data-testid="payout-xlsx">
            {t('claims.export_xlsx')}
          </button>{' '}
          <button onClick={() => exportPayout(made, 'csv').catch((e) => setError(errorText(e)))} data-testid="payout-csv">
            {t('claims.export_csv')}
          </button>
        </div>
      )}
      {!rows && !error && <p class="muted">{t('loading')}</p>}
      {rows && rows.length === 0 && <p class="muted">{t('claims.none')}</p>}
      {rows && rows.length > 0 && (
        <table class="table numbers claims" data-testid="claims">
          <thead>
            <tr>
              {pays && (
                <th>
                  <input
                    type="checkbox"
                    aria-label={t('claims.select_all')}
                    title={t('claims.select_all')}
                    checked={approved.length > 0 && approved.every((c) => picked.has(c.id))}
                    disabled={approved.length === 0}
                    onChange={(e) => setPicked(e.currentTarget.checked ? new Set(approved.map((c) => c.id)) : new Set())}
                    data-testid="claims-select-all"
                  />
                </th>
              )}
              <th>{t('claims.person')}</th>
              <th>{t('claims.department')}</th>
              <th>{t('claims.status')}</th>
              <th>{t('claims.recorded_km')}</th>
              <th>{t('claims.paid_km')}</th>
              <th>{t('claims.mileage')}</th>
              <th>{t('claims.expenses')}</th>
              <th>{t('claims.total')}</th>
              <th>{t('claims.anti_cheat')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => {
              const flagged = c.anti_cheat.review + c.anti_cheat.likely_cheat + c.anti_cheat.confirmed > 0;
              return (
                <tr data-claim={c.id} data-status={c.status} data-employee={c.employee_id} onClick={() => go('claims', c.id)}>
                  {pays && (
                    <td onClick={(e) => e.stopPropagation()}>
                      {c.status === 'approved' && (
                        <input
                          type="checkbox"
                          aria-label={t('claims.select')}
                          checked={picked.has(c.id)}
                          onChange={() => toggle(c.id)}
                          data-testid="claim-pick"
                        />
                      )}
                    </td>
                  )}
                  <td class="text">
                    <a href={`#/claims/${c.id}`}>{c.employee_name}</a>
                  </td>
                  <td class="text">{deptName(c.department_id)}</td>
                  <td class="text">
                    <span class={`pill claim-${c.status}`}>{tOr(`claim.status.${c.status}`, c.status)}</span>
                  </td>
                  <td>{fmtKm(c.recorded_m)}</td>
                  <td>{fmtKm(c.paid_m)}</td>
                  <td>{fmtMoney(c.mileage_minor)}</td>
                  <td>{fmtMoney(c.expenses_minor)}</td>
                  <td data-testid="claim-total">
                    <strong>{fmtMoney(c.total_minor)}</strong>
                  </td>
                  <td class={flagged ? 'text warn' : 'text muted'}>{antiCheatText(c)}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              {pays && <th />}
              <th>{t('claims.total_row')}</th>
              <th />
              <th />
              <th>{fmtKm(sum((c) => c.recorded_m))}</th>
              <th>{fmtKm(sum((c) => c.paid_m))}</th>
              <th>{fmtMoney(sum((c) => c.mileage_minor))}</th>
              <th>{fmtMoney(sum((c) => c.expenses_minor))}</th>
              <th>{fmtMoney(sum((c) => c.total_minor))}</th>
              <th />
            </tr>
          </tfoot>
        </table>
      )}
      {pays && rows && approved.length > 0 && (
        <div class="toolbar pay-bar" data-testid="pay-bar">
          <strong>{t('claims.pay_title')}</strong>
          <label>
            {t('claims.pay_reference')}
            <input name="reference" value={reference} maxLength={100} onInput={(e) => setReference(e.currentTarget.value)} data-testid="payout-reference" />
          </label>
          <button class="primary" disabled={busy || chosen.length === 0} onClick={pay} data-testid="payout-create">
            {t('claims.pay_selected', { n: chosen.length, amount: fmtMoney(chosenTotal) })}
          </button>
        </div>
      )}
    </section>
  );
}
