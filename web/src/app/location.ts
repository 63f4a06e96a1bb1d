// The phone's position: one fix for an action, and a watch that records a track while
// the app is open, sampled as the tenant's tracking policy asks and only inside its
// working windows (the server refuses the rest anyway; not collecting is kinder).
import type { Api } from '../shared/api';
import { NetworkError } from '../shared/api';
import { done, tx } from '../shared/idb';
import { rfc3339 } from '../shared/ids';
import { distanceM } from '../shared/geo';
import type { LocationBatch, TrackingPolicy as ServerPolicy } from '../shared/types';
import { db, kvGet, kvSet } from './db';

export interface Fix {
  lat: number;
  lon: number;
  accuracy_m: number;
  t: string;
  speed_mps?: number;
}

export function toFix(p: GeolocationPosition): Fix {
  return {
    lat: p.coords.latitude,
    lon: p.coords.longitude,
    accuracy_m: Math.round(p.coords.accuracy * 10) / 10,
    t: rfc3339(new Date(p.timestamp)),
    speed_mps: p.coords.speed ?? undefined,
  };
}

/** A fresh fix: high accuracy, within `timeoutMs`, at most 30 s old. */
export function currentFix(timeoutMs = 15_000): Promise<Fix> {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new Error('no geolocation'));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve(toFix(p)),
      (e) => reject(new Error(e.message || 'location unavailable')),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 30_000 },
    );
  });
}

/** Where an action happened, as well as the phone could tell: a fresh fix, the last one
 * known (sent with its own instant, so the server can judge its age), or none at all. */
export interface ActionPlace {
  fix: Fix | null;
  fresh: boolean;
}

/** How long an action waits for a fresh fix before it goes with what it has. */
const ACTION_WAIT_MS = 4_000;
/** A last known fix older than this says nothing useful about where the rep is now. */
const LAST_KNOWN_MAX_MS = 60 * 60_000;

/** The part of the server's tracking policy the watch follows (all of it is cached). */
type TrackingPolicy = Pick<
  ServerPolicy,
  'collect' | 'moving_interval_s' | 'stationary_interval_s' | 'min_distance_m' | 'desired_accuracy_m'
>;

const FALLBACK: TrackingPolicy = {
  collect: true,
  moving_interval_s: 10,
  stationary_interval_s: 60,
  min_distance_m: 10,
  desired_accuracy_m: 20,
};

export class Tracker {
  private watch: number | null = null;
  private last: Fix | null = null;
  private policy: TrackingPolicy = FALLBACK;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** The newest position seen, for distances on screen. */
  latest: Fix | null = null;
  private latestAt = 0;
  onPosition: (f: Fix) => void = () => {};

  constructor(private readonly api: Api) {}

  async start(): Promise<void> {
    if (this.watch !== null || !navigator.geolocation) return;
    await this.refreshPolicy();
    this.watch = navigator.geolocation.watchPosition(
      (p) => void this.seen(toFix(p)),
      () => {},
      { enableHighAccuracy: true, maximumAge: 5_000 },
    );
    // The policy changes with the clock (working windows), so it is re-read now and then.
    this.timer = setInterval(() => {
      void this.refreshPolicy();
      void this.flush();
    }, 30_000);
  }

  stop(): void {
    if (this.watch !== null) navigator.geolocation.clearWatch(this.watch);
    if (this.timer) clearInterval(this.timer);
    this.watch = null;
    this.timer = null;
  }

  private async refreshPolicy(): Promise<void> {
    try {
      this.policy = await this.api.get<ServerPolicy>('/me/tracking-policy');
      await kvSet('policy', this.policy);
    } catch {
      this.policy = (await kvGet<TrackingPolicy>('policy')) ?? FALLBACK;
    }
  }

  /** A fix for an action, never failing: the watch's if it is recent (the watch only
   * reports changes, so a rep standing still gets no new one), else a fresh request that
   * waits a few seconds; when that fails (indoors, permission denied), the last known fix
   * up to an hour old, marked not fresh; else none. The action goes ahead in every case. */
  async actionFix(waitMs = ACTION_WAIT_MS): Promise<ActionPlace> {
    if (this.latest && Date.now() - this.latestAt < 30_000) return { fix: this.latest, fresh: true };
    try {
      const f = await currentFix(waitMs);
      this.latest = f;
      this.latestAt = Date.now();
      void this.remember(f);
      return { fix: f, fresh: true };
    } catch {
      const last = await this.lastKnown();
      if (last && Date.now() - Date.parse(last.t) < LAST_KNOWN_MAX_MS) return { fix: last, fresh: false };
      return { fix: null, fresh: false };
    }
  }

  /** The watch's position if it is recent, else nothing (photos take no waiting). */
  recentFix(): Fix | null {
    return this.latest && Date.now() - this.latestAt < 30_000 ? this.latest : null;
  }

  /** A position to show distances from: the newest seen, or null. */
  async fix(): Promise<Fix | null> {
    const p = await this.actionFix();
    return p.fix;
  }

  /** The newest fix this phone has seen (kept across reloads). */
  private async lastKnown(): Promise<Fix | null> {
    const saved = (await kvGet<Fix>('lastFix')) ?? null;
    if (this.latest && (!saved || this.latest.t >= saved.t)) return this.latest;
    return saved;
  }

  /** Keeps `f` as the last known fix when it is newer than the one kept. */
  async remember(f: Fix): Promise<void> {
    const saved = await kvGet<Fix>('lastFix');
    if (!saved || Date.parse(saved.t) < Date.parse(f.t)) await kvSet('lastFix', f);
  }

  private async seen(f: Fix): Promise<void> {
    this.latest = f;
    this.latestAt = Date.now();
    void this.remember(f);
    this.onPosition(f);
    if (!this.policy.collect) return;
    const prev = this.last;
    if (prev) {
      const dt = (Date.parse(f.t) - Date.parse(prev.t)) / 1000;
      const moved = distanceM(prev.lat, prev.lon, f.lat, f.lon);
      const moving = (f.speed_mps ?? 0) > 1 || moved >= this.policy.min_distance_m;
      const interval = moving ? this.policy.moving_interval_s : this.policy.stationary_interval_s;
      if (dt < interval) return;
    }
    this.last = f;
    const d = await db();
    await tx(d, 'fixes', 'readwrite', (t) => done(t.objectStore('fixes').put(f)));
  }

  /** Sends waiting fixes in batches; a resent fix is a no-op on the server. */
  async flush(): Promise<void> {
    const d = await db();
    const fixes: Fix[] = await tx(d, 'fixes', 'readonly', (t) => done(t.objectStore('fixes').getAll()));
    for (let i = 0; i < fixes.length; i += 1000) {
      const batch = fixes.slice(i, i + 1000);
      try {
        await this.api.post('/locations', {
          fixes: batch.map((f) => ({ ...f, provider: 'fused' })),
        } satisfies LocationBatch);
      } catch (e) {
        if (e instanceof NetworkError) return;
        // A refused batch would block every later one; it is dropped (the server said why).
      }
      await tx(d, 'fixes', 'readwrite', (t) => {
        const s = t.objectStore('fixes');
        batch.forEach((f) => s.delete(f.t));
      });
    }
  }
}
