// The landing screen for managers, admins and finance: a department (within the caller's
// reach) on a day and in its month so far — headcount present, visits done against
// planned, kilometres, days the anti-cheat check flagged — with a chart per day and the
// month's first insights. Each figure opens the report behind it.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDate, fmtDayOfMonth, fmtNumber, t, todayInZone } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import { go } from '../shared/route';
import type { DashboardView, Department, DepartmentList, InsightPage, InsightView } from '../shared/types';
import { useLang } from '../shared/ui';
import { Chart } from './chart';
import { InsightCard } from './Insights';
import { reportRoute, type ReportName } from './Reports';
import { api } from './session';

export function Dashboard() {
  useLang();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [dept, setDept] = useState('');
  const [date, setDate] = useState(todayInZone());
  const [view, setView] = useState<DashboardView | null>(null);
  const [insights, setInsights] = useState<InsightView[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    api.get<DepartmentList>('/departments').then((p) => setDepartments(p.items), () => {});
  }, []);

  useEffect(() => {
    setError('');
    setView(null);
    setInsights(null);
    let live = true;
    const department_id = dept || undefined;
    api.get<DashboardView>('/dashboard', { department_id, date }).then(
      (v) => {
        if (!live) return;
        setView(v);
        api.get<InsightPage>('/insights', { department_id, from: v.from, to: v.to }).then(
          (p) => live && setInsights(p.items),
          () => live && setInsights([]),
        );
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [dept, date]);

  const open = (name: ReportName, from: string, to: string) => go(...reportRoute(name, from, to, dept));
  const tile = (testid: string, label: MessageKey, value: string, sub: string, report: ReportName, from: string, to: string) => (
    <a
      href="#"
      class="tile"
      data-testid={testid}
      title={t('dash.open_report')}
      onClick={(e) => {
        e.preventDefault();
        open(report, from, to);
      }}
    >
      <span class="tile-label">{t(label)}</span>
      <strong class="tile-value">{value}</strong>
      <span class="tile-sub muted">{sub}</span>
    </a>
  );

  return (
    <section class="panel page dashboard" data-testid="dashboard-page">
      <div class="filters">
        <label>
          {t('dash.department')}
          <select value={dept} onChange={(e) => setDept(e.currentTarget.value)} data-testid="dash-dept">
            <option value="">{t('dash.all')}</option>
            {departments.map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('dash.date')}
          <input type="date" value={date} max={todayInZone()} onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)} data-testid="dash-date" />
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!view && !error && <p class="muted">{t('loading')}</p>}
      {view && (
        <>
          <h2>
            {t('dash.today')} <span class="muted">{fmtDate(view.date)}</span>
          </h2>
          <div class="tiles" data-testid="dash-day">
            {tile('dash-day-present', 'dash.present', t('dash.present_of', { present: fmtNumber(view.day.present), people: fmtNumber(view.people) }), '', 'attendance_monthly', view.date, view.date)}
            {tile(
              'dash-day-visits',
              'dash.visits',
              t('dash.visits_of', { done: fmtNumber(view.day.planned_done), planned: fmtNumber(view.day.planned_visits) }),
              t('dash.visits_all_n', { n: fmtNumber(view.day.completed_visits) }),
              'plan_compliance',
              view.date,
              view.date,
            )}
            {tile('dash-day-km', 'dash.km', fmtNumber(view.day.km, 1), t('dash.work_km', { km: fmtNumber(view.day.work_km, 1) }), 'mileage_daily', view.date, view.date)}
            {tile('dash-day-flagged', 'dash.flagged', fmtNumber(view.day.flagged_days), t('dash.likely', { n: fmtNumber(view.day.likely_cheat_days) }), 'anti_cheat', view.date, view.date)}
          </div>
          <h2>{t('dash.period', { from: fmtDate(view.from), to: fmtDate(view.to) })}</h2>
          <div class="tiles" data-testid="dash-period">
            {tile(
              'dash-period-present',
              'dash.present_days',
              fmtNumber(view.period.present_days),
              t('dash.present_n', { n: t('dash.present_of', { present: fmtNumber(view.period.present), people: fmtNumber(view.people) }) }),
              'attendance_monthly',
              view.from,
              view.to,
            )}
            {tile(
              'dash-period-visits',
              'dash.visits',
              t('dash.visits_of', { done: fmtNumber(view.period.planned_done), planned: fmtNumber(view.period.planned_visits) }),
              t('dash.visits_all_n', { n: fmtNumber(view.period.completed_visits) }),
              'plan_compliance',
              view.from,
              view.to,
            )}
            {tile('dash-period-km', 'dash.km', fmtNumber(view.period.km, 1), t('dash.work_km', { km: fmtNumber(view.period.work_km, 1) }), 'mileage_monthly', view.from, view.to)}
            {tile('dash-period-flagged', 'dash.flagged', fmtNumber(view.period.flagged_days), t('dash.likely', { n: fmtNumber(view.period.likely_cheat_days) }), 'anti_cheat', view.from, view.to)}
          </div>
          <div class="chart-row">
            <div class="chart-box">
              <h3>{t('dash.chart_visits')}</h3>
              <Chart
                testid="dash-chart-visits"
                categories={view.days.map((d) => fmtDayOfMonth(d.date))}
                series={[
                  { name: t('dash.series_completed'), kind: 'bar', values: view.days.map((d) => d.completed_visits) },
                  { name: t('dash.series_planned'), kind: 'line', values: view.days.map((d) => d.planned_visits) },
                  { name: t('dash.series_done'), kind: 'line', values: view.days.map((d) => d.planned_done) },
                ]}
                format={(v) => fmtNumber(v)}
                integer
              />
            </div>
            <div class="chart-box">
              <h3>{t('dash.chart_km')}</h3>
              <Chart
                testid="dash-chart-km"
                categories={view.days.map((d) => fmtDayOfMonth(d.date))}
                series={[{ name: t('dash.km'), kind: 'bar', values: view.days.map((d) => Math.round(d.km * 10) / 10) }]}
                format={(v) => fmtNumber(v, 1)}
              />
            </div>
          </div>
          <h2>{t('dash.top_insights')}</h2>
          {!insights && <p class="muted">{t('loading')}</p>}
          {insights && insights.length === 0 && <p class="muted" data-testid="dash-no-insights">{t('dash.no_insights')}</p>}
          {insights && insights.length > 0 && (
            <div data-testid="dash-insights">
              {insights.slice(0, 5).map((i) => (
                <InsightCard insight={i} compact />
              ))}
              <p>
                <a href="#/insights" data-testid="dash-all-insights">
                  {t('dash.all_insights')} ({fmtNumber(insights.length)})
                </a>
              </p>
            </div>
          )}
        </>
      )}
    </section>
  );
}
