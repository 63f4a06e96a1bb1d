// What the rep should know about the last action's position: it went with an older fix
// (and how old), or with none. Shown at the top of whatever screen follows the action,
// rendered at display time so a language switch re-words it.
import { useEffect, useState } from 'preact/hooks';
import type { ActionPlace } from './location';

export type FixNote = { kind: 'stale'; fixT: string; at: string } | { kind: 'none' };

let note: FixNote | null = null;
const listeners = new Set<() => void>();

/** Records how the action at `at` was placed; a fresh fix clears the note. */
export function noteFix(place: ActionPlace, at: string): void {
  note = place.fresh && place.fix ? null : place.fix ? { kind: 'stale', fixT: place.fix.t, at } : { kind: 'none' };
  listeners.forEach((f) => f());
}

export function clearFixNote(): void {
  note = null;
  listeners.forEach((f) => f());
}

export function useFixNote(): FixNote | null {
  const [n, set] = useState(note);
  useEffect(() => {
    const f = () => set(note);
    f();
    listeners.add(f);
    return () => void listeners.delete(f);
  }, []);
  return n;
}
