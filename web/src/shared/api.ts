// The JSON API client: bearer token, one error shape, nothing else. Both the console and
// the field app use it; each keeps its own token under its own storage key. Errors carry
// the server's codes and their `message` is already a sentence in the user's language
// (shared/errors.ts), so a screen that shows `e.message` is translated.
import { apiErrorText, networkText } from './errors';
import type { EnrolledLoginResponse, FieldProblem, LoginAnswer, LoginRequest, LoginResponse, SecondFactorRequest, SsoLoginResponse, TotpEnrolment, TwoFactorChallenge } from './types';

export type { FieldProblem };

/** An answer from the server that was not 2xx, in the API's one error shape. `message`
 *  is the localized sentence; `serverMessage` keeps the server's English for logs. */
export class ApiError extends Error {
  readonly serverMessage: string;
  constructor(
    readonly status: number,
    readonly code: string,
    serverMessage: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(apiErrorText({ code, message: serverMessage, fields }));
    this.name = 'ApiError';
    this.serverMessage = serverMessage;
  }
}

/** The request never got an answer (offline, server down): worth retrying later. `message`
 *  is the localized "no connection" sentence; `cause` keeps the browser's words. */
export class NetworkError extends Error {
  constructor(readonly detail?: string) {
    super(networkText());
    this.name = 'NetworkError';
  }
}

export class Api {
  private token: string | null;
  /** Called when the server says the session is gone, so the UI can show the login. */
  onUnauthorized: () => void = () => {};

  constructor(private readonly storageKey: string) {
    this.token = localStorage.getItem(storageKey);
  }

  get signedIn(): boolean {
    return this.token !== null;
  }

  /** Signs in with the password. Answers `null` when that made a session, or the second
   *  step (two-factor sign-in) the server asks for. */
  async login(tenant: string, username: string, password: string): Promise<TwoFactorChallenge | null> {
    const r = await this.request<LoginAnswer>('POST', '/auth/login', {
      tenant,
      username,
      password,
    } satisfies LoginRequest);
    if ('challenge_token' in r) return r;
    this.keep(r);
    return null;
  }

  /** The second step: a code from the authenticator app, or a recovery code. */
  async secondFactor(challenge: string, proof: { code?: string; recovery_code?: string }): Promise<void> {
    const body: SecondFactorRequest = { challenge_token: challenge, ...proof };
    this.keep(await this.request<LoginResponse>('POST', '/auth/2fa', body));
  }

  /** Enrolment at sign-in (the company requires a second factor): a new secret. */
  enrolAtLogin(challenge: string): Promise<TotpEnrolment> {
    return this.request<TotpEnrolment>('POST', '/auth/2fa/enrol', { challenge_token: challenge });
  }

  /** Confirms the enrolment begun at sign-in; signs in and answers the recovery codes. */
  async confirmAtLogin(challenge: string, code: string): Promise<string[]> {
    const r = await this.request<EnrolledLoginResponse>('POST', '/auth/2fa/enrol/confirm', { challenge_token: challenge, code });
    this.keep(r.session);
    return r.recovery_codes;
  }

  private keep(r: LoginResponse): void {
    this.token = r.token;
    localStorage.setItem(this.storageKey, r.token);
  }

  /** Swaps the one-time code a single sign-on handed the page (`?sso_code=`) for a session. */
  async ssoExchange(tenant: string, code: string): Promise<void> {
    const r = await this.request<SsoLoginResponse>('POST', `/auth/oidc/${encodeURIComponent(tenant)}/exchange`, {
      code,
    });
    this.token = r.token;
    localStorage.setItem(this.storageKey, r.token);
  }

  async logout(): Promise<void> {
    try {
      await this.request('POST', '/auth/logout');
    } catch {
      // Signing out locally is what matters; the session expires on its own.
    }
    this.forget();
  }

  forget(): void {
    this.token = null;
    localStorage.removeItem(this.storageKey);
  }

  headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  /** Every item of a `{ items, next_cursor }` list, following the cursor page by page. */
  async all<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.get<{ items: T[]; next_cursor?: string | null }>(path, { limit: 500, ...query, cursor });
      out.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return out;
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  /** Any request; `body` is sent as JSON unless it is FormData. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const headers = this.headers();
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch('/api/v1' + path, { method, headers, body: payload });
    } catch (e) {
      throw new NetworkError(String(e));
    }
    if (!res.ok) throw await this.error(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  /** Bytes behind the bearer token (photos), as an object URL for an <img>. */
  async objectUrl(path: string): Promise<string> {
    let res: Response;
    try {
      res = await fetch('/api/v1' + path, { headers: this.headers() });
    } catch (e) {
      throw new NetworkError(String(e));
    }
    if (!res.ok) throw await this.error(res);
    return URL.createObjectURL(await res.blob());
  }

  private async error(res: Response): Promise<ApiError> {
    let code = 'http_' + res.status;
    let message = res.statusText;
    let fields: FieldProblem[] = [];
    try {
      const e = (await res.json()).error;
      code = e.code ?? code;
      message = e.message ?? message;
      fields = e.fields ?? [];
    } catch {
      // Not our JSON (a proxy's page): keep the status.
    }
    if (res.status === 401) {
      this.forget();
      this.onUnauthorized();
    }
    return new ApiError(res.status, code, message, fields);
  }
}

export function withQuery(path: string, query?: Record<string, string | number | undefined>): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
