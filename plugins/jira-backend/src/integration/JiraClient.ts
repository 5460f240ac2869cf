import type { JiraSiteConfig } from './config';
import type { JiraApiIssue, JiraApiProject, JiraApiUser, JiraEnhancedSearchResponse, JiraOffsetSearchResponse } from './jiraApiTypes';
import { jiraStatusError, jiraUnreachableError } from './jiraErrors';
import { markdownToAdf, markdownToWiki } from './markdown';

type QueryValue = string | number | boolean | undefined;

/** How long to wait after a 429: Retry-After (seconds), else X-RateLimit-Reset (a date), else 1 s. */
export function retryDelayMs(headers: Headers, now = Date.now()): number {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter && /^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
  const reset = headers.get('x-ratelimit-reset');
  if (reset && !Number.isNaN(Date.parse(reset))) return Math.max(0, Date.parse(reset) - now);
  return 1000;
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** A small FIFO semaphore: at most `limit` requests to one site at a time. */
class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>(resolve => this.queue.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** The fields the plugin asks for when it lists issues. */
export const ISSUE_FIELDS = ['summary', 'issuetype', 'priority', 'status', 'assignee', 'created', 'resolutiondate'];

export interface JiraSearchResult {
  issues: JiraApiIssue[];
  /** True when more issues matched than were read (`maxItems`). */
  truncated: boolean;
  /** Data Center's `total`; Cloud's enhanced search has none (count separately). */
  total: number | null;
}

/** What `createIssue` sends; `descriptionMarkdown` becomes ADF on Cloud and wiki markup on Data Center. */
export interface JiraIssueInput {
  projectKey: string;
  issueType: string;
  summary: string;
  descriptionMarkdown?: string;
  labels?: string[];
  components?: string[];
  /** An email (looked up with the user search) or an account id (Cloud) / user name (Data Center). */
  assignee?: string;
  priority?: string;
  signal?: AbortSignal;
}

/**
 * A thin typed client of one Jira site on `fetch`: Cloud (API v3, basic auth with email + API token, enhanced
 * search with token pagination and approximate counts) or Data Center (API v2, bearer personal access token,
 * offset search with `total`). A timeout on every request, 429s waited out (Retry-After) by the request and by the
 * site's other new requests (no burst into a rate limit), a cap on concurrent requests, and every failure as a
 * @portico/errors error naming the site and what was read.
 */
export class JiraClient {
  private readonly wait: (ms: number) => Promise<void>;
  private readonly limiter: Limiter;
  /** Until when (epoch ms) the site asked to be left alone (its last 429's Retry-After): new requests wait for it. */
  private pausedUntil = 0;

  constructor(
    readonly site: JiraSiteConfig,
    options: { wait?: (ms: number) => Promise<void> } = {},
  ) {
    this.wait = options.wait ?? sleep;
    this.limiter = new Limiter(site.maxConcurrency);
  }

  get host(): string {
    return this.site.host;
  }

  get kind(): 'cloud' | 'datacenter' {
    return this.site.kind;
  }

  /** `/rest/api/3` on Cloud, `/rest/api/2` on Data Center. */
  get api(): string {
    return this.site.kind === 'cloud' ? '/rest/api/3' : '/rest/api/2';
  }

  /** The issue in Jira's web UI. */
  issueUrl(key: string): string {
    return `${this.site.apiBaseUrl}/browse/${encodeURIComponent(key)}`;
  }

  /** The project in Jira's web UI. */
  projectUrl(key: string): string {
    return `${this.site.apiBaseUrl}/browse/${encodeURIComponent(key)}`;
  }

  /** Issues matching `jql` with `fields`, up to `maxItems`, following the site's pagination to the last page. */
  async search(options: { jql: string; fields: string[]; maxItems?: number; pageSize?: number; what: string; signal?: AbortSignal }): Promise<JiraSearchResult> {
    const maxItems = options.maxItems ?? 1000;
    const pageSize = Math.max(1, Math.min(options.pageSize ?? 100, maxItems));
    const issues: JiraApiIssue[] = [];
    if (this.kind === 'cloud') {
      let nextPageToken: string | undefined;
      for (;;) {
        const page = await this.request<JiraEnhancedSearchResponse>('POST', '/rest/api/3/search/jql', {
          body: { jql: options.jql, fields: options.fields, maxResults: Math.min(pageSize, maxItems - issues.length), ...(nextPageToken ? { nextPageToken } : {}) },
          what: options.what,
          signal: options.signal,
          isQuery: true,
        });
        issues.push(...(page.issues ?? []));
        const last = page.isLast !== false || !page.nextPageToken;
        if (last) return { issues, truncated: false, total: null };
        if (issues.length >= maxItems) return { issues: issues.slice(0, maxItems), truncated: true, total: null };
        nextPageToken = page.nextPageToken;
      }
    }
    for (let startAt = 0; ; ) {
      const page = await this.request<JiraOffsetSearchResponse>('GET', '/rest/api/2/search', {
        query: { jql: options.jql, fields: options.fields.join(','), startAt, maxResults: Math.min(pageSize, maxItems - issues.length) },
        what: options.what,
        signal: options.signal,
        isQuery: true,
      });
      const got = page.issues ?? [];
      issues.push(...got);
      const total = page.total ?? issues.length;
      startAt += got.length;
      if (got.length === 0 || startAt >= total) return { issues, truncated: false, total };
      if (issues.length >= maxItems) return { issues: issues.slice(0, maxItems), truncated: true, total };
    }
  }

  /** How many issues match `jql`: Cloud's approximate count, Data Center's `total` of an empty page. */
  async count(options: { jql: string; what: string; signal?: AbortSignal }): Promise<number> {
    if (this.kind === 'cloud') {
      const answer = await this.request<{ count?: number }>('POST', '/rest/api/3/search/approximate-count', { body: { jql: options.jql }, what: options.what, signal: options.signal, isQuery: true });
      return answer.count ?? 0;
    }
    const page = await this.request<JiraOffsetSearchResponse>('GET', '/rest/api/2/search', {
      query: { jql: options.jql, maxResults: 0, fields: 'key' },
      what: options.what,
      signal: options.signal,
      isQuery: true,
    });
    return page.total ?? 0;
  }

  /** A project by key (404 for one that does not exist or the credentials cannot see). */
  getProject(key: string, signal?: AbortSignal): Promise<JiraApiProject> {
    return this.request<JiraApiProject>('GET', `${this.api}/project/${encodeURIComponent(key)}`, { what: `project ${key}`, signal });
  }

  /** Who the credentials are (the health check). */
  myself(signal?: AbortSignal): Promise<JiraApiUser> {
    return this.request<JiraApiUser>('GET', `${this.api}/myself`, { what: 'the current user', signal });
  }

  /** The user an email (or a name) finds; undefined when none does. */
  async findUser(query: string, signal?: AbortSignal): Promise<JiraApiUser | undefined> {
    const users = await this.request<JiraApiUser[]>('GET', `${this.api}/user/search`, {
      query: this.kind === 'cloud' ? { query } : { username: query },
      what: `the user ${query}`,
      signal,
    });
    const lower = query.toLowerCase();
    return users.find(u => u.emailAddress?.toLowerCase() === lower) ?? (users.length === 1 ? users[0] : undefined);
  }

  /** The `assignee` field of an email or id: `{ accountId }` on Cloud, `{ name }` on Data Center. */
  async assigneeField(assignee: string, signal?: AbortSignal): Promise<Record<string, string>> {
    let id = assignee;
    if (assignee.includes('@')) {
      const user = await this.findUser(assignee, signal);
      const found = this.kind === 'cloud' ? user?.accountId : (user?.name ?? user?.key);
      if (!found) throw jiraStatusError({ status: 400, host: this.host, what: `the assignee: no Jira user has the email ${assignee}`, verb: 'looking up' });
      id = found;
    }
    return this.kind === 'cloud' ? { accountId: id } : { name: id };
  }

  /** Creates an issue; Jira's 400 (a required field missing, an unknown issue type) is an InputError quoting Jira. */
  async createIssue(input: JiraIssueInput): Promise<{ id: string; key: string; url: string }> {
    const fields: Record<string, unknown> = {
      project: { key: input.projectKey },
      issuetype: { name: input.issueType },
      summary: input.summary,
    };
    if (input.descriptionMarkdown) fields.description = this.kind === 'cloud' ? markdownToAdf(input.descriptionMarkdown) : markdownToWiki(input.descriptionMarkdown);
    if (input.labels?.length) fields.labels = input.labels;
    if (input.components?.length) fields.components = input.components.map(name => ({ name }));
    if (input.priority) fields.priority = { name: input.priority };
    if (input.assignee) fields.assignee = await this.assigneeField(input.assignee, input.signal);
    const created = await this.request<{ id: string; key: string }>('POST', `${this.api}/issue`, {
      body: { fields },
      what: `an issue in project ${input.projectKey}`,
      verb: 'creating',
      signal: input.signal,
    });
    return { id: created.id, key: created.key, url: this.issueUrl(created.key) };
  }

  /** Adds a comment (markdown: ADF on Cloud, wiki markup on Data Center). */
  async addComment(options: { issueKey: string; bodyMarkdown: string; signal?: AbortSignal }): Promise<{ id: string }> {
    const body = this.kind === 'cloud' ? markdownToAdf(options.bodyMarkdown) : markdownToWiki(options.bodyMarkdown);
    return this.request<{ id: string }>('POST', `${this.api}/issue/${encodeURIComponent(options.issueKey)}/comment`, {
      body: { body },
      what: `a comment on ${options.issueKey}`,
      verb: 'adding',
      signal: options.signal,
    });
  }

  private authorization(): string {
    const { site } = this;
    return site.kind === 'cloud' ? `Basic ${Buffer.from(`${site.email}:${site.apiToken}`).toString('base64')}` : `Bearer ${site.personalAccessToken}`;
  }

  /** One request, with the site's timeout, 429 retries and concurrency cap. `isQuery`: a 400 is a rejected JQL. */
  async request<T>(
    method: string,
    path: string,
    options: { query?: Record<string, QueryValue>; body?: unknown; what: string; signal?: AbortSignal; verb?: string; isQuery?: boolean },
  ): Promise<T> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) params.append(k, String(v));
    const search = params.toString();
    const url = `${this.site.apiBaseUrl}${path}${search ? `?${search}` : ''}`;
    const { timeoutMs, rateLimitRetries, maxRetryWaitMs } = this.site;
    // Another request was told to back off: this one does not add to the burst (it waits, up to maxRetryWaitMs).
    const paused = this.pausedUntil - Date.now();
    if (paused > 0) await this.wait(Math.min(paused, maxRetryWaitMs));
    for (let attempt = 0; ; attempt++) {
      const response = await this.limiter.run(async () => {
        try {
          const timeout = AbortSignal.timeout(timeoutMs);
          const answer = await fetch(url, {
            method,
            headers: {
              accept: 'application/json',
              authorization: this.authorization(),
              ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
            signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
          });
          const text = await answer.text();
          return { status: answer.status, ok: answer.ok, headers: answer.headers, text };
        } catch (cause) {
          throw jiraUnreachableError({ host: this.host, what: options.what, timeoutMs, cause, verb: options.verb });
        }
      });
      if (response.status === 429 && attempt < rateLimitRetries) {
        const delay = retryDelayMs(response.headers);
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + Math.min(delay, maxRetryWaitMs));
        if (delay <= maxRetryWaitMs) {
          await this.wait(delay);
          continue;
        }
      }
      let body: unknown;
      try {
        body = response.text ? JSON.parse(response.text) : undefined;
      } catch (cause) {
        if (response.ok) throw jiraUnreachableError({ host: this.host, what: options.what, timeoutMs, cause, verb: options.verb });
      }
      if (!response.ok) throw jiraStatusError({ status: response.status, host: this.host, what: options.what, body, verb: options.verb, query: options.isQuery });
      return body as T;
    }
  }
}
