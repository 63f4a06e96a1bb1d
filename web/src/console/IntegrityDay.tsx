// One rep-day in the anti-cheat centre: the verdict and its reasons in words (what each
// means, what was measured, who else is involved), the track on the map with the
// check-ins, their shops and distances, and each reason's evidence drawn (evidenceMap.ts)
// — a reused photo beside its original, a replayed day's track beside today's. Below, the
// rep's appeal if any and the review: confirm or dismiss with a note, once per verdict.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { errorText } from '../shared/errors';
import { fmtDate, fmtDateTime, fmtDistance, fmtTime, t } from '../shared/i18n';
import { fmtScore, reasonExplain, reasonFacts, reasonLabel, type ReasonLike } from '../shared/integrity';
import { createMap, L, type OutfieldMap } from '../shared/map';
import type { DayTrack, IntegrityDayDetail, IntegrityReview, Visit, VisitPage } from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { drawEvidence, EVIDENCE_COLOURS, type EvidenceContext } from './evidenceMap';
import { LevelPill, StatusPill } from './Integrity';
import { useRole, useSelf } from './roles';
import { api } from './session';

const TRACK = '#2563eb';
const CHECKIN = '#047857';
const SHOP = '#92400e';

export function IntegrityDay({ employeeId, date }: { employeeId: string; date: string }) {
  useLang();
  const dir = useDirectory();
  const [day, setDay] = useState<IntegrityDayDetail | null>(null);
  const [track, setTrack] = useState<DayTrack | null>(null);
  const [trackError, setTrackError] = useState(false);
  const [visits, setVisits] = useState<Visit[]>([]);
  const [error, setError] = useState('');
  const [focus, setFocus] = useState<number | null>(null);
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<OutfieldMap | null>(null);
  const base = useRef<L.LayerGroup | null>(null);
  const evidence = useRef<L.LayerGroup | null>(null);
  const drawnRef = useRef<[number, number][][]>([]);

  const load = () =>
    api.get<IntegrityDayDetail>(`/integrity/days/${employeeId}/${date}`).then(setDay, (e) => setError(errorText(e)));

  useEffect(() => {
    setDay(null);
    setTrack(null);
    setTrackError(false);
    setVisits([]);
    setError('');
    setFocus(null);
    void load();
    api.get<DayTrack>(`/employees/${employeeId}/track`, { date }).then(setTrack, () => setTrackError(true));
    api
      .get<VisitPage>('/visits', { employee_id: employeeId, from: date, to: date, limit: 200 })
      .then((p) => setVisits(p.items), () => setVisits([]));
  }, [employeeId, date]);

  useEffect(() => {
    const m = createMap(el.current!);
    mapRef.current = m;
    base.current = L.layerGroup().addTo(m.map);
    evidence.current = L.layerGroup().addTo(m.map);
    return () => m.map.remove();
  }, []);

  /** The shops of the day's check-ins and the ones the verdict names, with positions. */
  const pins = useMemo(() => {
    const out = new Map<string, { id: string; name: string; lat: number; lon: number }>();
    for (const c of day?.customers ?? [])
      if (c.lat != null && c.lon != null) out.set(c.id, { id: c.id, name: c.name, lat: c.lat, lon: c.lon });
    for (const v of visits) {
      const c = dir?.customers.get(v.customer_id);
      if (!out.has(v.customer_id) && c?.location)
        out.set(v.customer_id, { id: c.id, name: c.name, lat: c.location.lat, lon: c.location.lon });
    }
    return [...out.values()];
  }, [day, visits, dir]);

  const ctx: EvidenceContext = useMemo(() => {
    const actions = new Map<string, { lat: number; lon: number; t: string }>();
    for (const a of day?.actions ?? []) if (a.lat != null && a.lon != null) actions.set(a.id, { lat: a.lat, lon: a.lon, t: a.t });
    for (const v of visits) {
      const c = v.check_in;
      if (c.lat != null && c.lon != null && !actions.has(v.id)) actions.set(v.id, { lat: c.lat, lon: c.lon, t: c.t });
    }
    return { actions, pins };
  }, [day, visits, pins]);

  // The day underneath: track, stops, shops and check-ins joined to their shop.
  useEffect(() => {
    const m = mapRef.current;
    const g = base.current;
    if (!m || !g) return;
    g.clearLayers();
    const all: [number, number][] = [];
    if (track && track.polyline.length > 1) {
      L.polyline(
        track.polyline.map(([lat, lon]) => m.toMap(lat, lon)),
        { color: TRACK, weight: 4, opacity: 0.7, className: 'day-track' },
      ).addTo(g);
      track.polyline.forEach(([lat, lon]) => all.push([lat, lon]));
    }
    for (const p of pins) {
      L.circleMarker(m.toMap(p.lat, p.lon), { radius: 6, color: SHOP, weight: 2, fillColor: '#fde68a', fillOpacity: 1, className: 'shop-pin' })
        .bindTooltip(t('integrity.shop_pin', { customer: p.name }))
        .addTo(g);
    }
    for (const v of visits) {
      const c = v.check_in;
      if (c.lat == null || c.lon == null) continue;
      const shop = pins.find((p) => p.id === v.customer_id);
      if (shop)
        L.polyline([m.toMap(shop.lat, shop.lon), m.toMap(c.lat, c.lon)], { color: CHECKIN, weight: 2, dashArray: '3 5' }).addTo(g);
      L.circleMarker(m.toMap(c.lat, c.lon), { radius: 6, color: '#fff', weight: 2, fillColor: CHECKIN, fillOpacity: 1, className: 'checkin-marker' })
        .bindTooltip(checkinLine(v))
        .addTo(g);
      all.push([c.lat, c.lon]);
    }
    if (focus === null && all.length)
      m.map.fitBounds(L.latLngBounds(all.map(([a, b]) => m.toMap(a, b))), { padding: [30, 30], animate: false, maxZoom: 16 });
  }, [track, visits, pins]);

  // The evidence of every reason on top; the focused one is fitted into view.
  useEffect(() => {
    const m = mapRef.current;
    const g = evidence.current;
    if (!m || !g) return;
    g.clearLayers();
    drawnRef.current = (day?.reasons ?? []).map((r) => drawEvidence(m, g, r as ReasonLike, ctx));
    fit(focus);
  }, [day, ctx]);

  const fit = (i: number | null) => {
    const m = mapRef.current;
    const pts = i === null ? [] : (drawnRef.current[i] ?? []);
    if (!m || pts.length === 0) return;
    m.map.fitBounds(L.latLngBounds(pts.map(([a, b]) => m.toMap(a, b))), { padding: [60, 60], animate: false, maxZoom: 17 });
  };

  const showOnMap = (i: number) => {
    setFocus(i);
    fit(i);
  };

  const checkinLine = (v: Visit) => {
    const customer = dir?.customerName(v.customer_id) ?? '';
    const time = fmtTime(v.check_in.t);
    return v.check_in.distance_m == null
      ? t('integrity.checkin_line_nofix', { time, customer })
      : t('integrity.checkin_line', { time, customer, distance: fmtDistance(v.check_in.distance_m) });
  };

  const name = day?.employee_name ?? dir?.employeeName(employeeId) ?? '';
  return (
    <div class="split integrity-day">
      <aside class="panel integrity-panel" data-testid="integrity-day">
        <div class="panel-head">
          <h2>{t('integrity.day_title', { name, date: fmtDate(date) })}</h2>
          <a href="#/integrity" data-testid="integrity-back">
            {t('integrity.back')}
          </a>
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {!day && !error && <p class="muted">{t('loading')}</p>}
        {day && (
          <>
            <div class="verdict-head" data-testid="verdict" data-level={day.level} data-status={day.status}>
              <LevelPill level={day.level} />
              <span class="score">
                {t('integrity.score')} {fmtScore(day.score)}
              </span>
              <StatusPill status={day.status} />
            </div>
            <p class="muted small">{t('integrity.checked', { time: fmtDateTime(day.computed_at), version: day.checks_version })}</p>
            <h3>{t('integrity.reasons')}</h3>
            {day.reasons.length === 0 && <p class="muted">{t('integrity.no_reasons')}</p>}
            <ol class="reasons" data-testid="reasons">
              {day.reasons.map((r, i) => (
                <ReasonCard
                  reason={r as ReasonLike}
                  employeeId={employeeId}
                  date={date}
                  focused={focus === i}
                  onShow={() => showOnMap(i)}
                />
              ))}
            </ol>
            <h3>{t('integrity.checkins')}</h3>
            {visits.length === 0 ? (
              <p class="muted">{t('integrity.no_checkins')}</p>
            ) : (
              <ul class="plain checkins" data-testid="integrity-checkins">
                {visits.map((v) => (
                  <li data-visit={v.id}>
                    <a href={`#/visits/${v.id}`}>{checkinLine(v)}</a>
                  </li>
                ))}
              </ul>
            )}
            {trackError && <p class="muted small">{t('integrity.track_unavailable')}</p>}
            <Appeal day={day} />
            <Review day={day} onChanged={setDay} reload={load} />
          </>
        )}
      </aside>
      <div class="map-wrap">
        <div class="map" ref={el} data-testid="integrity-map" />
        <ul class="legend map-legend">
          <li>
            <span class="swatch" style={{ background: TRACK }} /> {t('integrity.legend.track')}
          </li>
          <li>
            <span class="swatch round" style={{ background: CHECKIN }} /> {t('integrity.legend.checkin')}
          </li>
          <li>
            <span class="swatch round" style={{ background: '#fde68a', borderColor: SHOP }} /> {t('integrity.legend.shop')}
          </li>
          {[...new Set((day?.reasons ?? []).map((r) => r.code))].map((c) => (
            <li>
              <span class="swatch dashed" style={{ borderColor: EVIDENCE_COLOURS[c] ?? '#dc2626' }} /> {reasonLabel(c)}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function ReasonCard(props: { reason: ReasonLike; employeeId: string; date: string; focused: boolean; onShow: () => void }) {
  const dir = useDirectory();
  const { reason } = props;
  const e = reason.evidence ?? {};
  const facts = reasonFacts(reason);
  const other = e.other_employee ? dir?.employeeName(e.other_employee) : null;
  const drawable = (e.points?.length ?? 0) > 0 || (e.actions?.length ?? 0) > 0;
  return (
    <li class={`reason${props.focused ? ' focused' : ''}`} data-reason={reason.code}>
      <div class="reason-head">
        <span class="swatch dashed" style={{ borderColor: EVIDENCE_COLOURS[reason.code] ?? '#dc2626' }} />
        <strong>{reasonLabel(reason.code)}</strong>
        <span class="muted small">{t('integrity.weight', { weight: fmtScore(reason.weight) })}</span>
      </div>
      <p class="reason-explain">{reasonExplain(reason.code)}</p>
      {facts.length > 0 && (
        <ul class="facts-list" data-testid="reason-facts">
          {facts.map((f) => (
            <li>{f}</li>
          ))}
        </ul>
      )}
      {other && <p class="small">{t('integrity.other_person', { name: other })}</p>}
      {(e.photos?.length ?? 0) > 0 && <PhotoPairs photos={e.photos ?? []} originals={e.matched_photos ?? []} />}
      {reason.code === 'replayed_track' && e.matched_day && (
        <ReplayPair employeeId={props.employeeId} date={props.date} original={e.matched_day} />
      )}
      {drawable && (
        <button class="link small" onClick={props.onShow} data-testid="show-on-map">
          {t('integrity.show_on_map')}
        </button>
      )}
    </li>
  );
}

/** Each photo of the day beside the earlier one it copies (or alone, for EXIF reasons). */
function PhotoPairs({ photos, originals }: { photos: string[]; originals: string[] }) {
  return (
    <div class="photo-pairs" data-testid="photo-pairs">
      {photos.map((p, i) => (
        <div class="photo-pair">
          <Thumb id={p} caption={t('integrity.photo.today')} />
          {originals[i] && <Thumb id={originals[i]} caption={t('integrity.photo.original')} />}
        </div>
      ))}
    </div>
  );
}

function Thumb({ id, caption }: { id: string; caption: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let made = '';
    api.objectUrl(`/photos/${id}?variant=thumbnail`).then(
      (u) => {
        made = u;
        setUrl(u);
      },
      () => setFailed(true),
    );
    return () => made && URL.revokeObjectURL(made);
  }, [id]);
  return (
    <figure class="thumb-fig" data-photo={id}>
      {url ? <img src={url} alt={caption} /> : <div class="thumb-missing">{failed ? t('integrity.photo.unavailable') : '…'}</div>}
      <figcaption class="muted small">{caption}</figcaption>
    </figure>
  );
}

/** This day's track beside the earlier day it repeats, on two small maps at one scale. */
function ReplayPair(props: { employeeId: string; date: string; original: { employee: string; date: string } }) {
  const dir = useDirectory();
  const { employeeId, date, original } = props;
  const left = useRef<HTMLDivElement>(null);
  const right = useRef<HTMLDivElement>(null);
  const [tracks, setTracks] = useState<[DayTrack | null, DayTrack | null] | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([
      api.get<DayTrack>(`/employees/${employeeId}/track`, { date }).catch(() => null),
      api.get<DayTrack>(`/employees/${original.employee}/track`, { date: original.date }).catch(() => null),
    ]).then((x) => live && setTracks(x));
    return () => {
      live = false;
    };
  }, [employeeId, date, original.employee, original.date]);

  useEffect(() => {
    if (!tracks) return;
    const maps = [left.current, right.current].map((el, k) => {
      const m = createMap(el!);
      const tr = tracks[k];
      const colour = k === 0 ? TRACK : EVIDENCE_COLOURS.replayed_track;
      if (tr && tr.polyline.length > 1) {
        const line = L.polyline(
          tr.polyline.map(([lat, lon]) => m.toMap(lat, lon)),
          { color: colour, weight: 3, className: k === 0 ? 'replay-today' : 'replay-original' },
        ).addTo(m.map);
        tr.stops.forEach((s) => L.circleMarker(m.toMap(s.lat, s.lon), { radius: 4, color: colour }).addTo(m.map));
        m.map.fitBounds(line.getBounds(), { padding: [10, 10], animate: false });
      }
      return m;
    });
    // One view for both, so the shapes compare at a glance.
    const b = maps.map((m) => {
      const layers: L.LatLngBounds[] = [];
      m.map.eachLayer((l) => {
        if (l instanceof L.Polyline) layers.push(l.getBounds());
      });
      return layers[0];
    });
    const union = b[0] && b[1] ? b[0].extend(b[1]) : (b[0] ?? b[1]);
    if (union) maps.forEach((m) => m.map.fitBounds(union, { padding: [10, 10], animate: false }));
    return () => maps.forEach((m) => m.map.remove());
  }, [tracks]);

  const otherName = original.employee !== employeeId ? dir?.employeeName(original.employee) : null;
  return (
    <div class="replay-pair" data-testid="replay-pair">
      <figure>
        <div class="mini-map" ref={left} />
        <figcaption class="small">{t('integrity.replay.today')}</figcaption>
      </figure>
      <figure>
        <div class="mini-map" ref={right} />
        <figcaption class="small">
          {otherName
            ? t('integrity.replay.original', { name: otherName, date: fmtDate(original.date) })
            : t('integrity.replay.original_self', { date: fmtDate(original.date) })}
        </figcaption>
      </figure>
      {tracks && !tracks[1] && <p class="muted small">{t('integrity.replay.unavailable')}</p>}
    </div>
  );
}

function Appeal({ day }: { day: IntegrityDayDetail }) {
  const a = day.appeal;
  return (
    <section class="appeal" data-testid="integrity-appeal">
      <h3>{t('integrity.appeal')}</h3>
      {!a ? (
        <p class="muted">{t('integrity.appeal.none')}</p>
      ) : (
        <>
          <p class="muted small">{t('integrity.appeal.by_rep', { time: fmtDateTime(a.at) })}</p>
          <blockquote class="appeal-text">{a.text}</blockquote>
          {(a.photo_ids?.length ?? 0) > 0 && (
            <div class="photo-pairs">
              {a.photo_ids.map((p) => (
                <Thumb id={p} caption={t('integrity.appeal.photos')} />
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Review(props: { day: IntegrityDayDetail; onChanged: (d: IntegrityDayDetail) => void; reload: () => void }) {
  const dir = useDirectory();
  const role = useRole();
  const self = useSelf();
  const { day } = props;
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const r = day.review;
  const current = r && r.revision === day.revision;
  const own = day.employee_id === self;
  const mayReview = (role === 'admin' || role === 'manager') && !own && !current;

  const decide = async (decision: 'confirmed' | 'dismissed') => {
    if (!note.trim()) {
      setError(t('integrity.review.note_needed'));
      return;
    }
    setBusy(true);
    setError('');
    setNotice('');
    try {
      const body: IntegrityReview = { decision, note: note.trim(), revision: day.revision };
      const after = await api.post<IntegrityDayDetail>(`/integrity/days/${day.employee_id}/${day.date}/review`, body);
      props.onChanged(after);
      setNote('');
      setNotice(t('integrity.review.saved'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setError(t('integrity.review.already'));
        props.reload();
      } else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="review" data-testid="integrity-review">
      <h3>{t('integrity.review')}</h3>
      {r && (
        <div class="review-done" data-testid="review-done" data-decision={r.decision}>
          <p>
            {t('integrity.review.done', {
              decision: t(r.decision === 'confirmed' ? 'integrity.status.confirmed' : 'integrity.status.dismissed'),
              name: r.by_name ?? dir?.employeeName(r.by) ?? '',
              time: fmtDateTime(r.at),
            })}
          </p>
          {r.note && <blockquote class="review-note">{r.note}</blockquote>}
          {!current && <p class="muted small">{t('integrity.review.stale')}</p>}
        </div>
      )}
      {own && <p class="muted">{t('integrity.review.self')}</p>}
      {mayReview && (
        <div class="stack-form">
          <label>
            {t('integrity.review.note')}
            <textarea
              rows={3}
              name="note"
              maxLength={2000}
              value={note}
              data-testid="review-note"
              onInput={(e) => setNote(e.currentTarget.value)}
            />
            <span class="muted small">{t('integrity.review.note_help')}</span>
          </label>
          <div class="row">
            <button class="danger" disabled={busy} onClick={() => decide('confirmed')} data-testid="review-confirm">
              {t('integrity.review.confirm')}
            </button>
            <button disabled={busy} onClick={() => decide('dismissed')} data-testid="review-dismiss">
              {t('integrity.review.dismiss')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p class="error" role="alert" data-testid="review-error">
          {error}
        </p>
      )}
      {notice && (
        <p class="muted" role="status">
          {notice}
        </p>
      )}
    </section>
  );
}
