// Plans: a rep-by-day calendar of one department's week. Generate drafts (the planner
// chooses who visits which due customer on which day, in route order), read why each
// stop is due, reorder a day (drag, or the up/down buttons), move a stop to another day
// or rep, and publish — then each rep's phone shows the day in that order.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDate, fmtDateRange, fmtNumber, fmtTime, fmtWeekday, t, tOr } from '../shared/i18n';
import { localDate } from '../shared/ids';
import type {
  DayEdit,
  DayPlan,
  DayPlanList,
  Department,
  DepartmentList,
  GenerateInput,
  GenerateReport,
  PlanStop,
  PublishInput,
  PublishReport,
} from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { api } from './session';

/** Monday of the week `d` is in, as YYYY-MM-DD. */
export function mondayOf(d: Date = new Date()): string {
  const x = new Date(d);
  x.setDate(x.getDate() - ((x.getDay() + 6) % 7));
  return localDate(x);
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return localDate(new Date(y, m - 1, d + n));
}

/** Department `root` and every department under it. */
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

interface Pick {
  employee: string;
  date: string;
  index: number;
}

const key = (employee: string, date: string) => `${employee}|${date}`;

export function Plans() {
  const lang = useLang();
  const dir = useDirectory();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [dept, setDept] = useState('');
  const [from, setFrom] = useState(mondayOf());
  const [plans, setPlans] = useState<Map<string, DayPlan>>(new Map());
  const [report, setReport] = useState<GenerateReport | null>(null);
  const [pick, setPick] = useState<Pick | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const days = useMemo(() => Array.from({ length: 7 }, (_, i) => addDays(from, i)), [from]);
  const to = days[6];

  useEffect(() => {
    api.get<DepartmentList>('/departments').then((p) => {
      setDepartments(p.items);
      // The first department with a parent (a team) is the likeliest to plan.
      setDept((d) => d || (p.items.find((x) => x.parent_id) ?? p.items[0])?.id || '');
    }, (e) => setError(errorText(e)));
  }, []);

  const load = async () => {
    if (!dept) return;
    try {
      const list = (await api.get<DayPlanList>('/plans', { department_id: dept, from, to })).items;
      setPlans(new Map(list.map((p) => [key(p.employee_id, p.date), p])));
      setError('');
    } catch (e) {
      setError(errorText(e));
    }
  };
  useEffect(() => {
    setPick(null);
    void load();
  }, [dept, from]);

  const scope = useMemo(() => subtree(departments, dept), [departments, dept]);
  const reps = dir
    ? [...dir.employees.values()]
        .filter((e) => e.role === 'field' && e.active && scope.has(e.department_id))
        .sort((a, b) => a.name.localeCompare(b.name, lang))
    : [];

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError('');
    setNote('');
    try {
      await what();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const generate = () =>
    run(async () => {
      setNote(t('plans.generating'));
      const body: GenerateInput = { department_id: dept, from, to, time_limit_s: 2 };
      const r = await api.post<GenerateReport>('/plans/generate', body);
      setReport(r);
      setNote('');
      await load();
    });

  const publish = () =>
    run(async () => {
      const r = await api.post<PublishReport>('/plans/publish', { department_id: dept, from, to } satisfies PublishInput);
      setNote(t('plans.published', { n: r.days_published }));
      await load();
    });

  /** Replaces one rep-day's order on the server and on screen. */
  const save = async (employee: string, date: string, ids: string[]) => {
    const p = await api.put<DayPlan>(`/plans/${employee}/${date}`, { customer_ids: ids } satisfies DayEdit);
    setPlans((m) => new Map(m).set(key(employee, date), p));
  };
  const ids = (employee: string, date: string) =>
    (plans.get(key(employee, date))?.stops ?? []).map((s) => s.customer_id);

  /** Moves stop `src` to position `index` of (employee, date). */
  const move = (src: Pick, employee: string, date: string, index: number) =>
    run(async () => {
      const from_ = ids(src.employee, src.date);
      const [cid] = from_.splice(src.index, 1);
      if (!cid) return;
      if (src.employee === employee && src.date === date) {
        from_.splice(Math.min(index, from_.length), 0, cid);
        await save(employee, date, from_);
        setPick({ employee, date, index: Math.min(index, from_.length - 1) });
        return;
      }
      const target = ids(employee, date).filter((c) => c !== cid);
      target.splice(Math.min(index, target.length), 0, cid);
      // Add first, then remove: a failure leaves the stop planned twice, never lost.
      await save(employee, date, target);
      await save(src.employee, src.date, from_);
      setPick({ employee, date, index: target.indexOf(cid) });
    });

  const picked = pick ? plans.get(key(pick.employee, pick.date))?.stops[pick.index] : undefined;
  const anyPlans = plans.size > 0;
  const drafts = [...plans.values()].filter((p) => p.status !== 'published').length;

  return (
    <div class="split">
      <section class="panel plans-main" data-testid="plans">
        <div class="filters">
          <label>
            {t('plans.department')}
            <select value={dept} onChange={(e) => setDept(e.currentTarget.value)} data-testid="plan-dept">
              {departments.map((d) => (
                <option value={d.id}>{d.name}</option>
              ))}
            </select>
          </label>
          <label>
            {t('plans.week')}
            <input type="date" value={from} onChange={(e) => e.currentTarget.value && setFrom(e.currentTarget.value)} data-testid="plan-from" />
          </label>
          <button class="primary" disabled={busy || !dept} onClick={generate} data-testid="plan-generate">
            {t('plans.generate')}
          </button>
          <button disabled={busy || !anyPlans} onClick={publish} data-testid="plan-publish">
            {t('plans.publish')} {drafts ? `(${drafts})` : ''}
          </button>
          {note && <span class="muted" data-testid="plan-note">{note}</span>}
        </div>
        {error && <p class="error" role="alert">{error}</p>}
        {report && (
          <p class="muted" data-testid="plan-report">
            {t('plans.report', {
              due: report.due_visits,
              placed: report.placed_visits,
              unplaced: report.unplaced.length,
              skipped: report.skipped_customers,
            })}
          </p>
        )}
        <p class="muted small">{anyPlans ? t('plans.drag_help') : t('plans.empty')}</p>
        <div class="calendar-wrap">
          <table class="calendar" data-testid="plan-calendar">
            <thead>
              <tr>
                <th>{t('plans.rep')}</th>
                {days.map((d) => (
                  <th>
                    {fmtWeekday(d)} {fmtDate(d)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {reps.map((r) => (
                <tr>
                  <th class="rep">{r.name}</th>
                  {days.map((d) => (
                    <Cell
                      plan={plans.get(key(r.id, d))}
                      employee={r.id}
                      date={d}
                      pick={pick}
                      name={(id) => dir?.customerName(id) ?? id}
                      onPick={setPick}
                      onMove={move}
                      busy={busy}
                    />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {report && report.unplaced.length > 0 && (
          <>
            <h3>{t('plans.unplaced')}</h3>
            <ul class="plain small" data-testid="plan-unplaced">
              {report.unplaced.map((u) => (
                <li>
                  {dir?.customerName(u.customer_id)} · {fmtDate(u.due)} · {tOr(`unplaced.${u.reason}`, t('plans.unplaced'))}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      {pick && picked && (
        <StopDetail
          stop={picked}
          pick={pick}
          name={dir?.customerName(picked.customer_id) ?? ''}
          reps={reps.map((r) => ({ id: r.id, name: r.name }))}
          days={days}
          busy={busy}
          onMove={(employee, date) => void move(pick, employee, date, ids(employee, date).length)}
          onRemove={() =>
            void run(async () => {
              const list = ids(pick.employee, pick.date);
              list.splice(pick.index, 1);
              await save(pick.employee, pick.date, list);
              setPick(null);
            })
          }
          onClose={() => setPick(null)}
        />
      )}
    </div>
  );
}

function Cell(props: {
  plan?: DayPlan;
  employee: string;
  date: string;
  pick: Pick | null;
  name: (id: string) => string;
  onPick: (p: Pick) => void;
  onMove: (src: Pick, employee: string, date: string, index: number) => void;
  busy: boolean;
}) {
  const { plan, employee, date, pick } = props;
  const [over, setOver] = useState(false);
  const stops = plan?.stops ?? [];
  const source = (e: DragEvent): Pick | null => {
    try {
      return JSON.parse(e.dataTransfer?.getData('application/x-outfield-stop') || 'null');
    } catch {
      return null;
    }
  };
  const drop = (e: DragEvent, index: number) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    const src = source(e);
    if (!src) return;
    // Dropping below itself in the same day: the slot shifts up once it is taken out.
    const same = src.employee === employee && src.date === date;
    props.onMove(src, employee, date, same && index > src.index ? index - 1 : index);
  };
  const onLeave = plan?.conflict?.code === 'on_leave';
  return (
    <td
      class={'day ' + (plan?.status ?? '') + (over ? ' over' : '') + (onLeave ? ' conflict' : '')}
      data-employee={employee}
      data-date={date}
      data-status={plan?.status ?? ''}
      data-conflict={plan?.conflict?.code ?? ''}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => drop(e, stops.length)}
    >
      {plan && stops.length > 0 && (
        <div class="day-head small muted">
          {t(plan.status === 'published' ? 'plans.status.published' : 'plans.status.draft')} ·{' '}
          {t('plans.km', { km: fmtNumber(plan.km, 1) })}
          {plan.planned !== undefined && (
            <span class="progress" data-testid="day-progress">
              {' '}
              · {t('plans.progress', { done: plan.done ?? 0, planned: plan.planned })}
            </span>
          )}
        </div>
      )}
      {onLeave && (
        <div class="conflict-note small" data-testid="day-conflict">
          {t('plans.on_leave')}
        </div>
      )}
      <ol class="stops-list">
        {stops.map((s, i) => {
          const here = { employee, date, index: i };
          const selected = pick?.employee === employee && pick.date === date && pick.index === i;
          return (
            <li
              class={(selected ? 'selected' : '') + (s.visit_id ? ' done' : '')}
              data-visit={s.visit_id ?? ''}
              draggable
              data-customer={s.customer_id}
              title={dueTitle(s)}
              onDragStart={(e) => {
                e.dataTransfer?.setData('application/x-outfield-stop', JSON.stringify(here));
                if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
              }}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => drop(e, i)}
              onClick={() => props.onPick(here)}
            >
              <span class="stop-name">
                {s.visit_id && (
                  <span class="tick" title={t('plans.stop_done')} aria-label={t('plans.stop_done')}>
                    ✓{' '}
                  </span>
                )}
                {fmtTime(s.arrival)} {props.name(s.customer_id)}
              </span>
              <span class="stop-buttons">
                <button
                  class="tiny"
                  aria-label={t('up')}
                  title={t('up')}
                  disabled={props.busy || i === 0}
                  data-testid="stop-up"
                  onClick={(e) => {
                    e.stopPropagation();
                    props.onMove(here, employee, date, i - 1);
                  }}
                >
                  ↑
                </button>
                <button
                  class="tiny"
                  aria-label={t('down')}
                  title={t('down')}
                  disabled={props.busy || i === stops.length - 1}
                  data-testid="stop-down"
                  onClick={(e) => {
                    e.stopPropagation();
                    props.onMove(here, employee, date, i + 1);
                  }}
                >
                  ↓
                </button>
              </span>
            </li>
          );
        })}
      </ol>
    </td>
  );
}

/** A stop's due reason in one line, for the hover title. */
function dueTitle(s: PlanStop): string {
  if (!s.due) return '';
  const parts = [tOr(`due.${s.due.reason}`, t('plans.why')), `${t('plans.due')} ${fmtDate(s.due.due)}`];
  if (s.due.interval_days) parts.push(t('plans.interval', { n: s.due.interval_days }));
  if (s.due.last_visit) parts.push(`${t('plans.last_visit')} ${fmtDate(s.due.last_visit)}`);
  return parts.join(' · ');
}

function StopDetail(props: {
  stop: PlanStop;
  pick: Pick;
  name: string;
  reps: { id: string; name: string }[];
  days: string[];
  busy: boolean;
  onMove: (employee: string, date: string) => void;
  onRemove: () => void;
  onClose: () => void;
}) {
  const { stop } = props;
  const [employee, setEmployee] = useState(props.pick.employee);
  const [date, setDate] = useState(props.pick.date);
  useEffect(() => {
    setEmployee(props.pick.employee);
    setDate(props.pick.date);
  }, [props.pick.employee, props.pick.date, props.pick.index]);
  return (
    <aside class="panel detail" data-testid="stop-detail">
      <div class="panel-head">
        <h2>{props.name}</h2>
        <button onClick={props.onClose} aria-label={t('close')}>
          ×
        </button>
      </div>
      <dl class="facts">
        <dt>{t('plans.arrival')}</dt>
        <dd>{fmtTime(stop.arrival)}</dd>
        <dt>{t('plans.service')}</dt>
        <dd>{t('duration.m', { m: Math.round(stop.service_min) })}</dd>
        {stop.visit_id && (
          <>
            <dt>{t('plans.stop_done')}</dt>
            <dd>
              <a href={`#/visits/${stop.visit_id}`} data-testid="stop-visit">
                {t('plans.open_visit')}
              </a>
            </dd>
          </>
        )}
        {stop.due && (
          <>
            <dt>{t('plans.why')}</dt>
            <dd data-testid="due-reason">{tOr(`due.${stop.due.reason}`, t('plans.why'))}</dd>
            <dt>{t('plans.due')}</dt>
            <dd>{fmtDate(stop.due.due)}</dd>
            <dt>{t('plans.window')}</dt>
            <dd>{fmtDateRange(stop.due.earliest, stop.due.latest)}</dd>
            {stop.due.interval_days ? (
              <>
                <dt />
                <dd>{t('plans.interval', { n: stop.due.interval_days })}</dd>
              </>
            ) : null}
            {stop.due.last_visit && (
              <>
                <dt>{t('plans.last_visit')}</dt>
                <dd>{fmtDate(stop.due.last_visit)}</dd>
              </>
            )}
          </>
        )}
      </dl>
      <h3>{t('plans.move_to')}</h3>
      <div class="stack-form">
        <select value={employee} onChange={(e) => setEmployee(e.currentTarget.value)} data-testid="move-rep">
          {props.reps.map((r) => (
            <option value={r.id}>{r.name}</option>
          ))}
        </select>
        <select value={date} onChange={(e) => setDate(e.currentTarget.value)} data-testid="move-date">
          {props.days.map((d) => (
            <option value={d}>
              {fmtWeekday(d)} {fmtDate(d)}
            </option>
          ))}
        </select>
        <div class="row">
          <button
            class="primary"
            disabled={props.busy || (employee === props.pick.employee && date === props.pick.date)}
            onClick={() => props.onMove(employee, date)}
            data-testid="move-stop"
          >
            {t('plans.move')}
          </button>
          <button disabled={props.busy} onClick={props.onRemove} data-testid="remove-stop">
            {t('remove')}
          </button>
        </div>
      </div>
    </aside>
  );
}
