// Authenticity flags as words: a short label for lists and a sentence that reads the
// flag's evidence ("Checked in 340 m from the shop, outside its 200 m radius. GPS accuracy
// ±25 m."). The console and the field app both render flags through here, so a flag reads
// the same everywhere and no evidence JSON reaches the screen.
import { fmtDistance, fmtDuration, t, tOr } from './i18n';
import type { MessageKey } from './messages';
import type { FlagCode } from './types';

export interface FlagLike {
  code: string;
  evidence?: unknown;
}

/** What the screen knows beside the flag: the action's accuracy, names behind ids. */
export interface FlagContext {
  accuracy_m?: number | null;
  employeeName?: (id: string) => string | undefined;
}

/** Every flag code the server raises (the document's `FlagCode`, contract B), in the order
 * the visit filter lists them; a code added to or dropped from the document fails the build. */
const CODES: { [C in FlagCode]: true } = {
  outside_radius: true,
  uncertain_location: true,
  mock_location: true,
  developer_mode: true,
  rooted: true,
  emulator: true,
  clock_offset: true,
  late_sync: true,
  device_shared: true,
  photo_reused: true,
  photo_exif_mismatch: true,
  photo_no_exif: true,
  too_short: true,
  photos_missing: true,
  report_missing: true,
  no_fix: true,
  stale_fix: true,
};
export const FLAG_CODES = Object.keys(CODES) as FlagCode[];
const KNOWN = new Set<string>(FLAG_CODES);

/** The flag's short name ("Outside the radius"); an unknown code reads as "Other check". */
export function flagLabel(code: string): string {
  return KNOWN.has(code) ? tOr(`flag.${code}`, t('flag.other')) : t('flag.other');
}

/** A span of seconds in words: "45 s", "12 min", "2 h 5 min". */
export function fmtSpan(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  return s < 60 ? t('span.s', { s }) : fmtDuration(s);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One sentence (or two) saying what was seen, in the user's language. */
export function flagSentence(flag: FlagLike, ctx: FlagContext = {}): string {
  const e = (flag.evidence && typeof flag.evidence === 'object' ? flag.evidence : {}) as Record<string, unknown>;
  const accuracy = num(ctx.accuracy_m);
  const withAccuracy = (s: string) => (accuracy !== null ? `${s} ${t('flag.s.accuracy', { accuracy: fmtDistance(accuracy) })}` : s);
  switch (flag.code) {
    case 'outside_radius':
    case 'uncertain_location': {
      const distance = num(e.distance_m);
      const radius = num(e.radius_m);
      const at = e.at === 'check_out' ? 'check_out' : 'check_in';
      if (distance === null || radius === null) return t('flag.s.uncertain.unknown');
      const kind = flag.code === 'outside_radius' ? 'outside' : 'uncertain';
      return withAccuracy(
        t(`flag.s.${kind}.${at}` as MessageKey, { distance: fmtDistance(distance), radius: fmtDistance(radius) }),
      );
    }
    case 'mock_location':
    case 'developer_mode':
    case 'rooted':
    case 'emulator':
    case 'photo_no_exif':
    case 'report_missing':
    case 'no_fix':
      return t(`flag.s.${flag.code}` as MessageKey);
    case 'clock_offset': {
      const offset = num(e.offset_s) ?? 0;
      const limit = num(e.limit_s) ?? 300;
      return t(offset >= 0 ? 'flag.s.clock_fast' : 'flag.s.clock_slow', { offset: fmtSpan(offset), limit: fmtSpan(limit) });
    }
    case 'late_sync':
      return t('flag.s.late_sync', { delay: fmtSpan(num(e.delay_s) ?? 0), limit: fmtSpan(num(e.limit_s) ?? 1800) });
    case 'device_shared': {
      const ids = Array.isArray(e.employee_ids) ? (e.employee_ids as unknown[]).map(String) : [];
      const names = ids.map((id) => ctx.employeeName?.(id)).filter((n): n is string => !!n);
      return names.length ? t('flag.s.device_shared', { names: names.join(', ') }) : t('flag.s.device_shared_anon');
    }
    case 'photo_reused':
      return e.identical === false ? t('flag.s.photo_near_copy') : t('flag.s.photo_reused');
    case 'photo_exif_mismatch': {
      if (e.what === 'place') return t('flag.s.exif_place', { distance: fmtDistance(num(e.distance_m)) });
      const diff = num(e.difference_s) ?? 0;
      return t(diff < 0 ? 'flag.s.exif_time_before' : 'flag.s.exif_time_after', { diff: fmtSpan(diff) });
    }
    case 'too_short':
      return t('flag.s.too_short', {
        duration: fmtSpan(num(e.duration_s) ?? 0),
        min: fmtSpan(num(e.min_duration_s) ?? 0),
      });
    case 'photos_missing': {
      const required = num(e.required) ?? 0;
      // The contract says {required, have}; older servers sent {required, missing}.
      const have = num(e.have) ?? Math.max(0, required - (num(e.missing) ?? required));
      return t('flag.s.photos_missing', { have, required });
    }
    case 'stale_fix':
      return t('flag.s.stale_fix', { age: fmtSpan(num(e.age_s) ?? 0) });
    default:
      return t('flag.s.other');
  }
}
