// What a rep does, turned into outbox items. Each action gets its UUID and its time the
// moment the rep acts; the local day state changes at once, so the screen never waits
// for the network. Order matters and is kept by the outbox: photo before the clock-in
// that names it, check-in before the visit's photos, report and check-out.
import { currentLang } from '../shared/i18n';
import { rfc3339, uuid } from '../shared/ids';
import type {
  Capture,
  CheckinInput,
  CheckoutInput,
  Customer,
  LeaveInput,
  NewExpense,
  PhotoMeta,
  ProspectInput,
  PunchInput,
  ReportInput,
} from '../shared/types';
import { kvGet, kvSet } from './db';
import { updateDay } from './day';
import type { ActionPlace, Fix } from './location';
import { noteFix } from './notice';
import { outbox } from './session';

/** The position fields of an action: a fresh fix as is; an older one with its instant
 * (`fix_t`), so the server judges its age; none at all when the phone had none. */
function where(place: ActionPlace, at: string) {
  noteFix(place, at);
  const f = place.fix;
  if (!f) return {};
  const base = { lat: f.lat, lon: f.lon, accuracy_m: f.accuracy_m };
  return place.fresh ? base : { ...base, fix_t: f.t };
}

async function queuePhoto(blob: Blob, fix: Fix | null, capture: Capture | null, visitId?: string, purpose?: 'receipt'): Promise<string> {
  const id = uuid();
  const at = rfc3339();
  // Kept locally too, so the thumbnail shows before (and after) it is uploaded.
  await kvSet(`blob:${id}`, blob);
  await outbox.add({
    id,
    kind: 'photo',
    method: 'POST',
    path: visitId ? `/visits/${visitId}/photos` : '/photos',
    body: {
      id,
      t: at,
      ...(fix ? { lat: fix.lat, lon: fix.lon, accuracy_m: fix.accuracy_m } : {}),
      lang: currentLang() === 'en' ? 'en' : 'zh',
      ...(capture ? { capture } : {}),
      ...(purpose ? { purpose } : {}),
    } satisfies PhotoMeta,
    blob,
    visitId,
    at,
  });
  return id;
}

/** A clock-in or clock-out with its live photo (taken with the in-app camera). */
export async function punch(kind: 'clock-in' | 'clock-out', place: ActionPlace, photo: Blob | null): Promise<void> {
  const photoId = photo ? await queuePhoto(photo, place.fresh ? place.fix : null, 'camera') : null;
  const id = uuid();
  const at = rfc3339();
  await outbox.add({
    id,
    kind,
    method: 'POST',
    path: `/attendance/${kind}`,
    body: { id, t: at, ...where(place, at), ...(photoId ? { photo_id: photoId } : {}) } satisfies PunchInput,
    at,
  });
  await updateDay((d) => {
    if (kind === 'clock-in') d.clockIn = { id, t: at };
    else d.clockOut = { id, t: at };
  });
}

/** A new shop checked in at on the spot. */
export type Prospect = ProspectInput;

/** A customer to check in at: from my customers, or a stop of today's plan. */
export type Target = Pick<Customer, 'id' | 'name' | 'address'>;

/** Checks in at a customer (`planned` when it is a stop of today's published plan) or at
 * a new prospect. */
export async function checkIn(target: Target | Prospect, place: ActionPlace, planned = false): Promise<string> {
  const id = uuid();
  const at = rfc3339();
  const known = 'id' in target;
  const body: CheckinInput = {
    id,
    t: at,
    ...where(place, at),
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
      photos: [],
      reported: false,
      planned: known && planned,
    };
  });
  return id;
}

/** A photo of the visit from the in-app live camera. */
export async function visitPhoto(visitId: string, blob: Blob, fix: Fix | null): Promise<string> {
  const id = await queuePhoto(blob, fix, 'camera', visitId);
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
    body: { id, form_id: formId, form_version: version, answers, t: at } satisfies ReportInput,
    visitId,
    at,
  });
  await updateDay((d) => {
    if (d.visit?.id === visitId) d.visit.reported = true;
  });
}

/** Checks out of the visit. A check-out of it the server refused before is dropped
 * (this one replaces it); the visit moves to today's done list at once and comes back
 * if the server refuses this one too. */
export async function checkOut(visitId: string, place: ActionPlace): Promise<void> {
  for (const old of await outbox.items()) {
    if (old.kind === 'check-out' && old.visitId === visitId && old.status === 'failed') await outbox.dismiss(old.seq!);
  }
  const id = uuid();
  const at = rfc3339();
  await outbox.add({
    id,
    kind: 'check-out',
    method: 'POST',
    path: `/visits/${visitId}/check-out`,
    body: { id, t: at, ...where(place, at) } satisfies CheckoutInput,
    visitId,
    at,
  });
  await updateDay((d) => {
    if (d.visit?.id === visitId) {
      d.done.push({ id: visitId, customerId: d.visit.customerId, name: d.visit.name, t: d.visit.t, end: at, was: d.visit });
      d.visit = undefined;
    }
  });
}

/** A signature drawn for a report field: uploaded as a photo of the visit (a PNG), but not
 * one of the visit's counted photos on this screen. Resolves to its photo id. */
export async function visitSignature(visitId: string, png: Blob, fix: Fix | null): Promise<string> {
  // Drawn on a canvas: neither a camera frame nor a picked file, so no capture is claimed.
  return queuePhoto(png, fix, null, visitId);
}

/** What the rep asks for; the id is given when it is queued. */
export type LeaveRequest = Omit<LeaveInput, 'id'>;

export interface SentLeave extends LeaveRequest {
  id: string;
  at: string;
}

/** Asks for leave; queued like every other action, and remembered on the phone. */
export async function requestLeave(leave: LeaveRequest): Promise<string> {
  const id = uuid();
  const at = rfc3339();
  const body: LeaveInput = { id, ...leave };
  await outbox.add({ id, kind: 'leave', method: 'POST', path: '/attendance/leave', body, at });
  const mine = (await kvGet<SentLeave[]>('leaves')) ?? [];
  await kvSet('leaves', [{ id, at, ...leave }, ...mine].slice(0, 50));
  return id;
}

/** What the rep adds to a claim; the id (and the photo's) are given when it is queued. */
export type ReceiptExpense = Omit<NewExpense, 'id' | 'photo_id'>;

/** A receipt on the claim: its photo goes through the same pipeline as every photo
 * (uploaded first, hashed, compared with the tenant's), then the expense naming it. Both
 * wait in the outbox, in that order. Resolves to the expense id. */
export async function addReceipt(claimId: string, expense: ReceiptExpense, photo: Blob | null, fix: Fix | null): Promise<string> {
  const photoId = photo ? await queuePhoto(photo, fix, 'camera', undefined, 'receipt') : null;
  const id = uuid();
  const at = rfc3339();
  const body: NewExpense = { id, ...expense, ...(photoId ? { photo_id: photoId } : {}) };
  await outbox.add({ id, kind: 'expense', method: 'POST', path: `/claims/${claimId}/expenses`, body, at });
  return id;
}
