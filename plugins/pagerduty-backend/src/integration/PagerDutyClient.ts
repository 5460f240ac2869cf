import type { PagerDutyAccountConfig } from './config';
import { PagerDutyOAuthToken } from './PagerDutyOAuthToken';
import { pagerdutyStatusError, pagerdutyUnreachableError } from './pagerdutyErrors';

type QueryValue = string | number | boolean | Array<string | number> | undefined;
export type PagerDutyQuery = Record<string, QueryValue>;

/** How long to wait after a 429: Retry-After (seconds), else ratelimit-reset (seconds until reset), else 1 s. */
export function retryDelayMs(headers: Headers): number {
  for (const name of ['retry-after', 'ratelimit-reset']) {
    const value = headers.get(name);
    if (value !== null && /^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  }
  return 1000;
}

/** `a[]=1&a[]=2` for arrays, the way PagerDuty reads array parameters. */
export function toSearchParams(query: PagerDutyQuery = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key.endsWith('[]') ? key : `${key}[]`, String(v));
    else params.append(key, String(value));
  }
  return params;
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * A thin typed client of PagerDuty's REST API v2 for one account, on `fetch`: API key auth, a timeout on
 * every request, 429s waited out and retried (Retry-After / ratelimit-reset), classic offset pagination and
 * cursor pagination, and every failure as a @portico/errors error naming the account and what was read.
 */
export class PagerDutyClient {
  /** Injected in tests to observe waits; the real one sleeps. */
  private readonly wait: (ms: number) => Promise<void>;

  /** The OAuth app's token, for an account configured with `oauth` instead of an API key. */
  private readonly oauthToken?: PagerDutyOAuthToken;

  constructor(
    readonly account: PagerDutyAccountConfig,
    options: { wait?: (ms: number) => Promise<void> } = {},
  ) {
    this.wait = options.wait ?? sleep;
    if (account.oauth) this.oauthToken = new PagerDutyOAuthToken({ id: account.id, oauth: account.oauth, timeoutMs: account.timeoutMs });
  }

  /** `Token token=<API key>`, or `Bearer <OAuth access token>` for an OAuth app. */
  private async authorization(): Promise<string> {
    return this.oauthToken ? `Bearer ${await this.oauthToken.get()}` : `Token token=${this.account.token}`;
  }

  get id(): string {
    return this.account.id;
  }

  /** GET a path; `what` names the thing for error messages (e.g. `service PX1`). */
  async get<T>(path: string, options: { query?: PagerDutyQuery; what: string; signal?: AbortSignal }): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  /** POST a JSON body. */
  async post<T>(path: string, body: unknown, options: { what: string; signal?: AbortSignal; headers?: Record<string, string>; verb?: string }): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  /**
   * POST an event to the account's Events API v2 (`eventsBaseUrl` + `path`, e.g. `/v2/enqueue`): no API key (the
   * body's `routing_key` authenticates it), same timeout and 429 handling as the REST API.
   */
  async postEvent<T>(path: '/v2/enqueue' | '/v2/change/enqueue', body: unknown, options: { what: string; signal?: AbortSignal; verb?: string }): Promise<T> {
    return this.request<T>('POST', path, { ...options, body, events: true });
  }

  /**
   * Every item of a classic (offset) paginated list: follows `more` with `offset`/`limit` up to `maxItems`.
   * `key` is the list's property in the answer (`services`, `oncalls`, ...).
   */
  async list<T>(path: string, key: string, options: { query?: PagerDutyQuery; what: string; limit?: number; maxItems?: number; signal?: AbortSignal }): Promise<T[]> {
    const limit = options.limit ?? 100;
    const maxItems = options.maxItems ?? 10_000;
    const items: T[] = [];
    for (let offset = 0; items.length < maxItems; offset += limit) {
      const page = await this.get<Record<string, unknown>>(path, { ...options, query: { ...options.query, limit, offset } });
      const pageItems = Array.isArray(page[key]) ? (page[key] as T[]) : [];
      items.push(...pageItems);
      if (page.more !== true || pageItems.length === 0) break;
    }
    return items.slice(0, maxItems);
  }

  /**
   * Every item of a cursor-paginated list (audit records, automation actions, workflow integrations, ...): follows
   * `next_cursor` with `cursor` until it is null, up to `maxItems`. `key` is the list's property (`records`, ...).
   */
  async listByCursor<T>(path: string, key: string, options: { query?: PagerDutyQuery; what: string; limit?: number; maxItems?: number; signal?: AbortSignal }): Promise<T[]> {
    const limit = options.limit ?? 100;
    const maxItems = options.maxItems ?? 10_000;
    const items: T[] = [];
    let cursor: string | undefined;
    while (items.length < maxItems) {
      const page = await this.get<Record<string, unknown>>(path, { ...options, query: { ...options.query, limit, cursor } });
      const pageItems = Array.isArray(page[key]) ? (page[key] as T[]) : [];
      items.push(...pageItems);
      const next = page.next_cursor;
      // a cursor that does not move would loop for ever
      if (typeof next !== 'string' || !next || next === cursor || pageItems.length === 0) break;
      cursor = next;
    }
    return items.slice(0, maxItems);
  }

  private async request<T>(
    method: string,
    path: string,
    options: { query?: PagerDutyQuery; body?: unknown; what: string; signal?: AbortSignal; headers?: Record<string, string>; events?: boolean; verb?: string },
  ): Promise<T> {
    const search = toSearchParams(options.query).toString();
    const url = `${options.events ? this.account.eventsBaseUrl : this.account.apiBaseUrl}${path}${search ? `?${search}` : ''}`;
    const { timeoutMs, rateLimitRetries, maxRetryWaitMs } = this.account;
    let renewedToken = false;
    for (let attempt = 0; ; attempt++) {
      // The Events API takes no API key and answers plain JSON.
      const auth: Record<string, string> = options.events
        ? { accept: 'application/json' }
        : { accept: 'application/vnd.pagerduty+json;version=2', authorization: await this.authorization() };
      let response: Response;
      try {
        const timeout = AbortSignal.timeout(timeoutMs);
        response = await fetch(url, {
          method,
          headers: {
            ...auth,
            ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...options.headers,
          },
          body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
          signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
        });
      } catch (cause) {
        throw pagerdutyUnreachableError({ account: this.id, what: options.what, timeoutMs, cause, verb: options.verb });
      }
      if (response.status === 401 && this.oauthToken && !options.events && !renewedToken) {
        // an access token revoked or expired early: ask for a new one, once
        renewedToken = true;
        this.oauthToken.invalidate();
        await response.body?.cancel();
        continue;
      }
      if (response.status === 429 && attempt < rateLimitRetries) {
        const delay = retryDelayMs(response.headers);
        await response.body?.cancel();
        if (delay <= maxRetryWaitMs) {
          await this.wait(delay);
          continue;
        }
      }
      let body: unknown;
      try {
        const text = await response.text();
        body = text ? JSON.parse(text) : undefined;
      } catch (cause) {
        if (response.ok) throw pagerdutyUnreachableError({ account: this.id, what: options.what, timeoutMs, cause, verb: options.verb });
      }
      if (!response.ok) throw pagerdutyStatusError({ status: response.status, account: this.id, what: options.what, body, verb: options.verb });
      return body as T;
    }
  }
}
