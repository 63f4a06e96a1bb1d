// The anti-cheat centre (防作弊中心) for admins and managers: the review queue of rep-days
// the checks did not find clean, newest first, filtered by period, department, person,
// verdict and status and read page by page; a row opens the day (IntegrityDay.tsx). The
// admin also has the settings tab (IntegritySettings.tsx). The filters outlive a visit to
// a day, so "back" returns to the same list.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDate, t, todayInZone } from '../shared/i18n';
import { fmtScore, joinLabels, LEVELS, levelLabel, reasonLabel, STATUSES, statusLabel } from '../shared/integrity';
import { go } from '../shared/route';
import type { Department, DepartmentList, IntegrityDayItem, IntegrityDayPage } from '../shared/types';
import { useLang } from '../shared/ui';
import { subtree } from './Requests';
import { useDirectory } from './directory';
import { IntegrityDay } from './IntegrityDay';
import { IntegritySettings } from './IntegritySettings';
import { useRole } from './roles';
import { api } from './session';

interface Filters {
  from: string;
  to: string;
  department: string;
  employee: string;
  level: string;
  status: string;
}

// Kept for the session: the list a manager returns to after opening a day.
let remembered: Filters | null = null;

function initialFilters(): Filters {
  return remembered ?? { from: todayInZone(-30), to: todayInZone(), department: '', employee: '', level: '', status: 'open' };
}

/** `#/integrity`, `#/integrity/day/<employee>/<date>`, `#/integrity/settings`. */
export function Integrity({ route }: { route: string[] }) {
  useLang();
  const role = useRole();
  const view = route[1];
  return (
    <section class="integrity" data-testid="integrity">
      <nav class="tabs integrity-tabs">
        <a href="#/integrity" class={view !== 'settings' ? 'active' : ''} data-testid="integrity-tab-queue">
          {t('integrity.queue')}
        </a>
        {role === 'admin' && (
          <a href="#/integrity/settings" class={view === 'settings' ? 'active' : ''} data-testid="integrity-tab-settings">
            {t('integrity.settings')}
          </a>
        )}
      </nav>
      {view === 'day' && route[2] && route[3] ? (
        <IntegrityDay employeeId={route[2]} date={route[3]} />
      ) : view === 'settings' && role === 'admin' ? (
        <IntegritySettings />
      ) : (
        <Queue />
      )}
    </section>
  );
}

function Queue() {
  const dir = useDirectory();
  const [f, setF] = useState<Filters>(initialFilters);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [items, setItems] = useState<IntegrityDayItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);

  const set = (patch: Partial<Filters>) =>
    setF((old) => {
      const now = { ...old, ...patch };
      remembered = now;
      return now;
    });

  useEffect(() => {
    api.get<DepartmentList>('/departments').then((p) => setDepartments(p.items), () => {});
  }, []);

  const query = (cursor?: string) => ({
    from: f.from || undefined,
    to: f.to || undefined,
    department_id: f.department || undefined,
    employee_id: f.employee || undefined,
    level: f.level || undefined,
    status: f.status || undefined,
    cursor,
    limit: 50,
  });

  useEffect(() => {
    let live = true;
    setError('');
    setItems(null);
    setNext(null);
    api.get<IntegrityDayPage>('/integrity/days', query()).then(
      (p) => {
        if (!live) return;
        setItems(p.items);
        setNext(p.next_cursor ?? null);
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [f.from, f.to, f.department, f.employee, f.level, f.status, tick]);

  const more = () => {
    if (!next) return;
    setBusy(true);
    api.get<IntegrityDayPage>('/integrity/days', query(next)).then(
      (p) => {
        setItems((old) => [...(old ?? []), ...p.items]);
        setNext(p.next_cursor ?? null);
        setBusy(false);
      },
      (e) => {
        setError(errorText(e));
        setBusy(false);
      },
    );
  };

  const scope = f.department ? subtree(departments, f.department) : null;
  const people = dir
    ? [...dir.employees.values()]
        .filter((e) => e.role === 'field' && (!scope || scope.has(e.department_id)))
        .sort((a, b) => a.name.localeCompare(b.name))
    : [];

  return (
    <div class="panel page integrity-queue" data-testid="integrity-queue">
      <div class="filters">
        <label>
          {t('from')}
          <input type="date" name="from" value={f.from} onChange={(e) => set({ from: e.currentTarget.value })} />
        </label>
        <label>
          {t('to')}
          <input type="date" name="to" value={f.to} onChange={(e) => set({ to: e.currentTarget.value })} />
        </label>
        <label>
          {t('integrity.department')}
          <select
            value={f.department}
            data-testid="integrity-department"
            onChange={(e) => set({ department: e.currentTarget.value, employee: '' })}
          >
            <option value="">{t('integrity.all_departments')}</option>
            {departments.map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('integrity.person')}
          <select value={f.employee} data-testid="integrity-person" onChange={(e) => set({ employee: e.currentTarget.value })}>
            <option value="">{t('all')}</option>
            {people.map((p) => (
              <option value={p.id}>{p.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('integrity.level')}
          <select value={f.level} data-testid="integrity-level" onChange={(e) => set({ level: e.currentTarget.value })}>
            <option value="">{t('integrity.all_levels')}</option>
            {LEVELS.filter((l) => l !== 'clean').map((l) => (
              <option value={l}>{levelLabel(l)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('integrity.status')}
          <select value={f.status} data-testid="integrity-status" onChange={(e) => set({ status: e.currentTarget.value })}>
            <option value="">{t('integrity.all_statuses')}</option>
            {STATUSES.map((s) => (
              <option value={s}>{statusLabel(s)}</option>
            ))}
          </select>
        </label>
        <button onClick={() => setTick((n) => n + 1)} data-testid="integrity-reload">
          {t('integrity.reload')}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!items && !error && <p class="muted">{t('loading')}</p>}
      {items && items.length === 0 && (
        <p class="muted" data-testid="integrity-empty">
          {t('integrity.none')}
        </p>
      )}
      {items && items.length > 0 && (
        <table class="table" data-testid="integrity-days">
          <thead>
            <tr>
              <th>{t('integrity.day')}</th>
              <th>{t('integrity.person')}</th>
              <th>{t('integrity.level')}</th>
              <th class="num">{t('integrity.score')}</th>
              <th>{t('integrity.reasons')}</th>
              <th>{t('integrity.status')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr
                data-employee={d.employee_id}
                data-date={d.date}
                data-level={d.level}
                data-status={d.status}
                onClick={() => go('integrity', 'day', d.employee_id, d.date)}
              >
                <td class="nowrap">{fmtDate(d.date)}</td>
                <td class="nowrap">{d.employee_name}</td>
                <td>
                  <LevelPill level={d.level} />
                </td>
                <td class="num">{fmtScore(d.score)}</td>
                <td class="reason-labels">{joinLabels([...new Set(d.reasons)].map(reasonLabel))}</td>
                <td>
                  <StatusPill status={d.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <p>
          <button onClick={more} disabled={busy} data-testid="integrity-more">
            {t('integrity.more')}
          </button>
        </p>
      )}
    </div>
  );
}

export function LevelPill({ level }: { level: string }) {
  return <span class={`pill level-${level}`}>{levelLabel(level)}</span>;
}

export function StatusPill({ status }: { status: string }) {
  return <span class={`pill status-${status}`}>{statusLabel(status)}</span>;
}
