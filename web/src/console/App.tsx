// The console's frame: sign-in, the top bar with its sections, and the section the hash
// names. Each section is its own small module.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import { chooseTiles, currentTiles, TILE_SOURCES } from '../shared/map';
import { go, useRoute } from '../shared/route';
import type { Me } from '../shared/types';
import { LangSwitch, LoginForm, useLang } from '../shared/ui';
import { Attendance } from './Attendance';
import { Forms } from './Forms';
import { Customers } from './Customers';
import { Directory, DirectoryContext } from './directory';
import { LiveMap } from './LiveMap';
import { People } from './People';
import { Plans } from './Plans';
import { Requests } from './Requests';
import { Rules } from './Rules';
import { api } from './session';
import { TrackReplay } from './TrackReplay';
import { Visits } from './Visits';


const NAV: { id: string; label: MessageKey; ready: boolean }[] = [
  { id: 'live', label: 'nav.live', ready: true },
  { id: 'visits', label: 'nav.visits', ready: true },
  { id: 'plans', label: 'nav.plans', ready: true },
  { id: 'customers', label: 'nav.customers', ready: true },
  { id: 'attendance', label: 'nav.attendance', ready: true },
  { id: 'requests', label: 'nav.requests', ready: true },
  { id: 'forms', label: 'nav.forms', ready: true },
  { id: 'rules', label: 'nav.rules', ready: true },
  { id: 'people', label: 'nav.people', ready: true },
];

export function App() {
  useLang();
  const [signedIn, setSignedIn] = useState(api.signedIn);
  const [me, setMe] = useState<Me | null>(null);
  const [directory, setDirectory] = useState<Directory | null>(null);
  const route = useRoute();

  useEffect(() => {
    api.onUnauthorized = () => setSignedIn(false);
  }, []);

  useEffect(() => {
    if (!signedIn) return;
    api.get<Me>('/me').then(setMe, () => {});
    const d = new Directory(api);
    setDirectory(d);
    void d.load();
  }, [signedIn]);

  if (!signedIn) {
    return (
      <div class="center">
        <LoginForm api={api} title={t('console.title')} onDone={() => setSignedIn(true)} />
      </div>
    );
  }

  const section = route[0] ?? 'live';
  return (
    <DirectoryContext.Provider value={directory}>
      <div class="shell">
        <header class="topbar">
          <strong class="brand">Outfield</strong>
          <nav>
            {NAV.map((n) => (
              <a
                href={n.ready ? `#/${n.id}` : undefined}
                class={(section === n.id || (n.id === 'live' && section === 'track') ? 'active ' : '') + (n.ready ? '' : 'soon')}
                title={n.ready ? undefined : t('soon')}
                data-testid={`nav-${n.id}`}
              >
                {t(n.label)}
              </a>
            ))}
          </nav>
          <span class="spacer" />
          <select
            aria-label={t('tiles')}
            value={currentTiles().id}
            onChange={(e) => {
              chooseTiles(e.currentTarget.value);
              location.reload();
            }}
          >
            {TILE_SOURCES.map((s) => (
              <option value={s.id}>{t(`tiles.${s.id}` as MessageKey)}</option>
            ))}
          </select>
          <LangSwitch />
          <span class="who" data-testid="who">{me?.employee.name}</span>
          <button
            onClick={async () => {
              await api.logout();
              setSignedIn(false);
              go('live');
            }}
          >
            {t('logout')}
          </button>
        </header>
        <main class="content">
          {section === 'live' && <LiveMap />}
          {section === 'track' && <TrackReplay employeeId={route[1]} date={route[2]} />}
          {section === 'visits' && <Visits selected={route[1]} />}
          {section === 'customers' && <Customers />}
          {section === 'plans' && <Plans />}
          {section === 'attendance' && <Attendance />}
          {section === 'requests' && <Requests />}
          {section === 'forms' && <Forms />}
          {section === 'rules' && <Rules />}
          {section === 'people' && <People />}
        </main>
      </div>
    </DirectoryContext.Provider>
  );
}
