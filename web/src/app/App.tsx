// The field app's frame: sign-in, then the screen the hash names, with the sync status
// always visible at the top (how many actions are waiting, and whether we are offline),
// and below it the notes every screen shares (position used, actions refused). On
// sign-in and on start the server's view of the day is merged in (today.ts).
import { useEffect, useState } from 'preact/hooks';
import { setTimeZone, t } from '../shared/i18n';
import { go, useRoute } from '../shared/route';
import type { Me } from '../shared/types';
import { LangSwitch, useLang } from '../shared/ui';
import { CameraHost } from './cameraHost';
import { kvGet, kvSet } from './db';
import { useOutbox } from './hooks';
import { SignIn } from '../shared/SignIn';
import { Notes } from './Notes';
import { ChecksScreen } from './screens/Checks';
import { CustomerScreen, CustomersScreen } from './screens/Customers';
import { Home } from './screens/Home';
import { LeaveScreen } from './screens/Leave';
import { MileageScreen } from './screens/Mileage';
import { OutboxScreen } from './screens/OutboxScreen';
import { PlanScreen } from './screens/Plan';
import { ProspectScreen } from './screens/Prospect';
import { VisitScreen } from './screens/Visit';
import { api, outbox, tracker } from './session';
import { connectToday, syncToday } from './today';

connectToday();

export function App() {
  useLang();
  const [signedIn, setSignedIn] = useState(api.signedIn);
  const [me, setMe] = useState<Me | null>(null);
  const route = useRoute();

  useEffect(() => {
    api.onUnauthorized = () => setSignedIn(false);
  }, []);

  useEffect(() => {
    if (!signedIn) return;
    // Who I am comes from the cache when offline.
    const known = (m: Me) => {
      setTimeZone(m.tenant.timezone);
      setMe(m);
    };
    api.get<Me>('/me').then(
      (m) => {
        known(m);
        void kvSet('me', m);
      },
      () => void kvGet<Me>('me').then((m) => m && known(m)),
    );
    void tracker.start();
    // What is queued goes first; the server's day is read now and again once it is sent.
    void outbox.flush();
    void syncToday();
    return () => tracker.stop();
  }, [signedIn]);

  if (!signedIn) {
    return (
      <div class="center">
        <SignIn api={api} title={t('app.title')} roles={['field']} class="stack app-login" onDone={() => setSignedIn(true)} />
      </div>
    );
  }

  const screen = route[0] ?? 'home';
  return (
    <div class="phone">
      <header class="appbar">
        {screen !== 'home' ? (
          <button class="icon" onClick={() => history.back()} aria-label={t('back')}>
            ‹
          </button>
        ) : (
          <strong>{me?.employee.name ?? 'Outfield'}</strong>
        )}
        <span class="spacer" />
        <SyncBadge />
        <LangSwitch />
      </header>
      <main class="screen">
        <Notes />
        {screen === 'home' && <Home me={me} onSignOut={() => setSignedIn(false)} />}
        {screen === 'plan' && <PlanScreen />}
        {screen === 'customers' && <CustomersScreen />}
        {screen === 'customer' && <CustomerScreen id={route[1]} />}
        {screen === 'prospect' && <ProspectScreen />}
        {screen === 'visit' && <VisitScreen />}
        {screen === 'outbox' && <OutboxScreen />}
        {screen === 'leave' && <LeaveScreen me={me} />}
        {screen === 'checks' && <ChecksScreen />}
        {screen === 'mileage' && <MileageScreen />}
      </main>
      <CameraHost />
    </div>
  );
}

function SyncBadge() {
  const { items, offline } = useOutbox();
  const waiting = items.filter((i) => i.status === 'waiting').length;
  const failed = items.filter((i) => i.status === 'failed').length;
  const label = failed
    ? t('sync.failed', { n: failed })
    : waiting
      ? t('sync.waiting', { n: waiting })
      : offline
        ? t('sync.offline')
        : t('sync.done');
  const cls = failed ? 'badge bad' : waiting || offline ? 'badge warn' : 'badge ok';
  return (
    <button class={cls} data-testid="sync" data-waiting={waiting} data-failed={failed} onClick={() => go('outbox')}>
      {label}
    </button>
  );
}
