// Today at a glance: clock in/out (with a live photo and the place), the visit in
// progress, visits done today, and the ways to start a visit.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../shared/errors';
import { fmtTime, t, tOr } from '../../shared/i18n';
import { go } from '../../shared/route';
import type { IntegrityDayPage, Me, Punch } from '../../shared/types';
import { punch } from '../actions';
import { takePhoto } from '../cameraHost';
import { useDay } from '../day';
import { useOutbox, useResult } from '../hooks';
import { refusalText } from '../refusal';
import { api, tracker } from '../session';
import { NotificationBell } from '../../shared/Notifications';

export function Home({ me, onSignOut }: { me: Me | null; onSignOut: () => void }) {
  const day = useDay();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const toExplain = useDaysToExplain();

  const doPunch = async (kind: 'clock-in' | 'clock-out') => {
    setBusy(true);
    setError('');
    try {
      // Never blocked for want of a fix: the place goes as well as the phone knows it.
      const place = await tracker.actionFix();
      const photo = await takePhoto();
      if (!photo) return;
      await punch(kind, place, photo);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!day) return null;
  return (
    <div class="stack">
      <section class="card" data-testid="attendance">
        <h2>{t('attendance.title')}</h2>
        <PunchLine label={t('attendance.in')} at={day.clockIn} />
        <PunchLine label={t('attendance.out')} at={day.clockOut} />
        <div class="row">
          {!day.clockIn && (
            <button class="primary big" disabled={busy} onClick={() => doPunch('clock-in')} data-testid="clock-in">
              {t('attendance.clock_in')}
            </button>
          )}
          {day.clockIn && !day.clockOut && (
            <button class="big" disabled={busy} onClick={() => doPunch('clock-out')} data-testid="clock-out">
              {t('attendance.clock_out')}
            </button>
          )}
        </div>
        {error && <p class="error">{error}</p>}
        <div class="row">
          <button class="link" onClick={() => go('leave')} data-testid="go-leave">
            {t('leave.title')}
          </button>
          <button class="link" onClick={() => go('checks')} data-testid="go-checks">
            {t('integrity.rep.open')}
            {toExplain > 0 && <span class="badge warn">{toExplain}</span>}
          </button>
          <button class="link" onClick={() => go('mileage')} data-testid="go-mileage">
            {t('mymileage.open')}
          </button>
          <NotificationBell
            api={api}
            // A rep's notifications are about their own requests: a claim opens My mileage,
            // leave the leave screen.
            onOpen={(n) => {
              if (n.claim_id || n.request_type === 'mileage_claim') go('mileage');
              else if (n.request_type === 'leave') go('leave');
            }}
          />
        </div>
      </section>

      {day.visit ? (
        <section class="card accent" onClick={() => go('visit')} data-testid="current-visit">
          <h2>{t('visit.in_progress')}</h2>
          <p>
            <strong>{day.visit.name || t('visit.customer')}</strong> · {fmtTime(day.visit.t)}
          </p>
          <button class="primary">{t('visit.open')}</button>
        </section>
      ) : (
        <section class="card">
          <h2>{t('visit.start')}</h2>
          <div class="row">
            <button class="primary big" onClick={() => go('plan')} data-testid="go-plan">
              {t('plan.today')}
            </button>
            <button class="big" onClick={() => go('customers')} data-testid="go-customers">
              {t('customers.mine')}
            </button>
            <button class="big" onClick={() => go('prospect')} data-testid="go-prospect">
              {t('prospect.title')}
            </button>
          </div>
        </section>
      )}

      <section class="card">
        <h2>
          {t('visit.done_today')} ({day.done.length})
        </h2>
        <ul class="plain" data-testid="done-today">
          {day.done.map((v) => (
            <li data-visit={v.id}>
              {fmtTime(v.t)}–{fmtTime(v.end)} {v.name || t('visit.customer')}
            </li>
          ))}
        </ul>
      </section>
      <p class="muted small">
        {me?.tenant.name} · {me?.employee.username}{' '}
        <button
          class="link"
          onClick={async () => {
            await api.logout();
            onSignOut();
          }}
        >
          {t('logout')}
        </button>
      </p>
    </div>
  );
}

/** How many of the rep's recent days wait for the manager with nothing said yet (0 offline). */
function useDaysToExplain(): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    api.get<IntegrityDayPage>('/integrity/days', { status: 'open', limit: 60 }).then(
      (p) => setN(p.items.filter((d) => d.level !== 'clean').length),
      () => setN(0),
    );
  }, []);
  return n;
}

function PunchLine({ label, at }: { label: string; at?: { id: string; t: string } }) {
  const result = useResult<Punch>(at?.id);
  const { items } = useOutbox();
  const item = at && items.find((i) => i.id === at.id);
  return (
    <p class="punch">
      <span>{label}</span>
      <strong>{at ? fmtTime(at.t) : '—'}</strong>
      {at && item?.status === 'waiting' && <span class="badge warn">{t('sync.pending')}</span>}
      {at && item?.status === 'failed' && <span class="badge bad">{refusalText(item)}</span>}
      {result && (
        <span class="muted" data-testid="punch-judgement">
          {judgementText(result.judgement)}
        </span>
      )}
    </p>
  );
}

/** The attendance judgement in words: time (on time, late…) and place (allowed…). */
function judgementText(j: Record<string, unknown>): string {
  return Object.values(j)
    .filter((v) => typeof v === 'string')
    .map((v) => tOr(`punch.${v}`, v as string))
    .join(' · ');
}
