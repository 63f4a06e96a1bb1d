// The standard report pack: every report as a sortable table rendered from the columns
// the server describes (type, unit, zh/en label), its chart where one helps, filters
// (period, department subtree, person, customer level and tag) kept in the address so a
// drill-down is a link,
// and the server's XLSX/CSV exports. Each number of a person opens the rows behind it: a
// person's visits (the visits list, or the visit-detail report for finance), their days
// (mileage by day), and a day its track replay with its visits.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { currentLang, fmtDate, t, todayInZone } from '../shared/i18n';
import { go } from '../shared/route';
import type { Department, DepartmentList, ReportColumn, ReportPage } from '../shared/types';
import { useLang } from '../shared/ui';
import { Chart } from './chart';
import { useDirectory } from './directory';
import { download } from './download';
import { compareCells, fmtCell, fmtValue, heading, isNumeric, type CellValue } from './reportFormat';
import { ReportSchedules } from './ReportSchedules';
import { sections, useRole } from './roles';
import { api } from './session';

export const REPORTS = [
  'attendance_monthly',
  'visit_detail',
  'plan_compliance',
  'customer_coverage',
  'time_at_customers',
  'mileage_daily',
  'mileage_monthly',
  'team_ranking',
  'anti_cheat',
  'approval_turnaround',
  'new_prospects',
] as const;
export type ReportName = (typeof REPORTS)[number];

/** Columns whose numbers are visits (or customers visited): they drill to the visits. */
const VISIT_COLUMNS = /visit|planned|ad_hoc|prospect|customers|compliance|at_customers|due|coverage|visited/;
/** Team-ranking metrics read from visits. */
const VISIT_METRICS = /visit|compliance|customers|coverage/;

/** The customer levels a report can be filtered on. */
const LEVELS = ['A', 'B', 'C'] as const;

/** The route of a report with its filters:
 * `#/reports/<name>/<from>/<to>/<dept|->/<person|->/<level|->/<tag|->`. */
export function reportRoute(name: ReportName, from: string, to: string, dept = '', person = '', level = '', tag = ''): string[] {
  const route = ['reports', name, from, to, dept || '-', person || '-'];
  return level || tag ? [...route, level || '-', tag || '-'] : route;
}

function firstOfMonth(): string {
  return `${todayInZone().slice(0, 8)}01`;
}

export function Reports({ route }: { route: string[] }) {
  useLang();
  const role = useRole();
  const dir = useDirectory();
  const name = (REPORTS as readonly string[]).includes(route[1]) ? (route[1] as ReportName) : 'attendance_monthly';
  const from = /^\d{4}-\d{2}-\d{2}$/.test(route[2] ?? '') ? route[2] : firstOfMonth();
  const to = /^\d{4}-\d{2}-\d{2}$/.test(route[3] ?? '') ? route[3] : todayInZone();
  const dept = route[4] && route[4] !== '-' ? route[4] : '';
  const person = route[5] && route[5] !== '-' ? route[5] : '';
  const level = (LEVELS as readonly string[]).includes(route[6] ?? '') ? route[6] : '';
  const tag = route[7] && route[7] !== '-' ? route[7] : '';
  const [departments, setDepartments] = useState<Department[]>([]);
  const [report, setReport] = useState<ReportPage | null>(null);
  const [error, setError] = useState('');
  const [sort, setSort] = useState<{ col: number; desc: boolean } | null>(null);
  const [chartCol, setChartCol] = useState('');
  const [metric, setMetric] = useState('');
  const opensVisits = !!role && sections(role).includes('visits');
  const canReplay = !!role && (sections(role).includes('live') || sections(role).includes('claims'));

  const set = (n: ReportName, f = from, tt = to, d = dept, p = person, l = level, g = tag) =>
    go(...reportRoute(n, f, tt, d, p, l, g));
  const query = {
    from,
    to,
    department_id: dept || undefined,
    employee_id: person || undefined,
    customer_level: level || undefined,
    customer_tag: tag || undefined,
  };

  useEffect(() => {
    api.get<DepartmentList>('/departments').then((p) => setDepartments(p.items), () => {});
  }, []);

  useEffect(() => {
    setError('');
    setReport(null);
    setSort(null);
    setChartCol('');
    setMetric('');
    let live = true;
    api.get<ReportPage>(`/reports/${name}`, query).then(
      (r) => live && setReport(r),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [name, from, to, dept, person, level, tag]);

  const cols = report?.columns ?? [];
  const idx = (n: string) => cols.findIndex((c) => c.name === n);
  const shown = cols.map((c, i) => ({ c, i })).filter(({ c }) => c.type !== 'id');
  const metricCol = idx('metric');
  const metrics = useMemo(
    () => (report && metricCol >= 0 ? [...new Set(report.items.map((r) => String(r[metricCol])))] : []),
    [report],
  );
  const activeMetric = metric || metrics[0] || '';
  const rows = useMemo(() => {
    if (!report) return [];
    let rs = report.items as unknown as CellValue[][];
    if (metricCol >= 0 && activeMetric) rs = rs.filter((r) => r[metricCol] === activeMetric);
    if (sort) {
      rs = [...rs].sort((a, b) => {
        const c = compareCells(a[sort.col], b[sort.col]);
        return sort.desc ? -c : c;
      });
    }
    return rs;
  }, [report, sort, activeMetric]);

  // Team ranking: value, median and change read in the row's own unit.
  const unitCol = idx('unit');
  const columnFor = (c: ReportColumn, row: CellValue[]): ReportColumn => {
    if (unitCol < 0 || !['value', 'team_median', 'previous', 'change'].includes(c.name)) return c;
    const u = row[unitCol];
    return u === 'percent' ? { ...c, type: 'percent' } : { ...c, unit: (u as ReportColumn['unit']) ?? null };
  };

  /** Where a number of this row leads, or nothing. */
  const drill = (c: ReportColumn, row: CellValue[]): (() => void) | null => {
    const e = idx('employee_id') >= 0 ? (row[idx('employee_id')] as string | null) : null;
    const date = idx('date') >= 0 ? (row[idx('date')] as string | null) : null;
    if (c.name === 'visit_id' || (name === 'visit_detail' && c.name === 'customer')) {
      const v = row[idx('visit_id')] as string | null;
      return opensVisits && v ? () => go('visits', v) : null;
    }
    if (!e) return null;
    if (date && (isNumeric(c) || c.type === 'date')) return canReplay ? () => go('track', e, date) : null;
    if (!isNumeric(c)) return null;
    const visitish =
      metricCol >= 0 ? VISIT_METRICS.test(String(row[metricCol])) : VISIT_COLUMNS.test(c.name);
    if (visitish && opensVisits && !level && !tag) return () => go('visits', 'by', e, from, to);
    if (visitish) return () => set('visit_detail', from, to, dept, e);
    return () => set('mileage_daily', from, to, dept, e, '', '');
  };

  // The chart: a numeric column over the rows' names (or dates, months, levels).
  const numeric = shown.filter(({ c }) => isNumeric(c));
  const chosen = numeric.find(({ c }) => c.name === chartCol) ?? numeric.find(({ c }) => c.name === 'value') ?? numeric[0];
  const labelCol = ['name', 'level', 'kind', 'month', 'date'].map(idx).find((i) => i >= 0);
  const chart = useMemo(() => {
    if (!report || !chosen || labelCol === undefined || name === 'visit_detail') return null;
    // Sums per label; beside the value, the team median (the same on every row).
    const median = idx('team_median');
    const sums = new Map<string, [number, number | null]>();
    for (const r of rows) {
      const label = fmtCell(report, cols[labelCol], r[labelCol]);
      const v = r[chosen.i];
      const m = median >= 0 && typeof r[median] === 'number' ? (r[median] as number) : null;
      if (typeof v === 'number') sums.set(label, [(sums.get(label)?.[0] ?? 0) + v, m]);
    }
    const entries = [...sums].slice(0, 40);
    return entries.length > 1 ? entries : null;
  }, [report, rows, chosen?.i, labelCol]);

  // The totals row leaves the columns it does not sum empty.
  const totalCell = (c: ReportColumn, v: CellValue) => (v === null && !isNumeric(c) ? '' : fmtCell(report!, c, v));

  const exportAs = (format: 'xlsx' | 'csv') =>
    download(`/reports/${name}`, { ...query, format, lang: currentLang() }, `${name}-${from}-${to}.${format}`).catch((e) =>
      setError(errorText(e)),
    );

  const people = dir ? [...dir.employees.values()].filter((e) => e.role === 'field') : [];
  const title = report ? (currentLang() === 'zh-CN' ? report.title_zh : report.title_en) : '';
  return (
    <section class="panel page" data-testid="reports-page">
      <div class="filters">
        <label>
          {t('reports.pick')}
          <select value={name} onChange={(e) => set(e.currentTarget.value as ReportName)} data-testid="report-name">
            {REPORTS.map((r) => (
              <option value={r}>{t(`report.${r}`)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.from')}
          <input type="date" value={from} onChange={(e) => e.currentTarget.value && set(name, e.currentTarget.value)} data-testid="report-from" />
        </label>
        <label>
          {t('reports.to')}
          <input type="date" value={to} onChange={(e) => e.currentTarget.value && set(name, from, e.currentTarget.value)} data-testid="report-to" />
        </label>
        <label>
          {t('dash.department')}
          <select value={dept} onChange={(e) => set(name, from, to, e.currentTarget.value)} data-testid="report-dept">
            <option value="">{t('dash.all')}</option>
            {departments.map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.person')}
          <select value={person} onChange={(e) => set(name, from, to, dept, e.currentTarget.value)} data-testid="report-person">
            <option value="">{t('reports.everyone')}</option>
            {people.map((p) => (
              <option value={p.id}>{p.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.level')}
          <select value={level} onChange={(e) => set(name, from, to, dept, person, e.currentTarget.value)} data-testid="report-level" title={t('reports.customer_filter_note')}>
            <option value="">{t('reports.any_level')}</option>
            {LEVELS.map((l) => (
              <option value={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          {t('reports.tag')}
          <input
            type="text"
            value={tag}
            placeholder={t('reports.any_tag')}
            title={t('reports.customer_filter_note')}
            onChange={(e) => set(name, from, to, dept, person, level, e.currentTarget.value.trim())}
            data-testid="report-tag"
          />
        </label>
        {metrics.length > 0 && report && (
          <label>
            {heading(cols[metricCol])}
            <select value={activeMetric} onChange={(e) => setMetric(e.currentTarget.value)} data-testid="report-metric">
              {metrics.map((m) => (
                <option value={m}>{fmtCell(report, cols[metricCol], m)}</option>
              ))}
            </select>
          </label>
        )}
        <button onClick={() => exportAs('xlsx')} disabled={!report} data-testid="report-export-xlsx">
          {t('reports.export_xlsx')}
        </button>
        <button onClick={() => exportAs('csv')} disabled={!report} data-testid="report-export-csv">
          {t('reports.export_csv')}
        </button>
      </div>
      <h2>
        {title} <span class="muted">{from === to ? fmtDate(from) : `${fmtDate(from)} – ${fmtDate(to)}`}</span>
      </h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!report && !error && <p class="muted">{t('loading')}</p>}
      {report && chart && chosen && (
        <div class="report-chart">
          {numeric.length > 1 && (
            <label>
              {t('reports.chart')}
              <select value={chosen.c.name} onChange={(e) => setChartCol(e.currentTarget.value)} data-testid="report-chart-column">
                {numeric.map(({ c }) => (
                  <option value={c.name}>{heading(c)}</option>
                ))}
              </select>
            </label>
          )}
          <Chart
            testid="report-chart"
            categories={chart.map(([k]) => k)}
            series={[
              { name: heading(chosen.c), kind: 'bar', values: chart.map(([, v]) => v[0]) },
              ...(chosen.c.name === 'value' && idx('team_median') >= 0
                ? [{ name: heading(cols[idx('team_median')]), kind: 'line' as const, values: chart.map(([, v]) => v[1]) }]
                : []),
            ]}
            format={(v) => fmtValue(chosen.c, v)}
            integer={chosen.c.type === 'integer'}
          />
        </div>
      )}
      {report && rows.length === 0 && <p class="muted" data-testid="report-empty" data-report={report.name}>{t('reports.none')}</p>}
      {report && rows.length > 0 && (
        <div class="table-scroll">
          <table class="table numbers report" data-testid="report-table" data-report={report.name}>
            <thead>
              <tr>
                {shown.map(({ c, i }) => (
                  <th
                    data-col={c.name}
                    class={`sortable${isNumeric(c) ? '' : ' txt'}${sort?.col === i ? (sort.desc ? ' desc' : ' asc') : ''}`}
                    title={t('reports.sort')}
                    onClick={() => setSort(sort?.col === i ? { col: i, desc: !sort.desc } : { col: i, desc: isNumeric(c) })}
                  >
                    {heading(c)}
                    {sort?.col === i ? (sort.desc ? ' ▼' : ' ▲') : ''}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr class="static" data-employee={idx('employee_id') >= 0 ? (r[idx('employee_id')] as string) : undefined}>
                  {shown.map(({ c, i }) => {
                    const col = columnFor(c, r);
                    const text = fmtCell(report, col, r[i]);
                    const to_ = r[i] === null ? null : drill(c, r);
                    return (
                      <td data-col={c.name} class={isNumeric(c) ? undefined : 'txt'}>
                        {to_ ? (
                          <a href="#" title={t('reports.drill')} class="drill" onClick={(e) => { e.preventDefault(); to_(); }}>
                            {text}
                          </a>
                        ) : (
                          text
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
            {report.total && metricCol < 0 && (
              <tfoot>
                <tr data-testid="report-total">
                  {shown.map(({ c, i }, n) => (
                    <th data-col={c.name}>{n === 0 ? t('reports.total') : totalCell(c, (report.total as unknown as CellValue[])[i])}</th>
                  ))}
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      )}
      {report?.next_cursor && <p class="muted">{t('reports.more_rows', { n: report.items.length })}</p>}
      <ReportSchedules
        report={name}
        filters={{
          department_id: dept || undefined,
          employee_id: person || undefined,
          customer_level: level || undefined,
          customer_tag: tag || undefined,
        }}
      />
    </section>
  );
}
