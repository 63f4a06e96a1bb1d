// The tenant's anti-cheat settings (admins): each check's weight (empty = the default,
// 0 = off), the two score thresholds, which verdicts notify the rep's manager, devices a
// team shares by policy, and how many days a rep may appeal. Checked here before sending
// (each problem beside its field); the server's 422 problems are shown the same way.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { errorText, problemText } from '../shared/errors';
import { t } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import { DEFAULT_WEIGHTS, fmtScore, levelLabel, REASON_CODES, reasonLabel } from '../shared/integrity';
import type { IntegritySettings as Settings, IntegritySettingsInput as SettingsInput } from '../shared/types';
import { useLang } from '../shared/ui';
import { api } from './session';

interface Draft {
  defaults: Record<string, number>;
  weights: Record<string, string>;
  review_at: string;
  likely_at: string;
  notify: Set<string>;
  shared_devices: string;
  appeal_days: string;
}

const NOTIFY_LEVELS = ['review', 'likely_cheat'] as const;

function toDraft(s: Settings): Draft {
  const weights: Record<string, string> = {};
  for (const [code, w] of Object.entries(s.weights ?? {})) if (typeof w === 'number') weights[code] = String(w);
  return {
    defaults: s.default_weights ?? {},
    weights,
    review_at: String(s.review_at),
    likely_at: String(s.likely_at),
    notify: new Set(s.notify ?? []),
    shared_devices: (s.shared_devices ?? []).join('\n'),
    appeal_days: String(s.appeal_days),
  };
}

const number = (s: string): number | null => {
  const x = s.trim() === '' ? NaN : Number(s.replace(',', '.'));
  return Number.isFinite(x) ? x : null;
};

/** The problems of a draft by field path (the server's names), or the settings to send. */
export function validate(d: Draft): { problems: Record<string, MessageKey>; body: SettingsInput | null } {
  const problems: Record<string, MessageKey> = {};
  const weights: Record<string, number> = {};
  for (const code of REASON_CODES) {
    const raw = (d.weights[code] ?? '').trim();
    if (!raw) continue;
    const w = number(raw);
    if (w === null || w < 0 || w > 10) problems[`weights.${code}`] = 'integrity.settings.bad_weight';
    else weights[code] = w;
  }
  const review = number(d.review_at);
  const likely = number(d.likely_at);
  const threshold = (x: number | null) => x !== null && x >= 0.1 && x <= 100;
  if (!threshold(review)) problems.review_at = 'integrity.settings.bad_threshold';
  if (!threshold(likely)) problems.likely_at = 'integrity.settings.bad_threshold';
  else if (threshold(review) && likely! < review!) problems.likely_at = 'integrity.settings.bad_order';
  const days = number(d.appeal_days);
  if (days === null || !Number.isInteger(days) || days < 0 || days > 90) problems.appeal_days = 'integrity.settings.bad_days';
  const devices = d.shared_devices
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  if (devices.some((x) => x.length > 100) || devices.length > 500) problems.shared_devices = 'integrity.settings.bad_device';
  if (Object.keys(problems).length) return { problems, body: null };
  return {
    problems,
    body: {
      weights,
      review_at: review!,
      likely_at: likely!,
      notify: NOTIFY_LEVELS.filter((l) => d.notify.has(l)),
      shared_devices: [...new Set(devices)],
      appeal_days: days!,
    },
  };
}

export function IntegritySettings() {
  useLang();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [local, setLocal] = useState<Record<string, MessageKey>>({});
  const [server, setServer] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  // Kept as a fact, not as words, so it follows a change of language.
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<Settings>('/integrity/settings').then((s) => setDraft(toDraft(s)), (e) => setError(errorText(e)));
  }, []);

  if (!draft)
    return (
      <div class="panel page" data-testid="integrity-settings">
        {error ? <p class="error">{error}</p> : <p class="muted">{t('loading')}</p>}
      </div>
    );

  const edit = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setSaved(false);
  };
  const problem = (field: string) => {
    const text = local[field] ? t(local[field]) : server[field];
    return text ? (
      <span class="field-problem small" data-problem={field}>
        {text}
      </span>
    ) : null;
  };

  const save = async (ev: Event) => {
    ev.preventDefault();
    const { problems, body } = validate(draft);
    setLocal(problems);
    setServer({});
    setError('');
    setSaved(false);
    if (!body) return;
    setBusy(true);
    try {
      const saved = await api.put<Settings>('/integrity/settings', body);
      setDraft(toDraft(saved));
      setSaved(true);
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) {
        const byField: Record<string, string> = {};
        for (const f of e.fields) byField[f.field.replace(/\[\d+\]$/, '')] = problemText(f);
        setServer(byField);
      }
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="panel page" data-testid="integrity-settings">
      <form class="form integrity-settings" onSubmit={save} noValidate>
        <h2>{t('integrity.settings.title')}</h2>
        <fieldset>
          <legend>{t('integrity.settings.thresholds')}</legend>
          <div class="row">
            <label>
              {t('integrity.settings.review_at')}
              <input
                name="review_at"
                inputMode="decimal"
                value={draft.review_at}
                onInput={(e) => edit({ review_at: e.currentTarget.value })}
              />
              {problem('review_at')}
            </label>
            <label>
              {t('integrity.settings.likely_at')}
              <input
                name="likely_at"
                inputMode="decimal"
                value={draft.likely_at}
                onInput={(e) => edit({ likely_at: e.currentTarget.value })}
              />
              {problem('likely_at')}
            </label>
            <label>
              {t('integrity.settings.appeal_days')}
              <input
                name="appeal_days"
                inputMode="numeric"
                value={draft.appeal_days}
                onInput={(e) => edit({ appeal_days: e.currentTarget.value })}
              />
              {problem('appeal_days')}
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('integrity.settings.notify')}</legend>
          <div class="row">
            {NOTIFY_LEVELS.map((l) => (
              <label class="check">
                <input
                  type="checkbox"
                  name={`notify-${l}`}
                  checked={draft.notify.has(l)}
                  onChange={(e) => {
                    const n = new Set(draft.notify);
                    if (e.currentTarget.checked) n.add(l);
                    else n.delete(l);
                    edit({ notify: n });
                  }}
                />
                {levelLabel(l)}
              </label>
            ))}
          </div>
          {problem('notify')}
        </fieldset>
        <fieldset>
          <legend>{t('integrity.settings.weights')}</legend>
          <p class="muted small">{t('integrity.settings.weights_help')}</p>
          <div class="weights-grid">
            {REASON_CODES.map((code) => (
              <label class="inline weight" data-code={code}>
                <span class="weight-name">{reasonLabel(code)}</span>
                <input
                  name={`weight-${code}`}
                  inputMode="decimal"
                  placeholder={fmtScore(draft.defaults[code] ?? DEFAULT_WEIGHTS[code])}
                  value={draft.weights[code] ?? ''}
                  onInput={(e) => edit({ weights: { ...draft.weights, [code]: e.currentTarget.value } })}
                />
                <span class="muted small">{t('integrity.settings.default', { weight: fmtScore(draft.defaults[code] ?? DEFAULT_WEIGHTS[code]) })}</span>
                {problem(`weights.${code}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('integrity.settings.shared_devices')}</legend>
          <label>
            <span class="muted small">{t('integrity.settings.shared_devices_help')}</span>
            <textarea
              name="shared_devices"
              rows={4}
              value={draft.shared_devices}
              onInput={(e) => edit({ shared_devices: e.currentTarget.value })}
            />
            {problem('shared_devices')}
          </label>
        </fieldset>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {saved && (
          <p class="muted" role="status" data-testid="settings-saved">
            {t('integrity.settings.saved')}
          </p>
        )}
        <div>
          <button type="submit" class="primary" disabled={busy} data-testid="settings-save">
            {t('save')}
          </button>
        </div>
      </form>
    </div>
  );
}
