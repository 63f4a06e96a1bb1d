// What a rep does, turned into outbox items. Each action gets its UUID and its time the
// moment the rep acts; the local day state changes at once, so the screen never waits
// for the network. Order matters and is kept by the outbox: photo before the clock-in
// that names it, check-in before the visit's photos, report and check-out.
import { currentLang } from '../shared/i18n';
import { rfc3339, uuid } from '../shared/ids';
import type { Customer } from '../shared/types';
import { kvGet, kvSet } from './db';
import { updateDay } from './day';
import type { Fix } from './location';
import { outbox } from './session';

function where(fix: Fix) {
  return { lat: fix.lat, lon: fix.lon, accuracy_m: fix.accuracy_m };
}

async function queuePhoto(blob: Blob, fix: Fix | null, visitId?: string): Promise<string> {
  const id = uuid();
  const at = rfc3339();
  // Kept locally too, so the thumbnail shows before (and after) it is uploaded.
  await kvSet(`blob:${id}`, blob);
  await outbox.add({
    id,
    kind: 'photo',
    method: 'POST',
    path: visitId ? `/visits/${visitId}/photos` : '/photos',
    body: { id, t: at, ...(fix ? where(fix) : {}), lang: currentLang() === 'en' ? 'en' : 'zh' },
    blob,
    visitId,
    at,
  });
  return id;
}

export async function punch(kind: 'clock-in' | 'clock-out', fix: Fix, photo: Blob | null): Promise<void> {
  const photoId = photo ? await queuePhoto(photo, fix) : null;
  const id = uuid();
  const at = rfc3339();
  await outbox.add({
    id,
    kind,
    method: 'POST',
    path: `/attendance/${kind}`,
    body: { id, t: at, ...where(fix), ...(photoId ? { photo_id: photoId } : {}) },
    at,
  });
  await updateDay((d) => {
    if (kind === 'clock-in') d.clockIn = { id, t: at };
    else d.clockOut = { id, t: at };
  });
}

export interface Prospect {
  name: string;
  address?: string;
  phone?: string;
}

/** A customer to check in at: from my customers, or a stop of today's plan. */
export type Target = Pick<Customer, 'id' | 'name' | 'address'>;

/** Checks in at a customer (`planned` when it is a stop of today's published plan) or at
 * a new prospect. */
export async function checkIn(target: Target | Prospect, fix: Fix, planned = false): Promise<string> {
  const id = uuid();
  const at = rfc3339();
  const known = 'id' in target;
  const body = {
    id,
    t: at,
    ...where(fix),
    ...(known && planned ? { planned: true } : {}),
    ...(known
      ? { customer_id: target.id }
      : {
          prospect: {
            name: target.name,
            ...(target.address ? { address: target.address } : {}),
            ...(target.phone ? { phone: target.phone } : {}),
          },
        }),
  };
  await outbox.add({ id, kind: 'check-in', method: 'POST', path: '/visits', body, visitId: id, at });
  await updateDay((d) => {
    d.visit = {
      id,
      customerId: known ? target.id : null,
      name: target.name,
      address: target.address ?? null,
      t: at,
      lat: fix.lat,
      lon: fix.lon,
      photos: [],
      reported: false,
      planned: known && planned,
    };
  });
  return id;
}

export async function visitPhoto(visitId: string, blob: Blob, fix: Fix | null): Promise<string> {
  const id = await queuePhoto(blob, fix, visitId);
  await updateDay((d) => {
    if (d.visit?.id === visitId) d.visit.photos.push(id);
  });
  return id;
}

export async function report(visitId: string, formId: string, version: number, answers: Record<string, unknown>): Promise<void> {
  const id = uuid();
  const at = rfc3339();
  await outbox.add({
    id,
    kind: 'report',
    method: 'PUT',
    path: `/visits/${visitId}/report`,
    body: { id, form_id: formId, form_version: version, answers, t: at },
    visitId,
    at,
  });
  await updateDay((d) => {
    if (d.visit?.id === visitId) d.visit.reported = true;
  });
}

export async function checkOut(visitId: string, fix: Fix): Promise<void> {
  const id = uuid();
  const at = rfc3339();
  await outbox.add({
    id,
    kind: 'check-out',
    method: 'POST',
    path: `/visits/${visitId}/check-out`,
    body: { id, t: at, ...where(fix) },
    visitId,
    at,
  });
  await updateDay((d) => {
    if (d.visit?.id === visitId) {
      d.done.push({ id: visitId, customerId: d.visit.customerId, name: d.visit.name, t: d.visit.t, end: at });
      d.visit = undefined;
    }
  });
}

/** A signature drawn for a report field: uploaded as a photo of the visit (a PNG), but not
 * one of the visit's counted photos on this screen. Resolves to its photo id. */
export async function visitSignature(visitId: string, png: Blob, fix: Fix | null): Promise<string> {
  return queuePhoto(png, fix, visitId);
}

export interface LeaveRequest {
  from: string;
  to: string;
  leave_type: string;
  reason: string;
}

export interface SentLeave extends LeaveRequest {
  id: string;
  at: string;
}

/** Asks for leave; queued like every other action, and remembered on the phone. */
export async function requestLeave(leave: LeaveRequest): Promise<string> {
  const id = uuid();
  const at = rfc3339();
  await outbox.add({ id, kind: 'leave', method: 'POST', path: '/attendance/leave', body: { id, ...leave }, at });
  const mine = (await kvGet<SentLeave[]>('leaves')) ?? [];
  await kvSet('leaves', [{ id, at, ...leave }, ...mine].slice(0, 50));
  return id;
}
