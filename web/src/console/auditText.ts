// How the Audit log screen words an entry: resources, actions and fields by their labels
// (the raw word when there is none), values without JSON, and a local day as the instant
// the API filters by.
import { currentTimeZone, fmtDateTime, fmtNumber, t, tOr } from '../shared/i18n';
import type { Directory } from './directory';

export const resourceLabel = (r: string): string => tOr(`audit.resource.${r}`, r);
export const actionLabel = (a: string): string => tOr(`audit.action.${a}`, a);
export const fieldLabel = (f: string): string => tOr(`audit.field.${f}`, f);

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One old or new value as people read it: names for ids the directory knows, local
 * times for instants, lists joined, objects as `field: value` pairs. */
export function valueText(v: unknown, dir: Directory | null): string {
  if (v === undefined || v === null || v === '') return t('audit.empty');
  if (v === '[redacted]') return t('audit.redacted');
  if (typeof v === 'boolean') return v ? t('audit.yes') : t('audit.no');
  if (typeof v === 'number') return fmtNumber(v, 6);
  if (typeof v === 'string') {
    if (UUID.test(v)) return dir?.employees.get(v)?.name ?? dir?.customers.get(v)?.name ?? v;
    if (INSTANT.test(v)) return fmtDateTime(v);
    return v;
  }
  if (Array.isArray(v)) return v.length ? v.map((x) => valueText(x, dir)).join(', ') : t('audit.empty');
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${fieldLabel(k)}: ${valueText(x, dir)}`)
    .join('; ');
}

/** The UTC offset (ms) of `zone` at instant `at`. */
function offsetMs(at: number, zone: string | undefined): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - (at - (at % 1000));
}

/** The instant a local day (`YYYY-MM-DD`, the tenant's zone) begins, plus `days`. */
export function dayStart(date: string, days = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const zone = currentTimeZone();
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days);
  // Twice: the offset at the guessed instant may differ across a DST change.
  const guess = wall - offsetMs(wall, zone);
  return new Date(wall - offsetMs(guess, zone)).toISOString();
}
