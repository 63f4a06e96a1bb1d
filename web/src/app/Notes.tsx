// The top of every screen: how the last action was placed when it had no fresh fix, and
// every action the server refused (in the screen's language, with what it named), so
// the rep sees it where they are looking, not on a screen they never open.
import { fmtAgo, t } from '../shared/i18n';
import { go } from '../shared/route';
import { useOutbox } from './hooks';
import { clearFixNote, useFixNote } from './notice';
import { missingText, refusalText } from './refusal';
import { outbox } from './session';

export function Notes() {
  const note = useFixNote();
  const { items } = useOutbox();
  const refused = items.filter((i) => i.status === 'failed');
  if (!note && refused.length === 0) return null;
  return (
    <div class="notes">
      {note && (
        <div class="note warn" data-testid="fix-note" data-kind={note.kind} role="status">
          <p>{note.kind === 'stale' ? t('fix.stale', { ago: fmtAgo(note.fixT, Date.parse(note.at)) }) : t('fix.none')}</p>
          <button class="link" onClick={clearFixNote}>
            {t('dismiss')}
          </button>
        </div>
      )}
      {refused.map((i) => (
        <div class="note bad" data-testid="refused" data-kind={i.kind} role="alert">
          <div class="note-body">
            <strong>
              {t(`action.${i.kind}`)} · {t('sync.problems')}
            </strong>
            <br />
            {refusalText(i)}
            {missingText(i).length > 0 && (
              <ul class="missing-list">
                {missingText(i).map((m) => (
                  <li>{m}</li>
                ))}
              </ul>
            )}
          </div>
          {i.kind === 'check-out' && i.visitId && (
            <button class="link" onClick={() => go('visit')}>
              {t('sync.open_visit')}
            </button>
          )}
          <button class="link" onClick={() => void outbox.dismiss(i.seq!)}>
            {t('dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
