// The background-jobs screen (admins): how much work waits, runs and failed, by kind, the
// failed jobs with a button to run each again, and the latest jobs. Jobs are named by
// what they are for (a person's day, the company's nightly clean-up), never by ids or keys.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDate, fmtDateTime, fmtNumber, t, tOr } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import type { Job, JobCountList, JobPage } from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { api } from './session';

const STATES = ['queued', 'running', 'done', 'dead'] as const;

function kindLabel(kind: string): string {
  return tOr(`jobs.kind.${kind}`, t('jobs.kind.other'));
}

export function Jobs() {
  useLang();
  const directory = useDirectory();
  const [counts, setCounts] = useState<JobCountList['items'] | null>(null);
  const [failed, setFailed] = useState<Job[]>([]);
  const [recent, setRecent] = useState<Job[]>([]);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');

  const load = () =>
    Promise.all([
      api.get<JobCountList>('/admin/jobs/counts'),
      api.get<JobPage>('/admin/jobs', { state: 'dead', limit: 100 }),
      api.get<JobPage>('/admin/jobs', { limit: 30 }),
    ]).then(
      ([c, f, r]) => {
        setCounts(c.items);
        setFailed(f.items);
        setRecent(r.items);
      },
      (e) => setError(errorText(e)),
    );

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, []);

  const retry = (job: Job) =>
    api.post<Job>(`/admin/jobs/${job.id}/retry`).then(
      () => {
        setNotice(t('jobs.retried'));
        void load();
      },
      (e) => setError(errorText(e)),
    );

  const subject = (job: Job): string => {
    const p = (job.payload ?? {}) as { employee_id?: string; day?: string };
    if ((job.kind === 'track_day' || job.kind === 'integrity_day') && p.employee_id && p.day)
      return `${directory?.employeeName(p.employee_id) ?? t('jobs.kind.other')} · ${fmtDate(p.day)}`;
    return t('jobs.nightly');
  };

  const kinds = [...new Set((counts ?? []).map((c) => c.kind))].sort();
  const count = (kind: string, state: string) =>
    (counts ?? []).find((c) => c.kind === kind && c.state === state)?.count ?? 0;

  return (
    <section class="panel page" data-testid="jobs-page">
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {notice && <p class="muted" role="status">{notice}</p>}
      <h2>{t('jobs.summary')}</h2>
      {!counts && !error && <p class="muted">{t('loading')}</p>}
      {counts && kinds.length === 0 && <p class="muted">{t('jobs.none')}</p>}
      {counts && kinds.length > 0 && (
        <table class="table numbers" data-testid="job-counts">
          <thead>
            <tr>
              <th>{t('jobs.kind')}</th>
              {STATES.map((s) => (
                <th>{t(s === 'done' ? 'jobs.done_week' : (`jobs.state.${s}` as MessageKey))}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {kinds.map((k) => (
              <tr class="static" data-kind={k}>
                <td>{kindLabel(k)}</td>
                {STATES.map((s) => (
                  <td data-state={s}>{fmtNumber(count(k, s))}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('jobs.failed')}</h2>
      {failed.length === 0 ? (
        <p class="muted" data-testid="jobs-no-failed">{t('jobs.no_failed')}</p>
      ) : (
        <table class="table" data-testid="jobs-failed">
          <thead>
            <tr>
              <th>{t('jobs.kind')}</th>
              <th>{t('jobs.subject')}</th>
              <th>{t('jobs.attempts')}</th>
              <th>{t('jobs.updated')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {failed.map((j) => (
              <tr class="static" data-job={j.id}>
                <td>{kindLabel(j.kind)}</td>
                <td>{subject(j)}</td>
                <td>{fmtNumber(j.attempts)}</td>
                <td>{fmtDateTime(j.updated_at)}</td>
                <td>
                  <button onClick={() => void retry(j)} data-testid="job-retry">
                    {t('jobs.retry')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('jobs.recent')}</h2>
      {recent.length > 0 && (
        <table class="table" data-testid="jobs-recent">
          <thead>
            <tr>
              <th>{t('jobs.kind')}</th>
              <th>{t('jobs.subject')}</th>
              <th>{t('jobs.status')}</th>
              <th>{t('jobs.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((j) => (
              <tr class="static" data-job={j.id} data-state={j.state}>
                <td>{kindLabel(j.kind)}</td>
                <td>{subject(j)}</td>
                <td>{t(`jobs.state.${j.state}` as MessageKey)}</td>
                <td>{fmtDateTime(j.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
