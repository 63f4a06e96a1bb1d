// Insights (优化): what the period's facts suggest changing, each with its figures, the
// suggested action and links to the person-days (track replay, visits) and customers it
// rests on; below, the thresholds the rules use, which only an admin changes.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { currentLang, fmtDate, fmtNumber, t, todayInZone, tOr } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import { go } from '../shared/route';
import type { Department, DepartmentList, InsightPage, InsightSettings, InsightView } from '../shared/types';
import { useLang } from '../shared/ui';
import { sections, useRole } from './roles';
import { api } from './session';

/** Figures that are fractions (0.5 is 50 %). */
const SHARES = new Set(['coverage', 'driving_share', 'load']);

function figureText(name: string, value: number): string {
  if (SHARES.has(name)) return new Intl.NumberFormat(currentLang(), { style: 'percent', maximumFractionDigits: 0 }).format(value);
  return fmtNumber(value, Number.isInteger(value) ? 0 : 2);
}

/** The period of an evidence link (`…&from=YYYY-MM-DD&to=YYYY-MM-DD`). */
function period(url: string): string[] {
  const q = new URLSearchParams(url.split('?')[1] ?? '');
  return [q.get('from') ?? '', q.get('to') ?? ''].filter(Boolean);
}

export function InsightCard({ insight: i, compact = false }: { insight: InsightView; compact?: boolean }) {
  const role = useRole();
  const opensVisits = !!role && sections(role).includes('visits');
  const canReplay = !!role && (sections(role).includes('live') || sections(role).includes('claims'));
  const link = (parts: string[]) => (e: Event) => {
    e.preventDefault();
    go(...parts);
  };
  const days = compact ? i.person_days.slice(0, 3) : i.person_days;
  return (
    <article class="insight" data-testid="insight" data-code={i.code}>
      <h3>
        {tOr(`insight.${i.code}`, t('nav.insights'))} · <span data-testid="insight-subject">{i.subject.name}</span>
      </h3>
      <p class="insight-action">
        <span class="muted">{t('insights.action')}: </span>
        {tOr(`action.${i.action}`, '—')}
      </p>
      <dl class="insight-figures" data-testid="insight-figures">
        {i.figures.map((f) => (
          <>
            <dt>{tOr(`figure.${f.name}`, '—')}</dt>
            <dd>{figureText(f.name, f.value)}</dd>
          </>
        ))}
      </dl>
      {days.length > 0 && (
        <p class="insight-links">
          <span class="muted">{t('insights.days')}: </span>
          {days.map((d) => (
            <span class="insight-day" data-testid="insight-day">
              {fmtDate(d.date)}
              {canReplay && (
                <>
                  {' '}
                  <a href="#" onClick={link(['track', d.employee_id, d.date])} data-testid="insight-track">
                    {t('insights.track')}
                  </a>
                </>
              )}
              {opensVisits && (
                <>
                  {' '}
                  <a href="#" onClick={link(['visits', 'by', d.employee_id, d.date, d.date])} data-testid="insight-visits">
                    {t('insights.visits')}
                  </a>
                </>
              )}
            </span>
          ))}
          {compact && i.person_days.length > days.length && <span class="muted"> …</span>}
        </p>
      )}
      {i.customers.length > 0 && (
        <p class="insight-links">
          <span class="muted">{t('insights.customers')}: </span>
          {(compact ? i.customers.slice(0, 3) : i.customers).map((c) => (
            <span class="insight-day" data-testid="insight-customer">
              {opensVisits ? (
                <a href="#" onClick={link(['visits', 'customer', c.id, ...period(c.visits)])}>
                  {c.name}
                </a>
              ) : (
                c.name
              )}
            </span>
          ))}
        </p>
      )}
    </article>
  );
}

const SETTINGS: (keyof InsightSettings)[] = [
  'low_visits_pct',
  'low_visits_weeks',
  'a_coverage_min_pct',
  'detour_ratio_max',
  'detour_min_days',
  'driving_share_max_pct',
  'driving_min_days',
  'short_visits_min',
  'daily_visit_capacity',
  'territory_load_max_pct',
  'no_outcome_min_visits',
];

function Thresholds() {
  const role = useRole();
  const admin = role === 'admin';
  const [values, setValues] = useState<InsightSettings | null>(null);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    api.get<InsightSettings>('/insights/settings').then(setValues, (e) => setError(errorText(e)));
  }, []);

  const save = (e: Event) => {
    e.preventDefault();
    if (!values) return;
    setError('');
    setSaved(false);
    api.put<InsightSettings>('/insights/settings', values).then(
      (v) => {
        setValues(v);
        setSaved(true);
      },
      (err) => setError(errorText(err)),
    );
  };

  if (!values) return error ? <p class="error">{error}</p> : null;
  return (
    <form class="insight-settings" onSubmit={save} data-testid="insight-settings">
      <h2>{t('insights.settings')}</h2>
      {!admin && <p class="muted">{t('insights.read_only')}</p>}
      <div class="settings-grid">
        {SETTINGS.map((k) => (
          <label>
            {t(`setting.${k}` as MessageKey)}
            <input
              type="number"
              step="any"
              name={k}
              disabled={!admin}
              value={values[k] as number | undefined}
              onInput={(e) => {
                const v = e.currentTarget.value;
                setValues({ ...values, [k]: v === '' ? null : Number(v) });
              }}
            />
          </label>
        ))}
        <label>
          {t('setting.outcome_field')}
          <input
            name="outcome_field"
            disabled={!admin}
            value={values.outcome_field ?? ''}
            onInput={(e) => setValues({ ...values, outcome_field: e.currentTarget.value || null })}
          />
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {saved && <p class="ok" data-testid="insight-settings-saved">{t('insights.saved')}</p>}
      {admin && (
        <button class="primary" type="submit" data-testid="insight-settings-save">
          {t('insights.save')}
        </button>
      )}
    </form>
  );
}

export function Insights() {
  useLang();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [dept, setDept] = useState('');
  const [from, setFrom] = useState(`${todayInZone().slice(0, 8)}01`);
  const [to, setTo] = useState(todayInZone());
  const [items, setItems] = useState<InsightView[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    api.get<DepartmentList>('/departments').then((p) => setDepartments(p.items), () => {});
  }, []);

  useEffect(() => {
    setError('');
    setItems(null);
    let live = true;
    api.get<InsightPage>('/insights', { from, to, department_id: dept || undefined }).then(
      (p) => live && setItems(p.items),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [from, to, dept]);

  return (
    <section class="panel page" data-testid="insights-page">
      <div class="filters">
        <label>
          {t('reports.from')}
          <input type="date" value={from} onChange={(e) => e.currentTarget.value && setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('reports.to')}
          <input type="date" value={to} onChange={(e) => e.currentTarget.value && setTo(e.currentTarget.value)} />
        </label>
        <label>
          {t('dash.department')}
          <select value={dept} onChange={(e) => setDept(e.currentTarget.value)}>
            <option value="">{t('dash.all')}</option>
            {departments.map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!items && !error && <p class="muted">{t('loading')}</p>}
      {items && items.length === 0 && <p class="muted" data-testid="insights-empty">{t('insights.none')}</p>}
      {items && items.length > 0 && (
        <div data-testid="insights">
          {items.map((i) => (
            <InsightCard insight={i} />
          ))}
        </div>
      )}
      <Thresholds />
    </section>
  );
}
