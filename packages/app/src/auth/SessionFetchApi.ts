import type { FetchApi } from '@portico/frontend-plugin-api';
import { CSRF_COOKIE, CSRF_HEADER, readCookie } from './cookies';

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SessionFetchOptions {
  /** The fetch underneath (the global one by default). */
  baseFetch?: typeof fetch;
  /** Origins whose requests carry the session cookie and the CSRF header (default: the page's origin). */
  origins?: string[];
  /** `document.cookie` (a function so tests can give theirs). */
  cookies?: () => string;
}

// jsdom (the app's tests) has no Request class
function isRequest(input: RequestInfo | URL): input is Request {
  return typeof Request !== 'undefined' && input instanceof Request;
}

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  if (isRequest(input)) return input.url;
  return String(input);
}

function pageOrigin(): string {
  return typeof window !== 'undefined' ? window.location.origin : 'http://localhost';
}

/**
 * A fetch that sends the session cookie (`credentials: 'same-origin'`) and, on POST/PUT/PATCH/DELETE,
 * the `x-csrf-token` header echoing the `portico_csrf` cookie: only to the portal's own origins, so neither
 * leaks elsewhere. No refresh: the auth client uses it for the sign-in calls themselves.
 */
export function createCredentialsFetch(options: SessionFetchOptions = {}): typeof fetch {
  const baseFetch = options.baseFetch ?? ((input, init) => globalThis.fetch(input, init));
  const origins = new Set(options.origins ?? [pageOrigin()]);
  const cookies = options.cookies ?? (() => (typeof document !== 'undefined' ? document.cookie : ''));
  return (input, init) => {
    const url = new URL(urlOf(input), pageOrigin());
    if (!origins.has(url.origin)) return baseFetch(input, init);
    const method = (init?.method ?? (isRequest(input) ? input.method : 'GET')).toUpperCase();
    const headers = new Headers(init?.headers ?? (isRequest(input) ? input.headers : undefined));
    const csrf = readCookie(CSRF_COOKIE, cookies());
    if (MUTATING_METHODS.has(method) && csrf && !headers.has(CSRF_HEADER)) headers.set(CSRF_HEADER, csrf);
    return baseFetch(input, { ...init, headers, credentials: init?.credentials ?? 'same-origin' });
  };
}

/**
 * The app's fetchApi: credentials and CSRF as `createCredentialsFetch`, and on a 401 one `refresh()` of the
 * session (shared by concurrent callers) then one retry; a second 401, or a failed refresh, calls
 * `onSessionExpired` (the app shows its sign-in page) and returns the 401 to the caller.
 */
export class SessionFetchApi implements FetchApi {
  private readonly credentialsFetch: typeof fetch;
  private refreshing?: Promise<boolean>;

  constructor(
    private readonly options: SessionFetchOptions & {
      /** Renews the session cookie from the refresh cookie; false when there is no session to renew. */
      refresh: () => Promise<boolean>;
      onSessionExpired: () => void;
      /** Requests never refreshed (the refresh call itself). */
      isRefreshRequest?: (url: string) => boolean;
    },
  ) {
    this.credentialsFetch = createCredentialsFetch(options);
  }

  fetch: typeof fetch = async (input, init) => {
    // a Request body can be read once: keep a copy for the retry
    const retryInput = isRequest(input) ? input.clone() : input;
    const response = await this.credentialsFetch(input, init);
    if (response.status !== 401 || this.options.isRefreshRequest?.(urlOf(input))) return response;
    if (!(await this.refreshOnce())) {
      this.options.onSessionExpired();
      return response;
    }
    const retried = await this.credentialsFetch(retryInput, init);
    if (retried.status === 401) this.options.onSessionExpired();
    return retried;
  };

  private refreshOnce(): Promise<boolean> {
    this.refreshing ??= this.options
      .refresh()
      .catch(() => false)
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
