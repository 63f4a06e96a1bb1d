// The server is the truth of the rep's day: `GET /api/v1/me/today` is read on sign-in, on
// start when online, and whenever the outbox has sent or been refused something, and
// merged into the day kept on the phone (todayMerge.ts). Its answers are also cached as
// the screens' usual `result:<id>` and `plan:<date>` entries, so a visit opened on
// another phone shows its judgement, form and required photos here too. A server
// without the endpoint (404) leaves the phone's own day as it is. The server's `last_fix`
// is not used as this phone's position: another device's fix says nothing about where
// this phone is.
import type { Customer, Today } from '../shared/types';
import { kvGet, kvSet } from './db';
import { undoRefused, updateDay } from './day';
import { api, outbox } from './session';
import { mergeToday } from './todayMerge';

let running: Promise<void> | null = null;
let again = false;

/** Reads the server's day and merges it in; never throws. One read at a time: asked
 * during a read, it reads once more after it (the outbox may have sent meanwhile). */
export function syncToday(): Promise<void> {
  if (!api.signedIn) return Promise.resolve();
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      await read();
    } while (again);
  })().finally(() => {
    running = null;
  });
  return running;
}

async function read(): Promise<void> {
  const before = await outbox.items();
  const since = Date.now() - 1000;
  let today: Today;
  try {
    today = await api.get<Today>('/me/today');
  } catch {
    // A server without it (404) or no network: the phone's own day stands until the
    // next read (after the outbox has sent something, or the next start).
    return;
  }
  await kvSet('today', today);
  for (const p of today.punches) await kvSet(`result:${p.id}`, p);
  if (today.open_visit) await kvSet(`result:${today.open_visit.id}`, today.open_visit);
  if (today.plan) await kvSet(`plan:${today.date}`, today.plan);
  const names = await customerNames([today.open_visit, ...today.visits].flatMap((v) => (v ? [v.customer_id] : [])), today);
  const after = await outbox.items();
  const waiting = [...before, ...after].filter((i) => i.status === 'waiting');
  await updateDay((d) => Object.assign(d, mergeToday(d, today, waiting, names, since)));
}

/** Names of customers by id: from the phone's cached customers and the plan, else asked. */
async function customerNames(ids: string[], today: Today): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const s of today.plan?.stops ?? []) names[s.customer_id] = s.name;
  for (const c of (await kvGet<Customer[]>('customers')) ?? []) names[c.id] = c.name;
  for (const id of new Set(ids)) {
    if (names[id]) continue;
    try {
      names[id] = (await api.get<Customer>(`/customers/${id}`)).name;
    } catch {
      // Unknown here (e.g. a prospect not yet approved): the screen says "Customer".
    }
  }
  return names;
}

/** Wires the outbox to the day: refused actions are undone on the phone, and the
 * server's day is read again once the outbox has been through its queue. */
export function connectToday(): void {
  // Refused by the server only: items failed here because their visit's check-in was
  // refused are dropped with it (the next read of the server's day tidies the day).
  outbox.onRefused = (item) =>
    item.problem && 'local' in item.problem ? undefined : undoRefused(item.kind, item.id, item.visitId);
  outbox.onSettled = () => void syncToday();
}
