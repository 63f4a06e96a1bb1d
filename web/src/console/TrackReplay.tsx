// One person's day: the simplified path, the stops (with how long), a time slider that
// moves a marker along the path, and the day's mileage and working-hours mileage. The
// visits of that day are listed beside it and open in the visits section.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDistance, fmtDuration, fmtNumber, fmtTime, t } from '../shared/i18n';
import { localDate } from '../shared/ids';
import { createMap, L, type OutfieldMap } from '../shared/map';
import { go } from '../shared/route';
import type { DayTrack, Visit, VisitPage } from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { sections, useRole } from './roles';
import { api } from './session';

export function TrackReplay({ employeeId, date }: { employeeId?: string; date?: string }) {
  useLang();
  const dir = useDirectory();
  const role = useRole();
  // Finance opens replays from a claim and reads no visit details: it gets no links to them.
  const opensVisits = !!role && sections(role).includes('visits');
  const day = date ?? localDate();
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<OutfieldMap | null>(null);
  const layer = useRef<L.LayerGroup | null>(null);
  const cursor = useRef<L.CircleMarker | null>(null);
  const [track, setTrack] = useState<DayTrack | null>(null);
  const [visits, setVisits] = useState<Visit[]>([]);
  const [error, setError] = useState('');
  const [pos, setPos] = useState(0);
  const point = track?.polyline[Math.min(pos, (track?.polyline.length ?? 1) - 1)];
  const pointRef = useRef(point);
  pointRef.current = point;

  useEffect(() => {
    const m = createMap(el.current!);
    mapRef.current = m;
    layer.current = L.layerGroup().addTo(m.map);
    return () => m.map.remove();
  }, []);

  useEffect(() => {
    if (!employeeId) return;
    setError('');
    setTrack(null);
    api.get<DayTrack>(`/employees/${employeeId}/track`, { date: day }).then(
      (tr) => {
        setTrack(tr);
        setPos(Math.max(0, tr.polyline.length - 1));
      },
      (e) => setError(errorText(e)),
    );
    api
      .get<VisitPage>('/visits', { employee_id: employeeId, from: day, to: day, limit: 200 })
      .then((p) => setVisits(p.items), () => setVisits([]));
  }, [employeeId, day]);

  // Draw the day whenever it arrives.
  useEffect(() => {
    const m = mapRef.current;
    const g = layer.current;
    if (!m || !g) return;
    g.clearLayers();
    cursor.current = null;
    if (!track || track.polyline.length === 0) return;
    const line = L.polyline(
      track.polyline.map(([lat, lon]) => m.toMap(lat, lon)),
      { color: '#2563eb', weight: 4, opacity: 0.85 },
    ).addTo(g);
    track.stops.forEach((s, i) => {
      L.circleMarker(m.toMap(s.lat, s.lon), {
        radius: 9,
        color: '#b45309',
        fillColor: '#f59e0b',
        fillOpacity: 0.9,
        className: 'stop-marker',
      })
        .bindTooltip(`${t('track.stop')} ${i + 1}: ${fmtTime(s.start)}–${fmtTime(s.end)} (${fmtDuration(s.duration_s)})`)
        .addTo(g);
    });
    visits.forEach((v) => {
      // A check-in made without a position (flagged `no_fix`) has no place on the map.
      const { lat, lon } = v.check_in;
      if (lat == null || lon == null) return;
      L.circleMarker(m.toMap(lat, lon), {
        radius: 6,
        color: '#047857',
        fillColor: '#10b981',
        fillOpacity: 1,
      })
        .bindTooltip(`${dir?.customerName(v.customer_id) ?? ''} ${fmtTime(v.check_in.t)}`)
        .on('click', () => opensVisits && go('visits', v.id))
        .addTo(g);
    });
    const at = pointRef.current ?? track.polyline[0];
    cursor.current = L.circleMarker(m.toMap(at[0], at[1]), {
      radius: 8,
      color: '#fff',
      weight: 3,
      fillColor: '#1d4ed8',
      fillOpacity: 1,
      className: 'replay-cursor',
    }).addTo(g);
    m.map.fitBounds(line.getBounds(), { padding: [30, 30], animate: false });
  }, [track, visits, dir]);

  // The slider moves the cursor along the path.
  useEffect(() => {
    const m = mapRef.current;
    if (m && point && cursor.current) cursor.current.setLatLng(m.toMap(point[0], point[1])).bringToFront();
  }, [point]);

  const name = employeeId ? (dir?.employeeName(employeeId) ?? '') : '';
  return (
    <div class="split">
      <aside class="panel" data-testid="track-panel">
        <div class="panel-head">
          <h2>{t('track.title', { name })}</h2>
          <a
            href="#/live"
            onClick={(e) => {
              // Back to where the replay was opened from (the live map, a claim, a mileage row).
              if (history.length > 1) {
                e.preventDefault();
                history.back();
              }
            }}
          >
            {t('back')}
          </a>
        </div>
        <label class="row">
          {t('date')}
          <input
            type="date"
            data-testid="track-date"
            value={day}
            onChange={(e) => employeeId && go('track', employeeId, e.currentTarget.value)}
          />
        </label>
        {error && <p class="error">{error}</p>}
        {!track && !error && <p class="muted">{t('loading')}</p>}
        {track && (
          <>
            <dl class="facts">
              <dt>{t('track.mileage')}</dt>
              <dd data-testid="mileage">{fmtDistance(track.mileage_m)}</dd>
              <dt>{t('track.work_mileage')}</dt>
              <dd data-testid="work-mileage">{fmtDistance(track.work_mileage_m)}</dd>
              <dt>{t('track.span')}</dt>
              <dd>
                {fmtTime(track.first_fix)}–{fmtTime(track.last_fix)}
              </dd>
              <dt>{t('track.fixes')}</dt>
              <dd>{fmtNumber(track.fixes_kept)}</dd>
            </dl>
            {track.polyline.length > 1 ? (
              <label class="slider">
                <span data-testid="replay-time">{point ? fmtTime(new Date(point[2])) : '—'}</span>
                <input
                  type="range"
                  min={0}
                  max={track.polyline.length - 1}
                  value={pos}
                  data-testid="replay-slider"
                  onInput={(e) => setPos(Number(e.currentTarget.value))}
                />
              </label>
            ) : (
              <p class="muted">{t('track.empty')}</p>
            )}
            <h3>
              {t('track.stops')} ({track.stops.length})
            </h3>
            <ol class="stops" data-testid="stops">
              {track.stops.map((s) => (
                <li>
                  {fmtTime(s.start)}–{fmtTime(s.end)} · {fmtDuration(s.duration_s)}
                </li>
              ))}
            </ol>
            <h3>
              {t('nav.visits')} ({visits.length})
            </h3>
            <ul class="plain">
              {visits.map((v) => (
                <li>
                  {opensVisits ? (
                    <a href={`#/visits/${v.id}`}>
                      {fmtTime(v.check_in.t)} {dir?.customerName(v.customer_id)}
                    </a>
                  ) : (
                    <span>
                      {fmtTime(v.check_in.t)} {dir?.customerName(v.customer_id)}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </aside>
      <div class="map" ref={el} data-testid="track-map" />
    </div>
  );
}
