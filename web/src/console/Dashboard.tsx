// The landing screen for managers, admins and finance: a department (within the caller's
// reach) on a day and in a period up to it — that day, its week or its month so far, or a
// chosen month whole — with headcount present, visits done against planned, kilometres,
// days the anti-cheat check flagged, a chart per day and the period's first insights.
// Each figure opens the report behind it.
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

/** The period the dashboard sums: the server's `span` of the chosen day, or a month whole. */
type Span = 'day' | 'week' | 'month' | 'chosen';
const SPANS: Span[] = ['day', 'week', 'month', 'chosen'];

/** The last day of a month `YYYY-MM` that has begun, cut at today. */
function monthEnd(month: string, today: string): string {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return last < today ? last : today;
}

export function Dashboard() {
  useLang();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [dept, setDept] = useState('');
  const [day, setDay] = useState(todayInZone());
  const [span, setSpan] = useState<Span>('month');
  const [month, setMonth] = useState(todayInZone().slice(0, 7));
  const date = span === 'chosen' ? monthEnd(month, todayInZone()) : day;
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
    api.get<DashboardView>('/dashboard', { department_id, date, span: span === 'chosen' ? 'month' : span }).then(
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
  }, [dept, date, span]);

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
          {t('dash.span')}
          <select value={span} onChange={(e) => setSpan(e.currentTarget.value as Span)} data-testid="dash-span">
            {SPANS.map((s) => (
              <option value={s}>{t(`dash.span_${s}`)}</option>
            ))}
          </select>
        </label>
        {span === 'chosen' ? (
          <label>
            {t('dash.month')}
            <input
              type="month"
              value={month}
              max={todayInZone().slice(0, 7)}
              onChange={(e) => /^\d{4}-\d{2}$/.test(e.currentTarget.value) && setMonth(e.currentTarget.value)}
              data-testid="dash-month"
            />
          </label>
        ) : (
          <label>
            {t('dash.date')}
            <input type="date" value={day} max={todayInZone()} onChange={(e) => e.currentTarget.value && setDay(e.currentTarget.value)} data-testid="dash-date" />
          </label>
        )}
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
          <h2 data-testid="dash-period-heading">
            {t(span === 'chosen' ? 'dash.period_whole' : span === 'day' ? 'dash.period_day' : span === 'week' ? 'dash.period_week' : 'dash.period', {
              from: fmtDate(view.from),
              to: fmtDate(view.to),
            })}
          </h2>
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
          <h2>{t(span === 'month' ? 'dash.top_insights' : 'dash.top_insights_period')}</h2>
          {!insights && <p class="muted">{t('loading')}</p>}
          {insights && insights.length === 0 && <p class="muted" data-testid="dash-no-insights">{t(span === 'month' ? 'dash.no_insights' : 'dash.no_insights_period')}</p>}
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
