// Two languages, chosen from the browser and switchable; the choice is remembered.
// Dates, times, numbers and distances go through Intl for the chosen locale.
import { messages, type MessageKey } from './messages';

export type Lang = 'zh-CN' | 'en';
export const LANGS: Lang[] = ['zh-CN', 'en'];
const KEY = 'outfield.lang';

function initial(): Lang {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  const nav = navigator.languages?.length ? navigator.languages : [navigator.language];
  return nav.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

let lang: Lang = initial();
const listeners = new Set<() => void>();
document.documentElement.lang = lang;

export function currentLang(): Lang {
  return lang;
}

export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
  listeners.forEach((f) => f());
}

export function onLangChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** The message for `key`, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = messages[lang][key] ?? messages.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (k in params ? String(params[k]) : `{${k}}`));
}

/** The message for a key built at run time (a flag code), or `fallback`. */
export function tOr(key: string, fallback: string): string {
  return (messages[lang] as Record<string, string>)[key] ?? (messages.en as Record<string, string>)[key] ?? fallback;
}

// Times are shown in the tenant's time zone (set after sign-in from `/me`), not the
// browser's: a manager in another zone still reads the rep's local working day.
let timeZone: string | undefined;

export function setTimeZone(tz: string | undefined): void {
  timeZone = tz;
  listeners.forEach((f) => f());
}

export function currentTimeZone(): string | undefined {
  return timeZone;
}

// One date style per locale ("Jun 3, 2024" / "2024年6月3日"): every date on screen, alone or
// with a time, goes through these, never through toLocale*/toISOString or a raw API string.
const DATE: Intl.DateTimeFormatOptions = { dateStyle: 'medium' };

/** A calendar date as the API sends it (`YYYY-MM-DD`, already the tenant's local day). */
function calendarDate(d: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12)) : null;
}

/** A day: a `YYYY-MM-DD` calendar date as is, an instant in the tenant's time zone. */
export function fmtDate(d: string | Date | null | undefined): string {
  if (!d) return '—';
  const day = typeof d === 'string' ? calendarDate(d) : null;
  if (day) return new Intl.DateTimeFormat(lang, { ...DATE, timeZone: 'UTC' }).format(day);
  return new Intl.DateTimeFormat(lang, { ...DATE, timeZone }).format(new Date(d));
}

/** "Jun 3, 2024 – Jun 5, 2024", or one date when both ends are the same day. */
export function fmtDateRange(from: string, to: string): string {
  return from === to ? fmtDate(from) : `${fmtDate(from)} – ${fmtDate(to)}`;
}

/** A calendar date's weekday ("Mon" / "周一"), for calendar headings beside the day number. */
export function fmtWeekday(d: string): string {
  const day = calendarDate(d);
  return day ? new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' }).format(day) : d;
}

/** A calendar date's day of the month in the locale's digits ("3" / "3日"). */
export function fmtDayOfMonth(d: string): string {
  const day = calendarDate(d);
  return day ? new Intl.DateTimeFormat(lang, { day: 'numeric', timeZone: 'UTC' }).format(day) : d;
}

/** A month `YYYY-MM` ("June 2024" / "2024年6月"). */
export function fmtMonth(m: string): string {
  const day = calendarDate(`${m}-01`);
  return day ? new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(day) : m;
}

/**
 * A claim period in words: a month (`2026-11`), a half-month (`2026-11-H1`: "Nov 2026,
 * 1st–15th") or an ISO week (`2026-W48`: "Week 48, 2026 (23 Nov – 29 Nov)").
 */
export function fmtPeriod(p: string): string {
  const half = /^(\d{4}-\d{2})-H([12])$/.exec(p);
  if (half) return t(half[2] === '1' ? 'period.half1' : 'period.half2', { month: fmtMonth(half[1]) });
  const week = /^(\d{4})-W(\d{2})$/.exec(p);
  if (week) {
    const [first, last] = periodDays(p) ?? ['', ''];
    const short = (d: string) => {
      const day = calendarDate(d);
      return day ? new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(day) : d;
    };
    return t('period.week', { year: week[1], week: Number(week[2]), from: short(first), to: short(last) });
  }
  return fmtMonth(p);
}

/** The first and last dates (`YYYY-MM-DD`) of a claim period id, or null when it is none. */
export function periodDays(p: string): [string, string] | null {
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const month = /^(\d{4})-(\d{2})(?:-H([12]))?$/.exec(p);
  if (month) {
    const [y, m] = [Number(month[1]), Number(month[2])];
    const end = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const [a, b] = month[3] === '1' ? [1, 15] : month[3] === '2' ? [16, end] : [1, end];
    return [iso(new Date(Date.UTC(y, m - 1, a))), iso(new Date(Date.UTC(y, m - 1, b)))];
  }
  const week = /^(\d{4})-W(\d{2})$/.exec(p);
  if (week) {
    // ISO week 1 holds 4 January; its Monday starts the year's weeks.
    const jan4 = new Date(Date.UTC(Number(week[1]), 0, 4));
    const monday = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86400_000 + (Number(week[2]) - 1) * 7 * 86400_000;
    return [iso(new Date(monday)), iso(new Date(monday + 6 * 86400_000))];
  }
  return null;
}

export function fmtDateTime(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang, { ...DATE, timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** Today's date (`YYYY-MM-DD`) in the tenant's time zone (the browser's before sign-in). */
export function todayInZone(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

export function fmtTime(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZone }).format(
    new Date(iso),
  );
}

export function fmtNumber(n: number, digits = 0): string {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(n);
}

/** Metres as "850 m" or "12.3 km", in the locale's digits and unit names. */
export function fmtDistance(m: number | null | undefined): string {
  if (m === null || m === undefined) return '—';
  if (m < 1000)
    return new Intl.NumberFormat(lang, { style: 'unit', unit: 'meter', maximumFractionDigits: 0 }).format(m);
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: 'kilometer',
    maximumFractionDigits: 1,
  }).format(m / 1000);
}

export function fmtDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return h ? t('duration.hm', { h, m }) : t('duration.m', { m });
}

/** "3 minutes ago", in the locale. */
export function fmtAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const a = Math.abs(s);
  if (a < 60) return rtf.format(s, 'second');
  if (a < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

/** Integer minor units (fen) as "¥1,234.56": exact, never through a fraction of a yuan. */
export function fmtMoney(minor: number | null | undefined): string {
  if (minor === null || minor === undefined) return '—';
  const a = Math.abs(Math.round(minor));
  const yuan = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(Math.floor(a / 100));
  return `${minor < 0 ? '-' : ''}¥${yuan}.${String(a % 100).padStart(2, '0')}`;
}

/** "25", "25.5" or "¥25.50" as fen (2550); null when it is not an amount of at most two
 * decimals. Read as text, so 0.1 + 0.2 never happens to money. */
export function parseMoney(text: string): number | null {
  const m = /^\s*¥?\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Metres as kilometres with one decimal, no unit ("12.3"), for columns headed in km. */
export function fmtKm(m: number | null | undefined): string {
  if (m === null || m === undefined) return '—';
  return new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(m / 1000);
}
