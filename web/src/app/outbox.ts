// The outbox: every field action is written here first, with its client UUID and the
// time it happened, and only then sent. Items go to the server strictly in the order
// they were made (a check-in before its photos, report and check-out), each until the
// server confirms it. The server stores an action once per UUID, so resending after a
// lost answer is safe: that is how "exactly once" survives dead zones and reloads.
import { ApiError, NetworkError, type Api } from '../shared/api';
import type { ProblemBody } from '../shared/errors';
import { done, tx } from '../shared/idb';
import { db, kvSet } from './db';
import { deviceFacts } from './device';

export type ActionKind = 'photo' | 'clock-in' | 'clock-out' | 'check-in' | 'check-out' | 'report' | 'leave' | 'expense';

/** Requests that take no device facts (their bodies are exactly what the rep asked). */
const NO_DEVICE: ActionKind[] = ['leave', 'expense'];

export interface OutboxItem {
  seq?: number;
  /** The action's client UUID (for a photo, the photo id). */
  id: string;
  kind: ActionKind;
  method: 'POST' | 'PUT';
  path: string;
  /** JSON body; for a photo, its `meta` part. `device` is added when sent. */
  body: Record<string, unknown>;
  /** A photo's bytes (JPEG, or PNG for a signature). */
  blob?: Blob;
  /** The visit this action belongs to, so its check-in goes first. */
  visitId?: string;
  /** When it happened on the phone (RFC 3339). */
  at: string;
  status: 'waiting' | 'done' | 'failed';
  attempts: number;
  /** Why the server refused it, kept as the server said it (its code and field
   * problems) so it is put into words in whatever language the screen shows. */
  problem?: Refusal;
  /** Older items: the refusal as text. */
  error?: string;
}

export type Refusal =
  | { status: number; code: string; message: string; fields: ProblemBody[] }
  | { local: 'checkin_failed' | 'unknown'; message?: string };

type Listener = () => void;

export class Outbox {
  private listeners = new Set<Listener>();
  private flushing: Promise<void> | null = null;
  /** True while the last attempt could not reach the server. */
  offline = !navigator.onLine;
  /** After a run that sent or refused something: the server's view of the day changed. */
  onSettled: () => void = () => {};
  /** When the server refuses an item, so the phone can undo what it assumed. */
  onRefused: (item: OutboxItem) => void | Promise<void> = () => {};

  constructor(private readonly api: Api) {
    window.addEventListener('online', () => void this.flush());
    window.addEventListener('offline', () => {
      this.offline = true;
      this.changed();
    });
    // A retry in the background covers networks that return without an `online` event.
    setInterval(() => void this.flush(), 15_000);
  }

  subscribe(f: Listener): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private changed(): void {
    this.listeners.forEach((f) => f());
  }

  /** Stores the action, then tries to send everything waiting. */
  async add(item: Omit<OutboxItem, 'status' | 'attempts'>): Promise<void> {
    const d = await db();
    const full: OutboxItem = { ...item, status: 'waiting', attempts: 0 };
    await tx(d, 'outbox', 'readwrite', (t) => done(t.objectStore('outbox').add(full)));
    this.changed();
    void this.flush();
  }

  async items(): Promise<OutboxItem[]> {
    const d = await db();
    return tx(d, 'outbox', 'readonly', (t) => done(t.objectStore('outbox').getAll()));
  }

  private async put(item: OutboxItem): Promise<void> {
    const d = await db();
    await tx(d, 'outbox', 'readwrite', (t) => done(t.objectStore('outbox').put(item)));
  }

  private async remove(seq: number): Promise<void> {
    const d = await db();
    await tx(d, 'outbox', 'readwrite', (t) => done(t.objectStore('outbox').delete(seq)));
  }

  /** Sends waiting items in order; one run at a time. */
  flush(): Promise<void> {
    if (!this.api.signedIn) return Promise.resolve();
    this.flushing ??= this.run().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async run(): Promise<void> {
    const all = (await this.items()).sort((a, b) => a.seq! - b.seq!);
    const failedVisits = new Set(
      all.filter((i) => i.status === 'failed' && i.kind === 'check-in').map((i) => i.id),
    );
    let settled = false;
    for (const item of all) {
      if (item.status !== 'waiting') continue;
      // A visit whose check-in the server refused has nothing to attach the rest to.
      if (item.visitId && item.kind !== 'check-in' && failedVisits.has(item.visitId)) {
        await this.fail(item, { local: 'checkin_failed' });
        continue;
      }
      const outcome = await this.send(item);
      if (outcome === 'stop') break;
      settled = true;
      if (outcome === 'failed' && item.kind === 'check-in') failedVisits.add(item.id);
    }
    this.changed();
    if (settled) this.onSettled();
  }

  private async send(item: OutboxItem): Promise<'sent' | 'failed' | 'stop'> {
    item.attempts += 1;
    const body = NO_DEVICE.includes(item.kind) ? item.body : { ...item.body, device: deviceFacts() };
    let payload: unknown = body;
    if (item.kind === 'photo') {
      const form = new FormData();
      form.append('meta', new Blob([JSON.stringify(body)], { type: 'application/json' }));
      form.append('file', item.blob!, `${item.id}.${item.blob!.type === 'image/png' ? 'png' : 'jpg'}`);
      payload = form;
    }
    try {
      const result = await this.api.request(item.method, item.path, payload);
      await this.confirm(item, result);
      return 'sent';
    } catch (e) {
      if (e instanceof NetworkError) {
        this.offline = true;
        await this.put(item);
        this.changed();
        return 'stop';
      }
      this.offline = false;
      if (e instanceof ApiError) {
        // A resend whose first attempt was stored is answered 200 with the stored result
        // (the device clock is not part of the digest), so a 409 `id_reused` is a real
        // conflict: the same id with a different action. It is refused like any 4xx.
        // Not signed in, throttled or a server fault: keep it and try again later.
        if (e.status === 401 || e.status === 429 || e.status >= 500) {
          await this.put(item);
          return 'stop';
        }
      }
      await this.fail(
        item,
        e instanceof ApiError
          ? { status: e.status, code: e.code, message: e.message, fields: [...e.fields] }
          : { local: 'unknown', message: e instanceof Error ? e.message : String(e) },
      );
      return 'failed';
    }
  }

  private async confirm(item: OutboxItem, result: unknown): Promise<void> {
    this.offline = false;
    // The answer (judgement, distance, flags) is what the screens show next.
    if (result !== null) await kvSet(`result:${item.id}`, result);
    await this.remove(item.seq!);
    this.changed();
  }

  private async fail(item: OutboxItem, problem: Refusal): Promise<void> {
    item.status = 'failed';
    item.problem = problem;
    await this.put(item);
    await this.onRefused(item);
    this.changed();
  }

  /** Drops a failed item the rep has read. */
  async dismiss(seq: number): Promise<void> {
    await this.remove(seq);
    this.changed();
  }
}
