// The single sign-on screen (admins): the company's OpenID provider — issuer, client id
// and secret (write-only: the screen only says whether one is saved), the claim that holds
// the username, creating accounts on first sign-in (off unless chosen, into a chosen
// department), on or off — and the redirect address to register at the provider.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { t } from '../shared/i18n';
import type { Department, SsoSettings } from '../shared/types';
import { useLang } from '../shared/ui';
import { api } from './session';

export function Sso() {
  useLang();
  const [saved, setSaved] = useState<SsoSettings | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [claim, setClaim] = useState('preferred_username');
  const [jit, setJit] = useState(false);
  const [department, setDepartment] = useState('');
  const [enabled, setEnabled] = useState(false);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  const show = (s: SsoSettings) => {
    setSaved(s);
    setIssuer(s.issuer_url);
    setClientId(s.client_id);
    setSecret('');
    setClaim(s.username_claim);
    setJit(s.jit_provisioning);
    setDepartment(s.jit_department_id ?? '');
    setEnabled(s.enabled);
  };

  useEffect(() => {
    api.get<SsoSettings>('/sso').then(show, (e) => setError(errorText(e)));
    api.all<Department>('/departments').then(setDepartments, () => setDepartments([]));
  }, []);

  const save = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setNotice('');
    api
      .put<SsoSettings>('/sso', {
        issuer_url: issuer,
        client_id: clientId,
        client_secret: secret || undefined,
        username_claim: claim || undefined,
        jit_provisioning: jit,
        jit_department_id: department || undefined,
        enabled,
      })
      .then(
        (s) => {
          show(s);
          setError('');
          setNotice(t('sso.saved'));
        },
        (err) => setError(errorText(err)),
      )
      .finally(() => setBusy(false));
  };

  if (!saved) {
    return (
      <section class="panel page" data-testid="sso-page">
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : (
          <p class="muted">{t('loading')}</p>
        )}
      </section>
    );
  }
  return (
    <section class="panel page" data-testid="sso-page">
      <p class="muted">{t('sso.intro')}</p>
      <p>
        <strong>{t('sso.redirect_uri')}</strong>: <code data-testid="sso-redirect-uri">{saved.redirect_uri}</code>
      </p>
      <form class="stack-form" onSubmit={save} data-testid="sso-settings">
        <label>
          {t('sso.issuer_url')}
          <input name="issuer_url" type="url" value={issuer} onInput={(e) => setIssuer(e.currentTarget.value)} required />
        </label>
        <label>
          {t('sso.client_id')}
          <input name="client_id" value={clientId} onInput={(e) => setClientId(e.currentTarget.value)} required />
        </label>
        <label>
          {t('sso.client_secret')}
          <input
            name="client_secret"
            type="password"
            autocomplete="off"
            value={secret}
            onInput={(e) => setSecret(e.currentTarget.value)}
            required={!saved.client_secret_set}
          />
          {saved.client_secret_set && <span class="muted small">{t('sso.secret_kept')}</span>}
        </label>
        <label>
          {t('sso.username_claim')}
          <input name="username_claim" value={claim} onInput={(e) => setClaim(e.currentTarget.value)} />
          <span class="muted small">{t('sso.claim_hint')}</span>
        </label>
        <label class="check">
          <input type="checkbox" name="jit" checked={jit} onChange={(e) => setJit(e.currentTarget.checked)} />
          {t('sso.jit')}
        </label>
        {jit && (
          <label>
            {t('sso.jit_department')}
            <select name="jit_department_id" value={department} onChange={(e) => setDepartment(e.currentTarget.value)}>
              <option value="">{t('sso.choose')}</option>
              {departments.map((d) => (
                <option value={d.id}>{d.name}</option>
              ))}
            </select>
          </label>
        )}
        <label class="check">
          <input
            type="checkbox"
            name="enabled"
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          {t('sso.enabled')}
        </label>
        {error && (
          <p class="error" role="alert" data-testid="sso-error">
            {error}
          </p>
        )}
        {notice && (
          <p class="muted" role="status" data-testid="sso-notice">
            {notice}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('sso.save')}
        </button>
      </form>
    </section>
  );
}
