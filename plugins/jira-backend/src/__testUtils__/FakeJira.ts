import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { compareBy, JqlError, matches, parseJql, projectsNamed, type FakeIssueRecord } from './fakeJql';

/**
 * A local Jira on 127.0.0.1, Cloud or Data Center, answering in Jira's REST shapes (checked by
 * FakeJira.contract.test.ts against the Cloud platform OpenAPI description and, for the enhanced search that is
 * newer than it, against the shapes Atlassian documents). Cloud: API v3, basic auth (email:API token), enhanced
 * search `POST /rest/api/3/search/jql` with `nextPageToken`/`isLast` (only `id` without `fields`) and
 * `POST /rest/api/3/search/approximate-count`. Data Center: API v2, bearer personal access token, offset search
 * `GET /rest/api/2/search` with `startAt`/`maxResults`/`total`. Both: projects, users, issue creation (required
 * fields per project), comments, a JQL subset (fakeJql.ts), 401/404/400 as Jira words them, queued failures
 * (429 with Retry-After, 5xx), a delay to play a slow Jira and an optional rate limit. Tests inspect `requests`.
 */

type Json = Record<string, unknown>;

export interface FakeProject {
  key: string;
  name: string;
  id: string;
  leadAccountId: string | null;
  /** Fields an issue of this project must have on creation (beyond summary and issue type), e.g. `components`. */
  requiredFields: string[];
}

export interface FakeUser {
  accountId: string;
  name: string;
  displayName: string;
  email: string;
}

export interface FakeComment {
  id: string;
  issueKey: string;
  body: unknown;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: Json;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export const ISSUE_TYPES = ['Bug', 'Task', 'Story', 'Epic', 'Vulnerability'];
const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];
const CATEGORY = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
} as const;

/** Jira's date-time format: `2026-12-01T10:00:00.000+0000`. */
const jiraDate = (iso: string) => iso.replace(/Z$/, '+0000');

export class FakeJira {
  private server?: http.Server;
  readonly projects = new Map<string, FakeProject>();
  readonly users = new Map<string, FakeUser>();
  /** Issues by project key, oldest first. */
  readonly issuesByProject = new Map<string, FakeIssueRecord[]>();
  readonly comments: FakeComment[] = [];
  readonly requests: FakeRequest[] = [];
  /** Every request received, recorded or not. */
  requestCount = 0;
  /** Keep `requests` (off in the benchmark, which sends hundreds of thousands). */
  recordRequests = true;
  /** Milliseconds before each answer. */
  delayMs = 0;
  /** Answers queued for the next requests (matching `path` when given): status, body and headers. */
  private readonly failures: Array<{ status: number; body?: unknown; headers?: Record<string, string>; path?: RegExp }> = [];
  /** At most this many requests per second, then 429 with Retry-After (0: no limit). */
  rateLimitPerSecond = 0;
  private window = { start: 0, count: 0 };
  rateLimited = 0;
  private nextIssueId = 10_000;
  private nextCommentId = 1;
  /** Now, for relative JQL dates and new issues. */
  now: () => number = Date.now;

  constructor(readonly options: { kind: 'cloud' | 'datacenter'; email?: string; apiToken?: string; personalAccessToken?: string } = { kind: 'cloud' }) {}

  get kind(): 'cloud' | 'datacenter' {
    return this.options.kind;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('FakeJira is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** The `integrations.jira` entry for this fake. */
  site(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const host = `${this.kind}.jira.test`;
    return this.kind === 'cloud'
      ? { host, apiBaseUrl: this.url, kind: 'cloud', email: this.options.email ?? 'bot@acme.test', apiToken: this.options.apiToken ?? 'good-token', timeoutMs: 1500, maxRetryWaitMs: 2000, ...overrides }
      : { host, apiBaseUrl: this.url, kind: 'datacenter', personalAccessToken: this.options.personalAccessToken ?? 'good-pat', timeoutMs: 1500, maxRetryWaitMs: 2000, ...overrides };
  }

  addProject(key: string, options: { name?: string; lead?: string; requiredFields?: string[] } = {}): FakeProject {
    const project: FakeProject = { key, name: options.name ?? `Project ${key}`, id: String(10_000 + this.projects.size), leadAccountId: options.lead ?? null, requiredFields: options.requiredFields ?? [] };
    this.projects.set(key, project);
    this.issuesByProject.set(key, []);
    return project;
  }

  addUser(user: Omit<FakeUser, 'accountId' | 'name'> & { accountId?: string; name?: string }): FakeUser {
    const full: FakeUser = { accountId: user.accountId ?? `5b10a2844c20165700ede${String(this.users.size).padStart(3, '0')}`, name: user.name ?? user.email.split('@')[0], ...user };
    this.users.set(full.accountId, full);
    return full;
  }

  addIssue(projectKey: string, issue: Partial<Omit<FakeIssueRecord, 'id' | 'key' | 'projectKey'>> & { key?: string } = {}): FakeIssueRecord {
    const list = this.issuesByProject.get(projectKey);
    if (!list) throw new Error(`No fake project ${projectKey}`);
    const statusCategory = issue.statusCategory ?? 'new';
    const created = issue.created ?? new Date(this.now()).toISOString();
    const record: FakeIssueRecord = {
      id: String(this.nextIssueId++),
      key: issue.key ?? `${projectKey}-${list.length + 1}`,
      projectKey,
      summary: issue.summary ?? `Issue ${list.length + 1}`,
      type: issue.type ?? 'Task',
      priority: issue.priority === undefined ? 'Medium' : issue.priority,
      statusCategory,
      status: issue.status ?? CATEGORY[statusCategory].name,
      assignee: issue.assignee ?? null,
      labels: issue.labels ?? [],
      components: issue.components ?? [],
      created,
      resolved: issue.resolved ?? (statusCategory === 'done' ? created : null),
    };
    list.push(record);
    return record;
  }

  issue(key: string): FakeIssueRecord | undefined {
    const list = this.issuesByProject.get(key.split('-')[0]);
    return list?.find(i => i.key === key);
  }

  removeIssue(key: string): void {
    const list = this.issuesByProject.get(key.split('-')[0]);
    const i = list?.findIndex(x => x.key === key) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
  }

  /** The next request (to `path` when given) gets this answer instead. */
  failNext(status: number, options: { body?: unknown; headers?: Record<string, string>; path?: RegExp; times?: number } = {}): void {
    for (let i = 0; i < (options.times ?? 1); i++) this.failures.push({ status, body: options.body, headers: options.headers, path: options.path });
  }

  requestsTo(path: string | RegExp): FakeRequest[] {
    return this.requests.filter(r => (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  private get api(): string {
    return this.kind === 'cloud' ? '/rest/api/3' : '/rest/api/2';
  }

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: '5mb' }));
    app.use((req, res, next) => this.gate(req, res, next));
    const api = this.api;
    app.get(`${api}/myself`, (req, res) => void res.json(this.me()));
    app.get(`${api}/serverInfo`, (_req, res) => void res.json({ baseUrl: this.url, version: this.kind === 'cloud' ? '1001.0.0-SNAPSHOT' : '9.12.0', deploymentType: this.kind === 'cloud' ? 'Cloud' : 'Server' }));
    app.get(`${api}/project/:key`, (req, res) => {
      // `projectIdOrKey`, as Jira takes it.
      const wanted = String(req.params.key);
      const project = this.projects.get(wanted.toUpperCase()) ?? [...this.projects.values()].find(p => p.id === wanted);
      if (!project) return void res.status(404).json({ errorMessages: [`No project could be found with key '${req.params.key}'.`], errors: {} });
      res.json(this.projectJson(project));
    });
    app.get(`${api}/user/search`, (req, res) => {
      const q = String((this.kind === 'cloud' ? req.query.query : req.query.username) ?? '').toLowerCase();
      if (!q) return void res.status(400).json({ errorMessages: [this.kind === 'cloud' ? 'The query parameter is required.' : 'The username query parameter was not provided'], errors: {} });
      res.json([...this.users.values()].filter(u => u.email.toLowerCase().includes(q) || u.displayName.toLowerCase().includes(q) || u.name.toLowerCase() === q).map(u => this.userJson(u)));
    });
    app.post(`${api}/issue`, (req, res) => this.createIssue(req, res));
    app.post(`${api}/issue/:key/comment`, (req, res) => this.addComment(req, res));
    if (this.kind === 'cloud') {
      app.post('/rest/api/3/search/jql', (req, res) => this.enhancedSearch(req, res));
      app.post('/rest/api/3/search/approximate-count', (req, res) => {
        const body = (req.body ?? {}) as Json;
        if (typeof body.jql !== 'string') return void res.status(400).json({ errorMessages: ['The JQL query is required.'], errors: {} });
        const result = this.run(body.jql, res);
        if (result) res.json({ count: result.length });
      });
    } else {
      app.get('/rest/api/2/search', (req, res) => this.offsetSearch(req, res));
    }
    app.use((_req: Request, res: Response) => void res.status(404).json({ errorMessages: ['Not found'], errors: {} }));
    this.server = http.createServer(app);
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => {
      if (!this.server) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /** Records the request, then applies the rate limit, queued failures, the delay and the credentials check. */
  private gate(req: Request, res: Response, next: NextFunction): void {
    this.requestCount++;
    if (this.recordRequests) this.requests.push({ method: req.method, path: req.path, query: req.query as Json, headers: req.headers, body: req.body });
    if (this.rateLimitPerSecond > 0) {
      const now = Date.now();
      if (now - this.window.start >= 1000) this.window = { start: now, count: 0 };
      if (++this.window.count > this.rateLimitPerSecond) {
        this.rateLimited++;
        const wait = Math.max(0.05, (1000 - (now - this.window.start)) / 1000);
        return void res.status(429).set('Retry-After', wait.toFixed(2)).json({ errorMessages: ['Rate limit exceeded.'], errors: {} });
      }
    }
    const proceed = () => {
      const index = this.failures.findIndex(f => !f.path || f.path.test(req.path));
      if (index >= 0) {
        const [failure] = this.failures.splice(index, 1);
        if (failure.headers) res.set(failure.headers);
        return void res.status(failure.status).json(failure.body ?? { errorMessages: [`Fake failure ${failure.status}`], errors: {} });
      }
      const auth = req.header('authorization') ?? '';
      const good =
        this.kind === 'cloud'
          ? auth === `Basic ${Buffer.from(`${this.options.email ?? 'bot@acme.test'}:${this.options.apiToken ?? 'good-token'}`).toString('base64')}`
          : auth === `Bearer ${this.options.personalAccessToken ?? 'good-pat'}`;
      // Jira answers 401 with an HTML or plain body on Cloud and JSON on Data Center; either way, no data.
      if (!good) return void res.status(401).json({ errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} });
      next();
    };
    if (this.delayMs > 0) setTimeout(proceed, this.delayMs).unref();
    else proceed();
  }

  private me(): Json {
    return this.kind === 'cloud'
      ? { self: `${this.url}/rest/api/3/user?accountId=bot`, accountId: 'bot', accountType: 'atlassian', emailAddress: this.options.email ?? 'bot@acme.test', displayName: 'Portico bot', active: true, timeZone: 'UTC', avatarUrls: this.avatars('bot') }
      : { self: `${this.url}/rest/api/2/user?username=portico`, key: 'JIRAUSER10000', name: 'portico', emailAddress: 'portico@acme.test', displayName: 'Portico bot', active: true, timeZone: 'UTC', avatarUrls: this.avatars('portico') };
  }

  private avatars(id: string): Record<string, string> {
    return Object.fromEntries(['48x48', '24x24', '16x16', '32x32'].map(size => [size, `${this.url}/secure/useravatar?size=${size}&ownerId=${id}`]));
  }

  private userJson(user: FakeUser): Json {
    return this.kind === 'cloud'
      ? { self: `${this.url}/rest/api/3/user?accountId=${user.accountId}`, accountId: user.accountId, accountType: 'atlassian', emailAddress: user.email, displayName: user.displayName, active: true, avatarUrls: this.avatars(user.accountId) }
      : { self: `${this.url}/rest/api/2/user?username=${user.name}`, key: `JIRAUSER${user.accountId.slice(-5)}`, name: user.name, emailAddress: user.email, displayName: user.displayName, active: true, avatarUrls: this.avatars(user.name) };
  }

  private projectJson(project: FakeProject): Json {
    const lead = project.leadAccountId ? this.users.get(project.leadAccountId) : undefined;
    return {
      self: `${this.url}${this.api}/project/${project.id}`,
      id: project.id,
      key: project.key,
      name: project.name,
      projectTypeKey: 'software',
      simplified: false,
      style: 'classic',
      isPrivate: false,
      ...(lead ? { lead: this.userJson(lead) } : {}),
      avatarUrls: Object.fromEntries(['48x48', '24x24', '16x16', '32x32'].map(size => [size, `${this.url}/secure/projectavatar?size=${size}&pid=${project.id}`])),
    };
  }

  private issueJson(issue: FakeIssueRecord, fields: string[] | undefined): Json {
    const base = { id: issue.id, key: issue.key, self: `${this.url}${this.api}/issue/${issue.id}` };
    if (!fields) return this.kind === 'cloud' ? { id: issue.id } : { ...base, fields: this.fieldsJson(issue, ['*navigable']) };
    return { ...base, fields: this.fieldsJson(issue, fields) };
  }

  private fieldsJson(issue: FakeIssueRecord, fields: string[]): Json {
    const all = fields.includes('*all') || fields.includes('*navigable');
    const want = (f: string) => all || fields.includes(f);
    const out: Json = {};
    const assignee = issue.assignee ? [...this.users.values()].find(u => u.accountId === issue.assignee || u.email === issue.assignee) : undefined;
    if (want('summary')) out.summary = issue.summary;
    if (want('issuetype')) out.issuetype = { id: String(10_000 + ISSUE_TYPES.indexOf(issue.type)), name: issue.type, subtask: false };
    if (want('priority')) out.priority = issue.priority ? { id: String(1 + PRIORITIES.indexOf(issue.priority)), name: issue.priority } : null;
    if (want('status')) out.status = { id: String(10_000 + Object.keys(CATEGORY).indexOf(issue.statusCategory)), name: issue.status, statusCategory: CATEGORY[issue.statusCategory] };
    if (want('assignee')) out.assignee = assignee ? this.userJson(assignee) : null;
    if (want('created')) out.created = jiraDate(issue.created);
    if (want('resolutiondate')) out.resolutiondate = issue.resolved ? jiraDate(issue.resolved) : null;
    if (want('labels')) out.labels = issue.labels;
    if (want('components')) out.components = issue.components.map((name, i) => ({ id: String(10_000 + i), name }));
    if (want('project')) out.project = { id: this.projects.get(issue.projectKey)?.id, key: issue.projectKey, name: this.projects.get(issue.projectKey)?.name };
    return out;
  }

  /** The issues a JQL query matches, sorted; answers Jira's 400 and returns undefined for a query it rejects. */
  private run(jql: string, res: Response): FakeIssueRecord[] | undefined {
    let parsed;
    try {
      parsed = parseJql(jql);
      const unknown = projectsNamed(parsed.where).find(key => !this.projects.has(key.toUpperCase()));
      if (unknown) throw new JqlError(`The value '${unknown}' does not exist for the field 'project'.`);
    } catch (error) {
      if (!(error instanceof JqlError)) throw error;
      res.status(400).json({ errorMessages: [error.message], errors: {}, warningMessages: [] });
      return undefined;
    }
    const now = this.now();
    const candidates = parsed.projects ? parsed.projects.flatMap(key => this.issuesByProject.get(key) ?? []) : [...this.issuesByProject.values()].flat();
    const found = candidates.filter(issue => matches(parsed.where, issue, now));
    return found.sort(compareBy(parsed.orderBy));
  }

  /** Cloud `POST /rest/api/3/search/jql`: token pagination; only ids unless `fields` is given. */
  private enhancedSearch(req: Request, res: Response): void {
    const body = (req.body ?? {}) as { jql?: unknown; maxResults?: unknown; nextPageToken?: unknown; fields?: unknown };
    if (typeof body.jql !== 'string' || !body.jql.trim()) {
      // The enhanced search refuses unbounded queries.
      return void res.status(400).json({ errorMessages: ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'], errors: {} });
    }
    const found = this.run(body.jql, res);
    if (!found) return;
    const maxResults = Math.min(Math.max(1, Number(body.maxResults ?? 50)), 5000);
    let offset = 0;
    if (body.nextPageToken !== undefined) {
      const decoded = /^o(\d+)$/.exec(Buffer.from(String(body.nextPageToken), 'base64url').toString());
      if (!decoded) return void res.status(400).json({ errorMessages: ['The provided next page token is invalid or expired.'], errors: {} });
      offset = Number(decoded[1]);
    }
    const fields = Array.isArray(body.fields) ? body.fields.map(String) : undefined;
    const page = found.slice(offset, offset + maxResults);
    const isLast = offset + page.length >= found.length;
    res.json({
      issues: page.map(i => this.issueJson(i, fields)),
      ...(isLast ? {} : { nextPageToken: Buffer.from(`o${offset + page.length}`).toString('base64url') }),
      isLast,
    });
  }

  /** Data Center `GET /rest/api/2/search`: offset pagination with `total`. */
  private offsetSearch(req: Request, res: Response): void {
    const jql = String(req.query.jql ?? '');
    const found = this.run(jql, res);
    if (!found) return;
    const startAt = Math.max(0, Number(req.query.startAt ?? 0));
    const maxResults = Math.min(Math.max(0, Number(req.query.maxResults ?? 50)), 1000);
    const fields = typeof req.query.fields === 'string' ? req.query.fields.split(',') : undefined;
    res.json({
      expand: 'names,schema',
      startAt,
      maxResults,
      total: found.length,
      issues: found.slice(startAt, startAt + maxResults).map(i => this.issueJson(i, fields)),
    });
  }

  private createIssue(req: Request, res: Response): void {
    const fields = (((req.body ?? {}) as Json).fields ?? {}) as Json;
    const errors: Record<string, string> = {};
    const projectKey = String((fields.project as Json | undefined)?.key ?? '');
    const project = this.projects.get(projectKey.toUpperCase());
    if (!project) errors.project = 'Specify a valid project ID or key';
    const type = String((fields.issuetype as Json | undefined)?.name ?? '');
    if (!ISSUE_TYPES.includes(type)) errors.issuetype = 'Specify a valid issue type';
    if (typeof fields.summary !== 'string' || !fields.summary.trim()) errors.summary = 'You must specify a summary of the issue.';
    if (fields.description !== undefined) {
      const ok = this.kind === 'cloud' ? (fields.description as Json | null)?.type === 'doc' : typeof fields.description === 'string';
      if (!ok) errors.description = this.kind === 'cloud' ? 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' : 'Operation value must be a string';
    }
    let assignee: string | null = null;
    if (fields.assignee) {
      const a = fields.assignee as Json;
      const user = [...this.users.values()].find(u => (this.kind === 'cloud' ? u.accountId === a.accountId : u.name === a.name));
      if (!user) errors.assignee = this.kind === 'cloud' ? `Specify a valid value for assignee` : `User '${String(a.name)}' does not exist.`;
      else assignee = user.accountId;
    }
    if (fields.priority && !PRIORITIES.includes(String((fields.priority as Json).name))) errors.priority = 'Specify a valid priority';
    for (const required of project?.requiredFields ?? []) {
      const value = fields[required];
      if (value === undefined || (Array.isArray(value) && value.length === 0)) errors[required] = `${required[0].toUpperCase()}${required.slice(1)} is required.`;
    }
    if (Object.keys(errors).length) return void res.status(400).json({ errorMessages: [], errors });
    const issue = this.addIssue(project!.key, {
      summary: String(fields.summary),
      type,
      priority: fields.priority ? String((fields.priority as Json).name) : 'Medium',
      labels: Array.isArray(fields.labels) ? fields.labels.map(String) : [],
      components: Array.isArray(fields.components) ? fields.components.map(c => String((c as Json).name)) : [],
      assignee,
    });
    (issue as FakeIssueRecord & { description?: unknown }).description = fields.description;
    res.status(201).json({ id: issue.id, key: issue.key, self: `${this.url}${this.api}/issue/${issue.id}` });
  }

  private addComment(req: Request, res: Response): void {
    const key = String(req.params.key);
    if (!this.issue(key)) return void res.status(404).json({ errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
    const body = ((req.body ?? {}) as Json).body;
    const ok = this.kind === 'cloud' ? (body as Json | null)?.type === 'doc' : typeof body === 'string' && body.trim().length > 0;
    if (!ok) return void res.status(400).json({ errorMessages: [], errors: { comment: 'Comment body can not be empty!' } });
    const comment: FakeComment = { id: String(10_000 + this.nextCommentId++), issueKey: key, body };
    this.comments.push(comment);
    const now = jiraDate(new Date(this.now()).toISOString());
    res.status(201).json({ self: `${this.url}${this.api}/issue/${key}/comment/${comment.id}`, id: comment.id, author: this.me(), body, updateAuthor: this.me(), created: now, updated: now, jsdPublic: true });
  }
}
