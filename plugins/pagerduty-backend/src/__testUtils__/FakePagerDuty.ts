import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * A local PagerDuty on 127.0.0.1 answering in PagerDuty's REST API v2 shapes (checked against the official
 * OpenAPI description by FakePagerDuty.contract.test.ts): services with integrations, escalation policies with
 * levels and targets, on-calls, incidents (`GET /incidents` searching the last month unless `since`/`until` or
 * `date_range=all` say otherwise, as PagerDuty does), change events and incident analytics, with classic offset pagination,
 * `Token token=` auth (401), per-service access (403), 404s, queued failures (429 with Retry-After, 5xx) and a
 * delay to play a slow PagerDuty. Tests seed it with `addService`, `addIncident`, ... and inspect `requests`.
 */

type Json = Record<string, unknown>;

export interface FakeUser {
  id: string;
  name: string;
  email: string;
}

export interface FakeEscalationPolicy {
  id: string;
  name: string;
  numLoops: number;
  /** One entry per level, lowest first: user ids (`P...U`) and schedule ids (`P...S`) as targets. */
  levels: Array<{ delayMinutes: number; targets: Array<{ type: 'user' | 'schedule'; id: string }> }>;
}

export interface FakeOnCall {
  policyId: string;
  level: number;
  userId: string;
  scheduleId?: string;
  start: string;
  end: string;
}

export interface FakeService {
  id: string;
  name: string;
  description: string;
  status: 'active' | 'warning' | 'critical' | 'maintenance' | 'disabled';
  policyId: string;
  integrationKeys: string[];
  createdAt: string;
}

export interface FakeIncident {
  id: string;
  number: number;
  serviceId: string;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: 'high' | 'low';
  createdAt: string;
  assignees: string[];
  /** Set when resolved. */
  resolvedAt?: string;
  description?: string;
  /** The Events API v2 dedup key of an incident an event opened. */
  dedupKey?: string;
  /** The incident's priority (its short name, e.g. `P1`), on accounts that use priorities. */
  priority?: string;
}

/** An event received on the Events API v2 (`/v2/enqueue` or `/v2/change/enqueue`). */
export interface FakeEvent {
  path: string;
  body: Json;
}

export interface FakeChangeEvent {
  id: string;
  serviceId: string;
  summary: string;
  timestamp: string;
  source: string;
  links: Array<{ href: string; text: string }>;
}

export interface FakeServiceMetrics {
  totalIncidents: number;
  meanSecondsToResolve: number;
  meanSecondsToFirstAck: number;
  highUrgency: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: Json;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

interface QueuedFailure {
  path: RegExp;
  /** Also matched against the query string (e.g. one service's `service_ids[]`), when given. */
  query?: RegExp;
  status: number;
  headers?: Record<string, string>;
  message?: string;
}

const WEB = 'https://acme.pagerduty.com';
/** `self` links name the real API, as PagerDuty's do; clients never follow them. */
const API = 'https://api.pagerduty.com';

export class FakePagerDuty {
  url = '';
  /** API keys accepted; any non-empty key when undefined. */
  tokens: string[] | undefined = ['good-key'];
  /**
   * OAuth apps that may get an access token at `POST /oauth/token` (the client credentials grant, form-encoded, a
   * scope naming the account as `as_account-<region>.<subdomain>`); their tokens are accepted as `Bearer` until
   * `oauthTokenSeconds` pass or `revokeOAuthTokens()` is called.
   */
  oauthClients: Array<{ clientId: string; clientSecret: string }> = [];
  oauthTokenSeconds = 3600;
  /** Every token request, with its form fields. */
  readonly oauthTokenRequests: Array<Record<string, string>> = [];
  private readonly oauthTokens = new Map<string, number>();

  /** Every OAuth access token given out stops working (as when an app's credentials are rotated). */
  revokeOAuthTokens(): void {
    this.oauthTokens.clear();
  }
  /** API keys that may read but not write (403 on POST, as a read-only key). */
  readonly readOnlyTokens = new Set<string>();
  /** Events API v2 deliveries, in order. */
  readonly events: FakeEvent[] = [];
  /** Service ids the key may not read (403 Access Denied). */
  readonly forbiddenServices = new Set<string>();
  /** Milliseconds to wait before answering (a slow PagerDuty). */
  delayMs = 0;
  /**
   * PagerDuty's REST rate limit (per key, a fixed window): more than `limit` requests in `windowMs` answer 429 with
   * `ratelimit-reset` (seconds left in the window), as PagerDuty does. Off when undefined. The Events API is not limited.
   */
  rateLimit: { limit: number; windowMs: number } | undefined = undefined;
  /** Requests answered 429 by the rate limit. */
  rateLimited = 0;
  private window = { start: 0, count: 0 };
  readonly requests: FakeRequest[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly schedules = new Map<string, string>();
  readonly policies = new Map<string, FakeEscalationPolicy>();
  readonly services = new Map<string, FakeService>();
  readonly oncalls: FakeOnCall[] = [];
  readonly incidents: FakeIncident[] = [];
  readonly changeEvents: FakeChangeEvent[] = [];
  /** Audit records of services (`GET /services/{id}/audit/records`, cursor-paginated), oldest first. */
  readonly auditRecords: Array<{ id: string; serviceId: string; action: string; at: string }> = [];
  readonly metrics = new Map<string, FakeServiceMetrics>();
  private readonly failures: QueuedFailure[] = [];
  private server?: http.Server;
  private counter = 0;

  private nextId(prefix: string): string {
    this.counter += 1;
    return `P${prefix}${String(this.counter).padStart(5, '0')}`;
  }

  addUser(name: string): FakeUser {
    const user = { id: this.nextId('U'), name, email: `${name.toLowerCase().replace(/\s+/g, '.')}@acme.example` };
    this.users.set(user.id, user);
    return user;
  }

  addSchedule(name: string): string {
    const id = this.nextId('S');
    this.schedules.set(id, name);
    return id;
  }

  addEscalationPolicy(seed: Omit<FakeEscalationPolicy, 'id' | 'numLoops'> & { numLoops?: number }): FakeEscalationPolicy {
    const policy = { id: this.nextId('E'), numLoops: seed.numLoops ?? 0, ...seed };
    this.policies.set(policy.id, policy);
    return policy;
  }

  addOnCall(oncall: FakeOnCall): void {
    this.oncalls.push(oncall);
  }

  addService(seed: { name: string; policyId: string; description?: string; status?: FakeService['status']; integrationKeys?: string[] }): FakeService {
    const service: FakeService = {
      id: this.nextId('V'),
      name: seed.name,
      description: seed.description ?? `${seed.name} service`,
      status: seed.status ?? 'active',
      policyId: seed.policyId,
      integrationKeys: seed.integrationKeys ?? [],
      createdAt: '2026-01-05T10:00:00Z',
    };
    this.services.set(service.id, service);
    return service;
  }

  addIncident(seed: Omit<FakeIncident, 'id' | 'number'>): FakeIncident {
    const incident = { id: this.nextId('I'), number: this.incidents.length + 1, ...seed };
    this.incidents.push(incident);
    return incident;
  }

  addChangeEvent(seed: Omit<FakeChangeEvent, 'id'>): FakeChangeEvent {
    const event = { id: this.nextId('C'), ...seed };
    this.changeEvents.push(event);
    return event;
  }

  addAuditRecord(seed: { serviceId: string; action: string; at: string }): { id: string } {
    const record = { id: this.nextId('R'), ...seed };
    this.auditRecords.push(record);
    return record;
  }

  setMetrics(serviceId: string, metrics: FakeServiceMetrics): void {
    this.metrics.set(serviceId, metrics);
  }

  /** The next request whose path matches fails with `status` (once per call of this method). */
  failNext(failure: QueuedFailure): void {
    this.failures.push(failure);
  }

  /** Requests to a path, e.g. `/oncalls`. */
  requestsTo(path: string | RegExp): FakeRequest[] {
    return this.requests.filter(r => (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  async start(): Promise<this> {
    const app = express();
    app.use(express.json());
    app.post('/oauth/token', express.urlencoded({ extended: false }), (req, res) => {
      const form = req.body as Record<string, string>;
      this.oauthTokenRequests.push(form);
      const client = this.oauthClients.find(c => c.clientId === form.client_id);
      if (form.grant_type !== 'client_credentials') return void res.status(400).json({ error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported by the authorization server.' });
      if (!client || client.clientSecret !== form.client_secret) return void res.status(401).json({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      if (!/(^| )as_account-(us|eu)\.[a-z0-9-]+( |$)/i.test(form.scope ?? '')) return void res.status(400).json({ error: 'invalid_scope', error_description: 'The requested scope is invalid.' });
      const token = `pdus+_${this.oauthTokenRequests.length}_${Math.random().toString(36).slice(2)}`;
      this.oauthTokens.set(token, Date.now() + this.oauthTokenSeconds * 1000);
      res.json({ access_token: token, token_type: 'bearer', expires_in: this.oauthTokenSeconds, scope: form.scope });
    });
    app.use((req, res, next) => this.gate(req, res, next));
    app.get('/abilities', (_req, res) => void res.json({ abilities: ['teams', 'read_only_users', 'service_support_hours', 'urgencies'] }));
    app.get('/services', (req, res) => {
      const withIntegrations = includes(req, 'integrations');
      this.page(req, res, 'services', [...this.services.values()].filter(s => !this.forbiddenServices.has(s.id)).map(s => this.service(s, withIntegrations)));
    });
    app.get('/services/:id', (req, res) => {
      const service = this.services.get(String(req.params.id));
      if (!service) return notFound(res);
      if (this.forbiddenServices.has(service.id)) return forbidden(res);
      res.json({ service: this.service(service, includes(req, 'integrations')) });
    });
    app.get('/services/:id/change_events', (req, res) => {
      const service = this.services.get(String(req.params.id));
      if (!service) return notFound(res);
      if (this.forbiddenServices.has(service.id)) return forbidden(res);
      const since = typeof req.query.since === 'string' ? Date.parse(req.query.since) : 0;
      const events = this.changeEvents
        .filter(e => e.serviceId === service.id && Date.parse(e.timestamp) >= since)
        .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
        .map(e => this.changeEvent(e));
      this.page(req, res, 'change_events', events);
    });
    app.get('/services/:id/audit/records', (req, res) => {
      const service = this.services.get(String(req.params.id));
      if (!service) return notFound(res);
      if (this.forbiddenServices.has(service.id)) return forbidden(res);
      // Cursor pagination: an opaque `next_cursor` to send back as `cursor`, null on the last page; newest first.
      const limit = Math.min(Math.max(Number(req.query.limit ?? 10) || 10, 1), 100);
      const start = typeof req.query.cursor === 'string' ? Number(Buffer.from(req.query.cursor, 'base64url').toString().replace(/^offset:/, '')) || 0 : 0;
      const records = this.auditRecords.filter(r => r.serviceId === service.id).reverse();
      const page = records.slice(start, start + limit).map(r => ({
        id: r.id,
        self: null,
        execution_time: r.at,
        execution_context: { request_id: `req-${r.id}`, remote_address: null },
        actors: [this.ref('api_key_reference', 'PKEY', 'portal key', 'api_keys')],
        method: { type: 'api_token', truncated_token: '-key' },
        root_resource: this.ref('service_reference', service.id, service.name, 'services'),
        action: r.action,
        details: null,
      }));
      const next = start + limit < records.length ? Buffer.from(`offset:${start + limit}`).toString('base64url') : null;
      res.json({ records: page, response_metadata: null, next_cursor: next, limit });
    });
    app.get('/escalation_policies', (req, res) => this.page(req, res, 'escalation_policies', [...this.policies.values()].map(p => this.policy(p))));
    app.get('/escalation_policies/:id', (req, res) => {
      const policy = this.policies.get(String(req.params.id));
      if (!policy) return notFound(res);
      res.json({ escalation_policy: this.policy(policy) });
    });
    app.get('/oncalls', (req, res) => {
      const policyIds = arrayParam(req, 'escalation_policy_ids');
      const withUsers = includes(req, 'users');
      const oncalls = this.oncalls
        .filter(o => policyIds.length === 0 || policyIds.includes(o.policyId))
        .sort((a, b) => a.level - b.level)
        .map(o => this.oncall(o, withUsers));
      this.page(req, res, 'oncalls', oncalls);
    });
    app.get('/incidents', (req, res) => {
      const serviceIds = arrayParam(req, 'service_ids');
      const statuses = arrayParam(req, 'statuses');
      // PagerDuty searches one month by default: `since` defaults to a month before `until` (now when it is not
      // given), so an incident opened earlier is left out unless the request names its range or sends
      // `date_range=all`, which ignores `since`, `until` and their defaults.
      const all = req.query.date_range === 'all';
      const until = !all && typeof req.query.until === 'string' ? Date.parse(req.query.until) : Infinity;
      const since = all ? -Infinity : typeof req.query.since === 'string' ? Date.parse(req.query.since) : monthBefore(Number.isFinite(until) ? until : Date.now());
      const incidents = this.incidents
        .filter(i => (serviceIds.length === 0 || serviceIds.includes(i.serviceId)) && (statuses.length === 0 || statuses.includes(i.status)))
        .filter(i => Date.parse(i.createdAt) >= since && Date.parse(i.createdAt) < until)
        .sort((a, b) => (req.query.sort_by === 'created_at:asc' ? a.createdAt.localeCompare(b.createdAt) : b.createdAt.localeCompare(a.createdAt)))
        .map(i => this.incident(i));
      this.page(req, res, 'incidents', incidents);
    });
    app.get('/incidents/:id', (req, res) => {
      const incident = this.incidents.find(i => i.id === String(req.params.id));
      if (!incident) return notFound(res);
      if (this.forbiddenServices.has(incident.serviceId)) return forbidden(res);
      res.json({ incident: this.incident(incident) });
    });
    app.post('/incidents', (req, res) => this.createIncident(req, res));
    app.post('/services', (req, res) => this.createService(req, res));
    app.post('/escalation_policies', (req, res) => this.createEscalationPolicy(req, res));
    app.post('/services/:id/integrations', (req, res) => this.createIntegration(req, res));
    app.post('/v2/enqueue', (req, res) => this.enqueue(req, res));
    app.post('/v2/change/enqueue', (req, res) => this.enqueueChange(req, res));
    app.post('/analytics/metrics/incidents/services', (req, res) => {
      const filters = ((req.body as Json | undefined)?.filters ?? {}) as { service_ids?: string[]; created_at_start?: string; created_at_end?: string };
      if (!filters.created_at_start || !filters.created_at_end) {
        return void res.status(400).json({ error: { message: 'Invalid Input Provided', code: 2001, errors: ['filters.created_at_start and created_at_end are required'] } });
      }
      const ids = filters.service_ids ?? [...this.metrics.keys()];
      const data = ids
        .filter(id => this.metrics.has(id))
        .map(id => {
          const m = this.metrics.get(id)!;
          return {
            service_id: id,
            service_name: this.services.get(id)?.name ?? id,
            team_id: 'PTEAM01',
            team_name: 'Engineering',
            total_incident_count: m.totalIncidents,
            total_high_urgency_incidents: m.highUrgency,
            mean_seconds_to_resolve: m.meanSecondsToResolve,
            mean_seconds_to_first_ack: m.meanSecondsToFirstAck,
          };
        });
      res.json({ data, filters, time_zone: 'Etc/UTC' });
    });
    app.use((_req: Request, res: Response) => notFound(res));
    this.server = http.createServer(app);
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Records the request, then applies the delay, queued failures and the API key check. */
  private gate(req: Request, res: Response, next: NextFunction): void {
    this.requests.push({ method: req.method, path: req.path, query: req.query as Json, headers: req.headers, body: req.body });
    const proceed = () => {
      const search = decodeURIComponent(req.originalUrl.split('?')[1] ?? '');
      const index = this.failures.findIndex(f => f.path.test(req.path) && (!f.query || f.query.test(search)));
      if (index >= 0) {
        const [failure] = this.failures.splice(index, 1);
        res.status(failure.status).set(failure.headers ?? {});
        return void res.json({ error: { message: failure.message ?? (failure.status === 429 ? 'Rate Limit Exceeded' : 'Internal Server Error'), code: failure.status === 429 ? 2020 : 2000 } });
      }
      // The Events API authenticates with the body's routing_key, not an API key.
      if (req.path.startsWith('/v2/')) return next();
      if (this.rateLimit) {
        const now = Date.now();
        if (now - this.window.start >= this.rateLimit.windowMs) this.window = { start: now, count: 0 };
        this.window.count += 1;
        if (this.window.count > this.rateLimit.limit) {
          this.rateLimited += 1;
          const reset = Math.max(0.001, (this.window.start + this.rateLimit.windowMs - now) / 1000);
          res.status(429).set({ 'ratelimit-limit': String(this.rateLimit.limit), 'ratelimit-remaining': '0', 'ratelimit-reset': reset.toFixed(3) });
          return void res.json({ error: { message: 'Rate Limit Exceeded', code: 2020 } });
        }
      }
      const bearer = /^Bearer (.+)$/.exec(req.header('authorization') ?? '');
      if (bearer) {
        const expiresAt = this.oauthTokens.get(bearer[1]);
        if (expiresAt === undefined || expiresAt <= Date.now()) return void res.status(401).json({ error: { message: 'Authentication failed', code: 2006 } });
        return next();
      }
      const match = /^Token token=(.+)$/.exec(req.header('authorization') ?? '');
      if (!match || (this.tokens && !this.tokens.includes(match[1]))) {
        return void res.status(401).json({ error: { message: 'Authentication failed', code: 2006 } });
      }
      if (req.method === 'POST' && !req.path.startsWith('/analytics/') && this.readOnlyTokens.has(match[1])) {
        return void res.status(403).json({ error: { message: 'Access Denied', code: 2010, errors: ['Access Denied'] } });
      }
      next();
    };
    if (this.delayMs > 0) setTimeout(proceed, this.delayMs).unref();
    else proceed();
  }

  /** `POST /incidents` (REST): needs `From`, an existing service, a title. */
  private createIncident(req: Request, res: Response): void {
    const from = req.header('from');
    if (!from) return invalid(res, 'You must specify a user\'s email address in the "From" header to perform this action');
    const user = [...this.users.values()].find(u => u.email === from);
    if (!user) return invalid(res, `The "From" header ${from} is not a user of this account`);
    const body = ((req.body as Json | undefined)?.incident ?? {}) as { title?: string; urgency?: 'high' | 'low'; service?: { id?: string }; body?: { details?: string }; incident_key?: string };
    if (!body.title?.trim()) return invalid(res, 'Title cannot be empty');
    const service = body.service?.id ? this.services.get(body.service.id) : undefined;
    if (!service) return invalid(res, 'Service not found');
    const incident = this.addIncident({
      serviceId: service.id,
      title: body.title,
      status: 'triggered',
      urgency: body.urgency ?? 'high',
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      assignees: [],
      description: body.body?.details,
    });
    res.status(201).json({ incident: this.incident(incident) });
  }

  /** `POST /services`: a unique name and an existing escalation policy. */
  private createService(req: Request, res: Response): void {
    const body = ((req.body as Json | undefined)?.service ?? {}) as { name?: string; description?: string; escalation_policy?: { id?: string } };
    if (!body.name?.trim()) return invalid(res, 'Name cannot be empty');
    if ([...this.services.values()].some(s => s.name.toLowerCase() === body.name!.toLowerCase())) return invalid(res, 'Name has already been taken');
    if (!body.escalation_policy?.id || !this.policies.has(body.escalation_policy.id)) return invalid(res, 'Escalation policy not found');
    const service = this.addService({ name: body.name, description: body.description, policyId: body.escalation_policy.id });
    res.status(201).json({ service: this.service(service, false) });
  }

  /** `POST /escalation_policies`: a name and at least one rule with targets that exist. */
  private createEscalationPolicy(req: Request, res: Response): void {
    const body = ((req.body as Json | undefined)?.escalation_policy ?? {}) as {
      name?: string;
      num_loops?: number;
      escalation_rules?: Array<{ escalation_delay_in_minutes?: number; targets?: Array<{ id?: string; type?: string }> }>;
    };
    if (!body.name?.trim()) return invalid(res, 'Name cannot be empty');
    if ([...this.policies.values()].some(p => p.name.toLowerCase() === body.name!.toLowerCase())) return invalid(res, 'Name has already been taken');
    const rules = body.escalation_rules ?? [];
    if (rules.length === 0 || rules.some(r => !r.targets?.length)) return invalid(res, 'Escalation rules must have at least one target');
    const levels: FakeEscalationPolicy['levels'] = [];
    for (const rule of rules) {
      const targets: Array<{ type: 'user' | 'schedule'; id: string }> = [];
      for (const t of rule.targets ?? []) {
        const type = t.type === 'schedule_reference' ? 'schedule' : 'user';
        if (!t.id || !(type === 'user' ? this.users.has(t.id) : this.schedules.has(t.id))) return invalid(res, `Escalation rule target ${t.id ?? ''} not found`);
        targets.push({ type, id: t.id });
      }
      levels.push({ delayMinutes: rule.escalation_delay_in_minutes ?? 30, targets });
    }
    const policy = this.addEscalationPolicy({ name: body.name, numLoops: body.num_loops ?? 0, levels });
    res.status(201).json({ escalation_policy: this.policy(policy) });
  }

  /** `POST /services/{id}/integrations`: an Events API v2 integration gets a new integration key. */
  private createIntegration(req: Request, res: Response): void {
    const service = this.services.get(String(req.params.id));
    if (!service) return notFound(res);
    const body = ((req.body as Json | undefined)?.integration ?? {}) as { type?: string; name?: string };
    if (!body.type) return invalid(res, 'Type cannot be empty');
    this.counter += 1;
    const key = `${service.id}${String(this.counter)}`.toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(32, '0').slice(0, 32);
    service.integrationKeys.push(key);
    const index = service.integrationKeys.length - 1;
    res.status(201).json({
      integration: {
        ...this.ref(`${body.type}`, `${service.id}I${index}`, body.name ?? 'Events API v2', `services/${service.id}/integrations`),
        type: body.type,
        name: body.name ?? 'Events API v2',
        service: this.ref('service_reference', service.id, service.name, 'services'),
        created_at: new Date().toISOString(),
        integration_key: key,
      },
    });
  }

  private serviceOfRoutingKey(key: unknown): FakeService | undefined {
    return typeof key === 'string' ? [...this.services.values()].find(s => s.integrationKeys.includes(key)) : undefined;
  }

  /** Events API v2 `POST /v2/enqueue`: a trigger opens an incident on the service of the routing key. */
  private enqueue(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Json;
    this.events.push({ path: req.path, body });
    const payload = (body.payload ?? {}) as { summary?: string; severity?: string; source?: string; custom_details?: Json };
    const errors: string[] = [];
    if (typeof body.routing_key !== 'string' || body.routing_key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
    if (!['trigger', 'acknowledge', 'resolve'].includes(String(body.event_action))) errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
    if (body.event_action === 'trigger' && (!payload.summary || !payload.severity || !payload.source)) errors.push("'payload' is missing summary, severity or source");
    if (errors.length) return void res.status(400).json({ status: 'invalid event', message: 'Event object is invalid', errors });
    const service = this.serviceOfRoutingKey(body.routing_key);
    if (!service) return void res.status(400).json({ status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] });
    const dedupKey = typeof body.dedup_key === 'string' ? body.dedup_key : `dedup-${this.nextId('D')}`;
    if (body.event_action === 'trigger') {
      this.addIncident({
        serviceId: service.id,
        title: payload.summary!,
        status: 'triggered',
        urgency: payload.severity === 'critical' || payload.severity === 'error' ? 'high' : 'low',
        createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        assignees: [],
        description: typeof payload.custom_details?.description === 'string' ? payload.custom_details.description : undefined,
        dedupKey,
      });
    }
    res.status(202).json({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
  }

  /** Events API v2 `POST /v2/change/enqueue`: a change event on the service of the routing key. */
  private enqueueChange(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Json;
    this.events.push({ path: req.path, body });
    const payload = (body.payload ?? {}) as { summary?: string; source?: string; timestamp?: string };
    if (typeof body.routing_key !== 'string' || body.routing_key.length !== 32 || !payload.summary) {
      return void res.status(400).json({ status: 'invalid event', message: 'Event object is invalid', errors: ['routing_key and payload.summary are required'] });
    }
    const service = this.serviceOfRoutingKey(body.routing_key);
    if (!service) return void res.status(400).json({ status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] });
    const links = Array.isArray(body.links) ? (body.links as Array<{ href: string; text?: string }>).map(l => ({ href: l.href, text: l.text ?? '' })) : [];
    this.addChangeEvent({ serviceId: service.id, summary: payload.summary, timestamp: payload.timestamp ?? new Date().toISOString(), source: payload.source ?? '', links });
    res.status(202).json({ status: 'success', message: 'Change event processed' });
  }

  private page(req: Request, res: Response, key: string, items: unknown[]): void {
    const limit = Math.min(Math.max(Number(req.query.limit ?? 25) || 25, 1), 100);
    const offset = Math.max(Number(req.query.offset ?? 0) || 0, 0);
    const slice = items.slice(offset, offset + limit);
    res.json({ [key]: slice, limit, offset, more: offset + slice.length < items.length, total: req.query.total === 'true' ? items.length : null });
  }

  private ref(type: string, id: string, summary: string, path: string): Json {
    return { id, type, summary, self: `${API}/${path}/${id}`, html_url: `${WEB}/${path}/${id}` };
  }

  private userRef(id: string): Json {
    return this.ref('user_reference', id, this.users.get(id)?.name ?? id, 'users');
  }

  private service(s: FakeService, withIntegrations: boolean): Json {
    const policy = this.policies.get(s.policyId);
    return {
      id: s.id,
      type: 'service',
      summary: s.name,
      self: `${API}/services/${s.id}`,
      html_url: `${WEB}/service-directory/${s.id}`,
      name: s.name,
      description: s.description,
      auto_resolve_timeout: 14400,
      acknowledgement_timeout: 1800,
      created_at: s.createdAt,
      status: s.status,
      alert_creation: 'create_alerts_and_incidents',
      escalation_policy: this.ref('escalation_policy_reference', s.policyId, policy?.name ?? s.policyId, 'escalation_policies'),
      teams: [],
      // With include[]=integrations PagerDuty expands each integration; the description documents references
      // only, so the fake keeps the reference type and adds the key the plugin reads.
      integrations: s.integrationKeys.map((key, i) => {
        const reference = this.ref('generic_events_api_inbound_integration_reference', `${s.id}I${i}`, `Events API v2 ${i + 1}`, `services/${s.id}/integrations`);
        return withIntegrations ? { ...reference, name: `Events API v2 ${i + 1}`, integration_key: key } : reference;
      }),
      incident_urgency_rule: { type: 'constant', urgency: 'high' },
    };
  }

  private policy(p: FakeEscalationPolicy): Json {
    return {
      id: p.id,
      type: 'escalation_policy',
      summary: p.name,
      self: `${API}/escalation_policies/${p.id}`,
      html_url: `${WEB}/escalation_policies/${p.id}`,
      name: p.name,
      num_loops: p.numLoops,
      on_call_handoff_notifications: 'if_has_services',
      escalation_rules: p.levels.map((level, i) => ({
        id: `${p.id}R${i + 1}`,
        escalation_delay_in_minutes: level.delayMinutes,
        targets: level.targets.map(t =>
          t.type === 'user' ? this.userRef(t.id) : this.ref('schedule_reference', t.id, this.schedules.get(t.id) ?? t.id, 'schedules'),
        ),
      })),
      services: [...this.services.values()].filter(s => s.policyId === p.id).map(s => this.ref('service_reference', s.id, s.name, 'services')),
      teams: [],
    };
  }

  private oncall(o: FakeOnCall, withUsers: boolean): Json {
    const user = this.users.get(o.userId);
    // With include[]=users PagerDuty expands the user; the description documents a user_reference only, so the
    // fake keeps the reference type and adds the name and email the plugin reads.
    const userJson = withUsers && user ? { ...this.userRef(o.userId), name: user.name, email: user.email } : this.userRef(o.userId);
    return {
      escalation_policy: this.ref('escalation_policy_reference', o.policyId, this.policies.get(o.policyId)?.name ?? o.policyId, 'escalation_policies'),
      escalation_level: o.level,
      user: userJson,
      // A user named directly by the policy has no schedule (the description has no null here, so it is left out).
      ...(o.scheduleId ? { schedule: this.ref('schedule_reference', o.scheduleId, this.schedules.get(o.scheduleId) ?? o.scheduleId, 'schedules') } : {}),
      start: o.start,
      end: o.end,
    };
  }

  private incident(i: FakeIncident): Json {
    const service = this.services.get(i.serviceId);
    return {
      id: i.id,
      type: 'incident',
      summary: `[#${i.number}] ${i.title}`,
      self: `${API}/incidents/${i.id}`,
      html_url: `${WEB}/incidents/${i.id}`,
      incident_number: i.number,
      title: i.title,
      created_at: i.createdAt,
      updated_at: i.createdAt,
      status: i.status,
      incident_key: `key-${i.id}`,
      service: this.ref('service_reference', i.serviceId, service?.name ?? i.serviceId, 'services'),
      assignments: i.assignees.map(id => ({ at: i.createdAt, assignee: this.userRef(id) })),
      urgency: i.urgency,
      ...(i.status === 'resolved' ? { resolved_at: i.resolvedAt ?? i.createdAt } : {}),
      last_status_change_at: i.status === 'resolved' ? (i.resolvedAt ?? i.createdAt) : i.createdAt,
      ...(i.priority ? { priority: { id: `PRI${i.priority}`, type: 'priority', summary: i.priority, self: `${API}/priorities/PRI${i.priority}`, html_url: null, name: i.priority } } : {}),
      escalation_policy: service ? this.ref('escalation_policy_reference', service.policyId, this.policies.get(service.policyId)?.name ?? service.policyId, 'escalation_policies') : undefined,
    };
  }

  private changeEvent(e: FakeChangeEvent): Json {
    const service = this.services.get(e.serviceId);
    return {
      id: e.id,
      type: 'change_event',
      summary: e.summary,
      timestamp: e.timestamp,
      source: e.source,
      services: [this.ref('service_reference', e.serviceId, service?.name ?? e.serviceId, 'services')],
      links: e.links,
      custom_details: {},
    };
  }
}

/** The same moment one calendar month earlier (PagerDuty's default search window for incidents). */
function monthBefore(ms: number): number {
  const date = new Date(ms);
  date.setUTCMonth(date.getUTCMonth() - 1);
  return date.getTime();
}

function arrayParam(req: Request, name: string): string[] {
  const value = (req.query as Json)[`${name}[]`] ?? (req.query as Json)[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function includes(req: Request, what: string): boolean {
  return arrayParam(req, 'include').includes(what);
}

function notFound(res: Response): void {
  res.status(404).json({ error: { message: 'Not Found', code: 2100 } });
}

function invalid(res: Response, message: string): void {
  res.status(400).json({ error: { message: 'Invalid Input Provided', code: 2001, errors: [message] } });
}

function forbidden(res: Response): void {
  res.status(403).json({ error: { message: 'Access Denied', code: 2010, errors: ['Access Denied'] } });
}
