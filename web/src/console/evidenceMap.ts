// Draws a reason's evidence on the day's map, each kind the way a manager can see it:
// the teleport leg (the check-in joined by red dashes to the track just before and after
// it), the impossible jumps, the frozen point (a ring where the phone sat to the last
// digit), check-ins sitting on the shop's stored pin, the matched stops of a replayed
// day, the ends of tracking gaps, positions from a faking app or a clock ahead, where a
// photo says it was taken. Every layer carries the class `evidence evidence-<code>` so
// it can be found (and tested) by its kind.
import { distanceM } from '../shared/geo';
import { fmtDistance, fmtTime, t } from '../shared/i18n';
import { type EvidencePoint, fmtNear, pointMs, pointTime, type ReasonLike } from '../shared/integrity';
import { L, type OutfieldMap } from '../shared/map';

/** What the day view knows beside the evidence. */
export interface EvidenceContext {
  /** The day's actions with a position (check-ins, punches), by id. */
  actions: Map<string, { lat: number; lon: number; t: string }>;
  /** Shops' stored positions. */
  pins: { id: string; name: string; lat: number; lon: number }[];
}

/** One colour per family, so two reasons drawn together stay apart. */
export const EVIDENCE_COLOURS: Record<string, string> = {
  teleport: '#dc2626',
  impossible_speed: '#dc2626',
  frozen_position: '#7c3aed',
  pin_drop: '#db2777',
  replayed_track: '#ea580c',
  synthetic_track: '#c026d3',
  mock_location: '#9333ea',
  clock_tampered: '#0891b2',
  tracking_off: '#6b7280',
  check_in_without_track: '#d97706',
  photo_exif_mismatch: '#0d9488',
  proxy_punch: '#be123c',
  device_shared: '#be123c',
  rooted: '#92400e',
  emulator: '#92400e',
  developer_mode: '#92400e',
};

/** Above this a leg between two positions is faster than any vehicle (the crate's 42 m/s). */
const IMPOSSIBLE_MPS = 42;

const same = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) =>
  Math.abs(a.lat - b.lat) < 1e-7 && Math.abs(a.lon - b.lon) < 1e-7;

/** Draws `reason` into `group`; answers the points drawn (for fitting the view). */
export function drawEvidence(
  m: OutfieldMap,
  group: L.LayerGroup,
  reason: ReasonLike,
  ctx: EvidenceContext,
  /** Labels stay open (one reason in focus) instead of showing on hover. */
  labelled = false,
): [number, number][] {
  const e = reason.evidence ?? {};
  const code = reason.code;
  const colour = EVIDENCE_COLOURS[code] ?? '#dc2626';
  const cls = `evidence evidence-${code}`;
  const points = [...(e.points ?? [])].sort((a, b) => pointMs(a) - pointMs(b));
  const drawn: [number, number][] = [];
  const at = (p: { lat: number; lon: number }) => {
    drawn.push([p.lat, p.lon]);
    return m.toMap(p.lat, p.lon);
  };
  // Rings are hollow where what lies underneath matters (the shop's pin under a pin drop).
  const fill = code === 'pin_drop' ? 0 : 0.9;
  const dot = (p: EvidencePoint | { lat: number; lon: number }, tip: string, radius = 7, label = false) =>
    L.circleMarker(at(p), { radius, color: colour, weight: 3, fillColor: '#fff', fillOpacity: fill, className: cls })
      .bindTooltip(tip, labelled && label ? { permanent: true, direction: 'right', className: 'evidence-label' } : {})
      .addTo(group);
  const leg = (a: { lat: number; lon: number }, b: { lat: number; lon: number }, tip: string, label = false) =>
    L.polyline([at(a), at(b)], { color: colour, weight: 4, dashArray: '8 8', className: cls })
      .bindTooltip(tip, labelled && label ? { permanent: true, direction: 'center', className: 'evidence-label' } : { sticky: true })
      .addTo(group);
  const actionPoints = [...(e.action_ids ?? [])].flatMap((id) => {
    const a = ctx.actions.get(id);
    return a ? [a] : [];
  });
  const isAction = (p: EvidencePoint) => actionPoints.some((a) => same(a, p));

  switch (code) {
    case 'teleport': {
      // Per check-in: its place and the track's positions around it, joined by the leg.
      for (let i = 0; i < points.length; i++) {
        const p = points[i];
        if (!isAction(p)) continue;
        const sides = [points.slice(0, i).reverse().find((q) => !isAction(q)), points.slice(i + 1).find((q) => !isAction(q))];
        let nearest = Infinity;
        for (const s of sides) {
          if (!s) continue;
          const d = distanceM(s.lat, s.lon, p.lat, p.lon);
          nearest = Math.min(nearest, d);
          leg(s, p, t('integrity.map.teleport', { distance: fmtDistance(d) }));
          dot(s, t('integrity.map.track_at', { time: pointTime(s) }), 5, true);
        }
        const away = Number.isFinite(nearest) ? ` · ${t('integrity.map.teleport', { distance: fmtDistance(nearest) })}` : '';
        dot(p, `${t('integrity.legend.checkin')} ${pointTime(p)}${away}`, 9, true);
      }
      // Without the actions' places, the points in time order still show the jump.
      if (!points.some(isAction)) drawJumps(points, 0);
      break;
    }
    case 'impossible_speed':
      drawJumps(points, IMPOSSIBLE_MPS);
      break;
    case 'frozen_position': {
      // Pairs: the first and last fix of each run, at one coordinate.
      for (let i = 0; i < points.length; i += 2) {
        const a = points[i];
        const b = points[i + 1] ?? a;
        L.circleMarker(at(a), { radius: 14, color: colour, weight: 4, fillColor: colour, fillOpacity: 0.25, className: cls })
          .bindTooltip(
            t('integrity.map.frozen', { from: pointTime(a), to: pointTime(b) }),
            labelled ? { permanent: true, direction: 'right', className: 'evidence-label' } : {},
          )
          .addTo(group);
      }
      break;
    }
    case 'pin_drop':
      // The check-in sits on the pin: a ring around the shop's point says which and how close.
      for (const p of points) {
        const pin = nearestPin(p, ctx);
        const near = pin ? ` · ${pin.name} · ${fmtNear(distanceM(pin.lat, pin.lon, p.lat, p.lon))}` : '';
        dot(p, t('integrity.map.on_pin', { time: pointTime(p) }) + near, 11, true);
      }
      break;
    case 'replayed_track':
      points.forEach((p) => dot(p, t('integrity.map.matched_stop', { time: pointTime(p) }), 9));
      if (points.length > 1)
        L.polyline(points.map(at), { color: colour, weight: 2, opacity: 0.7, className: cls }).addTo(group);
      break;
    case 'synthetic_track':
      if (points.length > 1)
        L.polyline(points.map(at), { color: colour, weight: 3, dashArray: '2 6', className: cls }).addTo(group);
      points.forEach((p) => dot(p, t('integrity.map.point', { time: pointTime(p) }), 3));
      break;
    case 'tracking_off':
      // Pairs: where the track stopped and where it resumed.
      for (let i = 0; i + 1 < points.length; i += 2) {
        const [a, b] = [points[i], points[i + 1]];
        leg(a, b, t('integrity.fact.gap', { from: pointTime(a), to: pointTime(b) }));
        dot(a, t('integrity.map.gap', { time: pointTime(a) }), 7, true);
        dot(b, t('integrity.map.gap', { time: pointTime(b) }), 7, true);
      }
      break;
    case 'clock_tampered':
      points.forEach((p) => dot(p, t('integrity.map.future', { time: pointTime(p) }), 5));
      break;
    case 'photo_exif_mismatch':
      points.forEach((p) => dot(p, t('integrity.map.exif_place'), 9));
      break;
    default:
      points.forEach((p) => dot(p, t('integrity.map.point', { time: pointTime(p) }), 6));
  }
  // The actions the reason names that no point shows yet (a colleague's phone, a rooted
  // phone's check-ins) are ringed where they happened.
  for (const a of actionPoints)
    if (!points.some((p) => same(a, p))) dot(a, `${t('integrity.legend.checkin')} ${fmtTime(a.t)}`, 9);
  return drawn;

  // The legs between consecutive points faster than `minMps`; all of them when none is
  // (the crate judged the jumps with the positions' accuracies, which may say otherwise).
  function drawJumps(ps: EvidencePoint[], minMps: number) {
    const fast = (a: EvidencePoint, b: EvidencePoint) =>
      distanceM(a.lat, a.lon, b.lat, b.lon) / Math.max(1, (pointMs(b) - pointMs(a)) / 1000) >= minMps;
    const any = ps.some((p, i) => i > 0 && fast(ps[i - 1], p));
    for (let i = 1; i < ps.length; i++) {
      const [a, b] = [ps[i - 1], ps[i]];
      const d = distanceM(a.lat, a.lon, b.lat, b.lon);
      if (any && !fast(a, b)) continue;
      leg(a, b, t('integrity.map.jump', { distance: fmtDistance(d) }), true);
      dot(a, t('integrity.map.point', { time: pointTime(a) }), 5);
      dot(b, t('integrity.map.point', { time: pointTime(b) }), 5);
    }
  }
}

function nearestPin(p: { lat: number; lon: number }, ctx: EvidenceContext) {
  let best: EvidenceContext['pins'][number] | null = null;
  let bestD = 50;
  for (const pin of ctx.pins) {
    const d = distanceM(pin.lat, pin.lon, p.lat, p.lon);
    if (d < bestD) [best, bestD] = [pin, d];
  }
  return best;
}
