// The webhooks screen (admins): the addresses that receive the company's events, a new
// endpoint's signing secret shown once with a copy button, turning an endpoint on and off,
// a test-send, and each endpoint's delivery log with "send again". Events and results are
// shown in words; the address and description are what the admin typed.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDateTime, fmtNumber, t, tOr } from '../shared/i18n';
import type { Delivery, DeliveryPage, EventType, Webhook, WebhookList, WebhookWithSecret } from '../shared/types';
import { useLang } from '../shared/ui';
import { api } from './session';

const EVENT_TYPES: EventType[] = [
  'visit.checked_in',
  'visit.checked_out',
  'visit.reported',
  'attendance.punched',
  'customer.created',
  'customer.updated',
  'customer.approved',
  'customer.deleted',
  'employee.created',
  'employee.updated',
  'department.created',
  'department.updated',
  'department.deleted',
  'request.created',
  'request.decided',
  'plan.published',
  'track_day.updated',
  'claim.submitted',
  'claim.decided',
  'payout.created',
  'approval.submitted',
  'approval.decided',
  'approval.finished',
  'approval.withdrawn',
  'approval.reminded',
  'integrity.verdict_changed',
  'integrity.reviewed',
  'integrity.appealed',
  'webhook.disabled',
];

export const eventLabel = (type: string): string => tOr(`event.${type}`, t('event.other'));

function resultText(d: Delivery): string {
  if (d.status != null) return t('webhooks.result.status', { status: d.status });
  return tOr(`webhooks.result.${d.error ?? 'connection'}`, t('webhooks.result.connection'));
}

function statusText(w: Webhook): string {
  if (w.enabled) return t('webhooks.enabled');
  if (w.disabled_reason) return tOr(`webhooks.disabled.${w.disabled_reason}`, t('webhooks.disabled'));
  return t('webhooks.disabled');
}

export function Webhooks() {
  useLang();
  const [items, setItems] = useState<Webhook[] | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [all, setAll] = useState(true);
  const [chosen, setChosen] = useState<EventType[]>([]);
  const [secret, setSecret] = useState<{ value: string; rotated: boolean } | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const fail = (e: unknown) => setError(errorText(e));
  const load = () =>
    api.get<WebhookList>('/webhooks').then((l) => {
      setItems(l.items);
      setError('');
    }, fail);
  useEffect(() => void load(), []);

  const create = (e: Event) => {
    e.preventDefault();
    setNotice('');
    api
      .post<WebhookWithSecret>('/webhooks', {
        id: crypto.randomUUID(),
        url,
        description: description || undefined,
        event_types: all ? undefined : chosen,
      })
      .then((r) => {
        setSecret({ value: r.secret ?? '', rotated: false });
        setUrl('');
        setDescription('');
        setError('');
        void load();
      }, fail);
  };

  const toggle = (w: Webhook) =>
    api
      .put<Webhook>(`/webhooks/${w.id}`, {
        url: w.url,
        description: w.description,
        event_types: w.event_types ?? undefined,
        enabled: !w.enabled,
      })
      .then(() => void load(), fail);

  const test = (w: Webhook) =>
    api.post<Delivery>(`/webhooks/${w.id}/test`).then((d) => {
      setNotice(t('webhooks.tested', { result: resultText(d) }));
      setOpen(null);
      setTimeout(() => setOpen(w.id), 0);
    }, fail);

  const rotate = (w: Webhook) =>
    api.post<WebhookWithSecret>(`/webhooks/${w.id}/rotate-secret`).then((r) => {
      setSecret({ value: r.secret ?? '', rotated: true });
      void load();
    }, fail);

  const remove = (w: Webhook) => {
    if (!confirm(t('webhooks.delete_confirm'))) return;
    api.request('DELETE', `/webhooks/${w.id}`).then(() => {
      if (open === w.id) setOpen(null);
      void load();
    }, fail);
  };

  return (
    <section class="panel page" data-testid="webhooks-page">
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p class="muted" role="status" data-testid="webhooks-notice">
          {notice}
        </p>
      )}
      <p class="muted">{t('webhooks.intro')}</p>
      {secret && (
        <div class="panel" data-testid="webhook-secret">
          <h3>{t('webhooks.secret_title')}</h3>
          <p>{t(secret.rotated ? 'webhooks.secret_rotated' : 'webhooks.secret_once')}</p>
          <p>
            <code data-testid="webhook-secret-value">{secret.value}</code>{' '}
            <button
              type="button"
              data-testid="webhook-copy"
              onClick={() =>
                navigator.clipboard?.writeText(secret.value).then(
                  () => setNotice(t('webhooks.copied')),
                  () => {},
                )
              }
            >
              {t('webhooks.copy')}
            </button>{' '}
            <button type="button" onClick={() => setSecret(null)} data-testid="webhook-secret-done">
              {t('webhooks.done')}
            </button>
          </p>
        </div>
      )}
      <h2>{t('webhooks.new')}</h2>
      <form class="stack-form" style={{ maxWidth: '40rem' }} onSubmit={create} data-testid="webhook-form">
        <label>
          {t('webhooks.url')}
          <input
            name="url"
            type="url"
            required
            placeholder="https://"
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('webhooks.description')}
          <input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <label class="check">
          <input type="checkbox" name="all" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} />
          {t('webhooks.all_events')}
        </label>
        {!all && (
          <fieldset data-testid="webhook-events">
            <legend>{t('webhooks.events')}</legend>
            {EVENT_TYPES.map((type) => (
              <label class="check">
                <input
                  type="checkbox"
                  value={type}
                  checked={chosen.includes(type)}
                  onChange={(e) =>
                    setChosen(e.currentTarget.checked ? [...chosen, type] : chosen.filter((c) => c !== type))
                  }
                />
                {eventLabel(type)}
              </label>
            ))}
          </fieldset>
        )}
        <div>
          <button class="primary" type="submit" data-testid="webhook-create">
            {t('webhooks.create')}
          </button>
        </div>
      </form>
      {!items && !error && <p class="muted">{t('loading')}</p>}
      {items && items.length === 0 && (
        <p class="muted" data-testid="webhooks-none">
          {t('webhooks.none')}
        </p>
      )}
      {items && items.length > 0 && (
        <table class="table" data-testid="webhooks">
          <thead>
            <tr>
              <th>{t('webhooks.url')}</th>
              <th>{t('webhooks.description')}</th>
              <th>{t('webhooks.events')}</th>
              <th>{t('webhooks.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((w) => (
              <tr class="static" data-webhook={w.id} data-enabled={String(w.enabled)}>
                <td>{w.url}</td>
                <td>{w.description}</td>
                <td>
                  {w.event_types
                    ? t('webhooks.some_events', { n: fmtNumber(w.event_types.length) })
                    : t('webhooks.all_events')}
                </td>
                <td>
                  {statusText(w)}
                  {w.failing_since && (
                    <div class="muted">{t('webhooks.failing_since', { at: fmtDateTime(w.failing_since) })}</div>
                  )}
                </td>
                <td class="actions">
                  <button type="button" onClick={() => void toggle(w)} data-testid="webhook-toggle">
                    {t(w.enabled ? 'webhooks.disable' : 'webhooks.enable')}
                  </button>
                  <button type="button" onClick={() => void test(w)} data-testid="webhook-test">
                    {t('webhooks.test')}
                  </button>
                  <button
                    type="button"
                    onClick={() => setOpen(open === w.id ? null : w.id)}
                    data-testid="webhook-log"
                  >
                    {t('webhooks.log')}
                  </button>
                  <button type="button" onClick={() => void rotate(w)} data-testid="webhook-rotate">
                    {t('webhooks.rotate')}
                  </button>
                  <button type="button" onClick={() => remove(w)} data-testid="webhook-delete">
                    {t('webhooks.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <DeliveryLog id={open} onNotice={setNotice} onError={fail} />}
    </section>
  );
}

function DeliveryLog({ id, onNotice, onError }: { id: string; onNotice: (s: string) => void; onError: (e: unknown) => void }) {
  useLang();
  const [rows, setRows] = useState<Delivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);

  const load = (after?: string) =>
    api.get<DeliveryPage>(`/webhooks/${id}/deliveries`, { limit: 50, cursor: after }).then((p) => {
      setRows((before) => (after ? [...(before ?? []), ...p.items] : p.items));
      setCursor(p.next_cursor ?? null);
    }, onError);
  useEffect(() => void load(), [id]);

  const again = (d: Delivery) =>
    api.post(`/webhooks/${id}/deliveries/${d.id}/redeliver`).then(() => onNotice(t('webhooks.redelivered')), onError);

  return (
    <div data-testid="webhook-deliveries">
      <h2>{t('webhooks.log_title')}</h2>
      {rows && rows.length === 0 && (
        <p class="muted" data-testid="webhook-deliveries-empty">
          {t('webhooks.log_empty')}
        </p>
      )}
      {rows && rows.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th>{t('webhooks.col.time')}</th>
              <th>{t('webhooks.col.event')}</th>
              <th>{t('webhooks.col.attempt')}</th>
              <th>{t('webhooks.col.result')}</th>
              <th>{t('webhooks.col.latency')}</th>
              <th>{t('webhooks.col.next')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr class="static" data-delivery={d.id}>
                <td>{fmtDateTime(d.requested_at)}</td>
                <td>{eventLabel(d.event_type)}</td>
                <td>{fmtNumber(d.attempt)}</td>
                <td data-testid="delivery-result">{resultText(d)}</td>
                <td>{t('webhooks.latency', { ms: fmtNumber(d.latency_ms) })}</td>
                <td>{d.next_attempt_at ? fmtDateTime(d.next_attempt_at) : '—'}</td>
                <td>
                  <button type="button" onClick={() => void again(d)} data-testid="delivery-redeliver">
                    {t('webhooks.redeliver')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          {t('webhooks.more')}
        </button>
      )}
    </div>
  );
}
