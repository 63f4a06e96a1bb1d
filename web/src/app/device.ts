// What the app tells the server about the phone with every action: a stable install id
// (so a phone shared between reps can be flagged), platform and version, and the
// device clock at send time (so clock tampering shows as an offset against server time).
import { uuid, rfc3339 } from '../shared/ids';
import type { DeviceFacts } from '../shared/types';

export const APP_VERSION = '0.1.0';
const KEY = 'outfield.device';

export function deviceId(): string {
  let id = localStorage.getItem(KEY);
  if (!id) {
    id = uuid();
    localStorage.setItem(KEY, id);
  }
  return id;
}

export function deviceFacts(): DeviceFacts {
  return { id: deviceId(), platform: 'web', app_version: APP_VERSION, clock: rfc3339() };
}
