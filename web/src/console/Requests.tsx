// Requests: the leave and punch-correction requests of everyone the manager reaches in a
// department over a date range (the API lists one person at a time, so this asks per
// person), each pending one with Approve / Reject. A request decided meanwhile by someone
// else answers 409: that is said on its row and the list is reloaded.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { errorText } from '../shared/errors';
import { fmtDateRange, fmtDateTime, t, todayInZone, tOr } from '../shared/i18n';
import type { AttendanceRequest, Decision, Department, DepartmentList, Employee } from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { may, useRole, useSelf } from './roles';
import { api } from './session';

interface Row extends AttendanceRequest {
  employee: Employee;
}

/** The department and every department below it. */
export function subtree(departments: Department[], root: string): Set<string> {
  const out = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of departments)
      if (d.parent_id && out.has(d.parent_id) && !out.has(d.id)) {
        out.add(d.id);
        grew = true;
      }
  }
  return out;
}

export function Requests() {
  const lang = useLang();
  const dir = useDirectory();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [dept, setDept] = useState('');
  const [status, setStatus] = useState('pending');
  const [from, setFrom] = useState(todayInZone(-30));
  const [to, setTo] = useState(todayInZone(60));
  const decides = may(useRole(), 'requests.decide');
  const self = useSelf();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState('');
  const [rowError, setRowError] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  /** Rows decided on this screen stay in view (with their new status) until a reload. */
  const [kept, setKept] = useState<Set<string>>(new Set());

  useEffect(() => {
    api.get<DepartmentList>('/departments').then((p) => setDepartments(p.items), () => {});
  }, []);

  const people = dir
    ? [...dir.employees.values()].filter((e) => e.active && (!dept || subtree(departments, dept).has(e.department_id)))
    : [];
  const peopleKey = people.map((p) => p.id).join(',');

  useEffect(() => {
    if (!dir || !dir.employees.size) return;
    let live = true;
    setError('');
    // One list of everyone the caller reaches; the department filter is applied here.
    const inScope = new Map(people.map((p) => [p.id, p]));
    api.all<AttendanceRequest>('/attendance/requests', { from, to }).then(
      (list) => {
        if (!live) return;
        const all = list
          .flatMap((r) => {
            const employee = inScope.get(r.employee_id);
            return employee ? [{ ...r, employee }] : [];
          })
          .sort((a, b) => a.from.localeCompare(b.from) || a.employee.name.localeCompare(b.employee.name, lang));
        setRows(all);
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [peopleKey, from, to, tick]);

  const decide = async (r: Row, decision: 'approved' | 'rejected') => {
    setBusy(r.id);
    setKept((k) => new Set(k).add(r.id));
    setRowError((x) => ({ ...x, [r.id]: '' }));
    try {
      const body: Decision = { status: decision };
      const updated = await api.post<AttendanceRequest>(`/attendance/requests/${r.id}/decision`, body);
      setRows((rs) => rs?.map((x) => (x.id === r.id ? { ...x, ...updated } : x)) ?? null);
    } catch (e) {
      const message = e instanceof ApiError && e.status === 409 ? t('requests.already_decided') : errorText(e);
      setRowError((x) => ({ ...x, [r.id]: message }));
      if (e instanceof ApiError && e.status === 409) {
        // Show what it was decided as, keeping the message on the row.
        const list = await api
          .all<AttendanceRequest>('/attendance/requests', { employee_id: r.employee.id, from: r.from, to: r.to })
          .catch(() => []);
        const now = list.find((x) => x.id === r.id);
        if (now) setRows((rs) => rs?.map((x) => (x.id === r.id ? { ...x, ...now } : x)) ?? null);
      }
    } finally {
      setBusy(null);
    }
  };

  const shown = (rows ?? []).filter((r) => !status || r.status === status || kept.has(r.id));
  return (
    <section class="panel page" data-testid="requests-page">
      <div class="filters">
        <label>
          {t('requests.department')}
          <select value={dept} onChange={(e) => setDept(e.currentTarget.value)} data-testid="requests-department">
            <option value="">{t('requests.all_departments')}</option>
            {departments.map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('from')}
          <input type="date" name="from" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('to')}
          <input type="date" name="to" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          {t('requests.status_filter')}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)} data-testid="requests-status">
            <option value="">{t('all')}</option>
            {['pending', 'approved', 'rejected'].map((s) => (
              <option value={s}>{tOr(`request.status.${s}`, s)}</option>
            ))}
          </select>
        </label>
        <button onClick={() => {
            setKept(new Set());
            setRowError({});
            setTick((n) => n + 1);
          }} data-testid="requests-reload">
          {t('requests.reload')}
        </button>
      </div>
      {error && <p class="error">{error}</p>}
      {!rows && !error && <p class="muted">{t('loading')}</p>}
      {rows && shown.length === 0 && <p class="muted">{t('requests.none')}</p>}
      {rows && shown.length > 0 && (
        <table class="table" data-testid="requests">
          <thead>
            <tr>
              <th>{t('requests.person')}</th>
              <th>{t('requests.kind')}</th>
              <th>{t('requests.days')}</th>
              <th>{t('requests.detail')}</th>
              <th>{t('requests.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr data-request={r.id} data-status={r.status} class="static">
                <td>{r.employee.name}</td>
                <td>{tOr(`request.kind.${r.kind}`, r.kind)}</td>
                <td>{fmtDateRange(r.from, r.to)}</td>
                <td>
                  {'leave_type' in r.body && <strong>{tOr(`leave.type.${r.body.leave_type}`, r.body.leave_type)} </strong>}
                  {'kind' in r.body && (
                    <strong>{tOr(`correction.${r.body.kind}`, r.body.kind).replace('{time}', fmtDateTime(new Date(r.body.t)))} </strong>
                  )}
                  <span class="muted">{r.body.reason}</span>
                </td>
                <td>
                  <span class={`pill req-${r.status}`}>{tOr(`request.status.${r.status}`, r.status)}</span>
                  {rowError[r.id] && (
                    <div class="error small" role="alert" data-testid="request-error">
                      {rowError[r.id]}
                    </div>
                  )}
                </td>
                <td class="actions">
                  {r.status === 'pending' && decides && r.employee_id !== self && (
                    <>
                      <button class="primary" disabled={busy === r.id} onClick={() => decide(r, 'approved')} data-testid="approve">
                        {t('requests.approve')}
                      </button>{' '}
                      <button disabled={busy === r.id} onClick={() => decide(r, 'rejected')} data-testid="reject">
                        {t('requests.reject')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
