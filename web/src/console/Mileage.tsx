// Monthly mileage (contract C.2) for finance and managers: per person the days tracked,
// kilometres inside and outside working hours and in all, with a total row and the same
// table as an Excel file. On a server without the report (404) the screen says so.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtMonth, fmtNumber, t, todayInZone } from '../shared/i18n';
import type { Department, DepartmentList, MileagePage } from '../shared/types';
import { useLang } from '../shared/ui';
import { download } from './download';
import { useReportRows } from './reportRows';
import { useRole } from './roles';
import { go } from '../shared/route';
import { api } from './session';

export function Mileage() {
  useLang();
  const role = useRole();
  const [month, setMonth] = useState(todayInZone().slice(0, 7));
  const [departments, setDepartments] = useState<Department[]>([]);
  const [dept, setDept] = useState('');
  const { rows, error, setError, missing } = useReportRows<MileagePage>(
    '/mileage/monthly',
    { month, department_id: dept || undefined },
    /^\d{4}-\d{2}$/.test(month),
  );

  useEffect(() => {
    api.get<DepartmentList>('/departments').then((p) => setDepartments(p.items), () => {});
  }, []);

  const exportXlsx = () =>
    download('/mileage/monthly', { month, department_id: dept || undefined, format: 'xlsx' }, `mileage-${month}.xlsx`).catch((e) =>
      setError(errorText(e)),
    );

  const sum = (k: 'working_km' | 'total_km' | 'outside_km' | 'days_tracked') => (rows ?? []).reduce((n, r) => n + (r[k] ?? 0), 0);
  const km = (n: number) => fmtNumber(n, 1);
  // Only roles that open track replays get a link to one (finance has no live map).
  const canReplay = role === 'admin' || role === 'manager';
  return (
    <section class="panel page" data-testid="mileage-page">
      <div class="filters">
        <label>
          {t('mileage.month')}
          <input type="month" name="month" value={month} onChange={(e) => e.currentTarget.value && setMonth(e.currentTarget.value)} />
        </label>
        <label>
          {t('plans.department')}
          <select value={dept} onChange={(e) => setDept(e.currentTarget.value)} data-testid="mileage-dept">
            <option value="">{t('team.all_departments')}</option>
            {departments.map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
        <button onClick={exportXlsx} disabled={missing || !rows} data-testid="mileage-export">
          {t('team.export')}
        </button>
      </div>
      <h2>{fmtMonth(month)}</h2>
      {error && (
        <p class={missing ? 'muted' : 'error'} role="alert">
          {error}
        </p>
      )}
      {!rows && !error && <p class="muted">{t('loading')}</p>}
      {rows && rows.length === 0 && <p class="muted">{t('mileage.none')}</p>}
      {rows && rows.length > 0 && (
        <table class="table numbers" data-testid="mileage">
          <thead>
            <tr>
              <th>{t('team.person')}</th>
              <th>{t('plans.department')}</th>
              <th>{t('mileage.days_tracked')}</th>
              <th>{t('mileage.working_km')}</th>
              <th>{t('mileage.outside_km')}</th>
              <th>{t('mileage.total_km')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-employee={r.employee.id} class="static">
                <td>
                  {canReplay ? (
                    <a href={`#/track/${r.employee.id}/${month}-01`} onClick={(e) => { e.preventDefault(); go('track', r.employee.id, `${month}-01`); }}>
                      {r.employee.name}
                    </a>
                  ) : (
                    r.employee.name
                  )}
                </td>
                <td>{r.employee.department_name}</td>
                <td>{fmtNumber(r.days_tracked)}</td>
                <td>{km(r.working_km)}</td>
                <td>{km(r.outside_km)}</td>
                <td>{km(r.total_km)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th>{t('mileage.total_row')}</th>
              <th />
              <th>{fmtNumber(sum('days_tracked'))}</th>
              <th>{km(sum('working_km'))}</th>
              <th>{km(sum('outside_km'))}</th>
              <th>{km(sum('total_km'))}</th>
            </tr>
          </tfoot>
        </table>
      )}
    </section>
  );
}
