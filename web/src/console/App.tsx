// The console's frame: sign-in, the top bar with its sections, and the section the hash
// names. Each section is its own small module; the nav shows only the sections the
// signed-in role may use (roles.ts), and a field rep is pointed to the field app.
import { useEffect, useState } from 'preact/hooks';
import { setTimeZone, t } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import { chooseTiles, currentTiles, TILE_SOURCES } from '../shared/map';
import { go, useRoute } from '../shared/route';
import type { Me } from '../shared/types';
import { LangSwitch, useLang } from '../shared/ui';
import { NotificationBell } from '../shared/Notifications';
import { ApiKeys } from './ApiKeys';
import { ApprovalFlows } from './ApprovalFlows';
import { Approvals, loadInbox } from './Approvals';
import { Attendance } from './Attendance';
import { Audit } from './Audit';
import { ClaimSettings } from './ClaimSettings';
import { Claims } from './Claims';
import { Forms } from './Forms';
import { Integrity } from './Integrity';
import { Jobs } from './Jobs';
import { Customers } from './Customers';
import { Dashboard } from './Dashboard';
import { Insights } from './Insights';
import { Reports } from './Reports';
import { Directory, DirectoryContext } from './directory';
import { LiveMap } from './LiveMap';
import { SignIn } from '../shared/SignIn';
import { Mileage } from './Mileage';
import { RoleContext, SelfContext, sections, type Section } from './roles';
import { People } from './People';
import { Payouts } from './Payouts';
import { Plans } from './Plans';
import { Requests } from './Requests';
import { Rules } from './Rules';
import { Security } from './Security';
import { api } from './session';
import { TrackReplay } from './TrackReplay';
import { Visits } from './Visits';
import { Sso } from './Sso';
import { Webhooks } from './Webhooks';


const NAV: { id: Section; label: MessageKey }[] = [
  { id: 'dashboard', label: 'nav.dashboard' },
  { id: 'reports', label: 'nav.reports' },
  { id: 'insights', label: 'nav.insights' },
  { id: 'live', label: 'nav.live' },
  { id: 'visits', label: 'nav.visits' },
  { id: 'plans', label: 'nav.plans' },
  { id: 'customers', label: 'nav.customers' },
  { id: 'attendance', label: 'nav.attendance' },
  { id: 'mileage', label: 'nav.mileage' },
  { id: 'approvals', label: 'nav.approvals' },
  { id: 'claims', label: 'nav.claims' },
  { id: 'payouts', label: 'nav.payouts' },
  { id: 'requests', label: 'nav.requests' },
  { id: 'integrity', label: 'nav.integrity' },
  { id: 'forms', label: 'nav.forms' },
  { id: 'rules', label: 'nav.rules' },
  { id: 'claim-settings', label: 'nav.claim_settings' },
  { id: 'approval-flows', label: 'nav.approval_flows' },
  { id: 'people', label: 'nav.people' },
  { id: 'jobs', label: 'nav.jobs' },
  { id: 'webhooks', label: 'nav.webhooks' },
  { id: 'api-keys', label: 'nav.api_keys' },
  { id: 'sso', label: 'nav.sso' },
  { id: 'audit', label: 'nav.audit' },
];

export function App() {
  useLang();
  const [signedIn, setSignedIn] = useState(api.signedIn);
  const [me, setMe] = useState<Me | null>(null);
  const [directory, setDirectory] = useState<Directory | null>(null);
  const route = useRoute();
  /** How many requests wait for the signed-in person's decision (the 审批 menu's count). */
  const [waiting, setWaiting] = useState<number | null>(null);
  const countInbox = () => loadInbox().then((items) => setWaiting(items.length), () => {});

  useEffect(() => {
    api.onUnauthorized = () => setSignedIn(false);
  }, []);

  useEffect(() => {
    if (!signedIn) return;
    setMe(null);
    setDirectory(null);
    api.get<Me>('/me').then(
      (m) => {
        // Every time on screen is the tenant's local time, whatever the browser's zone.
        setTimeZone(m.tenant.timezone);
        setMe(m);
        if (m.employee.role === 'field') return;
        void countInbox();
        const d = new Directory(api, m.employee.role);
        setDirectory(d);
        void d.load();
      },
      () => {},
    );
  }, [signedIn]);

  if (!signedIn) {
    return (
      <div class="center">
        <SignIn api={api} title={t('console.title')} class="login-wrap" sso onDone={() => setSignedIn(true)} />
      </div>
    );
  }

  const signOut = async () => {
    await api.logout();
    setSignedIn(false);
    go('dashboard');
  };

  if (!me) return <p class="center muted">{t('loading')}</p>;
  const role = me.employee.role;
  const allowed = sections(role);
  if (allowed.length === 0) {
    // Field reps have no console: say so politely and point to their app.
    return (
      <div class="center">
        <section class="login" data-testid="field-only">
          <div class="login-head">
            <h1>{t('console.title')}</h1>
            <LangSwitch />
          </div>
          <p>{t('console.field_only')}</p>
          <a class="button primary" href="/app/" data-testid="open-app">
            {t('console.open_app')}
          </a>
          <button onClick={signOut}>{t('logout')}</button>
        </section>
      </div>
    );
  }

  // A track replay belongs to the live map, or to the claims for finance (who checks a
  // claimed day against its track but has no live map).
  const trackHome: Section | undefined = allowed.includes('live') ? 'live' : allowed.includes('claims') ? 'claims' : undefined;
  const asked = route[0] === 'track' ? trackHome : (route[0] as Section | undefined);
  const section: Section = asked && allowed.includes(asked) ? asked : allowed[0];
  const showTrack = route[0] === 'track' && trackHome !== undefined;
  return (
    <RoleContext.Provider value={role}>
    <SelfContext.Provider value={me.employee.id}>
    <DirectoryContext.Provider value={directory}>
      <div class="shell">
        <header class="topbar">
          <strong class="brand">Outfield</strong>
          <nav>
            {NAV.filter((n) => allowed.includes(n.id)).map((n) => (
              <a href={`#/${n.id}`} class={section === n.id && route[0] !== 'security' ? 'active' : ''} data-testid={`nav-${n.id}`}>
                {t(n.label)}
                {n.id === 'approvals' && !!waiting && (
                  <span class="count" data-testid="approvals-count">
                    {' '}
                    {waiting}
                  </span>
                )}
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
          <NotificationBell
            api={api}
            onOpen={(n) => {
              // A paid claim opens the claim where the role sees claims; anything else its
              // request where the role has the inbox.
              if (n.claim_id && allowed.includes('claims')) go('claims', n.claim_id);
              else if (n.request_id && allowed.includes('approvals')) go('approvals', n.request_id);
              void countInbox();
            }}
          />
          <LangSwitch />
          <a class="who" href="#/security" title={t('security.open')} data-testid="who">
            {me?.employee.name}
          </a>
          <button onClick={signOut}>{t('logout')}</button>
        </header>
        <main class="content">
          {route[0] === 'security' && <Security />}
          {route[0] !== 'security' && (
            <>
            {section === 'live' && !showTrack && <LiveMap />}
            {showTrack && <TrackReplay employeeId={route[1]} date={route[2]} />}
            {section === 'dashboard' && <Dashboard />}
            {section === 'reports' && <Reports route={route} />}
            {section === 'insights' && <Insights />}
            {section === 'visits' && (
              <Visits
                selected={route[1] === 'by' || route[1] === 'customer' ? undefined : route[1]}
                by={
                  route[1] === 'by'
                    ? { employee: route[2], from: route[3], to: route[4] }
                    : route[1] === 'customer'
                      ? { customer: route[2], employee: '', from: route[3], to: route[4] }
                      : undefined
                }
              />
            )}
            {section === 'customers' && <Customers />}
            {section === 'plans' && <Plans />}
            {section === 'attendance' && <Attendance view={route[1]} />}
            {section === 'mileage' && <Mileage />}
            {section === 'claims' && !showTrack && <Claims id={route[1]} />}
            {section === 'payouts' && <Payouts />}
            {section === 'approvals' && <Approvals id={route[1]} onChange={countInbox} />}
            {section === 'approval-flows' && <ApprovalFlows />}
            {section === 'claim-settings' && <ClaimSettings />}
            {section === 'requests' && <Requests />}
            {section === 'integrity' && <Integrity route={route} />}
            {section === 'forms' && <Forms />}
            {section === 'rules' && <Rules />}
            {section === 'audit' && <Audit />}
            {section === 'people' && <People />}
            {section === 'jobs' && <Jobs />}
            {section === 'webhooks' && <Webhooks />}
            {section === 'api-keys' && <ApiKeys />}
            {section === 'sso' && <Sso />}
            </>
          )}
        </main>
      </div>
    </DirectoryContext.Provider>
    </SelfContext.Provider>
    </RoleContext.Provider>
  );
}
