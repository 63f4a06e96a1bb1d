// My customers, nearest first, with a navigation link; one customer with its distance
// and the check-in button. The list is cached so it works in a dead zone.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../shared/errors';
import { currentLang, fmtDistance, t } from '../../shared/i18n';
import { distanceM } from '../../shared/geo';
import { go } from '../../shared/route';
import type { Customer, CustomerPage } from '../../shared/types';
import { checkIn } from '../actions';
import { kvGet, kvSet } from '../db';
import type { Fix } from '../location';
import { api, tracker } from '../session';

export async function myCustomers(): Promise<Customer[]> {
  try {
    const all: Customer[] = [];
    let cursor: string | undefined;
    do {
      const p = await api.get<CustomerPage>('/customers', { limit: 500, cursor });
      all.push(...p.items);
      cursor = p.next_cursor ?? undefined;
    } while (cursor);
    await kvSet('customers', all);
    return all;
  } catch (e) {
    const cached = await kvGet<Customer[]>('customers');
    if (cached) return cached;
    throw e;
  }
}

export function usePosition(): Fix | null {
  const [fix, setFix] = useState<Fix | null>(tracker.latest);
  useEffect(() => {
    tracker.fix().then(setFix, () => {});
    tracker.onPosition = setFix;
    return () => {
      tracker.onPosition = () => {};
    };
  }, []);
  return fix;
}

const dist = (c: Customer, fix: Fix | null) =>
  fix && c.location ? distanceM(fix.lat, fix.lon, c.location.lat, c.location.lon) : null;

/** A link that opens turn-by-turn navigation: AMap in Chinese, Google Maps otherwise. */
export function navUrl(c: { name: string; location?: { lat: number; lon: number } | null }): string | null {
  if (!c.location) return null;
  const { lat, lon } = c.location;
  return currentLang() === 'zh-CN'
    ? `https://uri.amap.com/navigation?to=${lon},${lat},${encodeURIComponent(c.name)}&coordinate=wgs84&callnative=1`
    : `https://www.google.com/maps/dir/?api=1&destination=${lat},${lon}`;
}

export function CustomersScreen() {
  const fix = usePosition();
  const [items, setItems] = useState<Customer[] | null>(null);
  const [error, setError] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    myCustomers().then(setItems, (e) => setError(errorText(e)));
  }, []);

  const sorted = (items ?? [])
    .filter((c) => !q || c.name.includes(q) || (c.address ?? '').includes(q))
    .map((c) => ({ c, d: dist(c, fix) }))
    .sort((a, b) => (a.d ?? Infinity) - (b.d ?? Infinity));
  return (
    <div class="stack">
      <h2>{t('customers.mine')}</h2>
      <input type="search" placeholder={t('search')} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      {error && <p class="error">{error}</p>}
      {!items && !error && <p class="muted">{t('loading')}</p>}
      <ul class="cards" data-testid="customer-list">
        {sorted.map(({ c, d }) => (
          <li class="card tap" onClick={() => go('customer', c.id)} data-customer={c.id}>
            <div class="row between">
              <strong>{c.name}</strong>
              <span class="distance">{fmtDistance(d)}</span>
            </div>
            <div class="muted small">
              {c.level} · {c.address}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function CustomerScreen({ id }: { id?: string }) {
  const fix = usePosition();
  const [c, setC] = useState<Customer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    void kvGet<Customer[]>('customers').then((all) => setC(all?.find((x) => x.id === id) ?? null));
  }, [id]);
  if (!c) return <p class="muted">{t('loading')}</p>;
  const d = dist(c, fix);
  const nav = navUrl(c);

  const start = async () => {
    setBusy(true);
    setError('');
    try {
      await checkIn(c, await tracker.actionFix());
      go('visit');
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <section class="card">
        <h2>{c.name}</h2>
        <p class="muted">{c.address}</p>
        <p>
          {t('visit.distance')}: <strong data-testid="customer-distance">{fmtDistance(d)}</strong>
          {fix && <span class="muted small"> (±{fmtDistance(fix.accuracy_m)})</span>}
        </p>
        {nav && (
          <a class="button" href={nav} target="_blank" rel="noopener">
            {t('customers.navigate')}
          </a>
        )}
      </section>
      <button class="primary big" disabled={busy} onClick={start} data-testid="check-in">
        {t('visit.check_in')}
      </button>
      {error && <p class="error">{error}</p>}
    </div>
  );
}
