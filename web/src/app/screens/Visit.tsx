// The visit in progress: where the server judged the check-in (distance, within or
// outside the radius — or "waiting to sync" until it has answered), photos, the report
// and the check-out.
import { useEffect, useState } from 'preact/hooks';
import { describe } from '../../shared/api';
import { fmtDistance, fmtTime, t } from '../../shared/i18n';
import { go } from '../../shared/route';
import type { Form, Visit } from '../../shared/types';
import { checkOut, report, visitPhoto, visitSignature } from '../actions';
import { takePhoto } from '../cameraHost';
import { useDay } from '../day';
import { kvGet, kvSet } from '../db';
import { useOutbox, useResult } from '../hooks';
import { LocalPhoto } from '../Photos';
import { ReportForm } from '../ReportForm';
import { api, tracker } from '../session';

async function loadForms(): Promise<Form[]> {
  try {
    const forms = await api.get<Form[]>('/forms');
    await kvSet('forms', forms);
    return forms;
  } catch {
    return (await kvGet<Form[]>('forms')) ?? [];
  }
}

/** The exact form version the server assigned to this visit: from the cached list when it
 * is the current version, else fetched (and cached) by version. */
async function loadForm(id: string, version: number, forms: Form[]): Promise<Form | null> {
  const known = forms.find((f) => f.id === id && f.version === version);
  if (known) return known;
  const cacheKey = `form:${id}:${version}`;
  try {
    const f = await api.get<Form>(`/forms/${id}`, { version });
    await kvSet(cacheKey, f);
    return f;
  } catch {
    return (await kvGet<Form>(cacheKey)) ?? null;
  }
}

export function VisitScreen() {
  const day = useDay();
  const visit = day?.visit;
  const answer = useResult<Visit>(visit?.id);
  const { items } = useOutbox();
  const [forms, setForms] = useState<Form[]>([]);
  const [formId, setFormId] = useState('');
  /** The form the visit rule assigned (from the check-in's answer), when it is known. */
  const [assigned, setAssigned] = useState<Form | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    loadForms().then((f) => {
      setForms(f);
      if (f.length) setFormId((x) => x || f[0].id);
    });
  }, []);

  const given = answer?.form;
  useEffect(() => {
    if (!given) return;
    let live = true;
    void loadForm(given.id, given.version, forms).then((f) => live && setAssigned(f));
    return () => {
      live = false;
    };
  }, [given?.id, given?.version, forms]);

  if (!day) return null;
  if (!visit) {
    return (
      <div class="stack">
        <p class="muted">{t('visit.none')}</p>
        <button onClick={() => go('home')}>{t('back')}</button>
      </div>
    );
  }

  const checkin = items.find((i) => i.id === visit.id);
  const failed = checkin?.status === 'failed';
  const fix = () => tracker.fix();
  const addPhoto = async (): Promise<string | null> => {
    const blob = await takePhoto();
    if (!blob) return null;
    return visitPhoto(visit.id, blob, await fix().catch(() => null));
  };
  // The assigned form when the server has answered; until then (offline) the rep picks.
  const form = given ? assigned : forms.find((f) => f.id === formId);
  const required = answer?.required_photos ?? 0;

  const finish = async () => {
    setBusy(true);
    setError('');
    try {
      await checkOut(visit.id, await tracker.fix());
      go('home');
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <section class="card" data-testid="visit">
        <h2>{visit.name}</h2>
        <p class="muted">
          {t('visit.checked_in_at', { time: fmtTime(visit.t) })}
          {visit.planned && <span class="badge ok" data-testid="planned"> {t('kind.planned')}</span>}
        </p>
        {answer ? (
          <p data-testid="judgement" data-status={answer.check_in.status}>
            <span class={`pill ${answer.check_in.status}`}>
              {t(`judgement.${answer.check_in.status}`)}
            </span>{' '}
            {t('visit.distance')}: {fmtDistance(answer.check_in.distance_m)} /{' '}
            {t('visit.radius')} {fmtDistance(answer.check_in.radius_m)}
          </p>
        ) : failed ? (
          <p class="error" data-testid="judgement">{checkin?.error}</p>
        ) : (
          <p data-testid="judgement" data-status="waiting">
            <span class="badge warn">{t('sync.pending')}</span>
          </p>
        )}
      </section>

      <section class="card">
        <div class="row between">
          <h3>{t('visit.photos')}</h3>
          {required > 0 && (
            <span
              class={'badge ' + (visit.photos.length >= required ? 'ok' : 'warn')}
              data-testid="photo-progress"
              data-count={visit.photos.length}
              data-required={required}
            >
              {t('visit.photos_progress', { n: Math.min(visit.photos.length, required), required })}
            </span>
          )}
        </div>
        <div class="thumbs" data-testid="visit-photos">
          {visit.photos.map((id) => (
            <LocalPhoto id={id} />
          ))}
        </div>
        <button onClick={() => void addPhoto()} data-testid="take-photo">
          {t('visit.take_photo')}
        </button>
      </section>

      <section class="card">
        {visit.reported ? (
          <p data-testid="report-done">✓ {t('report.saved')}</p>
        ) : !given && forms.length === 0 ? (
          <p class="muted">{t('report.no_form')}</p>
        ) : (
          <>
            {!given && forms.length > 1 && (
              <select value={formId} onChange={(e) => setFormId(e.currentTarget.value)}>
                {forms.map((f) => (
                  <option value={f.id}>{f.name}</option>
                ))}
              </select>
            )}
            {form && (
              <ReportForm
                key={`${form.id}:${form.version}`}
                form={form}
                onPhoto={addPhoto}
                onSignature={async (png) => visitSignature(visit.id, png, await fix().catch(() => null))}
                onSubmit={(answers) => void report(visit.id, form.id, form.version, answers)}
              />
            )}
          </>
        )}
      </section>

      <button class="primary big" disabled={busy} onClick={finish} data-testid="check-out">
        {t('visit.check_out')}
      </button>
      {error && <p class="error">{error}</p>}
    </div>
  );
}
