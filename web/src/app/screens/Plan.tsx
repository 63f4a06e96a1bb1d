// Today's plan: the rep's published day in route order, each stop with its planned
// arrival, the distance from here, a navigation link and a tick once visited; check in
// from a stop (a planned visit), or reorder the rest of the day from where I stand.
// The plan is kept on the phone, so it still shows in a dead zone.
import { useEffect, useState } from 'preact/hooks';
import { NetworkError } from '../../shared/api';
import { errorText } from '../../shared/errors';
import { distanceM } from '../../shared/geo';
import { fmtDistance, fmtNumber, fmtTime, t } from '../../shared/i18n';
import { localDate } from '../../shared/ids';
import { go } from '../../shared/route';
import type { MyPlan, MyPlanStop, ReoptimizeInput } from '../../shared/types';
import { checkIn } from '../actions';
import { useDay } from '../day';
import { kvGet, kvSet } from '../db';
import { api, tracker } from '../session';
import { navUrl, usePosition } from './Customers';

async function loadPlan(date: string): Promise<{ plan: MyPlan | null; cached: boolean }> {
  try {
    const plan = await api.get<MyPlan>('/me/plan', { date });
    await kvSet(`plan:${date}`, plan);
    return { plan, cached: false };
  } catch (e) {
    const cached = await kvGet<MyPlan>(`plan:${date}`);
    if (e instanceof NetworkError) return { plan: cached ?? null, cached: true };
    throw e;
  }
}

export function PlanScreen() {
  const fix = usePosition();
  const day = useDay();
  const date = localDate();
  const [plan, setPlan] = useState<MyPlan | null>(null);
  const [cached, setCached] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    loadPlan(date).then(
      (r) => {
        setPlan(r.plan);
        setCached(r.cached);
        setLoaded(true);
      },
      (e) => {
        setError(errorText(e));
        setLoaded(true);
      },
    );
  }, [date]);

  const doneHere = new Set((day?.done ?? []).map((d) => d.customerId).filter(Boolean));
  const visited = (s: MyPlanStop) => s.visited || doneHere.has(s.customer_id);

  const reoptimize = async () => {
    setBusy(true);
    setError('');
    try {
      const f = (await tracker.actionFix()).fix;
      if (!f) {
        setError(t('plan.no_position'));
        return;
      }
      const p = await api.post<MyPlan>('/me/plan/reoptimize', { lat: f.lat, lon: f.lon } satisfies ReoptimizeInput);
      setPlan(p);
      await kvSet(`plan:${date}`, p);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const start = async (s: MyPlanStop) => {
    setBusy(true);
    setError('');
    try {
      await checkIn({ id: s.customer_id, name: s.name, address: s.address ?? null }, await tracker.actionFix(), true);
      go('visit');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const stops = plan?.stops ?? [];
  return (
    <div class="stack">
      <div class="row between">
        <h2>{t('plan.today')}</h2>
        {plan && stops.length > 0 && (
          <span class="muted small">{t('plan.summary', { n: stops.length, km: fmtNumber(plan.km, 1) })}</span>
        )}
      </div>
      {cached && <p class="badge warn">{t('plan.offline')}</p>}
      {error && <p class="error">{error}</p>}
      {!loaded && <p class="muted">{t('loading')}</p>}
      {loaded && stops.length === 0 && !error && <p class="muted" data-testid="plan-empty">{t('plan.none')}</p>}
      <ol class="cards plan-stops" data-testid="plan-stops">
        {stops.map((s, i) => {
          const d = fix && s.lat != null && s.lon != null ? distanceM(fix.lat, fix.lon, s.lat, s.lon) : null;
          const nav = navUrl({ name: s.name, location: s.lat != null && s.lon != null ? { lat: s.lat, lon: s.lon } : null });
          const done = visited(s);
          return (
            <li class={'card' + (done ? ' done' : '')} data-customer={s.customer_id} data-visited={String(done)}>
              <div class="row between">
                <strong>
                  <span class="seq">{done ? '✓' : i + 1}</span> {s.name}
                </strong>
                <span class="distance">{fmtDistance(d)}</span>
              </div>
              <div class="muted small">
                {t('plan.arrival', { time: fmtTime(s.arrival) })}
                {s.address ? ` · ${s.address}` : ''}
              </div>
              <div class="row">
                {done && <span class="badge ok">{t('plan.visited')}</span>}
                {nav && (
                  <a class="button" href={nav} target="_blank" rel="noopener">
                    {t('customers.navigate')}
                  </a>
                )}
                {!done && !day?.visit && (
                  <button class="primary" disabled={busy} onClick={() => void start(s)} data-testid="plan-check-in">
                    {t('visit.check_in')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {stops.some((s) => !visited(s)) && (
        <button class="big" disabled={busy || cached} onClick={reoptimize} data-testid="plan-reoptimize">
          {t('plan.reoptimize')}
        </button>
      )}
    </div>
  );
}
