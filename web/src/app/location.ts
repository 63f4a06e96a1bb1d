// The phone's position: one fix for an action, and a watch that records a track while
// the app is open, sampled as the tenant's tracking policy asks and only inside its
// working windows (the server refuses the rest anyway; not collecting is kinder).
import type { Api } from '../shared/api';
import { NetworkError } from '../shared/api';
import { done, tx } from '../shared/idb';
import { rfc3339 } from '../shared/ids';
import { distanceM } from '../shared/geo';
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

/** A fresh fix for an action (check-in, clock-in): high accuracy, not older than 10 s. */
export function currentFix(): Promise<Fix> {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new Error('no geolocation'));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve(toFix(p)),
      (e) => reject(new Error(e.message || 'location unavailable')),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  });
}

export interface TrackingPolicy {
  collect: boolean;
  moving_interval_s: number;
  stationary_interval_s: number;
  min_distance_m: number;
  desired_accuracy_m: number;
}

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
      this.policy = await this.api.get<TrackingPolicy>('/me/tracking-policy');
      await kvSet('policy', this.policy);
    } catch {
      this.policy = (await kvGet<TrackingPolicy>('policy')) ?? FALLBACK;
    }
  }

  /** A fix for an action: the watch's if it is recent (the watch only reports changes,
   * so a rep standing still gets no new one), else a fresh request; a fix up to five
   * minutes old when the request fails (indoors), rather than no action at all. */
  async fix(): Promise<Fix> {
    if (this.latest && Date.now() - this.latestAt < 30_000) return this.latest;
    try {
      const f = await currentFix();
      this.latest = f;
      this.latestAt = Date.now();
      return f;
    } catch (e) {
      if (this.latest && Date.now() - this.latestAt < 300_000) return this.latest;
      throw e;
    }
  }

  private async seen(f: Fix): Promise<void> {
    this.latest = f;
    this.latestAt = Date.now();
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
        });
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
