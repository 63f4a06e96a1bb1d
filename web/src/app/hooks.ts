// Hooks that tie screens to the outbox and to stored server answers.
import { useEffect, useState } from 'preact/hooks';
import { kvGet } from './db';
import type { OutboxItem } from './outbox';
import { outbox } from './session';

/** The outbox's items, re-read whenever it changes. */
export function useOutbox(): { items: OutboxItem[]; offline: boolean } {
  const [state, set] = useState<{ items: OutboxItem[]; offline: boolean }>({ items: [], offline: outbox.offline });
  useEffect(() => {
    const f = () => void outbox.items().then((items) => set({ items, offline: outbox.offline }));
    f();
    return outbox.subscribe(f);
  }, []);
  return state;
}

/** The server's answer to action `id` once the outbox has it, else null. */
export function useResult<T>(id: string | undefined): T | null {
  const [r, set] = useState<T | null>(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    const f = () => void kvGet<T>(`result:${id}`).then((v) => live && set(v ?? null));
    f();
    const off = outbox.subscribe(f);
    return () => {
      live = false;
      off();
    };
  }, [id]);
  return r;
}

/** An object URL for a photo kept on the phone. */
export function useLocalPhoto(id: string): string | null {
  const [url, set] = useState<string | null>(null);
  useEffect(() => {
    let u: string | null = null;
    void kvGet<Blob>(`blob:${id}`).then((b) => {
      if (b) set((u = URL.createObjectURL(b)));
    });
    return () => {
      if (u) URL.revokeObjectURL(u);
    };
  }, [id]);
  return url;
}
