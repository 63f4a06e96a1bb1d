// Team attendance (contract C.1): everyone in a department (and below) by day over a date
// range — one coloured cell per person and day, the totals per person, and the same table
// as an Excel file. Days before someone started read "not started" (grey, never absent).
// On a server without the report (404) the screen says so instead of failing.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDate, fmtDateRange, fmtDayOfMonth, fmtTime, fmtWeekday, t, tOr, todayInZone } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import type { Department, DepartmentList, TeamPage, TeamRow } from '../shared/types';
import { useLang } from '../shared/ui';
import { download } from './download';
import { useReportRows } from './reportRows';
import { api } from './session';

/** The statuses in the totals, in the order their columns are shown. */
export const TOTALS = ['present', 'late', 'early_leave', 'absent', 'on_leave', 'day_off', 'not_started'] as const;

export function dayLabel(status: string): string {
  return tOr(`day.${status}`, t('day.pending'));
}

export function TeamAttendance() {
  useLang();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [dept, setDept] = useState('');
  const [from, setFrom] = useState(todayInZone(-13));
  const [to, setTo] = useState(todayInZone());
  const { rows, error, setError, missing } = useReportRows<TeamPage>(
    '/attendance/team',
    { department_id: dept || undefined, from, to },
    Boolean(from && to),
  );

  useEffect(() => {
    api.get<DepartmentList>('/departments').then((p) => setDepartments(p.items), () => {});
  }, []);

  const exportXlsx = () =>
    download('/attendance/team', { department_id: dept || undefined, from, to, format: 'xlsx' }, `attendance-${from}-${to}.xlsx`).catch(
      (e) => setError(errorText(e)),
    );

  const dates = rows?.[0]?.days.map((d) => d.date) ?? [];
  return (
    <div data-testid="team-attendance">
      <div class="filters">
        <label>
          {t('plans.department')}
          <select value={dept} onChange={(e) => setDept(e.currentTarget.value)} data-testid="team-dept">
            <option value="">{t('team.all_departments')}</option>
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
        <button onClick={exportXlsx} disabled={missing || !rows} data-testid="team-export">
          {t('team.export')}
        </button>
      </div>
      {error && (
        <p class={missing ? 'muted' : 'error'} role="alert">
          {error}
        </p>
      )}
      {!rows && !error && <p class="muted">{t('loading')}</p>}
      {rows && rows.length === 0 && <p class="muted">{t('team.none')}</p>}
      {rows && rows.length > 0 && (
        <>
          <p class="muted small">{fmtDateRange(from, to)}</p>
          <div class="grid-wrap">
            <table class="team-grid" data-testid="team-grid">
              <thead>
                <tr>
                  <th class="who">{t('team.person')}</th>
                  {dates.map((d) => (
                    <th class="day-col" title={fmtDate(d)}>
                      <span class="small muted">{fmtWeekday(d)}</span>
                      <br />
                      {fmtDayOfMonth(d)}
                    </th>
                  ))}
                  {TOTALS.map((k) => (
                    <th class="total-col" title={t('team.totals')}>
                      {dayLabel(k)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr data-employee={r.employee.id}>
                    <th class="who">
                      {r.employee.name}
                      <div class="small muted">{r.employee.department_name}</div>
                    </th>
                    {r.days.map((d) => (
                      <td class={`cell day-${d.status}`} data-date={d.date} data-status={d.status} title={cellTitle(r, d)}>
                        {short(d.status)}
                      </td>
                    ))}
                    {TOTALS.map((k) => (
                      <td class="total" data-total={k}>
                        {r.totals[k] ?? 0}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul class="legend small">
            {TOTALS.map((k) => (
              <li>
                <span class={`cell day-${k}`}>{short(k)}</span> {dayLabel(k)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** A one-character mark per status (the colour carries most of it); blank when not started. */
function short(status: string): string {
  if (status === 'not_started') return '';
  return tOr(`team.mark.${status}` as MessageKey, '·');
}

function cellTitle(r: TeamRow, d: TeamRow['days'][number]): string {
  const parts = [r.employee.name, fmtDate(d.date), dayLabel(d.status)];
  if (d.clock_in_t) parts.push(`${t('attendance.clocked_in')} ${fmtTime(d.clock_in_t)}`);
  if (d.clock_out_t) parts.push(`${t('attendance.clocked_out')} ${fmtTime(d.clock_out_t)}`);
  if (d.late_min) parts.push(t('team.late_min', { n: d.late_min }));
  if (d.early_min) parts.push(t('team.early_min', { n: d.early_min }));
  return parts.join(' · ');
}
