// The field app's sign-in: company, username, password; errors in the screen's language.
// A server started with `--demo` lists its field-rep demo accounts below the form (a tap
// fills it in); any other server answers 404 and the list stays hidden.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../shared/api';
import { errorText } from '../shared/errors';
import { t } from '../shared/i18n';
import { LangSwitch, useLang } from '../shared/ui';

interface DemoAccount {
  role: string;
  username: string;
  name: string;
  tenant: string;
}

interface DemoAccounts {
  items: DemoAccount[];
  password_hint: string | null;
}

export function AppLogin({ api, onDone }: { api: Api; onDone: () => void }) {
  useLang();
  const [tenant, setTenant] = useState(localStorage.getItem('outfield.tenant') ?? 'demo');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoAccounts | null>(null);

  useEffect(() => {
    api.get<DemoAccounts>('/demo/accounts').then(
      (d) => setDemo({ ...d, items: d.items.filter((a) => a.role === 'field') }),
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

  const pick = (a: DemoAccount) => {
    setTenant(a.tenant);
    setUsername(a.username);
    if (demo?.password_hint) setPassword(demo.password_hint);
  };

  return (
    <div class="stack app-login">
      <form class="login" onSubmit={submit} data-testid="login">
        <div class="login-head">
          <h1>{t('app.title')}</h1>
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
      {demo && demo.items.length > 0 && (
        <section class="login demo-accounts" data-testid="demo-accounts">
          <h2>{t('login.demo')}</h2>
          <p class="muted small">
            {t('login.demo_hint')}
            {demo.password_hint && <> {t('login.demo_password', { password: demo.password_hint })}</>}
          </p>
          <ul class="plain">
            {demo.items.map((a) => (
              <li>
                <button type="button" class="link" data-username={a.username} onClick={() => pick(a)}>
                  {a.name} · {a.username}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
