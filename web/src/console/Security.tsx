// Account security (from the signed-in person's name in the top bar): turning two-step
// sign-in on (QR code, a code, the recovery codes shown once) or off (a code or the
// password), and for admins the company policy that requires it of admins, managers and
// finance.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDate, t } from '../shared/i18n';
import { Enrol } from '../shared/TwoFactor';
import type { RecoveryCodes, SecuritySettings, TotpEnrolment, TwoFactorStatus } from '../shared/types';
import { useLang } from '../shared/ui';
import { useRole } from './roles';
import { api } from './session';

export function Security() {
  useLang();
  const role = useRole();
  const [status, setStatus] = useState<TwoFactorStatus | null>(null);
  const [enrolling, setEnrolling] = useState(false);
  const [proof, setProof] = useState('');
  const [error, setError] = useState('');

  const load = () => api.get<TwoFactorStatus>('/me/2fa').then(setStatus, (e) => setError(errorText(e)));
  useEffect(() => void load(), []);

  const disable = async (e: Event) => {
    e.preventDefault();
    setError('');
    const p = proof.trim();
    // Six digits are a code; anything else is the password.
    const body = /^\d{6}$/.test(p.replace(/\s/g, '')) ? { code: p } : { password: proof };
    try {
      await api.request('DELETE', '/me/2fa/totp', body);
      setProof('');
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div class="split">
      <section class="panel" data-testid="security">
        <div class="panel-head">
          <h2>{t('security.title')}</h2>
        </div>
        <p class="muted small">{t('security.intro')}</p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {status && status.enabled && (
          <>
            <p data-testid="security-on">{t('security.on', { date: fmtDate(status.enabled_at) })}</p>
            <p class="small">{t('security.codes_left', { n: status.recovery_codes_left })}</p>
            {status.required ? (
              <p class="muted small">{t('security.required')}</p>
            ) : (
              <form class="form" onSubmit={disable}>
                <label>
                  {t('security.disable_hint')}
                  <input
                    name="proof"
                    type="password"
                    autocomplete="current-password"
                    value={proof}
                    onInput={(e) => setProof(e.currentTarget.value)}
                    required
                  />
                </label>
                <button type="submit" data-testid="security-disable">
                  {t('security.disable')}
                </button>
              </form>
            )}
          </>
        )}
        {status && !status.enabled && !enrolling && (
          <>
            <p data-testid="security-off">{t('security.off')}</p>
            {status.required && <p class="muted small">{t('security.required')}</p>}
            <button class="primary" onClick={() => setEnrolling(true)} data-testid="security-enable">
              {t('security.enable')}
            </button>
          </>
        )}
        {enrolling && (
          <Enrol
            start={() => api.post<TotpEnrolment>('/me/2fa/totp')}
            confirm={(code) => api.post<RecoveryCodes>('/me/2fa/totp/confirm', { code }).then((r) => r.recovery_codes)}
            onDone={() => {
              setEnrolling(false);
              void load();
            }}
          />
        )}
      </section>
      {role === 'admin' && <Policy />}
    </div>
  );
}

/** The company policy (admins). */
function Policy() {
  const [settings, setSettings] = useState<SecuritySettings | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    api.get<SecuritySettings>('/security-settings').then(setSettings, (e) => setError(errorText(e)));
  }, []);
  const set = async (required: boolean) => {
    setError('');
    setNote('');
    try {
      setSettings(await api.put<SecuritySettings>('/security-settings', { two_factor_required: required }));
      setNote(t('security.saved'));
    } catch (err) {
      setError(errorText(err));
      // The box shows what is stored, not the refused click.
      setSettings((x) => (x ? { ...x } : x));
    }
  };
  return (
    <section class="panel" data-testid="security-policy">
      <div class="panel-head">
        <h2>{t('security.policy_title')}</h2>
      </div>
      {settings && (
        <label class="check">
          <input
            type="checkbox"
            checked={settings.two_factor_required}
            onChange={(e) => void set(e.currentTarget.checked)}
            data-testid="policy-require"
          />
          {t('security.policy_require')}
        </label>
      )}
      <p class="muted small">{t('security.policy_hint')}</p>
      {note && <p class="small">{note}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
