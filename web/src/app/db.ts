// The field app's local database. `outbox` holds every action not yet confirmed by the
// server, in the order it happened; `fixes` the location fixes waiting to be sent; `kv`
// cached reference data (customers, forms, policy) and the local state of the day, so
// the app keeps working with no network.
import { done, openDb, tx } from '../shared/idb';

let dbp: Promise<IDBDatabase> | null = null;

export function db(): Promise<IDBDatabase> {
  dbp ??= openDb('outfield-app', 1, (d) => {
    d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    d.createObjectStore('fixes', { keyPath: 't' });
    d.createObjectStore('kv');
  });
  return dbp;
}

export async function kvGet<T>(key: string): Promise<T | undefined> {
  const d = await db();
  return tx(d, 'kv', 'readonly', (t) => done(t.objectStore('kv').get(key)));
}

export async function kvSet(key: string, value: unknown): Promise<void> {
  const d = await db();
  await tx(d, 'kv', 'readwrite', (t) => done(t.objectStore('kv').put(value, key)));
}

export async function kvDelete(key: string): Promise<void> {
  const d = await db();
  await tx(d, 'kv', 'readwrite', (t) => done(t.objectStore('kv').delete(key)));
}
