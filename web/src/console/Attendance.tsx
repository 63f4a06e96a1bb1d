// Attendance: the team grid (TeamAttendance, the default view) or one person's daily
// records over a date range — the day's status, the clock-in and clock-out times per
// shift, minutes worked, late and early.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDate, fmtDuration, fmtTime, t, todayInZone } from '../shared/i18n';
import type { AttendanceDay, AttendanceDays } from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { api } from './session';
import { dayLabel, TeamAttendance } from './TeamAttendance';

export function Attendance({ view }: { view?: string }) {
  useLang();
  const person = view === 'person';
  return (
    <section class="panel page" data-testid="attendance-page">
      <div class="tabs">
        <a href="#/attendance" class={person ? '' : 'active'} data-testid="attendance-team-tab">
          {t('attendance.view_team')}
        </a>
        <a href="#/attendance/person" class={person ? 'active' : ''} data-testid="attendance-person-tab">
          {t('attendance.view_person')}
        </a>
      </div>
      {person ? <PersonAttendance /> : <TeamAttendance />}
    </section>
  );
}

function PersonAttendance() {
  const lang = useLang();
  const dir = useDirectory();
  const [employee, setEmployee] = useState('');
  const [from, setFrom] = useState(todayInZone(-13));
  const [to, setTo] = useState(todayInZone());
  const [days, setDays] = useState<AttendanceDay[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (!employee) return;
    setError('');
    api
      .get<AttendanceDays>('/attendance/days', { employee_id: employee, from, to })
      .then((r) => setDays(r.items), (e) => setError(errorText(e)));
  }, [employee, from, to]);

  const people = dir
    ? [...dir.employees.values()].filter((e) => e.active).sort((a, b) => a.name.localeCompare(b.name, lang))
    : [];
  return (
    <div data-testid="person-attendance">
      <div class="filters">
        <label>
          {t('attendance.person')}
          <select value={employee} onChange={(e) => setEmployee(e.currentTarget.value)} data-testid="attendance-person">
            <option value="">—</option>
            {people.map((p) => (
              <option value={p.id}>{p.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('from')}
          <input type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('to')}
          <input type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </label>
      </div>
      {error && <p class="error">{error}</p>}
      {!employee && <p class="muted">{t('attendance.pick')}</p>}
      {employee && days && (
        <table class="table" data-testid="attendance-days">
          <thead>
            <tr>
              <th>{t('date')}</th>
              <th>{t('attendance.status')}</th>
              <th>{t('attendance.clocked_in')}</th>
              <th>{t('attendance.clocked_out')}</th>
              <th>{t('attendance.worked')}</th>
              <th>{t('attendance.late_min')}</th>
              <th>{t('attendance.early_min')}</th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr data-date={d.date} data-status={d.status}>
                <td>{fmtDate(d.date)}</td>
                <td>
                  <span class={`pill day-${d.status}`}>{dayLabel(d.status)}</span>
                </td>
                <td>{d.shifts.map((s) => fmtTime(s.clock_in)).join(', ') || '—'}</td>
                <td>{d.shifts.map((s) => fmtTime(s.clock_out)).join(', ') || '—'}</td>
                <td>{d.worked_min ? fmtDuration(d.worked_min * 60) : '—'}</td>
                <td>{d.late_min || ''}</td>
                <td>{d.early_leave_min || ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
