// The field app's long-lived objects: one API client (its own token), the outbox and
// the location tracker.
import { Api } from '../shared/api';
import { Outbox } from './outbox';
import { Tracker } from './location';

export const api = new Api('outfield.app.token');
export const outbox = new Outbox(api);
export const tracker = new Tracker(api);
