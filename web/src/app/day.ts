// The rep's day as this phone knows it, kept in IndexedDB so it survives reloads and
// needs no network: whether they clocked in, the visit in progress, visits done today.
// The server's answers (judgements) arrive later through the outbox as `result:<id>`, and
// the server's own view of the day (`/me/today`, see today.ts) is merged in whenever it
// can be read, so a re-login or another phone shows the same day.
import { useEffect, useState } from 'preact/hooks';
import { localDate } from '../shared/ids';
import { kvGet, kvSet } from './db';

export interface CurrentVisit {
  id: string;
  customerId: string | null;
  name: string;
  address: string | null;
  t: string;
  /** Photos taken during the visit, in order. */
  photos: string[];
  /** Where photos not taken on this phone can be fetched (`/api/v1/photos/{id}`). */
  photoUrls?: Record<string, string>;
  reported: boolean;
  /** Checked in from a stop of today's plan. */
  planned?: boolean;
}

export interface DayState {
  date: string;
  clockIn?: { id: string; t: string };
  clockOut?: { id: string; t: string };
  visit?: CurrentVisit;
  done: DoneVisit[];
}

export interface DoneVisit {
  id: string;
  customerId?: string | null;
  name: string;
  t: string;
  end: string;
  /** The visit as it was when this phone checked it out, to reopen it if the server
   * refuses the check-out. */
  was?: CurrentVisit;
}

const listeners = new Set<() => void>();
let cache: DayState | null = null;

export async function loadDay(): Promise<DayState> {
  const today = localDate();
  if (cache?.date === today) return cache;
  const saved = await kvGet<DayState>('day');
  // A visit left open yesterday stays open: it still has to be checked out.
  cache =
    saved?.date === today
      ? saved
      : { date: today, done: [], visit: saved?.visit };
  return cache;
}

export async function updateDay(change: (d: DayState) => void): Promise<DayState> {
  const d = structuredClone(await loadDay());
  change(d);
  cache = d;
  await kvSet('day', d);
  listeners.forEach((f) => f());
  return d;
}

export function useDay(): DayState | null {
  const [day, setDay] = useState<DayState | null>(cache);
  useEffect(() => {
    const f = () => void loadDay().then(setDay);
    f();
    listeners.add(f);
    return () => void listeners.delete(f);
  }, []);
  return day;
}

/** Undoes on the phone what an action the server refused had done: a refused punch is
 * no longer shown as made (the rep can punch again), a refused check-out reopens its
 * visit so the rep can add what is missing and check out again. */
export async function undoRefused(kind: string, id: string, visitId?: string): Promise<void> {
  await updateDay((d) => {
    if (kind === 'clock-in' && d.clockIn?.id === id) d.clockIn = undefined;
    if (kind === 'clock-out' && d.clockOut?.id === id) d.clockOut = undefined;
    if (kind === 'check-out' && visitId && !d.visit) {
      const done = d.done.find((v) => v.id === visitId);
      if (done?.was) {
        d.visit = done.was;
        d.done = d.done.filter((v) => v !== done);
      }
    }
  });
}
