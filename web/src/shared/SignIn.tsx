// The sign-in of both front ends: company, username, password, errors in the screen's
// language, and — when the server runs the demo (`GET /demo/accounts` answers; 404
// otherwise, and then nothing is shown) — the demo's accounts of the given roles, a click
// filling in the form.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api';
import { errorText } from './errors';
import { t } from './i18n';
import type { MessageKey } from './messages';
import type { DemoAccount, DemoAccounts } from './types';
import { LangSwitch, useLang } from './ui';

const ROLE_ORDER = ['admin', 'manager', 'finance', 'field'];

export function SignIn({
  api,
  title,
  roles = ROLE_ORDER,
  class: wrapClass,
  onDone,
}: {
  api: Api;
  title: string;
  /** Which demo accounts to list (the field app lists only field reps). */
  roles?: string[];
  class: string;
  onDone: () => void;
}) {
  useLang();
  const [tenant, setTenant] = useState(localStorage.getItem('outfield.tenant') ?? 'demo');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoAccounts | null>(null);

  useEffect(() => {
    // Without auth; any failure (404 off the demo, an older server) just hides the list.
    api.get<DemoAccounts>('/demo/accounts').then(
      (d) => setDemo(d?.items?.length ? d : null),
      () => setDemo(null),
    );
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api.login(tenant.trim(), username.trim(), password);
      localStorage.setItem('outfield.tenant', tenant.trim());
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const fill = (a: DemoAccount) => {
    setTenant(a.tenant);
    setUsername(a.username);
    if (demo?.password_hint) setPassword(demo.password_hint);
  };

  const accounts = (demo?.items ?? [])
    .filter((a) => roles.includes(a.role))
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.username.localeCompare(b.username));
  return (
    <div class={wrapClass}>
      <form class="login" onSubmit={submit} data-testid="login">
        <div class="login-head">
          <h1>{title}</h1>
          <LangSwitch />
        </div>
        <label>
          {t('login.tenant')}
          <input name="tenant" value={tenant} onInput={(e) => setTenant(e.currentTarget.value)} required />
        </label>
        <label>
          {t('login.username')}
          <input
            name="username"
            autocomplete="username"
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
            required
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
        </label>
        {error && (
          <p class="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
      {demo && accounts.length > 0 && (
        <section class="login demo-accounts" data-testid="demo-accounts">
          <h2>{t('demo.accounts')}</h2>
          <p class="muted small">
            {t('demo.pick')} {demo.password_hint ? t('demo.password', { password: demo.password_hint }) : ''}
          </p>
          <ul class="plain">
            {accounts.map((a) => (
              <li>
                <button type="button" class="link" data-username={a.username} onClick={() => fill(a)}>
                  {a.name}
                </button>{' '}
                <span class="muted small">
                  {roleLabel(a.role)} · {a.username}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function roleLabel(role: string): string {
  return ROLE_ORDER.includes(role) ? t(`role.${role}` as MessageKey) : role;
}
