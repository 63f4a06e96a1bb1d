// The live team map: everyone the manager may see, placed from the live stream's
// `position` events (a snapshot first, then each new fix and status change), without
// reloading. Clicking a person opens that person's track for today.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fmtAgo, t } from '../shared/i18n';
import { localDate } from '../shared/ids';
import { createMap, L, type OutfieldMap } from '../shared/map';
import { go } from '../shared/route';
import { openSse } from '../shared/sse';
import type { LivePosition, LiveStatus } from '../shared/types';
import { useLang } from '../shared/ui';
import { api } from './session';

const ORDER: LiveStatus[] = ['moving', 'stopped', 'offline', 'off_shift'];

export function LiveMap() {
  useLang();
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<OutfieldMap | null>(null);
  const markers = useRef(new Map<string, L.Marker>());
  const [people, setPeople] = useState<Map<string, LivePosition>>(new Map());
  const [connected, setConnected] = useState(false);
  const [filter, setFilter] = useState<LiveStatus | 'all'>('all');
  const [, setNow] = useState(Date.now());

  useEffect(() => {
    const m = createMap(el.current!);
    mapRef.current = m;
    let fitted = false;
    const sse = openSse(
      '/api/v1/live',
      () => api.headers(),
      (ev) => {
        if (ev.event !== 'position') return;
        const p = JSON.parse(ev.data) as LivePosition;
        setPeople((prev) => new Map(prev).set(p.employee_id, p));
        place(m, markers.current, p);
        if (!fitted && p.lat != null && p.lon != null) {
          fitted = true;
          m.map.setView(m.toMap(p.lat, p.lon), 12);
        }
      },
      setConnected,
    );
    // "3 minutes ago" must age on screen even when nothing arrives.
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    return () => {
      sse.close();
      clearInterval(tick);
      m.map.remove();
    };
  }, []);

  const list = [...people.values()]
    .filter((p) => filter === 'all' || p.status === filter)
    .sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.name.localeCompare(b.name));
  const counts = ORDER.map((s) => [s, [...people.values()].filter((p) => p.status === s).length] as const);

  return (
    <div class="split">
      <aside class="panel">
        <div class="panel-head">
          <h2>{t('live.title')}</h2>
          <span class={connected ? 'badge ok' : 'badge'} data-testid="live-state">
            {connected ? t('live.connected') : t('live.connecting')}
          </span>
        </div>
        <div class="chips">
          <button class={filter === 'all' ? 'chip on' : 'chip'} onClick={() => setFilter('all')}>
            {t('all')} {people.size}
          </button>
          {counts.map(([s, n]) => (
            <button class={filter === s ? `chip on ${s}` : `chip ${s}`} onClick={() => setFilter(s)}>
              {t(`status.${s}`)} {n}
            </button>
          ))}
        </div>
        <ul class="people" data-testid="people">
          {list.map((p) => (
            <li
              key={p.employee_id}
              data-employee={p.employee_id}
              onClick={() => go('track', p.employee_id, localDate())}
              onMouseEnter={() => {
                if (p.lat != null && p.lon != null) mapRef.current?.map.panTo(mapRef.current.toMap(p.lat, p.lon));
              }}
            >
              <span class={`dot ${p.status}`} />
              <span class="name">{p.name}</span>
              <span class="muted">
                {t(`status.${p.status}`)} · {fmtAgo(p.t)}
              </span>
            </li>
          ))}
        </ul>
      </aside>
      <div class="map" ref={el} data-testid="live-map" />
    </div>
  );
}

/** Puts (or moves) one person's marker; its element carries the position for tests and
 * for styling by status. */
function place(m: OutfieldMap, markers: Map<string, L.Marker>, p: LivePosition): void {
  if (p.lat == null || p.lon == null) return;
  const at = m.toMap(p.lat, p.lon);
  let marker = markers.get(p.employee_id);
  const icon = L.divIcon({
    className: `person-marker ${p.status}`,
    html: `<span>${escapeHtml(initials(p.name))}</span>`,
    iconSize: [30, 30],
    iconAnchor: [15, 15],
  });
  if (!marker) {
    marker = L.marker(at, { icon, title: p.name }).addTo(m.map);
    marker.on('click', () => go('track', p.employee_id, localDate()));
    markers.set(p.employee_id, marker);
  } else {
    marker.setLatLng(at);
    marker.setIcon(icon);
  }
  marker.bindTooltip(`${p.name} · ${t(`status.${p.status}`)} · ${fmtAgo(p.t)}`);
  const node = marker.getElement();
  if (node) {
    node.dataset.employee = p.employee_id;
    node.dataset.lat = String(p.lat);
    node.dataset.lon = String(p.lon);
    node.dataset.status = p.status;
  }
}

function initials(name: string): string {
  // Chinese names read best as the given name (last one or two characters).
  return /[\u4e00-\u9fff]/.test(name) ? name.slice(-2) : name.split(/\s+/).map((w) => w[0]).join('').slice(0, 2);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
