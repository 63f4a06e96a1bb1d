// The server's day merged with what this phone still has to send. The server is the
// truth for everything it has stored (punches, the open visit, visits done); an action
// still waiting in the outbox is not on the server yet and must still show.
import type { Today, Visit } from '../shared/types';
import type { CurrentVisit, DayState, DoneVisit } from './day';
import type { OutboxItem } from './outbox';

const isKind = (p: { kind: string }, k: 'in' | 'out') => p.kind === `clock_${k}` || p.kind === `clock-${k}`;
const byT = <T extends { t: string }>(a: T, b: T) => Date.parse(a.t) - Date.parse(b.t);

/** The day to show: `server` plus the `waiting` outbox items (read before and after the
 * server answered, so an item sent meanwhile counts as not yet on the server) and any
 * action made on the phone since `since` (epoch ms, when the server was asked), which
 * the answer cannot know yet. `names` resolves customer ids to names for visits this
 * phone did not start. */
export function mergeToday(
  local: DayState,
  server: Today,
  waiting: OutboxItem[],
  names: Record<string, string>,
  since: number,
): DayState {
  const recent = (t: string) => Date.parse(t) >= since;
  const pending = new Set(waiting.map((i) => i.id));
  for (const p of [local.clockIn, local.clockOut, local.visit]) if (p && recent(p.t)) pending.add(p.id);
  const checkingOut = new Set(waiting.filter((i) => i.kind === 'check-out').map((i) => i.visitId));
  for (const d of local.done) if (recent(d.end)) checkingOut.add(d.id);
  const punches = [...server.punches].sort(byT);
  const serverIn = punches.find((p) => isKind(p, 'in'));
  const serverOut = punches.filter((p) => isKind(p, 'out')).pop();
  const keep = (p?: { id: string; t: string }) => (p && pending.has(p.id) ? p : undefined);

  const nameOf = (v: Visit, prev?: { name: string }) => names[v.customer_id] ?? prev?.name ?? '';

  // The visit in progress: one started here and not yet sent, else the server's open one
  // (unless this phone is already sending its check-out).
  let visit: CurrentVisit | undefined = local.visit && pending.has(local.visit.id) ? local.visit : undefined;
  const open = server.open_visit;
  if (!visit && open && !checkingOut.has(open.id)) {
    const prev = local.visit?.id === open.id ? local.visit : undefined;
    const onServer = (open.photos ?? []).map((p) => p.id);
    const waitingPhotos = (prev?.photos ?? []).filter((id) => !onServer.includes(id));
    visit = {
      id: open.id,
      customerId: open.customer_id,
      name: nameOf(open, prev),
      address: prev?.address ?? null,
      t: open.check_in.t,
      photos: [...onServer, ...waitingPhotos],
      photoUrls: Object.fromEntries((open.photos ?? []).map((p) => [p.id, p.url])),
      reported: !!open.report || !!prev?.reported,
      planned: open.kind === 'planned',
    };
  }

  // Visits done today: the server's checked-out ones, plus those whose check-out (or
  // whole visit) is still waiting here.
  const done: DoneVisit[] = server.visits
    .filter((v) => v.check_out)
    .map((v) => {
      const prev = local.done.find((d) => d.id === v.id);
      return { id: v.id, customerId: v.customer_id, name: nameOf(v, prev), t: v.check_in.t, end: v.check_out!.t };
    });
  for (const d of local.done) {
    if (checkingOut.has(d.id) && !done.some((x) => x.id === d.id)) done.push(d);
  }
  done.sort((a, b) => Date.parse(a.t) - Date.parse(b.t));

  return {
    date: local.date,
    clockIn: serverIn ? { id: serverIn.id, t: serverIn.t } : keep(local.clockIn),
    clockOut: serverOut ? { id: serverOut.id, t: serverOut.t } : keep(local.clockOut),
    visit,
    done,
  };
}
