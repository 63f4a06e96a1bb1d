// One rep-day in the anti-cheat centre: the verdict and its reasons in words (what each
// means, what was measured, who else is involved), the day on the map — every stored fix
// as a faint dot, the track, the shops' stored pins and the check-ins joined to them —
// with each reason's evidence drawn on top (evidenceMap.ts); a reused photo beside its
// original and a replayed day's track beside this one's. Below, the rep's appeal if any
// and the review: confirm or dismiss with a note, once per verdict version.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { errorText } from '../shared/errors';
import { distanceM } from '../shared/geo';
import { fmtDate, fmtDateTime, fmtDistance, fmtTime, t } from '../shared/i18n';
import { fmtScore, reasonExplain, reasonFacts, reasonLabel } from '../shared/integrity';
import type { MessageKey } from '../shared/messages';
import { createMap, L, type OutfieldMap } from '../shared/map';
import type { DayTrack, IntegrityDayDetail, IntegrityReason, IntegrityReview } from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { drawEvidence, EVIDENCE_COLOURS, type EvidenceContext } from './evidenceMap';
import { LevelPill, StatusPill } from './Integrity';
import { api } from './session';

const TRACK = '#2563eb';
const FIX = '#64748b';
const CHECKIN = '#047857';
const SHOP = '#92400e';

type Action = IntegrityDayDetail['day']['actions'][number];

/** The API's links are absolute paths; the client adds `/api/v1` itself. */
const apiPath = (url: string) => url.replace(/^\/api\/v1/, '');

export function IntegrityDay({ employeeId, date }: { employeeId: string; date: string }) {
  useLang();
  const dir = useDirectory();
  const [day, setDay] = useState<IntegrityDayDetail | null>(null);
  const [track, setTrack] = useState<DayTrack | null>(null);
  const [trackError, setTrackError] = useState(false);
  const [error, setError] = useState('');
  const [focus, setFocus] = useState<number | null>(null);
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<OutfieldMap | null>(null);
  const base = useRef<L.LayerGroup | null>(null);
  const evidence = useRef<L.LayerGroup | null>(null);

  const load = () =>
    api.get<IntegrityDayDetail>(`/integrity/days/${employeeId}/${date}`).then(setDay, (e) => setError(errorText(e)));

  useEffect(() => {
    setDay(null);
    setTrack(null);
    setTrackError(false);
    setError('');
    setFocus(null);
    void load();
  }, [employeeId, date]);

  // The simplified track and its stops come from the day's replay.
  const trackUrl = day?.day.track_url;
  useEffect(() => {
    if (!trackUrl) return;
    api.get<DayTrack>(apiPath(trackUrl)).then(setTrack, () => setTrackError(true));
  }, [trackUrl]);

  useEffect(() => {
    const m = createMap(el.current!);
    mapRef.current = m;
    base.current = L.layerGroup().addTo(m.map);
    evidence.current = L.layerGroup().addTo(m.map);
    return () => m.map.remove();
  }, []);

  const name = (id: string | null | undefined): string =>
    !id ? '' : (day?.people.find((p) => p.id === id)?.name ?? dir?.employeeName(id) ?? '');

  const pins = useMemo(
    () =>
      (day?.day.customers ?? []).flatMap((c) =>
        c.lat != null && c.lon != null ? [{ id: c.id, name: c.name, lat: c.lat, lon: c.lon }] : [],
      ),
    [day],
  );

  const ctx: EvidenceContext = useMemo(() => {
    const actions = new Map<string, { lat: number; lon: number; t: string }>();
    for (const a of day?.day.actions ?? []) if (a.lat != null && a.lon != null) actions.set(a.id, { lat: a.lat, lon: a.lon, t: a.t });
    return { actions, pins };
  }, [day, pins]);

  /** A check-in's shop and how far from its stored pin it was made. */
  const shopOf = (a: Action) => {
    const shop = a.customer_id ? day?.day.customers.find((c) => c.id === a.customer_id) : undefined;
    const d =
      shop && shop.lat != null && shop.lon != null && a.lat != null && a.lon != null
        ? distanceM(shop.lat, shop.lon, a.lat, a.lon)
        : null;
    return { shop, d };
  };

  const actionLine = (a: Action) => {
    const time = fmtTime(a.t);
    const kind = t(`integrity.action.${a.kind}` as MessageKey);
    if (a.kind !== 'check_in' && a.kind !== 'check_out') return `${time} · ${kind}`;
    const { shop, d } = shopOf(a);
    const customer = shop?.name ?? t('visit.customer');
    return d === null
      ? t('integrity.checkin_line_nofix', { time, kind, customer })
      : t('integrity.checkin_line', { time, kind, customer, distance: fmtDistance(d) });
  };

  // The day underneath: every fix, the track, the shops' pins and the actions.
  useEffect(() => {
    const m = mapRef.current;
    const g = base.current;
    if (!m || !g || !day) return;
    g.clearLayers();
    const canvas = L.canvas({ padding: 0.2 });
    for (const f of day.day.fixes)
      L.circleMarker(m.toMap(f.lat, f.lon), { renderer: canvas, radius: 2, stroke: false, fillColor: FIX, fillOpacity: 0.5 }).addTo(g);
    if (track && track.polyline.length > 1)
      L.polyline(
        track.polyline.map(([lat, lon]) => m.toMap(lat, lon)),
        { color: TRACK, weight: 4, opacity: 0.7, className: 'day-track' },
      ).addTo(g);
    for (const p of pins)
      L.circleMarker(m.toMap(p.lat, p.lon), { radius: 6, color: SHOP, weight: 2, fillColor: '#fde68a', fillOpacity: 1, className: 'shop-pin' })
        .bindTooltip(t('integrity.shop_pin', { customer: p.name }))
        .addTo(g);
    for (const a of day.day.actions) {
      if (a.lat == null || a.lon == null) continue;
      const { shop } = shopOf(a);
      if (shop && shop.lat != null && shop.lon != null)
        L.polyline([m.toMap(shop.lat, shop.lon), m.toMap(a.lat, a.lon)], { color: CHECKIN, weight: 2, dashArray: '3 5' }).addTo(g);
      L.circleMarker(m.toMap(a.lat, a.lon), {
        radius: 6,
        color: '#fff',
        weight: 2,
        fillColor: a.kind.startsWith('clock') ? '#1e3a8a' : CHECKIN,
        fillOpacity: 1,
        className: 'action-marker',
      })
        .bindTooltip(actionLine(a))
        .addTo(g);
    }
  }, [day, track, pins]);

  // The evidence on top: every reason's, or the one in focus with its labels open. The
  // view fits what is drawn (with the day's fixes and actions when nothing is in focus).
  useEffect(() => {
    const m = mapRef.current;
    const g = evidence.current;
    if (!m || !g) return;
    g.clearLayers();
    const reasons = day?.reasons ?? [];
    const drawn = reasons.flatMap((r, i) => (focus === null || focus === i ? drawEvidence(m, g, r, ctx, focus === i) : []));
    if (focus === null) {
      day?.day.fixes.forEach((f) => drawn.push([f.lat, f.lon]));
      ctx.actions.forEach((a) => drawn.push([a.lat, a.lon]));
    }
    if (drawn.length)
      m.map.fitBounds(L.latLngBounds(drawn.map(([a, b]) => m.toMap(a, b))), {
        padding: [60, 60],
        animate: false,
        maxZoom: focus === null ? 16 : 17,
      });
  }, [day, ctx, focus]);

  const title = day?.employee_name ?? dir?.employeeName(employeeId) ?? '';
  const actions = (day?.day.actions ?? []).filter((a) => a.kind !== 'check_out');
  return (
    <div class="split integrity-day">
      <aside class="panel integrity-panel" data-testid="integrity-day">
        <div class="panel-head">
          <h2>{t('integrity.day_title', { name: title, date: fmtDate(date) })}</h2>
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
                  reason={r}
                  trackUrl={day.day.track_url}
                  name={name}
                  focused={focus === i}
                  onShow={() => setFocus(focus === i ? null : i)}
                />
              ))}
            </ol>
            <h3>{t('integrity.checkins')}</h3>
            {actions.length === 0 ? (
              <p class="muted">{t('integrity.no_checkins')}</p>
            ) : (
              <ul class="plain checkins" data-testid="integrity-actions">
                {actions.map((a) => (
                  <li data-action={a.id} data-kind={a.kind}>
                    {a.kind === 'check_in' ? <a href={`#/visits/${a.id}`}>{actionLine(a)}</a> : actionLine(a)}
                  </li>
                ))}
              </ul>
            )}
            {trackError && <p class="muted small">{t('integrity.track_unavailable')}</p>}
            <Appeal day={day} />
            <Review day={day} name={name} onChanged={setDay} reload={load} />
          </>
        )}
      </aside>
      <div class="map-wrap">
        <div class="map" ref={el} data-testid="integrity-map" />
        <ul class="legend map-legend">
          <li>
            <span class="swatch" style={{ background: TRACK, borderColor: TRACK }} /> {t('integrity.legend.track')}
          </li>
          <li>
            <span class="swatch round" style={{ background: FIX }} /> {t('integrity.legend.fix')}
          </li>
          <li>
            <span class="swatch round" style={{ background: CHECKIN }} /> {t('integrity.legend.checkin')}
          </li>
          <li>
            <span class="swatch round" style={{ background: '#fde68a', borderColor: SHOP }} /> {t('integrity.legend.shop')}
          </li>
          {[...new Set((day?.reasons ?? []).filter((_, i) => focus === null || focus === i).map((r) => r.code))].map((c) => (
            <li>
              <span class="swatch dashed" style={{ borderColor: EVIDENCE_COLOURS[c] ?? '#dc2626' }} /> {reasonLabel(c)}
            </li>
          ))}
          {focus !== null && (
            <li>
              <button class="link small" onClick={() => setFocus(null)} data-testid="show-all">
                {t('integrity.show_all')}
              </button>
            </li>
          )}
        </ul>
      </div>
    </div>
  );
}

function ReasonCard(props: {
  reason: IntegrityReason;
  trackUrl: string;
  name: (id: string | null | undefined) => string;
  focused: boolean;
  onShow: () => void;
}) {
  const { reason } = props;
  const e = reason.evidence;
  const facts = reasonFacts(reason);
  const other = props.name(e.other_employee_id);
  const drawable = e.points.length > 0 || e.action_ids.length > 0;
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
      {e.photo_ids.length > 0 && <PhotoPairs photos={e.photo_ids} originals={e.matched_photo_ids} />}
      {e.matched_day && (
        <ReplayPair
          trackUrl={props.trackUrl}
          original={e.matched_day}
          otherName={e.matched_day.employee_id === e.other_employee_id ? other : ''}
        />
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
    <figure class="thumb-fig" data-photo={id} data-loaded={url ? 'yes' : 'no'}>
      {url ? <img src={url} alt={caption} /> : <div class="thumb-missing">{failed ? t('integrity.photo.unavailable') : '…'}</div>}
      <figcaption class="muted small">{caption}</figcaption>
    </figure>
  );
}

/** This day's track beside the earlier day it repeats, on two small maps at one scale. */
function ReplayPair(props: { trackUrl: string; original: { employee_id: string; date: string; track_url: string }; otherName: string }) {
  const { trackUrl, original } = props;
  const left = useRef<HTMLDivElement>(null);
  const right = useRef<HTMLDivElement>(null);
  const [tracks, setTracks] = useState<[DayTrack | null, DayTrack | null] | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([
      api.get<DayTrack>(apiPath(trackUrl)).catch(() => null),
      api.get<DayTrack>(apiPath(original.track_url)).catch(() => null),
    ]).then((x) => live && setTracks(x));
    return () => {
      live = false;
    };
  }, [trackUrl, original.track_url]);

  useEffect(() => {
    if (!tracks) return;
    const lines: (L.Polyline | null)[] = [];
    const maps = [left.current, right.current].map((el, k) => {
      const m = createMap(el!);
      m.map.zoomControl.remove();
      const tr = tracks[k];
      const colour = k === 0 ? TRACK : EVIDENCE_COLOURS.replayed_track;
      let line: L.Polyline | null = null;
      if (tr && tr.polyline.length > 1) {
        line = L.polyline(
          tr.polyline.map(([lat, lon]) => m.toMap(lat, lon)),
          { color: colour, weight: 3, className: k === 0 ? 'replay-today' : 'replay-original' },
        ).addTo(m.map);
        tr.stops.forEach((s) => L.circleMarker(m.toMap(s.lat, s.lon), { radius: 4, color: colour }).addTo(m.map));
      }
      lines.push(line);
      return m;
    });
    // One view for both, so the two shapes compare at a glance.
    const bounds = lines.flatMap((l) => (l ? [l.getBounds()] : []));
    if (bounds.length) {
      const union = bounds.reduce((a, b) => L.latLngBounds(a.getSouthWest(), a.getNorthEast()).extend(b));
      maps.forEach((m) => m.map.fitBounds(union, { padding: [10, 10], animate: false }));
    }
    return () => maps.forEach((m) => m.map.remove());
  }, [tracks]);

  return (
    <div class="replay-pair" data-testid="replay-pair">
      <figure>
        <div class="mini-map" ref={left} />
        <figcaption class="small">{t('integrity.replay.today')}</figcaption>
      </figure>
      <figure>
        <div class="mini-map" ref={right} />
        <figcaption class="small">
          {props.otherName
            ? t('integrity.replay.original', { name: props.otherName, date: fmtDate(original.date) })
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
          <blockquote class="appeal-text" data-testid="appeal-text">
            {a.text}
          </blockquote>
          {a.photo_ids.length > 0 && (
            <div class="photo-pair">
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

function Review(props: {
  day: IntegrityDayDetail;
  name: (id: string | null | undefined) => string;
  onChanged: (d: IntegrityDayDetail) => void;
  reload: () => void;
}) {
  const { day } = props;
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const r = day.review;

  const decide = async (decision: 'confirmed' | 'dismissed') => {
    if (!note.trim()) {
      setError(t('integrity.review.note_needed'));
      return;
    }
    setBusy(true);
    setError('');
    setSaved(false);
    try {
      const body: IntegrityReview = { decision, note: note.trim() };
      const after = await api.post<IntegrityDayDetail>(`/integrity/days/${day.employee_id}/${day.date}/review`, body);
      props.onChanged(after);
      setNote('');
      setSaved(true);
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
              name: props.name(r.reviewer_id),
              time: fmtDateTime(r.at),
            })}
          </p>
          {r.note && <blockquote class="review-note">{r.note}</blockquote>}
          {r.version !== day.version && <p class="muted small">{t('integrity.review.stale')}</p>}
        </div>
      )}
      {!r && !day.may_review && day.level !== 'clean' && <p class="muted">{t('integrity.review.self')}</p>}
      {day.may_review && (
        <div class="stack-form">
          <label>
            {t('integrity.review.note')}
            <textarea
              rows={3}
              name="note"
              maxLength={1000}
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
      {saved && (
        <p class="muted" role="status">
          {t('integrity.review.saved')}
        </p>
      )}
    </section>
  );
}
