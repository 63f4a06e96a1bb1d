// The API keys screen (admins): the company's integration keys with their scopes, expiry,
// last use (stamped at most once a minute) and rate limit; a new key shown once with a copy
// button; revoking; the company's default rate limit.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import type { MessageKey } from '../shared/messages';
import { fmtDate, fmtDateTime, fmtNumber, t } from '../shared/i18n';
import type { ApiKey, ApiKeyList, ApiScope, KeySettings, NewKeyResponse } from '../shared/types';
import { useLang } from '../shared/ui';
import { api } from './session';

/** The scope families in the order the form lists them; `events` is read-only. */
const FAMILIES = [
  'customers',
  'employees',
  'departments',
  'visits',
  'attendance',
  'tracking',
  'plans',
  'forms',
  'requests',
  'reports',
  'claims',
  'integrity',
  'webhooks',
  'audit',
  'events',
] as const;

const scope = (family: string, access: 'read' | 'write') => `${family}:${access}` as ApiScope;
const hasWrite = (family: string) => family !== 'events';

function status(k: ApiKey): 'active' | 'expired' | 'revoked' {
  if (k.revoked_at) return 'revoked';
  if (k.expires_at && new Date(k.expires_at).getTime() <= Date.now()) return 'expired';
  return 'active';
}

export function ApiKeys() {
  useLang();
  const [items, setItems] = useState<ApiKey[] | null>(null);
  const [settings, setSettings] = useState<KeySettings | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<ApiScope[]>([]);
  const [expires, setExpires] = useState('');
  const [limit, setLimit] = useState('');
  const [tenantLimit, setTenantLimit] = useState('');
  const [secret, setSecret] = useState<string | null>(null);

  const fail = (e: unknown) => setError(errorText(e));
  const load = () =>
    api.get<ApiKeyList>('/api-keys').then((l) => {
      setItems(l.items);
      setError('');
    }, fail);
  useEffect(() => {
    void load();
    api.get<KeySettings>('/api-keys/settings').then((s) => {
      setSettings(s);
      setTenantLimit(s.default_rate_limit_per_minute?.toString() ?? '');
    }, fail);
  }, []);

  const toggle = (s: ApiScope, on: boolean) => setChosen(on ? [...chosen, s] : chosen.filter((c) => c !== s));

  const create = (e: Event) => {
    e.preventDefault();
    setNotice('');
    api
      .post<NewKeyResponse>('/api-keys', {
        id: crypto.randomUUID(),
        name,
        scopes: chosen,
        // The end of the chosen day in the browser's zone.
        expires_at: expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined,
        rate_limit_per_minute: limit ? Number(limit) : undefined,
      })
      .then((r) => {
        setSecret(r.key ?? '');
        setName('');
        setChosen([]);
        setExpires('');
        setLimit('');
        setError('');
        void load();
      }, fail);
  };

  const revoke = (k: ApiKey) => {
    if (!confirm(t('keys.revoke_confirm'))) return;
    api.request('DELETE', `/api-keys/${k.id}`).then(() => void load(), fail);
  };

  const saveSettings = (e: Event) => {
    e.preventDefault();
    api
      .put<KeySettings>('/api-keys/settings', {
        default_rate_limit_per_minute: tenantLimit ? Number(tenantLimit) : null,
      })
      .then((s) => {
        setSettings(s);
        setNotice(t('keys.saved'));
        setError('');
      }, fail);
  };

  const limitText = (k: ApiKey) =>
    k.rate_limit_per_minute != null
      ? t('keys.per_minute', { n: fmtNumber(k.rate_limit_per_minute) })
      : t('keys.default_limit', {
          n: fmtNumber(settings?.default_rate_limit_per_minute ?? settings?.server_default_rate_limit ?? 0),
        });

  return (
    <section class="panel page" data-testid="api-keys-page">
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p class="muted" role="status" data-testid="api-keys-notice">
          {notice}
        </p>
      )}
      <p class="muted">{t('keys.intro')}</p>
      {secret !== null && (
        <div class="panel" data-testid="api-key-secret">
          <h3>{t('keys.secret_title')}</h3>
          <p>{t('keys.secret_once')}</p>
          <p>
            <code data-testid="api-key-secret-value">{secret}</code>{' '}
            <button
              type="button"
              onClick={() =>
                navigator.clipboard?.writeText(secret).then(
                  () => setNotice(t('keys.copied')),
                  () => {},
                )
              }
            >
              {t('keys.copy')}
            </button>{' '}
            <button type="button" onClick={() => setSecret(null)} data-testid="api-key-secret-done">
              {t('keys.done')}
            </button>
          </p>
        </div>
      )}
      <h2>{t('keys.new')}</h2>
      <form class="stack-form" style={{ maxWidth: '44rem' }} onSubmit={create} data-testid="api-key-form">
        <label>
          {t('keys.name')}
          <input name="name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <fieldset data-testid="api-key-scopes">
          <legend>{t('keys.scopes')}</legend>
          <table class="table compact">
            <thead>
              <tr>
                <th />
                <th>{t('keys.read')}</th>
                <th>{t('keys.write')}</th>
              </tr>
            </thead>
            <tbody>
              {FAMILIES.map((f) => (
                <tr class="static">
                  <td>{t(`scope.${f}` as MessageKey)}</td>
                  {(['read', 'write'] as const).map((a) => (
                    <td>
                      {(a === 'read' || hasWrite(f)) && (
                        <input
                          type="checkbox"
                          aria-label={`${f}:${a}`}
                          value={scope(f, a)}
                          checked={chosen.includes(scope(f, a))}
                          onChange={(e) => toggle(scope(f, a), e.currentTarget.checked)}
                        />
                      )}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </fieldset>
        <label>
          {t('keys.expires')}
          <input name="expires" type="date" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
          <span class="muted">{t('keys.expires_hint')}</span>
        </label>
        <label>
          {t('keys.limit')}
          <input
            name="limit"
            type="number"
            min={1}
            max={100000}
            value={limit}
            onInput={(e) => setLimit(e.currentTarget.value)}
          />
          <span class="muted">{t('keys.limit_hint')}</span>
        </label>
        <div>
          <button class="primary" type="submit" data-testid="api-key-create" disabled={chosen.length === 0}>
            {t('keys.create')}
          </button>
        </div>
      </form>
      {!items && !error && <p class="muted">{t('loading')}</p>}
      {items && items.length === 0 && (
        <p class="muted" data-testid="api-keys-none">
          {t('keys.none')}
        </p>
      )}
      {items && items.length > 0 && (
        <table class="table" data-testid="api-keys">
          <thead>
            <tr>
              <th>{t('keys.name')}</th>
              <th>{t('keys.col.key')}</th>
              <th>{t('keys.scopes')}</th>
              <th>{t('keys.col.created')}</th>
              <th>{t('keys.col.last_used')}</th>
              <th>{t('keys.col.expires')}</th>
              <th>{t('keys.col.limit')}</th>
              <th>{t('keys.col.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((k) => (
              <tr class="static" data-key={k.id} data-status={status(k)}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}</code>
                </td>
                <td title={k.scopes.join(' ')}>{t('keys.some_scopes', { n: fmtNumber(k.scopes.length) })}</td>
                <td>{fmtDateTime(k.created_at)}</td>
                <td data-testid="api-key-last-used">
                  {k.last_used_at ? fmtDateTime(k.last_used_at) : t('keys.never_used')}
                </td>
                <td data-testid="api-key-expires">{k.expires_at ? fmtDate(k.expires_at) : t('keys.never_expires')}</td>
                <td>{limitText(k)}</td>
                <td>{t(`keys.status.${status(k)}`)}</td>
                <td class="actions">
                  {!k.revoked_at && (
                    <button type="button" onClick={() => revoke(k)} data-testid="api-key-revoke">
                      {t('keys.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {settings && (
        <form class="stack-form" style={{ maxWidth: '40rem' }} onSubmit={saveSettings} data-testid="api-key-settings">
          <h2>{t('keys.settings')}</h2>
          <label>
            {t('keys.limit')}
            <input
              name="tenant_limit"
              type="number"
              min={1}
              max={100000}
              value={tenantLimit}
              onInput={(e) => setTenantLimit(e.currentTarget.value)}
            />
            <span class="muted">
              {t('keys.settings_hint', { n: fmtNumber(settings.server_default_rate_limit) })}
            </span>
          </label>
          <div>
            <button type="submit">{t('keys.save')}</button>
          </div>
        </form>
      )}
    </section>
  );
}
