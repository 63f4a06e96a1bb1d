// Small pieces both front ends share: the language switch, the sign-in form and a hook
// that re-renders on a language change.
import { useEffect, useState } from 'preact/hooks';
import { describe, type Api } from './api';
import { currentLang, LANGS, onLangChange, setLang, t, type Lang } from './i18n';

/** Re-renders the calling component when the language changes. */
export function useLang(): Lang {
  const [lang, set] = useState(currentLang());
  useEffect(() => onLangChange(() => set(currentLang())), []);
  return lang;
}

export function LangSwitch() {
  const lang = useLang();
  return (
    <select
      class="lang"
      aria-label={t('language')}
      data-testid="lang"
      value={lang}
      onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}
    >
      {LANGS.map((l) => (
        <option value={l}>{l === 'zh-CN' ? '中文' : 'English'}</option>
      ))}
    </select>
  );
}

export function LoginForm({ api, title, onDone }: { api: Api; title: string; onDone: () => void }) {
  useLang();
  const [tenant, setTenant] = useState(localStorage.getItem('outfield.tenant') ?? 'demo');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api.login(tenant.trim(), username.trim(), password);
      localStorage.setItem('outfield.tenant', tenant.trim());
      onDone();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return (
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
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" class="primary" disabled={busy}>
        {t('login.submit')}
      </button>
    </form>
  );
}
