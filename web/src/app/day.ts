// The rep's day as this phone knows it, kept in IndexedDB so it survives reloads and
// needs no network: whether they clocked in, the visit in progress, visits done today.
// The server's answers (judgements) arrive later through the outbox as `result:<id>`.
import { useEffect, useState } from 'preact/hooks';
import { localDate } from '../shared/ids';
import { kvGet, kvSet } from './db';

export interface CurrentVisit {
  id: string;
  customerId: string | null;
  name: string;
  address: string | null;
  t: string;
  lat: number;
  lon: number;
  /** Photos taken during the visit, in order. */
  photos: string[];
  reported: boolean;
  /** Checked in from a stop of today's plan. */
  planned?: boolean;
}

export interface DayState {
  date: string;
  clockIn?: { id: string; t: string };
  clockOut?: { id: string; t: string };
  visit?: CurrentVisit;
  done: { id: string; customerId?: string | null; name: string; t: string; end: string }[];
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
