import { Api } from '../shared/api';

/** The console's API client; its token is kept apart from the field app's. */
export const api = new Api('outfield.console.token');
