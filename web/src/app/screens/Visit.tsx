// The visit in progress: where the server judged the check-in (distance, within or
// outside the radius — or "waiting to sync" until it has answered), photos, the report
// and the check-out, with what the rule asks before it (photos, report) said up front.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../shared/errors';
import { fmtDistance, fmtTime, t } from '../../shared/i18n';
import { go } from '../../shared/route';
import type { Form, FormList, Visit } from '../../shared/types';
import { checkOut, report, visitPhoto, visitSignature } from '../actions';
import { takePhoto } from '../cameraHost';
import { useDay } from '../day';
import { kvGet, kvSet } from '../db';
import { useOutbox, useResult } from '../hooks';
import { LocalPhoto } from '../Photos';
import { missingText, refusalText } from '../refusal';
import { ReportForm } from '../ReportForm';
import { api, tracker } from '../session';

async function loadForms(): Promise<Form[]> {
  try {
    const forms = (await api.get<FormList>('/forms')).items;
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
  // Photos take the watch's recent position if there is one; they never wait for a fix.
  const addPhoto = async (): Promise<string | null> => {
    const blob = await takePhoto();
    if (!blob) return null;
    return visitPhoto(visit.id, blob, tracker.recentFix());
  };
  // The assigned form when the server has answered; until then (offline) the rep picks.
  const form = given ? assigned : forms.find((f) => f.id === formId);
  const required = answer?.required_photos ?? 0;

  // What the rule asks before check-out and is still missing. When the server tells the
  // rule (`checkout_requires`), a "block" stops the check-out here with the reason; a
  // "warn" (the default) lets it go and the manager sees the flag.
  const rule = answer?.checkout_requires ?? { photos: 'warn', report: 'warn' };
  const photosShort = rule.photos !== 'off' && required > 0 && visit.photos.length < required;
  const reportShort = rule.report !== 'off' && !visit.reported && !!form;
  const blocked = (photosShort && rule.photos === 'block') || (reportShort && rule.report === 'block');
  const refused = items.filter((i) => i.visitId === visit.id && i.kind === 'check-out' && i.status === 'failed');

  const finish = async () => {
    setError('');
    if (blocked) {
      setError(t('checkout.blocked'));
      return;
    }
    setBusy(true);
    try {
      await checkOut(visit.id, await tracker.actionFix());
      go('home');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <section class="card" data-testid="visit">
        <h2>{visit.name || t('visit.customer')}</h2>
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
          <p class="error" data-testid="judgement">{checkin && refusalText(checkin)}</p>
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
            <LocalPhoto id={id} url={visit.photoUrls?.[id]} />
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
                onSignature={async (png) => visitSignature(visit.id, png, tracker.recentFix())}
                onSubmit={(answers) => void report(visit.id, form.id, form.version, answers)}
              />
            )}
          </>
        )}
      </section>

      {(photosShort || reportShort) && (
        <section class={'card ' + (blocked ? 'note bad' : 'note warn')} data-testid="checkout-missing" data-blocked={String(blocked)}>
          <div class="note-body">
            <strong>{t('checkout.needs')}</strong>
            <ul class="missing-list">
              {photosShort && (
                <li data-missing="photos">{t('checkout.photos_missing', { have: visit.photos.length, required })}</li>
              )}
              {reportShort && <li data-missing="report">{t('checkout.report_missing')}</li>}
            </ul>
            {blocked ? t('checkout.blocked') : t('checkout.warned')}
          </div>
        </section>
      )}
      {refused.map((i) => (
        <div class="note bad" data-testid="checkout-refused" role="alert">
          <div class="note-body">
            {refusalText(i)}
            {missingText(i).length > 0 && (
              <ul class="missing-list">
                {missingText(i).map((m) => (
                  <li>{m}</li>
                ))}
              </ul>
            )}
          </div>
        </div>
      ))}
      <button class="primary big" disabled={busy} onClick={finish} data-testid="check-out">
        {t('visit.check_out')}
      </button>
      {error && (
        <p class="error" role="alert" data-testid="checkout-error">
          {error}
        </p>
      )}
    </div>
  );
}
