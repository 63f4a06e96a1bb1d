// The bell: how many in-app notifications are unread, and on a tap the latest ones in
// words (a request waiting for you, your request decided, your claim paid). Opening one
// marks it read and hands it to the screen that shows its subject. Shared by the console's
// top bar and the field app's home screen; it asks again every minute.
import { useEffect, useState } from 'preact/hooks';
import type { Api } from './api';
import { fmtDateTime, t, tOr } from './i18n';
import type { NotificationPage, NotificationView, UnreadCount } from './types';

const EVERY_MS = 60_000;

/** A notification in words, in the user's language. */
export function noteText(n: NotificationView): string {
  const type = n.request_type ? tOr(`approvals.type.${n.request_type}`, t('notes.request')) : t('notes.request');
  switch (n.kind) {
    case 'approval_waiting':
      return n.from?.name ? t('notes.approval_waiting', { who: n.from.name, type }) : t('notes.approval_waiting_anon', { type });
    case 'approval_reminder':
      return t('notes.approval_reminder', { who: n.from?.name ?? '', type });
    case 'approval_decided':
      return n.status === 'approved' ? t('notes.approval_decided.approved', { type }) : t('notes.approval_decided.rejected', { type });
    case 'claim_paid':
      return t('notes.claim_paid');
  }
}

export function NotificationBell({ api, onOpen }: { api: Api; onOpen: (n: NotificationView) => void }) {
  const [page, setPage] = useState<NotificationPage | null>(null);
  const [open, setOpen] = useState(false);

  const load = () =>
    api.get<NotificationPage>('/me/notifications', { limit: 20 }).then(
      (p) => setPage(p),
      () => {},
    );
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), EVERY_MS);
    return () => clearInterval(timer);
  }, []);

  const unread = page?.unread ?? 0;
  const pick = async (n: NotificationView) => {
    if (!n.read_at) await api.post<UnreadCount>(`/me/notifications/${n.id}/read`).catch(() => {});
    setOpen(false);
    void load();
    onOpen(n);
  };
  const readAll = async () => {
    await api.post<UnreadCount>('/me/notifications/read').catch(() => {});
    void load();
  };

  return (
    <span class="bell-wrap">
      <button
        type="button"
        class="bell"
        aria-label={t('notes.open')}
        aria-expanded={open}
        onClick={() => {
          if (!open) void load();
          setOpen(!open);
        }}
        data-testid="notifications-bell"
        data-unread={unread}
      >
        {t('notes.title')}
        {unread > 0 && (
          <span class="count" data-testid="notifications-count" aria-label={t('notes.unread', { n: unread })}>
            {' '}
            {unread}
          </span>
        )}
      </button>
      {open && (
        <div class="bell-panel" role="dialog" aria-label={t('notes.title')} data-testid="notifications">
          {page && page.items.length === 0 && <p class="muted">{t('notes.none')}</p>}
          <ul class="plain">
            {page?.items.map((n) => (
              <li data-notification={n.id} data-kind={n.kind} data-read={n.read_at ? 'yes' : 'no'} class={n.read_at ? 'read' : 'unread'}>
                <button type="button" class="link" onClick={() => void pick(n)}>
                  {noteText(n)}
                </button>
                <div class="muted small">{fmtDateTime(n.at)}</div>
              </li>
            ))}
          </ul>
          {unread > 0 && (
            <button type="button" onClick={() => void readAll()} data-testid="notifications-read-all">
              {t('notes.read_all')}
            </button>
          )}
        </div>
      )}
    </span>
  );
}
