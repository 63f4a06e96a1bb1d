// The rep's own anti-cheat verdicts: each recent day the checks did not find clean, said
// to the rep in plain words (what was seen, without the manager's jargon), where it
// stands (waiting, explained, decided), and — while the company's appeal window is open —
// a short explanation with an optional photo. Appeals go straight to the server (they
// need a connection); nothing about them waits in the outbox.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../shared/errors';
import { fmtDate, fmtDateTime, t } from '../../shared/i18n';
import { uuid, rfc3339 } from '../../shared/ids';
import { reasonForRep } from '../../shared/integrity';
import type { IntegrityAppeal, IntegrityDayDetail, IntegrityDayItem, IntegrityDayPage, Photo, PhotoMeta } from '../../shared/types';
import { useOutbox } from '../hooks';
import { api } from '../session';

export function ChecksScreen() {
  const [items, setItems] = useState<IntegrityDayItem[] | null>(null);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);

  useEffect(() => {
    setError('');
    api.get<IntegrityDayPage>('/integrity/days', { limit: 60 }).then(
      (p) => setItems(p.items.filter((d) => d.level !== 'clean')),
      (e) => setError(errorText(e)),
    );
  }, [tick]);

  return (
    <div class="stack" data-testid="checks">
      <section class="card">
        <h2>{t('integrity.rep.title')}</h2>
        <p class="muted small">{t('integrity.rep.intro')}</p>
      </section>
      {error && <p class="error">{error}</p>}
      {!items && !error && <p class="muted">{t('loading')}</p>}
      {items && items.length === 0 && (
        <p class="card muted" data-testid="checks-none">
          {t('integrity.rep.none')}
        </p>
      )}
      <ul class="cards">
        {(items ?? []).map((d) => (
          <CheckDay item={d} onChanged={() => setTick((n) => n + 1)} />
        ))}
      </ul>
    </div>
  );
}

function CheckDay({ item, onChanged }: { item: IntegrityDayItem; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const codes = [...new Set(item.reasons)];
  return (
    <li class={`card check-day level-${item.level}`} data-date={item.date} data-status={item.status}>
      <div class="row between">
        <strong>{fmtDate(item.date)}</strong>
        <span class={`badge ${item.level === 'likely_cheat' ? 'bad' : 'warn'}`}>
          {t(item.level === 'likely_cheat' ? 'integrity.rep.level.likely_cheat' : 'integrity.rep.level.review')}
        </span>
      </div>
      <ul class="rep-reasons">
        {codes.map((c) => (
          <li data-reason={c}>{reasonForRep(c)}</li>
        ))}
      </ul>
      <p class="small" data-testid="check-status">
        {t(`integrity.rep.status.${item.status}` as 'integrity.rep.status.open')}
      </p>
      {!open ? (
        <button class="link" onClick={() => setOpen(true)} data-testid="check-open">
          {item.status === 'open' ? t('integrity.rep.appeal') : t('integrity.rep.details')}
        </button>
      ) : (
        <AppealForm item={item} onChanged={onChanged} />
      )}
    </li>
  );
}

function AppealForm({ item, onChanged }: { item: IntegrityDayItem; onChanged: () => void }) {
  const { offline } = useOutbox();
  const [day, setDay] = useState<IntegrityDayDetail | null>(null);
  const [text, setText] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    api.get<IntegrityDayDetail>(`/integrity/days/${item.employee_id}/${item.date}`).then(setDay, (e) => setError(errorText(e)));
  }, [item.employee_id, item.date]);

  if (!day) return error ? <p class="error">{error}</p> : <p class="muted">{t('loading')}</p>;
  // An appeal of this version of the verdict is final; one of an earlier version is shown
  // above the form when the verdict changed since.
  const sent = day.appeal && (
    <div class="appeal-sent" data-testid="appeal-sent">
      <p class="muted small">{t('integrity.rep.appeal_sent', { time: fmtDateTime(day.appeal.at) })}</p>
      <blockquote>{day.appeal.text}</blockquote>
    </div>
  );
  if (!day.may_appeal)
    return sent || <p class="muted small" data-testid="appeal-closed">{t('integrity.rep.appeal_closed')}</p>;

  const send = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (!text.trim()) return setError(t('integrity.rep.appeal_empty'));
    if (offline) return setError(t('integrity.rep.appeal_online'));
    setBusy(true);
    try {
      const photoIds: string[] = [];
      if (photo) photoIds.push(await upload(photo));
      const body: IntegrityAppeal = { text: text.trim(), photo_ids: photoIds };
      const after = await api.post<IntegrityDayDetail>(`/integrity/days/${item.employee_id}/${item.date}/appeal`, body);
      setDay(after);
      onChanged();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="report appeal-form" onSubmit={send} noValidate data-testid="appeal-form">
      {sent}
      <p class="muted small">{t('integrity.rep.appeal_until', { date: fmtDateTime(day.appeal_until) })}</p>
      <label>
        {t('integrity.rep.appeal_text')}
        <textarea name="appeal" rows={4} maxLength={2000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <span class="muted small">{t('integrity.rep.appeal_help')}</span>
      </label>
      {/* The browser's own file button speaks the browser's language: ours speaks the app's. */}
      <label class="button file-pick">
        {photo ? t('integrity.rep.appeal_photo_chosen') : t('integrity.rep.appeal_photo')}
        <input
          type="file"
          accept="image/*"
          name="photo"
          class="visually-hidden"
          onChange={(e) => setPhoto(e.currentTarget.files?.[0] ?? null)}
        />
      </label>
      {error && <p class="error">{error}</p>}
      <button type="submit" class="primary big" disabled={busy} data-testid="appeal-send">
        {busy ? t('integrity.rep.appeal_sending') : t('integrity.rep.appeal_send')}
      </button>
    </form>
  );
}

/** Uploads the picked picture as a photo of the rep's own (not of a visit); its id. */
async function upload(file: File): Promise<string> {
  const id = uuid();
  const meta: PhotoMeta = { id, t: rfc3339(), capture: 'gallery' };
  const fd = new FormData();
  fd.append('meta', JSON.stringify(meta));
  fd.append('file', file, file.name || 'photo.jpg');
  const saved = await api.post<Photo>('/photos', fd);
  return saved.id;
}
