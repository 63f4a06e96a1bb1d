// Visits: a filterable list (person, dates, judgement) and, beside it, one visit in full —
// the watermarked photos, the report's answers and every authenticity flag with its
// evidence, so a manager can judge it without opening anything else.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { FLAG_CODES, flagLabel, flagSentence } from '../shared/flags';
import { fmtDate, fmtDateTime, fmtDistance, fmtDuration, t, todayInZone } from '../shared/i18n';
import { go } from '../shared/route';
import type { Flag, Form, FormField, Visit, VisitPage } from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { api } from './session';

/** A drill-down's filter (`#/visits/by/<person>/<from>/<to>`): one person's visits of a period. */
export type VisitsFilter = { employee?: string; customer?: string; from?: string; to?: string };

export function Visits({ selected, by }: { selected?: string; by?: VisitsFilter }) {
  useLang();
  const dir = useDirectory();
  const [from, setFrom] = useState(by?.from ?? todayInZone(-6));
  const [to, setTo] = useState(by?.to ?? todayInZone());
  const [judgement, setJudgement] = useState('');
  const [employee, setEmployee] = useState(by?.employee ?? '');
  const [customer, setCustomer] = useState(by?.customer ?? '');
  // A new drill-down while the screen is open sets the filter again.
  useEffect(() => {
    if (!by) return;
    if (by.from) setFrom(by.from);
    if (by.to) setTo(by.to);
    setEmployee(by.employee ?? '');
    setCustomer(by.customer ?? '');
  }, [by?.employee, by?.customer, by?.from, by?.to]);
  const [flag, setFlag] = useState('');
  const [page, setPage] = useState<Visit[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    setError('');
    api
      .get<VisitPage>('/visits', { from, to, judgement, employee_id: employee, customer_id: customer || undefined, flag, limit: 200 })
      .then((p) => setPage(p.items), (e) => setError(errorText(e)));
  }, [from, to, judgement, employee, customer, flag]);

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
            <select value={employee} onChange={(e) => setEmployee(e.currentTarget.value)} data-testid="visits-person">
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
          <label>
            {t('visits.flags')}
            <select value={flag} onChange={(e) => setFlag(e.currentTarget.value)} data-testid="visits-flag">
              <option value="">{t('all')}</option>
              {FLAG_CODES.map((c) => (
                <option value={c}>{flagLabel(c)}</option>
              ))}
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
                <td class="small">
                  <FlagLabels flags={v.flags} />
                </td>
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
      (e) => setError(errorText(e)),
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
        <dd>{t(`kind.${visit.kind}` as 'kind.planned')}</dd>
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
        {(visit.photos ?? []).map((p, i) =>
          photos[i] ? (
            <figure>
              <img src={photos[i]} alt={t('visits.photo_n', { n: i + 1 })} />
              <figcaption class="muted small">
                {t('visits.photo_n', { n: i + 1 })} · {fmtDateTime(p.t)}
              </figcaption>
            </figure>
          ) : null,
        )}
        {(visit.photos ?? []).length === 0 && <p class="muted">—</p>}
      </div>
      <h3>{t('visits.report')}</h3>
      {visit.report ? (
        <dl class="facts" data-testid="visit-report">
          {Object.entries(visit.report.answers).map(([k, v]) => {
            const field = form?.fields.find((f) => f.key === k);
            return (
              <>
                <dt>{field?.label ?? k}</dt>
                <dd>
                  <Answer field={field} value={v} visit={visit} urls={photos} />
                </dd>
              </>
            );
          })}
        </dl>
      ) : (
        <p class="muted">—</p>
      )}
      <h3>{t('visits.flags')}</h3>
      <ul class="flags" data-testid="visit-flags">
        {visit.flags.map((f) => (
          <li data-flag={f.code}>
            <strong>{flagLabel(f.code)}</strong>
            <span class="flag-sentence">
              {flagSentence(f, {
                accuracy_m:
                  (f.evidence as { at?: string } | null)?.at === 'check_out'
                    ? visit.check_out?.accuracy_m
                    : visit.check_in.accuracy_m,
                employeeName: (id) => dir?.employees.get(id)?.name,
              })}
            </span>
          </li>
        ))}
        {visit.flags.length === 0 && <li class="muted">{t('visits.no_flags')}</li>}
      </ul>
    </section>
  );
}

/** The flags' short names, the same set the detail lists (the server sends one set). */
export function FlagLabels({ flags }: { flags: Flag[] }) {
  const codes = [...new Set(flags.map((f) => f.code))];
  return <span data-testid="flag-labels">{codes.map(flagLabel).join(', ')}</span>;
}

/** One report answer: words for yes/no and dates, pictures for photo and signature fields
 * (their answers are photo ids of this visit), never a raw id. */
function Answer(props: { field?: FormField; value: unknown; visit: Visit; urls: string[] }) {
  const { field, value } = props;
  if (field?.type === 'photo' || field?.type === 'signature') {
    const ids = (Array.isArray(value) ? value : [value]).map(String);
    const list = props.visit.photos ?? [];
    return (
      <span class="answer-photos">
        {ids.map((id) => {
          const i = list.findIndex((p) => p.id === id);
          const label = field.type === 'signature' ? t('visits.signature') : t('visits.photo_n', { n: i + 1 });
          return i >= 0 && props.urls[i] ? <img src={props.urls[i]} alt={label} title={label} /> : <span>{label}</span>;
        })}
      </span>
    );
  }
  if (typeof value === 'boolean') return <>{value ? t('yes') : t('no')}</>;
  if (field?.type === 'date' && typeof value === 'string') return <>{fmtDate(value)}</>;
  if (Array.isArray(value)) return <>{value.join(', ')}</>;
  if (value === null || value === undefined || value === '') return <>—</>;
  return <>{typeof value === 'object' ? '—' : String(value)}</>;
}
