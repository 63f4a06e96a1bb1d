// Everything not yet confirmed by the server, oldest first: what is waiting (and since
// when), and what the server refused, with its reason.
import { fmtDateTime, t } from '../../shared/i18n';
import { useOutbox } from '../hooks';
import { refusalText } from '../refusal';
import { outbox } from '../session';

export function OutboxScreen() {
  const { items, offline } = useOutbox();
  return (
    <div class="stack">
      <h2>{t('sync.title')}</h2>
      <p class="muted">{offline ? t('sync.offline') : t('sync.online')}</p>
      <button onClick={() => void outbox.flush()}>{t('sync.now')}</button>
      {items.length === 0 && <p>{t('sync.done')}</p>}
      <ul class="cards" data-testid="outbox">
        {items.map((i) => (
          <li class="card" data-status={i.status}>
            <div class="row between">
              <strong>{t(`action.${i.kind}`)}</strong>
              <span class={i.status === 'failed' ? 'badge bad' : 'badge warn'}>
                {i.status === 'failed' ? t('sync.refused') : t('sync.pending')}
              </span>
            </div>
            <div class="muted small">{fmtDateTime(i.at)}</div>
            {i.status === 'failed' && <p class="error">{refusalText(i)}</p>}
            {i.status === 'failed' && <button onClick={() => void outbox.dismiss(i.seq!)}>{t('dismiss')}</button>}
          </li>
        ))}
      </ul>
    </div>
  );
}
