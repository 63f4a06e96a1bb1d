// Visits: a filterable list (person, dates, judgement) and, beside it, one visit in full —
// the watermarked photos, the report's answers and every authenticity flag with its
// evidence, so a manager can judge it without opening anything else.
import { useEffect, useState } from 'preact/hooks';
import { describe } from '../shared/api';
import { fmtDateTime, fmtDistance, fmtDuration, t, tOr } from '../shared/i18n';
import { localDate } from '../shared/ids';
import { go } from '../shared/route';
import type { Form, Page, Visit } from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { api } from './session';

export function Visits({ selected }: { selected?: string }) {
  useLang();
  const dir = useDirectory();
  const weekAgo = localDate(new Date(Date.now() - 6 * 86400_000));
  const [from, setFrom] = useState(weekAgo);
  const [to, setTo] = useState(localDate());
  const [judgement, setJudgement] = useState('');
  const [employee, setEmployee] = useState('');
  const [page, setPage] = useState<Visit[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    setError('');
    api
      .get<Page<Visit>>('/visits', { from, to, judgement, employee_id: employee, limit: 200 })
      .then((p) => setPage(p.items), (e) => setError(describe(e)));
  }, [from, to, judgement, employee]);

  const people = dir ? [...dir.employees.values()].filter((e) => e.role === 'field') : [];
  return (
    <div class="split wide">
      <section class="panel list-panel">
        <div class="filters">
          <label>
            {t('from')}
            <input type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label>
            {t('to')}
            <input type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          </label>
          <label>
            {t('visits.person')}
            <select value={employee} onChange={(e) => setEmployee(e.currentTarget.value)}>
              <option value="">{t('all')}</option>
              {people.map((p) => (
                <option value={p.id}>{p.name}</option>
              ))}
            </select>
          </label>
          <label>
            {t('visits.judgement')}
            <select value={judgement} onChange={(e) => setJudgement(e.currentTarget.value)}>
              <option value="">{t('all')}</option>
              <option value="within">{t('judgement.within')}</option>
              <option value="outside">{t('judgement.outside')}</option>
              <option value="uncertain">{t('judgement.uncertain')}</option>
            </select>
          </label>
        </div>
        {error && <p class="error">{error}</p>}
        <table class="table" data-testid="visits">
          <thead>
            <tr>
              <th>{t('visits.time')}</th>
              <th>{t('visits.person')}</th>
              <th>{t('visits.customer')}</th>
              <th>{t('visits.judgement')}</th>
              <th>{t('visits.duration')}</th>
              <th>{t('visits.flags')}</th>
            </tr>
          </thead>
          <tbody>
            {page?.map((v) => (
              <tr class={v.id === selected ? 'selected' : ''} onClick={() => go('visits', v.id)} data-visit={v.id}>
                <td>{fmtDateTime(v.check_in.t)}</td>
                <td>{dir?.employeeName(v.employee_id)}</td>
                <td>{dir?.customerName(v.customer_id)}</td>
                <td>
                  <Judgement status={v.check_in.status} />
                </td>
                <td>{v.check_out ? fmtDuration(v.check_out.duration_s) : t('visits.open')}</td>
                <td>{v.flags.length || ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && page.length === 0 && <p class="muted">{t('visits.none')}</p>}
      </section>
      {selected && <VisitDetail id={selected} />}
    </div>
  );
}

export function Judgement({ status }: { status: string }) {
  return <span class={`pill ${status}`}>{t(`judgement.${status}` as 'judgement.within')}</span>;
}

function VisitDetail({ id }: { id: string }) {
  const dir = useDirectory();
  const [visit, setVisit] = useState<Visit | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [photos, setPhotos] = useState<string[]>([]);
  const [error, setError] = useState('');

  useEffect(() => {
    setVisit(null);
    setPhotos([]);
    setForm(null);
    let urls: string[] = [];
    api.get<Visit>(`/visits/${id}`).then(
      async (v) => {
        setVisit(v);
        if (v.report)
          api.get<Form>(`/forms/${v.report.form_id}`, { version: v.report.form_version }).then(setForm, () => {});
        // Photos need the bearer token, so they come as blobs, not as <img src=URL>.
        urls = await Promise.all(
          (v.photos ?? []).map((p) => api.objectUrl(`/photos/${p.id}?variant=watermarked`).catch(() => '')),
        );
        setPhotos(urls);
      },
      (e) => setError(describe(e)),
    );
    return () => urls.forEach((u) => u && URL.revokeObjectURL(u));
  }, [id]);

  if (error) return <section class="panel detail"><p class="error">{error}</p></section>;
  if (!visit) return <section class="panel detail"><p class="muted">{t('loading')}</p></section>;
  const j = visit.check_in;
  return (
    <section class="panel detail" data-testid="visit-detail">
      <div class="panel-head">
        <h2>{dir?.customerName(visit.customer_id)}</h2>
        <a href="#/visits">×</a>
      </div>
      <dl class="facts">
        <dt>{t('visits.person')}</dt>
        <dd>{dir?.employeeName(visit.employee_id)}</dd>
        <dt>{t('visits.kind')}</dt>
        <dd>{t(`kind.${visit.kind}`)}</dd>
        <dt>{t('visits.check_in')}</dt>
        <dd>{fmtDateTime(visit.check_in.t)}</dd>
        <dt>{t('visits.judgement')}</dt>
        <dd>
          <Judgement status={j.status} /> {fmtDistance(j.distance_m)} / {fmtDistance(j.radius_m)}
        </dd>
        <dt>{t('visits.check_out')}</dt>
        <dd>
          {visit.check_out
            ? `${fmtDateTime(visit.check_out.t)} · ${fmtDuration(visit.check_out.duration_s)}`
            : t('visits.open')}
        </dd>
      </dl>
      <h3>{t('visits.photos')}</h3>
      <div class="photos" data-testid="visit-photos">
        {photos.map((u) => (u ? <img src={u} alt="" /> : null))}
        {(visit.photos ?? []).length === 0 && <p class="muted">—</p>}
      </div>
      <h3>{t('visits.report')}</h3>
      {visit.report ? (
        <dl class="facts" data-testid="visit-report">
          {Object.entries(visit.report.answers).map(([k, v]) => (
            <>
              <dt>{form?.fields.find((f) => f.key === k)?.label ?? k}</dt>
              <dd>{formatAnswer(v)}</dd>
            </>
          ))}
        </dl>
      ) : (
        <p class="muted">—</p>
      )}
      <h3>{t('visits.flags')}</h3>
      <ul class="flags" data-testid="visit-flags">
        {visit.flags.map((f) => (
          <li>
            <strong>{tOr(`flag.${f.code}`, f.code)}</strong>
            <code>{JSON.stringify(f.evidence)}</code>
          </li>
        ))}
        {visit.flags.length === 0 && <li class="muted">{t('visits.no_flags')}</li>}
      </ul>
    </section>
  );
}

function formatAnswer(v: unknown): string {
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}
