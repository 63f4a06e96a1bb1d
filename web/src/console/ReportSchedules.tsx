// Scheduled delivery of the report on screen (定时报表): the schedules the signed-in person
// reaches, a form that schedules the report with the page's filters — by e-mail to
// addresses and, for admins, to one of the company's webhook endpoints — and each
// schedule's runs with what went out and why a run failed, in words.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDate, fmtDateTime, t, tOr } from '../shared/i18n';
import type { ReportRun, ReportRunPage, ReportSchedule, ReportSchedulePage, Webhook, WebhookList } from '../shared/types';
import { useLang } from '../shared/ui';
import type { ReportName } from './Reports';
import { sections, useRole } from './roles';
import { api } from './session';

type Cadence = 'daily' | 'weekly' | 'monthly';
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export interface ScheduleFilters {
  department_id?: string;
  employee_id?: string;
  customer_level?: string;
  customer_tag?: string;
}

const weekdayName = (d: number): string => tOr(`schedule.weekday.${d}`, String(d));

function whenText(s: ReportSchedule): string {
  const hour = String(s.hour).padStart(2, '0');
  if (s.cadence === 'weekly') return t('schedule.when_weekly', { day: weekdayName(s.weekday ?? 1), hour });
  if (s.cadence === 'monthly') return t('schedule.when_monthly', { day: s.month_day ?? 1, hour });
  return t('schedule.when_daily', { hour });
}

function hookName(hooks: Webhook[], id: string): string {
  const h = hooks.find((w) => w.id === id);
  return h ? h.description || h.url : t('schedule.webhook_gone');
}

function runStatus(r: ReportRun): string {
  if (r.status !== 'failed') return t(`schedule.run.${r.status}`);
  const why = r.error_code ? tOr(`schedule.error.${r.error_code}`, t('schedule.run.failed')) : t('schedule.run.failed');
  return r.webhook_status != null && r.error_code === 'webhook_failed' ? `${why} (HTTP ${r.webhook_status})` : why;
}

function Runs({ schedule }: { schedule: ReportSchedule }) {
  const [runs, setRuns] = useState<ReportRun[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.get<ReportRunPage>(`/report-schedules/${schedule.id}/runs`, { limit: 20 }).then(
      (p) => setRuns(p.items),
      (e) => setError(errorText(e)),
    );
  }, [schedule.id]);
  if (error) return <p class="error">{error}</p>;
  if (!runs) return <p class="muted">{t('loading')}</p>;
  if (runs.length === 0) return <p class="muted" data-testid="schedule-runs-empty">{t('schedule.runs_none')}</p>;
  return (
    <table class="table" data-testid="schedule-runs">
      <thead>
        <tr>
          <th>{t('schedule.col.due')}</th>
          <th>{t('schedule.col.period')}</th>
          <th>{t('schedule.col.status')}</th>
          <th>{t('schedule.col.rows')}</th>
          <th>{t('schedule.col.mailed')}</th>
          <th>{t('schedule.col.posted')}</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr class="static" data-status={r.status} data-error={r.error_code ?? undefined}>
            <td>{fmtDateTime(r.due_at)}</td>
            <td>{`${fmtDate(r.period_from)} – ${fmtDate(r.period_to)}`}</td>
            <td data-testid="schedule-run-status">{runStatus(r)}</td>
            <td>{r.rows ?? ''}</td>
            <td>{r.mailed_at ? fmtDateTime(r.mailed_at) : r.recipients.length ? '' : t('schedule.not_applicable')}</td>
            <td>{r.posted_at ? fmtDateTime(r.posted_at) : r.webhook_id ? '' : t('schedule.not_applicable')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReportSchedules({ report, filters }: { report: ReportName; filters: ScheduleFilters }) {
  useLang();
  const role = useRole();
  const seesWebhooks = !!role && sections(role).includes('webhooks');
  const [items, setItems] = useState<ReportSchedule[] | null>(null);
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [formOpen, setFormOpen] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [cadence, setCadence] = useState<Cadence>('weekly');
  const [weekday, setWeekday] = useState(1);
  const [monthDay, setMonthDay] = useState(1);
  const [hour, setHour] = useState(7);
  const [format, setFormat] = useState<'xlsx' | 'csv'>('xlsx');
  const [language, setLanguage] = useState<'zh-CN' | 'en'>('zh-CN');
  const [recipients, setRecipients] = useState('');
  const [webhook, setWebhook] = useState('');

  const fail = (e: unknown) => setError(errorText(e));
  const load = () =>
    api.get<ReportSchedulePage>('/report-schedules', { limit: 200 }).then((p) => {
      setItems(p.items);
      setError('');
    }, fail);
  useEffect(() => {
    void load();
    // Only those who may see the company's webhooks (admins) can send a report to one.
    if (seesWebhooks)
      api.get<WebhookList>('/webhooks').then(
        (l) => setHooks(l.items),
        () => setHooks(null),
      );
  }, [seesWebhooks]);

  const create = (e: Event) => {
    e.preventDefault();
    setNotice('');
    api
      .post<ReportSchedule>('/report-schedules', {
        id: crypto.randomUUID(),
        report,
        filters,
        cadence,
        weekday: cadence === 'weekly' ? weekday : undefined,
        month_day: cadence === 'monthly' ? monthDay : undefined,
        hour,
        format,
        language,
        recipients: recipients
          .split(/[\s,;，；]+/)
          .map((r) => r.trim())
          .filter(Boolean),
        webhook_id: webhook || undefined,
      })
      .then(() => {
        setNotice(t('schedule.created'));
        setFormOpen(false);
        setRecipients('');
        setWebhook('');
        void load();
      }, fail);
  };

  const toggle = (s: ReportSchedule) =>
    api
      .put<ReportSchedule>(`/report-schedules/${s.id}`, {
        report: s.report,
        filters: s.filters,
        cadence: s.cadence,
        weekday: s.weekday ?? undefined,
        month_day: s.month_day ?? undefined,
        hour: s.hour,
        format: s.format,
        language: s.language,
        recipients: s.recipients,
        webhook_id: s.webhook_id ?? undefined,
        enabled: !s.enabled,
        owner_id: s.owner_id,
      })
      .then(() => void load(), fail);

  const remove = (s: ReportSchedule) => {
    if (!confirm(t('schedule.delete_confirm'))) return;
    api.request('DELETE', `/report-schedules/${s.id}`).then(() => void load(), fail);
  };

  const enabledHooks = (hooks ?? []).filter((h) => h.enabled);
  return (
    <section class="report-schedules" data-testid="report-schedules">
      <h3>{t('schedule.title')}</h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p class="muted" role="status" data-testid="schedule-notice">
          {notice}
        </p>
      )}
      {items && items.length === 0 && <p class="muted">{t('schedule.none')}</p>}
      {items && items.length > 0 && (
        <table class="table" data-testid="schedule-list">
          <thead>
            <tr>
              <th>{t('schedule.col.report')}</th>
              <th>{t('schedule.col.when')}</th>
              <th>{t('schedule.col.to')}</th>
              <th>{t('schedule.col.next')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((s) => [
              <tr class="static" data-schedule={s.id}>
                <td>{t(`report.${s.report}`)}</td>
                <td>{whenText(s)}</td>
                <td data-testid="schedule-targets">
                  {[
                    ...s.recipients,
                    ...(s.webhook_id ? [t('schedule.to_webhook', { name: hookName(hooks ?? [], s.webhook_id) })] : []),
                  ].join(', ')}
                </td>
                <td>{s.enabled && s.next_run_at ? fmtDateTime(s.next_run_at) : t('schedule.off')}</td>
                <td>
                  <button type="button" onClick={() => setOpen(open === s.id ? null : s.id)} data-testid="schedule-runs-toggle">
                    {t('schedule.runs')}
                  </button>{' '}
                  <button type="button" onClick={() => toggle(s)}>
                    {t(s.enabled ? 'schedule.turn_off' : 'schedule.turn_on')}
                  </button>{' '}
                  <button type="button" onClick={() => remove(s)}>
                    {t('schedule.delete')}
                  </button>
                </td>
              </tr>,
              open === s.id && (
                <tr class="static">
                  <td colSpan={5}>
                    <Runs schedule={s} />
                  </td>
                </tr>
              ),
            ])}
          </tbody>
        </table>
      )}
      {!formOpen && (
        <button type="button" onClick={() => setFormOpen(true)} data-testid="schedule-new">
          {t('schedule.new', { report: t(`report.${report}`) })}
        </button>
      )}
      {formOpen && (
        <form class="stack-form" style={{ maxWidth: '40rem' }} onSubmit={create} data-testid="schedule-form">
          <p class="muted">{t('schedule.form_note', { report: t(`report.${report}`) })}</p>
          <label>
            {t('schedule.cadence')}
            <select name="cadence" value={cadence} onChange={(e) => setCadence(e.currentTarget.value as Cadence)}>
              <option value="daily">{t('schedule.cadence.daily')}</option>
              <option value="weekly">{t('schedule.cadence.weekly')}</option>
              <option value="monthly">{t('schedule.cadence.monthly')}</option>
            </select>
          </label>
          {cadence === 'weekly' && (
            <label>
              {t('schedule.weekday')}
              <select name="weekday" value={weekday} onChange={(e) => setWeekday(Number(e.currentTarget.value))}>
                {WEEKDAYS.map((d) => (
                  <option value={d}>{weekdayName(d)}</option>
                ))}
              </select>
            </label>
          )}
          {cadence === 'monthly' && (
            <label>
              {t('schedule.month_day')}
              <input name="month_day" type="number" min={1} max={28} value={monthDay} onInput={(e) => setMonthDay(Number(e.currentTarget.value))} />
            </label>
          )}
          <label>
            {t('schedule.hour')}
            <input name="hour" type="number" min={0} max={23} value={hour} onInput={(e) => setHour(Number(e.currentTarget.value))} />
          </label>
          <label>
            {t('schedule.format')}
            <select name="format" value={format} onChange={(e) => setFormat(e.currentTarget.value as 'xlsx' | 'csv')}>
              <option value="xlsx">{t('reports.export_xlsx')}</option>
              <option value="csv">{t('reports.export_csv')}</option>
            </select>
          </label>
          <label>
            {t('schedule.language')}
            <select name="language" value={language} onChange={(e) => setLanguage(e.currentTarget.value as 'zh-CN' | 'en')}>
              <option value="zh-CN">{t('schedule.lang_zh')}</option>
              <option value="en">{t('schedule.lang_en')}</option>
            </select>
          </label>
          <label>
            {t('schedule.recipients')}
            <textarea
              name="recipients"
              rows={2}
              placeholder={t('schedule.recipients_hint')}
              value={recipients}
              onInput={(e) => setRecipients(e.currentTarget.value)}
            />
          </label>
          {hooks && (
            <label>
              {t('schedule.webhook')}
              <select name="webhook" value={webhook} onChange={(e) => setWebhook(e.currentTarget.value)} data-testid="schedule-webhook">
                <option value="">{t('schedule.no_webhook')}</option>
                {enabledHooks.map((h) => (
                  <option value={h.id}>{h.description || h.url}</option>
                ))}
              </select>
            </label>
          )}
          {hooks && <p class="muted">{t('schedule.webhook_note')}</p>}
          <p>
            <button type="submit" data-testid="schedule-save">
              {t('schedule.save')}
            </button>{' '}
            <button type="button" onClick={() => setFormOpen(false)}>
              {t('schedule.cancel')}
            </button>
          </p>
        </form>
      )}
    </section>
  );
}
