// Anti-cheat verdicts as words: a reason's short name, what it means (for a manager, or
// for the rep it concerns) and what was measured, read from the evidence's named figures
// (crates/integrity/src/checks/*.rs). The console and the field app both render reasons
// through here, so no code, figure name or evidence JSON reaches the screen.
import { fmtSpan } from './flags';
import { currentLang, fmtDistance, fmtNumber, fmtTime, t, tOr } from './i18n';
import type { MessageKey } from './messages';
import type { IntegrityReasonCode as ReasonCode } from './types';

/** Every reason code the server gives (the document's `ReasonCode`), in the order the
 * settings list them; a code added to the document and not here fails the build. */
export const REASON_CODES = [
  'mock_location',
  'teleport',
  'replayed_track',
  'synthetic_track',
  'pin_drop',
  'frozen_position',
  'impossible_speed',
  'proxy_punch',
  'photo_reused',
  'photo_exif_mismatch',
  'clock_tampered',
  'tracking_off',
  'check_in_without_track',
  'emulator',
  'rooted',
  'developer_mode',
  'device_shared',
] as const satisfies readonly ReasonCode[];
const KNOWN = new Set<string>(REASON_CODES);
type Unlisted = Exclude<ReasonCode, (typeof REASON_CODES)[number]>;
/** Compile-time checks: every code listed, and each has its name, meaning and words for the rep. */
export const EVERY_CODE_LISTED: [Unlisted] extends [never] ? true : never = true;
type Keys = `integrity.${'reason' | 'explain' | 'rep'}.${ReasonCode}`;
export const EVERY_CODE_WORDED: [Exclude<Keys, MessageKey>] extends [never] ? true : never = true;

/** The crate's default weights (`ReasonCode::default_weight`), shown beside the settings. */
export const DEFAULT_WEIGHTS: Record<ReasonCode, number> = {
  mock_location: 3,
  rooted: 0.5,
  emulator: 2,
  developer_mode: 0.3,
  impossible_speed: 1.5,
  teleport: 2,
  synthetic_track: 2,
  frozen_position: 1.5,
  pin_drop: 2,
  replayed_track: 3,
  clock_tampered: 1.5,
  proxy_punch: 2,
  device_shared: 0.3,
  photo_reused: 2,
  photo_exif_mismatch: 1,
  tracking_off: 1,
  check_in_without_track: 0.4,
};

export const LEVELS = ['clean', 'review', 'likely_cheat'] as const;
export const STATUSES = ['open', 'appealed', 'confirmed', 'dismissed'] as const;

/** A point of the evidence: a fix or an action's position, `t` an RFC 3339 instant. */
export interface EvidencePoint {
  t: string;
  lat: number;
  lon: number;
  accuracy_m?: number | null;
}

/** What a reason rests on (the API's `ReasonEvidence`); every part may be empty. */
export interface EvidenceLike {
  points?: EvidencePoint[] | null;
  action_ids?: string[] | null;
  photo_ids?: string[] | null;
  matched_photo_ids?: string[] | null;
  other_employee_id?: string | null;
  matched_day?: { employee_id: string; date: string; track_url?: string } | null;
  figures?: Record<string, number> | null;
}

export interface ReasonLike {
  code: string;
  weight: number;
  evidence?: EvidenceLike | null;
}

/** Milliseconds of an evidence point's instant, for ordering and speeds. */
export function pointMs(p: EvidencePoint): number {
  return Date.parse(p.t);
}

const key = (prefix: string, code: string): string => `integrity.${prefix}.${KNOWN.has(code) ? code : 'other'}`;

export function reasonLabel(code: string): string {
  return tOr(key('reason', code), t('integrity.reason.other'));
}

/** What the reason means, for a manager who does not know GPS. */
export function reasonExplain(code: string): string {
  return tOr(key('explain', code), t('integrity.explain.other'));
}

/** What the reason means, said to the rep whose day it is. */
export function reasonForRep(code: string): string {
  return tOr(key('rep', code), t('integrity.rep.other'));
}

export function levelLabel(level: string): string {
  return tOr(`integrity.level.${level}`, t('integrity.level.review'));
}

export function statusLabel(status: string): string {
  return tOr(`integrity.status.${status}`, t('integrity.status.open'));
}

/** A score or weight with one decimal: "2.0", "16.5". */
export function fmtScore(n: number): string {
  return new Intl.NumberFormat(currentLang(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
}

/** A distance that may be tiny (a check-in on the pin): "0.4 m" below 10 m, else as usual. */
export function fmtNear(m: number): string {
  if (m >= 10) return fmtDistance(m);
  return new Intl.NumberFormat(currentLang(), { style: 'unit', unit: 'meter', maximumFractionDigits: 1 }).format(m);
}

/** A share (0–1) as "42%". */
export function fmtShare(x: number): string {
  return new Intl.NumberFormat(currentLang(), { style: 'percent', maximumFractionDigits: 0 }).format(x);
}

/** Metres per second as "150 km/h" in the locale's words. */
export function fmtSpeed(mps: number): string {
  return new Intl.NumberFormat(currentLang(), {
    style: 'unit',
    unit: 'kilometer-per-hour',
    maximumFractionDigits: 0,
  }).format(mps * 3.6);
}

/** The time of an evidence point in the tenant's zone. */
export function pointTime(p: EvidencePoint): string {
  return fmtTime(p.t);
}

const SYNTHETIC_SIGNS = [
  'quiet_stop_share',
  'smooth_drive_share',
  'speed_cv',
  'straight_share',
  'same_accuracy_share',
  'sharp_at_rest_share',
] as const;

/** The measured facts behind a reason, one sentence each, from its figures. */
export function reasonFacts(reason: ReasonLike): string[] {
  const e = reason.evidence ?? {};
  const f = e.figures ?? {};
  const has = (k: string) => typeof f[k] === 'number' && Number.isFinite(f[k]);
  const n = (k: string) => (has(k) ? f[k] : 0);
  const out: string[] = [];
  const say = (k: MessageKey, params: Record<string, string | number> = {}) => out.push(t(k, params));
  switch (reason.code) {
    case 'mock_location':
      if (n('mock_fixes') > 0) say('integrity.fact.mock_fixes', { n: fmtNumber(n('mock_fixes')) });
      if (e.action_ids?.length) say('integrity.fact.actions', { n: fmtNumber(e.action_ids.length) });
      break;
    case 'rooted':
    case 'emulator':
    case 'developer_mode':
      if (e.action_ids?.length) say('integrity.fact.actions', { n: fmtNumber(e.action_ids.length) });
      break;
    case 'impossible_speed':
      if (has('speed_mps') || has('distance_m'))
        say('integrity.fact.speed', { speed: fmtSpeed(n('speed_mps')), distance: fmtDistance(n('distance_m')) });
      if (n('sustained_s') > 0) say('integrity.fact.sustained', { span: fmtSpan(n('sustained_s')) });
      break;
    case 'teleport':
      say('integrity.fact.teleport', {
        n: fmtNumber(n('count') || e.action_ids?.length || 1),
        distance: fmtDistance(n('distance_m')),
      });
      break;
    case 'synthetic_track':
      if (has('indicators')) say('integrity.fact.synthetic', { n: fmtNumber(n('indicators'), 1) });
      for (const s of SYNTHETIC_SIGNS)
        if (has(s)) say(`integrity.fact.synthetic.${s}` as MessageKey, { share: fmtShare(n(s)) });
      break;
    case 'frozen_position':
      say('integrity.fact.frozen', { n: fmtNumber(n('fixes')), span: fmtSpan(n('frozen_s')) });
      break;
    case 'pin_drop':
      say('integrity.fact.pin_drop', {
        n: fmtNumber(n('on_pin')),
        share: fmtShare(n('share')),
        distance: fmtNear(n('distance_m')),
      });
      break;
    case 'replayed_track':
      say('integrity.fact.replay', {
        n: fmtNumber(n('matched_stops')),
        share: fmtShare(n('share')),
        span: fmtSpan(n('offset_s')),
      });
      break;
    case 'clock_tampered':
      if (has('offset_s')) say('integrity.fact.clock_offset', { span: fmtSpan(n('offset_s')) });
      if (n('late_while_online') > 0)
        say('integrity.fact.late_while_online', { n: fmtNumber(n('late_while_online')), span: fmtSpan(n('delay_s')) });
      if (n('backwards') > 0) say('integrity.fact.backwards', { n: fmtNumber(n('backwards')) });
      if (n('future_fixes') > 0) say('integrity.fact.future_fixes', { n: fmtNumber(n('future_fixes')) });
      break;
    case 'proxy_punch':
    case 'device_shared':
      if (has('min_gap_s')) say('integrity.fact.proxy', { span: fmtSpan(n('min_gap_s')), n: fmtNumber(n('other_uses')) });
      break;
    case 'photo_reused':
      say('integrity.fact.photo_reused', {
        n: fmtNumber(n('count') || e.photo_ids?.length || 1),
        identical: fmtNumber(n('identical')),
      });
      break;
    case 'photo_exif_mismatch':
      if (has('time_diff_s')) say('integrity.fact.exif_time', { span: fmtSpan(n('time_diff_s')) });
      if (has('distance_m')) say('integrity.fact.exif_place', { distance: fmtDistance(n('distance_m')) });
      break;
    case 'tracking_off': {
      say('integrity.fact.coverage', { share: fmtShare(n('coverage')), span: fmtSpan(n('uncovered_s')) });
      // The gaps' ends come in pairs (start, end) in time order.
      const p = e.points ?? [];
      for (let i = 0; i + 1 < p.length; i += 2) say('integrity.fact.gap', { from: pointTime(p[i]), to: pointTime(p[i + 1]) });
      break;
    }
    case 'check_in_without_track':
      say('integrity.fact.no_track', { n: fmtNumber(n('count') || e.action_ids?.length || 1) });
      break;
  }
  return out;
}

/** "A, B and C" / "A、B和C" in the user's language. */
export function joinLabels(labels: string[]): string {
  return new Intl.ListFormat(currentLang(), { style: 'short', type: 'conjunction' }).format(labels);
}
