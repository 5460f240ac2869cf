import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * A local PagerDuty on 127.0.0.1 answering in PagerDuty's REST API v2 shapes (checked against the official
 * OpenAPI description by FakePagerDuty.contract.test.ts): services with integrations, escalation policies with
 * levels and targets, on-calls, incidents, change events and incident analytics, with classic offset pagination,
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
  /** Service ids the key may not read (403 Access Denied). */
  readonly forbiddenServices = new Set<string>();
  /** Milliseconds to wait before answering (a slow PagerDuty). */
  delayMs = 0;
  readonly requests: FakeRequest[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly schedules = new Map<string, string>();
  readonly policies = new Map<string, FakeEscalationPolicy>();
  readonly services = new Map<string, FakeService>();
  readonly oncalls: FakeOnCall[] = [];
  readonly incidents: FakeIncident[] = [];
  readonly changeEvents: FakeChangeEvent[] = [];
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
      const incidents = this.incidents
        .filter(i => (serviceIds.length === 0 || serviceIds.includes(i.serviceId)) && (statuses.length === 0 || statuses.includes(i.status)))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .map(i => this.incident(i));
      this.page(req, res, 'incidents', incidents);
    });
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
      const index = this.failures.findIndex(f => f.path.test(req.path));
      if (index >= 0) {
        const [failure] = this.failures.splice(index, 1);
        res.status(failure.status).set(failure.headers ?? {});
        return void res.json({ error: { message: failure.message ?? (failure.status === 429 ? 'Rate Limit Exceeded' : 'Internal Server Error'), code: failure.status === 429 ? 2020 : 2000 } });
      }
      const match = /^Token token=(.+)$/.exec(req.header('authorization') ?? '');
      if (!match || (this.tokens && !this.tokens.includes(match[1]))) {
        return void res.status(401).json({ error: { message: 'Authentication failed', code: 2006 } });
      }
      next();
    };
    if (this.delayMs > 0) setTimeout(proceed, this.delayMs).unref();
    else proceed();
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

function forbidden(res: Response): void {
  res.status(403).json({ error: { message: 'Access Denied', code: 2010, errors: ['Access Denied'] } });
}
