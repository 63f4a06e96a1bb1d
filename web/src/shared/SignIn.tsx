// The sign-in of both front ends: company, username, password, errors in the screen's
// language; the second step when the person uses two-step sign-in (a code from the app,
// or a recovery code) or must set it up first (the company's policy); and — when the server runs the demo (`GET /demo/accounts` answers; 404
// otherwise, and then nothing is shown) — the demo's accounts of the given roles, a click
// filling in the form. The console also offers single sign-on when the company has it
// (`GET /auth/oidc/{tenant}`): the button sends the browser to the server's `…/start`, and
// the server sends it back here with `?sso_code=` (swapped for a session at once) or
// `?sso_error=` (shown in the user's language).
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api';
import { apiErrorText, errorText } from './errors';
import { t } from './i18n';
import type { MessageKey } from './messages';
import { Enrol } from './TwoFactor';
import type { DemoAccount, DemoAccounts, SsoOffered, TwoFactorChallenge } from './types';
import { LangSwitch, useLang } from './ui';

const ROLE_ORDER = ['admin', 'manager', 'finance', 'field'];

export function SignIn({
  api,
  title,
  roles = ROLE_ORDER,
  class: wrapClass,
  sso = false,
  onDone,
}: {
  api: Api;
  title: string;
  /** Which demo accounts to list (the field app lists only field reps). */
  roles?: string[];
  class: string;
  /** Offer single sign-on (the console; its answer comes back to the console's page). */
  sso?: boolean;
  onDone: () => void;
}) {
  useLang();
  const [tenant, setTenant] = useState(localStorage.getItem('outfield.tenant') ?? 'demo');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoAccounts | null>(null);
  const [challenge, setChallenge] = useState<TwoFactorChallenge | null>(null);
  const [ssoOffered, setSsoOffered] = useState(false);

  useEffect(() => {
    if (!sso) return;
    // The server's answer to a single sign-on: read once, then taken out of the address bar.
    const q = new URLSearchParams(location.search);
    const code = q.get('sso_code');
    const failed = q.get('sso_error');
    const company = q.get('tenant');
    if (!code && !failed) return;
    history.replaceState(null, '', location.pathname + location.hash);
    if (company) setTenant(company);
    if (failed) {
      setError(apiErrorText({ code: failed }));
      return;
    }
    if (!code || !company) return;
    setBusy(true);
    api.ssoExchange(company, code).then(
      () => {
        localStorage.setItem('outfield.tenant', company);
        onDone();
      },
      (err) => {
        setError(errorText(err));
        setBusy(false);
      },
    );
  }, []);

  useEffect(() => {
    if (!sso) return;
    const slug = tenant.trim();
    if (!slug) {
      setSsoOffered(false);
      return;
    }
    // Asked as the company is typed; a failure (an older server) just hides the button.
    const timer = setTimeout(() => {
      api.get<SsoOffered>(`/auth/oidc/${encodeURIComponent(slug)}`).then(
        (o) => setSsoOffered(o.enabled),
        () => setSsoOffered(false),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [tenant]);

  const startSso = () => {
    setBusy(true);
    location.assign(`/api/v1/auth/oidc/${encodeURIComponent(tenant.trim())}/start`);
  };

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
      const step = await api.login(tenant.trim(), username.trim(), password);
      localStorage.setItem('outfield.tenant', tenant.trim());
      if (step) {
        setPassword('');
        setChallenge(step);
      } else onDone();
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

  if (challenge) {
    return (
      <div class={wrapClass}>
        <SecondStep api={api} title={title} challenge={challenge} onDone={onDone} onRestart={() => setChallenge(null)} />
      </div>
    );
  }

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
        {sso && ssoOffered && (
          <>
            <p class="muted small">{t('login.or')}</p>
            <button type="button" data-testid="sso-start" disabled={busy} onClick={startSso}>
              {busy ? t('login.sso_busy') : t('login.sso')}
            </button>
          </>
        )}
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

/** After a right password: the code (or a recovery code), or the enrolment the company
 *  requires. */
function SecondStep({
  api,
  title,
  challenge,
  onDone,
  onRestart,
}: {
  api: Api;
  title: string;
  challenge: TwoFactorChallenge;
  onDone: () => void;
  onRestart: () => void;
}) {
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const token = challenge.challenge_token;

  const verify = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api.secondFactor(token, recovery ? { recovery_code: code.trim() } : { code: code.trim() });
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const head = (
    <div class="login-head">
      <h1>{title}</h1>
      <LangSwitch />
    </div>
  );
  if (challenge.two_factor === 'enrol') {
    return (
      <section class="login" data-testid="login-enrol">
        {head}
        <h2>{t('login.enrol_title')}</h2>
        <p class="muted small">{t('login.enrol_intro')}</p>
        <Enrol start={() => api.enrolAtLogin(token)} confirm={(c) => api.confirmAtLogin(token, c)} onDone={onDone} />
        <button type="button" class="link" onClick={onRestart}>
          {t('login.start_over')}
        </button>
      </section>
    );
  }
  return (
    <form class="login" onSubmit={verify} data-testid="login-2fa">
      {head}
      <h2>{t('login.two_factor_title')}</h2>
      <label>
        {recovery ? t('login.recovery_code') : t('login.two_factor_code')}
        <input
          name="code"
          inputMode={recovery ? 'text' : 'numeric'}
          autocomplete="one-time-code"
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
          required
        />
      </label>
      {error && (
        <p class="error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy} data-testid="login-verify">
        {t('login.verify')}
      </button>
      <button
        type="button"
        class="link"
        onClick={() => {
          setRecovery(!recovery);
          setCode('');
          setError('');
        }}
      >
        {recovery ? t('login.use_code') : t('login.use_recovery')}
      </button>
      <button type="button" class="link" onClick={onRestart}>
        {t('login.start_over')}
      </button>
    </form>
  );
}

function roleLabel(role: string): string {
  return ROLE_ORDER.includes(role) ? t(`role.${role}` as MessageKey) : role;
}
