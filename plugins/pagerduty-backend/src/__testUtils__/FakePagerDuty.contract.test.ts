import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { eventually, MockLogger } from '@portico/test-utils';
import { createPagerDutyFactCollector } from '../facts/PagerDutyFactCollector';
import { pagerdutyIntegrationsConfigSchema } from '../integration/config';
import { PagerDutyClients } from '../integration/PagerDutyClients';
import { PagerDutyEntityService } from '../service/PagerDutyEntityService';
import { FakePagerDuty, type FakeRequest } from './FakePagerDuty';
import { memoryCache } from './memoryCache';
import { INTEGRATION_KEY, seedPagerDuty } from './seedPagerDuty';
import { component, startPagerDutyBackend } from './startPagerDutyBackend';

// PagerDuty's official REST API description (../shared/vendor-specs/README.md beside the checkout, or
// $PORTICO_VENDOR_SPECS), read once per file.
const specFile = path.join(process.env.PORTICO_VENDOR_SPECS ?? path.resolve(__dirname, '../../../../../shared/vendor-specs'), 'pagerduty-rest-openapiv3.json');

type Operation = {
  parameters?: Array<Record<string, unknown>>;
  requestBody?: { content?: Record<string, { schema: unknown; examples?: Record<string, unknown> }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
};
type PathItem = Record<string, Operation> & { parameters?: Array<Record<string, unknown>> };
const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as { paths: Record<string, PathItem>; components: Record<string, Record<string, unknown>> };

// OpenAPI 3.0 `nullable` also admits null where there is no `type` or an `enum`; say so in JSON Schema.
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, normalize(v)])) as Record<string, unknown>;
  if (out.nullable !== true) return out;
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  if (out.type) return { ...out, type: [out.type, 'null'] };
  const { nullable: _nullable, ...rest } = out;
  return { anyOf: [{ type: 'null' }, rest] };
}
spec.components = normalize(spec.components) as typeof spec.components;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// PagerDuty's own formats for time zone names; any string is accepted.
for (const format of ['activesupport-time-zone', 'tzinfo']) ajv.addFormat(format, true);
// Query values arrive as strings, repeated keys as arrays: coerce like a server would before checking.
const queryAjv = new Ajv({ strict: false, allErrors: true, coerceTypes: 'array' });
addFormats(queryAjv);
for (const format of ['activesupport-time-zone', 'tzinfo']) queryAjv.addFormat(format, true);

/** Follows a local `$ref` (`#/components/...`). */
function resolve<T>(node: T | { $ref: string }): T {
  const ref = (node as { $ref?: string }).$ref;
  if (!ref) return node as T;
  const target = ref
    .slice(2)
    .split('/')
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], spec);
  return resolve(target as T);
}

function operationOf(specPath: string, method: string): Operation {
  const operation = spec.paths[specPath]?.[method];
  if (!operation) throw new Error(`No operation ${method.toUpperCase()} ${specPath} in PagerDuty's OpenAPI description`);
  return operation;
}

function responseValidator(specPath: string, method: string, status: string): ValidateFunction {
  const response = resolve(operationOf(specPath, method).responses[status]);
  const schema = normalize(response?.content?.['application/json']?.schema);
  if (!schema) throw new Error(`No ${status} JSON response for ${method.toUpperCase()} ${specPath}`);
  return ajv.compile({ allOf: [schema], components: spec.components });
}

/** The spec path a concrete path matches (`/services/PV1/change_events` -> `/services/{id}/change_events`). */
function specPathOf(concrete: string): string | undefined {
  if (spec.paths[concrete]) return concrete;
  const matches = (template: string) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(concrete);
  // The most literal template wins: `/services/{id}/change_events` over `/{a}/{b}/{c}`.
  return Object.keys(spec.paths)
    .filter(matches)
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

/** Every way a request the plugin sent departs from the description: path, method, query parameters, Accept, body. */
function requestProblems(req: FakeRequest): string[] {
  const specPath = specPathOf(req.path);
  if (!specPath) return [`${req.method} ${req.path}: no such path`];
  const method = req.method.toLowerCase();
  const operation = spec.paths[specPath][method];
  if (!operation) return [`${req.method} ${specPath}: no such operation`];
  const problems: string[] = [];
  const parameters = [...(spec.paths[specPath].parameters ?? []), ...(operation.parameters ?? [])].map(p => resolve(p) as { name: string; in: string; schema?: Record<string, unknown> });
  for (const [name, value] of Object.entries(req.query)) {
    const parameter = parameters.find(p => p.in === 'query' && p.name === name);
    if (!parameter) {
      problems.push(`${req.method} ${specPath}: undocumented query parameter ${name}`);
      continue;
    }
    // `since` documents its format as the placeholder pattern `YYYY-MM-DDThh:mm:ssZ`, not a regular expression.
    const { pattern: _pattern, ...schema } = (normalize(parameter.schema) ?? {}) as Record<string, unknown>;
    const itemSchema = schema.type === 'array' ? schema : { type: 'array', items: schema };
    const validate = queryAjv.compile(itemSchema);
    const values = Array.isArray(value) ? [...value] : [value];
    if (!validate(values)) problems.push(`${req.method} ${specPath}: ${name}=${JSON.stringify(value)} ${queryAjv.errorsText(validate.errors)}`);
  }
  if (req.headers.accept !== 'application/vnd.pagerduty+json;version=2') problems.push(`${req.method} ${specPath}: Accept is ${req.headers.accept}`);
  // Required headers besides Accept and Content-Type (`From` on POST /incidents).
  for (const header of parameters.filter(p => p.in === 'header' && (p as { required?: boolean }).required && !['accept', 'content-type'].includes(p.name.toLowerCase()))) {
    if (!req.headers[header.name.toLowerCase()]) problems.push(`${req.method} ${specPath}: no ${header.name} header`);
  }
  const bodySchema = resolve(operation.requestBody ?? {})?.content?.['application/json']?.schema;
  if (bodySchema) {
    const validate = ajv.compile({ allOf: [normalize(bodySchema)], components: spec.components });
    if (!validate(req.body)) {
      // Where the schema and the operation's own request example disagree (POST /incidents types
      // `incident.body.details` as an object, its example and PagerDuty's documentation send a string), a value
      // shaped like the example is accepted.
      const examples = Object.values(resolve(operation.requestBody ?? {})?.content?.['application/json']?.examples ?? {}).map(e => (e as { value?: unknown }).value);
      const typeAt = (value: unknown, pointer: string) => typeof pointer.split('/').slice(1).reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], value);
      const errors = (validate.errors ?? []).filter(e => e.keyword !== 'type' || !examples.some(ex => typeAt(ex, e.instancePath) === typeAt(req.body, e.instancePath)));
      if (errors.length) problems.push(`${req.method} ${specPath}: body ${ajv.errorsText(errors)}`);
    }
  } else if (req.body !== undefined && Object.keys(req.body as object).length > 0) {
    problems.push(`${req.method} ${specPath}: a body where none is documented`);
  }
  return problems;
}

// PagerDuty's Events API v2 description: its server is `<eventsBaseUrl>/v2`, so `/v2/enqueue` is its `/enqueue`.
const eventsSpec = JSON.parse(fs.readFileSync(path.join(path.dirname(specFile), 'pagerduty-events-v2-openapiv3.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
};

/** Every way an Events API v2 request departs from its description: path, method, body. */
function eventProblems(req: FakeRequest): string[] {
  const operation = eventsSpec.paths[req.path.replace(/^\/v2/, '')]?.[req.method.toLowerCase()];
  if (!operation) return [`${req.method} ${req.path}: no such Events API v2 operation`];
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  const validate = ajv.compile({ allOf: [normalize(schema)], components: normalize(eventsSpec.components) });
  return validate(req.body) ? [] : [`${req.method} ${req.path}: body ${ajv.errorsText(validate.errors)}`];
}

/** The Events API v2's answer to a request, checked against its description. */
function eventResponseValidator(specPath: string, status: string): ValidateFunction {
  const response = resolveIn(eventsSpec, eventsSpec.paths[specPath].post.responses[status]);
  return ajv.compile({ allOf: [normalize(response.content!['application/json'].schema)], components: normalize(eventsSpec.components) });
}

function resolveIn<T>(document: unknown, node: T | { $ref: string }): T {
  const ref = (node as { $ref?: string }).$ref;
  if (!ref) return node as T;
  return resolveIn(document, ref.slice(2).split('/').reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], document) as T);
}

const validateError = ajv.compile({ $ref: '#/components/responses/Conflict/content/application~1json/schema', components: spec.components });

describe('FakePagerDuty answers in the shapes of PagerDuty\'s OpenAPI description', () => {
  const fake = new FakePagerDuty();
  let seed: ReturnType<typeof seedPagerDuty>;
  beforeAll(async () => {
    await fake.start();
    seed = seedPagerDuty(fake);
  });
  afterAll(() => fake.stop());

  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${fake.url}${path}`, {
      ...init,
      headers: { accept: 'application/vnd.pagerduty+json;version=2', authorization: 'Token token=good-key', 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    });
    return { res, body: await res.json() };
  };

  const cases: Array<[string, string, string, () => string]> = [
    ['/abilities', 'get', '200', () => '/abilities'],
    ['/services', 'get', '200', () => '/services?limit=2&include[]=integrations'],
    ['/services/{id}', 'get', '200', () => `/services/${seed.search.id}`],
    ['/services/{id}/change_events', 'get', '200', () => `/services/${seed.payments.id}/change_events`],
    ['/escalation_policies/{id}', 'get', '200', () => `/escalation_policies/${seed.policy.id}`],
    ['/escalation_policies', 'get', '200', () => '/escalation_policies?limit=5'],
    ['/incidents', 'get', '200', () => `/incidents?service_ids[]=${seed.payments.id}&service_ids[]=${seed.search.id}&date_range=all&sort_by=created_at:desc&limit=100&offset=0`],
    ['/oncalls', 'get', '200', () => `/oncalls?escalation_policy_ids[]=${seed.policy.id}&include[]=users`],
    ['/oncalls', 'get', '200', () => `/oncalls?escalation_policy_ids[]=${seed.policy.id}`],
    ['/incidents', 'get', '200', () => `/incidents?service_ids[]=${seed.payments.id}&statuses[]=triggered&statuses[]=acknowledged&date_range=all&sort_by=created_at:desc&limit=100&offset=0`],
    // What the insights source reads: a bounded window of every status, and one incident after its webhook.
    ['/incidents', 'get', '200', () => `/incidents?service_ids[]=${seed.payments.id}&since=2026-01-01T00:00:00Z&until=2026-06-01T00:00:00Z&statuses[]=triggered&statuses[]=acknowledged&statuses[]=resolved&sort_by=created_at:asc&limit=100&offset=0`],
    ['/incidents/{id}', 'get', '200', () => `/incidents/${seed.open.id}`],
    // Cursor pagination (PagerDutyClient.listByCursor): a first page and the next one.
    ['/services/{id}/audit/records', 'get', '200', () => {
      for (let i = 0; i < 3; i++) fake.addAuditRecord({ serviceId: seed.payments.id, action: 'update', at: `2026-12-0${i + 1}T10:00:00.000Z` });
      return `/services/${seed.payments.id}/audit/records?limit=2`;
    }],
    ['/services/{id}/audit/records', 'get', '200', () => `/services/${seed.payments.id}/audit/records?limit=2&cursor=${Buffer.from('offset:2').toString('base64url')}`],
    ['/incidents/{id}', 'get', '200', () => `/incidents/${fake.addIncident({ serviceId: seed.payments.id, title: 'Prioritised', status: 'resolved', urgency: 'high', priority: 'P1', createdAt: '2026-11-01T10:00:00Z', resolvedAt: '2026-11-01T12:00:00Z', assignees: [] }).id}`],
  ];

  it.each(cases)('%s %s answers %s in the documented shape', async (specPath, method, status, target) => {
    const { res, body } = await call(target());
    expect(res.status).toBe(Number(status));
    const validate = responseValidator(specPath, method, status);
    validate(body);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('answers the analytics of services in the documented shape', async () => {
    const { res, body } = await call('/analytics/metrics/incidents/services', {
      method: 'POST',
      body: JSON.stringify({ filters: { created_at_start: '2026-01-01T00:00:00Z', created_at_end: '2026-01-31T00:00:00Z', service_ids: [seed.payments.id] } }),
    });
    expect(res.status).toBe(200);
    const validate = responseValidator('/analytics/metrics/incidents/services', 'post', '200');
    validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(body.data).toEqual([expect.objectContaining({ service_id: seed.payments.id, total_incident_count: 7 })]);
  });

  it('paginates with offset, limit and more', async () => {
    for (let i = 0; i < 4; i++) fake.addService({ name: `extra-${i}`, policyId: seed.policy.id });
    const first = await call('/services?limit=3&offset=0');
    expect(first.body).toMatchObject({ limit: 3, offset: 0, more: true });
    const last = await call('/services?limit=3&offset=3');
    expect(last.body.more).toBe(false);
    expect(last.body.services).toHaveLength(3);
  });

  it('searches incidents over the last month unless since/until or date_range=all say otherwise, as PagerDuty does', async () => {
    const quiet = fake.addService({ name: 'aged', policyId: seed.policy.id });
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const aged = fake.addIncident({ serviceId: quiet.id, title: 'Open for 40 days', status: 'triggered', urgency: 'high', createdAt: daysAgo(40), assignees: [] });
    const recent = fake.addIncident({ serviceId: quiet.id, title: 'Open for a day', status: 'acknowledged', urgency: 'low', createdAt: daysAgo(1), assignees: [] });
    const ids = async (query: string) => (await call(`/incidents?service_ids[]=${quiet.id}&statuses[]=triggered&statuses[]=acknowledged${query}`)).body.incidents.map((i: { id: string }) => i.id);
    expect(await ids('')).toEqual([recent.id]);
    expect(await ids('&date_range=all')).toEqual([recent.id, aged.id]);
    expect(await ids(`&since=${daysAgo(50)}&until=${daysAgo(0)}`)).toEqual([recent.id, aged.id]);
    expect(await ids(`&until=${daysAgo(20)}`)).toEqual([aged.id]);
    // date_range=all ignores since and until.
    expect(await ids(`&date_range=all&since=${daysAgo(2)}`)).toEqual([recent.id, aged.id]);
  });

  it('answers 401, 403, 404 and 429 with PagerDuty\'s error object', async () => {
    const unauthorized = await call('/abilities', { headers: { authorization: 'Token token=nope' } });
    expect(unauthorized.res.status).toBe(401);
    expect(validateError(unauthorized.body)).toBe(true);
    expect(responseValidator('/services/{id}', 'get', '401')(unauthorized.body)).toBe(true);
    const forbidden = await call(`/services/${seed.secret.id}`);
    expect(forbidden.res.status).toBe(403);
    expect(responseValidator('/services/{id}', 'get', '403')(forbidden.body)).toBe(true);
    const missing = await call('/services/PNOSUCH');
    expect(missing.res.status).toBe(404);
    expect(responseValidator('/services/{id}', 'get', '404')(missing.body)).toBe(true);
    fake.failNext({ path: /^\/abilities$/, status: 429, headers: { 'retry-after': '1' } });
    const limited = await call('/abilities');
    expect(limited.res.status).toBe(429);
    expect(limited.res.headers.get('retry-after')).toBe('1');
    expect(validateError(limited.body)).toBe(true);
    expect((await call('/abilities')).res.status).toBe(200);
  });

  it.each([
    ['POST /incidents', '/incidents', () => ({ incident: { type: 'incident', title: 'Down', service: { id: seed.payments.id, type: 'service_reference' }, urgency: 'high' } }), { from: 'alice.archer@acme.example' }],
    ['POST /services', '/services', () => ({ service: { type: 'service', name: 'contract-svc', escalation_policy: { id: seed.policy.id, type: 'escalation_policy_reference' } } }), {}],
    ['POST /escalation_policies', '/escalation_policies', () => ({ escalation_policy: { type: 'escalation_policy', name: 'contract-ep', escalation_rules: [{ escalation_delay_in_minutes: 5, targets: [{ id: seed.alice.id, type: 'user_reference' }] }] } }), {}],
    ['POST /services/{id}/integrations', '/services/{id}/integrations', () => ({ integration: { type: 'events_api_v2_inbound_integration', name: 'Events' } }), {}],
  ] as Array<[string, string, () => unknown, Record<string, string>]>)('%s answers 201 in the documented shape', async (_name, specPath, body, headers) => {
    const { res, body: answer } = await call(specPath.replace('{id}', seed.payments.id), { method: 'POST', body: JSON.stringify(body()), headers });
    expect(res.status).toBe(201);
    const validate = responseValidator(specPath, 'post', '201');
    validate(answer);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('answers Events API v2 deliveries in the documented shapes, and refuses an unknown routing key', async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { res, body: await res.json() };
    };
    const trigger = await post('/v2/enqueue', { routing_key: INTEGRATION_KEY, event_action: 'trigger', payload: { summary: 'Down', severity: 'critical', source: 'contract' } });
    expect(trigger.res.status).toBe(202);
    expect(eventResponseValidator('/enqueue', '202')(trigger.body)).toBe(true);
    const change = await post('/v2/change/enqueue', { routing_key: INTEGRATION_KEY, payload: { summary: 'Deploy' } });
    expect(change.res.status).toBe(202);
    expect(eventResponseValidator('/change/enqueue', '202')(change.body)).toBe(true);
    const unknown = await post('/v2/enqueue', { routing_key: 'f'.repeat(32), event_action: 'trigger', payload: { summary: 'Down', severity: 'critical', source: 'contract' } });
    expect(unknown.res.status).toBe(400);
    expect(eventResponseValidator('/enqueue', '5XX')(unknown.body)).toBe(true);
  });
});

describe('the requests the plugin sends match PagerDuty\'s OpenAPI description', () => {
  it('documents every path, method, query parameter and body it uses for an entity summary, the services page and health', async () => {
    const fake = await new FakePagerDuty().start();
    const seed = seedPagerDuty(fake);
    const backend = await startPagerDutyBackend(fake, {
      entities: [component('payments', { 'pagerduty.com/service-id': seed.payments.id }), component('search', { 'pagerduty.com/integration-key': INTEGRATION_KEY })],
    });
    try {
      await eventually(async () => {
        await request(backend.server).get('/api/pagerduty/entities/component/default/payments/summary').expect(200);
        await request(backend.server).get('/api/pagerduty/entities/component/default/search/summary').expect(200);
      });
      await request(backend.server).get('/api/pagerduty/services').expect(200);
      await request(backend.server).put(`/api/pagerduty/services/default/${seed.secret.id}/mapping`).send({ entityRef: 'component:default/payments' }).expect(403);
      await request(backend.server).get('/readyz');
      const paths = new Set(fake.requests.map(r => `${r.method} ${specPathOf(r.path)}`));
      expect([...paths].sort()).toEqual([
        'GET /abilities',
        'GET /escalation_policies/{id}',
        'GET /incidents',
        'GET /oncalls',
        'GET /services',
        'GET /services/{id}',
        'GET /services/{id}/change_events',
        'POST /analytics/metrics/incidents/services',
      ]);
      expect(fake.requests.flatMap(requestProblems)).toEqual([]);
    } finally {
      await backend.cleanup();
      await fake.stop();
    }
  });

  it('documents every request of the fact collector', async () => {
    const fake = await new FakePagerDuty().start();
    const seed = seedPagerDuty(fake);
    try {
      const clients = new PagerDutyClients(pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', apiBaseUrl: fake.url, token: 'good-key' }]));
      const cache = memoryCache();
      const collector = createPagerDutyFactCollector({ service: new PagerDutyEntityService({ clients, cache }), clients, cache, logger: new MockLogger() });
      const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'payments', annotations: { 'pagerduty.com/service-id': seed.payments.id } }, spec: {} };
      expect(await collector.collect([entity], {})).toHaveLength(1);
      expect(fake.requests.map(r => `${r.method} ${specPathOf(r.path)}`)).toContain('GET /incidents');
      // No fact reads the timeline: no change events, no resolved incidents.
      expect(fake.requestsTo(/\/change_events$/)).toEqual([]);
      expect(fake.requestsTo('/incidents').filter(r => JSON.stringify(r.query).includes('resolved'))).toEqual([]);
      expect(fake.requests.flatMap(requestProblems)).toEqual([]);
    } finally {
      await fake.stop();
    }
  });

  it('documents every request of the insights source: its backfill and the incident it reads after a webhook', async () => {
    const fake = await new FakePagerDuty().start();
    const seed = seedPagerDuty(fake);
    const { createPagerDutyInsightsSource } = await import('../insights/PagerDutyInsightsSource');
    const { MemoryCheckpoint, RecordingSink } = await import('@portico/plugin-insights-node');
    try {
      const clients = new PagerDutyClients(pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', apiBaseUrl: fake.url, token: 'good-key' }]));
      const entities = [
        { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'payments', namespace: 'default', annotations: { 'pagerduty.com/service-id': seed.payments.id } }, spec: {} },
        { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'search', namespace: 'default', annotations: { 'pagerduty.com/integration-key': INTEGRATION_KEY } }, spec: {} },
      ];
      let onEvent: ((event: { topic: string; payload: unknown }) => Promise<void> | void) | undefined;
      const source = createPagerDutyInsightsSource({
        clients,
        catalog: { getEntities: async () => ({ items: entities }) } as never,
        catalogToken: async () => undefined,
        service: new PagerDutyEntityService({ clients, cache: memoryCache() }),
        events: { publish: async () => undefined, subscribe: async subscriber => void (onEvent = subscriber.onEvent) },
        logger: new MockLogger(),
      });
      const sink = new RecordingSink();
      await source.backfill!({ sink, since: new Date(Date.now() - 200 * 86_400_000), checkpoint: new MemoryCheckpoint() });
      await source.connect!(sink);
      await onEvent!({
        topic: 'pagerduty.incident.triggered',
        payload: { eventId: 'E1', eventType: 'incident.triggered', occurredAt: new Date().toISOString(), account: 'default', serviceId: seed.payments.id, entityRefs: ['component:default/payments'], incident: { id: seed.open.id } },
      });
      expect(sink.stored.incidents.size).toBeGreaterThan(0);
      expect(new Set(fake.requests.map(r => `${r.method} ${specPathOf(r.path)}`))).toEqual(new Set(['GET /services', 'GET /incidents', 'GET /incidents/{id}']));
      expect(fake.requests.flatMap(requestProblems)).toEqual([]);
    } finally {
      await fake.stop();
    }
  });

  it('documents every request of the actions and of the trigger route, REST and Events API v2', async () => {
    const fake = await new FakePagerDuty().start();
    const seed = seedPagerDuty(fake);
    const { PagerDutyIncidentService } = await import('../service/PagerDutyIncidentService');
    const { PagerDutyServiceCreator } = await import('../service/PagerDutyServiceCreator');
    const { createChangeEventAction, createIncidentAction, createServiceAction } = await import('../actions/pagerdutyActions');
    const { runAction } = await import('./runAction');
    try {
      const clients = new PagerDutyClients(pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', apiBaseUrl: fake.url, eventsBaseUrl: fake.url, token: 'good-key' }]));
      const incidents = new PagerDutyIncidentService(new PagerDutyEntityService({ clients, cache: memoryCache() }));
      const noEntity = async () => undefined;
      const created = await runAction(createServiceAction(new PagerDutyServiceCreator(clients)), {
        name: 'contract',
        description: 'Checked against the description',
        escalationPolicy: { levels: [{ delayMinutes: 10, targets: [{ type: 'user', id: seed.alice.id }, { type: 'schedule', id: seed.primary }] }] },
        createIntegrationKey: true,
      });
      await runAction(createIncidentAction(incidents, noEntity), { serviceId: created.outputs.serviceId, title: 'Through REST', urgency: 'low', description: 'details', from: seed.alice.email });
      await runAction(createIncidentAction(incidents, noEntity), { serviceId: created.outputs.serviceId, title: 'Through events', dedupKey: 'contract-1' });
      await runAction(createChangeEventAction(incidents, noEntity), {
        integrationKey: INTEGRATION_KEY,
        summary: 'Deploy v2',
        source: 'ci',
        timestamp: '2026-12-06T10:00:00Z',
        customDetails: { build: 42 },
        links: [{ href: 'https://ci.example/runs/42', text: 'Run 42' }],
      });
      const rest = fake.requests.filter(r => !r.path.startsWith('/v2/'));
      const events = fake.requests.filter(r => r.path.startsWith('/v2/'));
      expect(new Set(rest.filter(r => r.method === 'POST').map(r => specPathOf(r.path)))).toEqual(new Set(['/escalation_policies', '/services', '/services/{id}/integrations', '/incidents']));
      expect(events.map(r => r.path)).toEqual(['/v2/enqueue', '/v2/change/enqueue']);
      expect(rest.flatMap(requestProblems)).toEqual([]);
      expect(events.flatMap(eventProblems)).toEqual([]);
    } finally {
      await fake.stop();
    }
  });

  it('documents every request of the fact collector reading in batches', async () => {
    const fake = await new FakePagerDuty().start();
    const seed = seedPagerDuty(fake);
    try {
      const clients = new PagerDutyClients(pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', apiBaseUrl: fake.url, token: 'good-key' }]));
      const cache = memoryCache();
      const collector = createPagerDutyFactCollector({ service: new PagerDutyEntityService({ clients, cache }), clients, cache, logger: new MockLogger(), batchFrom: 1 });
      const entity = (name: string, id: string) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, annotations: { 'pagerduty.com/service-id': id } }, spec: {} });
      expect(await collector.collect([entity('payments', seed.payments.id), entity('search', seed.search.id)], {})).toHaveLength(2);
      const paths = new Set(fake.requests.map(r => `${r.method} ${specPathOf(r.path)}`));
      expect(paths).toEqual(new Set(['GET /services', 'GET /escalation_policies', 'GET /oncalls', 'GET /incidents', 'POST /analytics/metrics/incidents/services']));
      expect(fake.requests.flatMap(requestProblems)).toEqual([]);
    } finally {
      await fake.stop();
    }
  });

  it('notices a request that departs from the description', () => {
    const base = { headers: { accept: 'application/vnd.pagerduty+json;version=2' }, body: undefined };
    expect(requestProblems({ ...base, method: 'GET', path: '/oncalls', query: { escalation_policy_id: 'P1' } })).toEqual(['GET /oncalls: undocumented query parameter escalation_policy_id']);
    expect(requestProblems({ ...base, method: 'GET', path: '/services', query: { 'include[]': 'everything' } })[0]).toMatch(/include\[\]/);
    expect(requestProblems({ ...base, method: 'GET', path: '/nowhere', query: {} })).toEqual(['GET /nowhere: no such path']);
  });
});
