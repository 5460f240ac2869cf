/**
 * Issue 14, Testing: the authorization matrix. Every route the default portal registers (read from its
 * routers) is called by every kind of caller of matrix.ts, with real tokens (minted by the portal's own
 * services, or forged with jose), real RBAC and real fixtures (an entity the owner's team owns, runs the owner
 * started, an exemption the owner requested), and each answer is compared with the route's row.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import request from 'supertest';
import type { BackendFeature } from '@portico/backend-plugin-api';
import { eventually } from '@portico/test-utils';
import { FakeGithub } from '../../plugins/github-backend/src/__testUtils__/FakeGithub';
import { FakePagerDuty } from '../../plugins/pagerduty-backend/src/__testUtils__/FakePagerDuty';
import { FakeJira } from '../../plugins/jira-backend/src/__testUtils__/FakeJira';
import { EXTERNAL_TOKEN, people, startDefaultPortal, type DefaultPortal, type Person } from './defaultPortal';
import { CALLERS, isPending, MATRIX, type Caller, type Outcome } from './matrix';
import { listRoutes, routeKey, type Route } from './routes';

const ROOT = path.join(__dirname, '../..');
/** A member of the approving team (storefront) who did not start the runs: prepares the fixtures only. */
const approver: Person = { userEntityRef: 'user:default/alice', ownershipEntityRefs: ['user:default/alice', 'group:default/platform', 'group:default/storefront', 'group:default/engineering', 'group:default/acme'] };

const DATABASE_ACCESS = { templateRef: 'template:default/request-database-access', values: { database: 'resource:default/catalog-db', reason: 'the authorization matrix', access: 'read' } };

const WEBHOOK_SECRET = 'matrix-webhook-secret';

let portal: DefaultPortal;
let github: FakeGithub;
let pagerduty: FakePagerDuty;
let jira: FakeJira;
let routes: Route[];
const bearer: Partial<Record<Caller, string>> = {};
const fixtures = {
  uid: {} as Record<string, string>,
  locationId: '',
  tasks: {} as Record<'read' | 'cancel' | 'approve' | 'reject' | 'submit', string>,
  /** Runs the admin and a service try to reject, since the owner may reject (withdraw) the shared one. */
  rejectTasks: {} as Partial<Record<Caller, string>>,
  exemptionId: '',
  initiativeId: '',
};

type Call = { method: string; url: string; body?: unknown; token?: string; headers?: Record<string, string> };

async function call({ method, url, body, token, headers }: Call): Promise<request.Response> {
  const req = request(portal.backend.server)[method.toLowerCase() as 'get'](url).timeout({ response: 10_000 });
  if (token) req.set('authorization', `Bearer ${token}`);
  // the parser below reads the raw stream: answers as sent, not compressed (superagent asks for gzip by default)
  req.set('accept-encoding', 'identity');
  for (const [name, value] of Object.entries(headers ?? {})) req.set(name, value);
  // An event stream stays open: its status line is the answer.
  req.buffer(false).parse((res, done) => {
    const stream = res as unknown as IncomingMessage;
    let text = '';
    let finished = false;
    const finish = () => {
      if (!finished) done(null, text ? safeJson(text) : undefined);
      finished = true;
    };
    stream.on('data', chunk => {
      if ((stream.headers['content-type'] ?? '').includes('text/event-stream')) return stream.destroy();
      text += String(chunk);
    });
    stream.on('end', finish);
    stream.on('close', finish);
  });
  if (typeof body === 'string') req.set('content-type', 'application/json').send(body);
  else if (body !== undefined) req.send(body as object);
  return req;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function asUser(person: Person, method: string, url: string, body?: unknown) {
  return call({ method, url, body, token: await portal.userToken(person) });
}

/** The path of a route for one caller, every parameter filled with a fixture. */
function urlFor(route: Route, caller: Caller): string {
  const key = routeKey(route);
  const victim = { owner: 'component:default/cart-service', admin: 'component:default/legacy-invoicing', serviceSelf: 'component:default/analytics-pipeline' } as Partial<Record<Caller, string>>;
  const task = key.includes('/cancel') || key.includes('/retry') ? fixtures.tasks.cancel
    : key.endsWith('/approve') ? fixtures.tasks.approve
    : key.endsWith('/reject') ? (fixtures.rejectTasks[caller] ?? fixtures.tasks.reject)
    : key.endsWith('/submit') ? fixtures.tasks.submit
    : fixtures.tasks.read;
  const byRoute: Record<string, Record<string, string>> = {
    'GET /api/catalog/entities/by-uid/:uid': { uid: fixtures.uid['component:default/web-shop'] },
    'DELETE /api/catalog/entities/by-uid/:uid': { uid: fixtures.uid[victim[caller] ?? 'component:default/cart-service'] },
    'GET /api/catalog/locations/:id': { id: fixtures.locationId },
    'DELETE /api/catalog/locations/:id': { id: '00000000-0000-4000-8000-000000000000' },
    'GET /api/scorecards/exemptions/:id': { id: fixtures.exemptionId },
    'POST /api/scorecards/exemptions/:id/decision': { id: fixtures.exemptionId },
    'GET /api/scorecards/initiatives/:id': { id: fixtures.initiativeId },
    'DELETE /api/scorecards/initiatives/:id': { id: fixtures.initiativeId },
    'POST /api/scorecards/notifications/:id/read': { id: '1' },
    'DELETE /api/auth/tokens/:id': { id: '00000000-0000-4000-8000-000000000000' },
    'GET /api/example/things/:id': { id: '00000000-0000-4000-8000-000000000000' },
    'GET /api/github/repos/:owner/:repo/summary': { owner: 'acme', repo: 'web-shop' },
    'GET /api/github/repos/:owner/:repo/pulls': { owner: 'acme', repo: 'web-shop' },
    'PUT /api/pagerduty/services/:account/:serviceId/mapping': { account: 'default', serviceId: 'PMATRIX' },
    'DELETE /api/pagerduty/services/:account/:serviceId/mapping': { account: 'default', serviceId: 'PMATRIX' },
    'GET /api/permission/roles/:name': { name: 'everyone' },
    'GET /api/scaffolder/v2/templates/:namespace/:kind/:name/parameter-schema': { namespace: 'default', kind: 'template', name: 'request-database-access' },
  };
  const defaults: Record<string, string> = {
    kind: 'component',
    namespace: 'default',
    name: key.startsWith('GET /api/scorecards/scorecards') ? 'production-readiness' : key.includes('/roles/') ? 'matrix-role' : 'web-shop',
    entityNamespace: 'default',
    entityName: 'web-shop',
    provider: 'oidc',
    user_code: 'BBBB-BBBB',
    taskId: task,
    stepId: key.endsWith('/submit') ? 'provision' : 'approve',
    id: 'x',
    ...byRoute[key],
  };
  const url = route.path.replace(/:(\w+)/g, (_m, param: string) => {
    if (!(param in defaults)) throw new Error(`No fixture for :${param} of ${key}`);
    return encodeURIComponent(defaults[param]);
  });
  const query: Record<string, string> = {
    'GET /api/auth/:provider/start': 'redirect=/',
    'GET /api/catalog/entity-facets': 'facet=kind',
    'GET /api/catalog/search': 'term=web',
    'GET /api/github/discovery/preview': 'organization=acme',
    'GET /api/jira/entity': 'entityRef=component:default/web-shop',
    'GET /api/insights/metrics': 'entityRef=component:default/web-shop',
    'GET /api/insights/breakdown': 'group=group:default/storefront',
    'GET /api/insights/compare': 'metric=deploymentFrequency',
    'GET /api/insights/events': 'entityRef=component:default/web-shop&metric=changeFailureRate',
  };
  return query[key] ? `${url}?${query[key]}` : url;
}

/** A well-formed body for the routes that take one, so a refusal is about who calls, not about the input. */
function bodyFor(route: Route): unknown {
  const bodies: Record<string, unknown> = {
    'POST /api/auth/tokens': { name: 'matrix' },
    'POST /api/auth/device/token': { device_code: 'matrix' },
    'POST /api/permission/authorize': { items: [{ id: '1', permission: { type: 'basic', name: 'catalog.location.create', attributes: { action: 'create' } } }] },
    'PUT /api/permission/roles/:name': { members: ['group:default/design'], permissions: ['catalog.entity.read'] },
    'POST /api/catalog/entities/by-refs': { entityRefs: ['component:default/web-shop'] },
    'POST /api/catalog/locations': { type: 'file', target: path.join(ROOT, 'examples/catalog/domains.yaml') },
    'POST /api/catalog/refresh': { entityRef: 'component:default/web-shop' },
    'POST /api/insights/deployments': { deployments: [{ id: 'matrix-1', entityRef: 'component:default/web-shop', environment: 'production', status: 'succeeded', finishedAt: '2026-01-01T00:00:00Z', source: 'matrix' }] },
    'POST /api/insights/incidents': { incidents: [{ id: 'matrix-1', entityRef: 'component:default/web-shop', openedAt: '2026-01-01T00:00:00Z', source: 'matrix' }] },
    'POST /api/insights/pull-requests': { pullRequests: [{ id: 'matrix-1', entityRef: 'component:default/web-shop', number: 1, createdAt: '2026-01-01T00:00:00Z', source: 'matrix' }] },
    'POST /api/insights/facts': { entityRefs: ['component:default/web-shop'] },
    'POST /api/catalog/validate-entity': { location: 'url:https://example.com/catalog-info.yaml', entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x' }, spec: { type: 'service', owner: 'group:default/design', lifecycle: 'production' } } },
    'POST /api/scaffolder/v2/tasks': DATABASE_ACCESS,
    'POST /api/scaffolder/v2/dry-run': { template: { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'dry' }, spec: { steps: [{ id: 'log', action: 'debug:log', input: { message: 'hi' } }] } }, values: {} },
    'POST /api/scaffolder/v2/tasks/:taskId/retry': {},
    'POST /api/scaffolder/v2/tasks/:taskId/steps/:stepId/approve as owner': { comment: 'matrix' },
    'POST /api/scaffolder/v2/tasks/:taskId/steps/:stepId/reject': { comment: 'matrix' },
    'POST /api/scaffolder/v2/tasks/:taskId/steps/:stepId/submit': { values: { role: 'reader', days: 1 } },
    'POST /api/scorecards/facts': { entityRef: 'component:default/web-shop', source: 'matrix', facts: { coverage: 80 } },
    'POST /api/scorecards/evaluate': { entityRef: 'component:default/web-shop' },
    'POST /api/scorecards/collect': { entityRef: 'component:default/web-shop', collector: 'catalog' },
    'POST /api/scorecards/exemptions': exemptionBody(),
    'POST /api/scorecards/exemptions/:id/decision': { status: 'approved', comment: 'matrix' },
    'POST /api/scorecards/initiatives': initiativeBody(),
    'POST /api/example/things': { name: 'matrix' },
    'POST /api/github/webhooks': WEBHOOK_BODY,
    'POST /api/pagerduty/webhooks': PAGERDUTY_WEBHOOK_BODY,
    'POST /api/jira/webhooks': JIRA_WEBHOOK_BODY,
    'PUT /api/pagerduty/services/:account/:serviceId/mapping': { entityRef: 'component:default/web-shop' },
    'POST /api/pagerduty/entities/:kind/:namespace/:name/incidents': { title: 'matrix', urgency: 'low' },
  };
  return bodies[routeKey(route)];
}

/** GitHub signs its webhook deliveries: the matrix sends a correctly signed one (an unsigned one: below). */
const WEBHOOK_BODY = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
/** PagerDuty signs its V3 webhook deliveries too (X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the body>). */
const PAGERDUTY_WEBHOOK_BODY = JSON.stringify({ event: { id: 'matrix-ping', event_type: 'pagey.ping', resource_type: 'pagey', occurred_at: '2026-12-06T00:00:00Z', data: { type: 'ping' } } });
/** Jira Cloud signs an admin webhook with a secret: X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>. */
const JIRA_WEBHOOK_BODY = JSON.stringify({ webhookEvent: 'jira:issue_updated', timestamp: 1_765_000_000_000, issue: { id: '10001', key: 'SHOP-1', fields: { project: { key: 'SHOP' } } } });
function headersFor(route: Route): Record<string, string> | undefined {
  if (routeKey(route) === 'POST /api/jira/webhooks') return { 'x-hub-signature': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(JIRA_WEBHOOK_BODY).digest('hex')}` };
  if (routeKey(route) === 'POST /api/pagerduty/webhooks') return { 'x-pagerduty-signature': `v1=${createHmac('sha256', WEBHOOK_SECRET).update(PAGERDUTY_WEBHOOK_BODY).digest('hex')}` };
  if (routeKey(route) !== 'POST /api/github/webhooks') return undefined;
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(WEBHOOK_BODY).digest('hex')}`;
  return { 'x-hub-signature-256': signature, 'x-github-event': 'ping', 'x-github-delivery': randomUUID() };
}

function exemptionBody() {
  return { scorecardRef: 'scorecard:default/production-readiness', entityRef: 'component:default/web-shop', ruleId: 'has-runbook', reason: 'the authorization matrix', expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
}

function initiativeBody() {
  return { title: 'Matrix initiative', scorecardRef: 'scorecard:default/production-readiness', targetLevel: 'Bronze', deadline: '2030-01-01' };
}

function classify(status: number): Outcome | number {
  if (status === 401 || status === 403) return status;
  return status >= 500 ? status : 'pass';
}

async function startRun(): Promise<string> {
  const res = await asUser(people.owner, 'POST', '/api/scaffolder/v2/tasks', DATABASE_ACCESS);
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function waitForStatus(taskId: string, status: string) {
  await eventually(async () => {
    const res = await asUser(people.admin, 'GET', `/api/scaffolder/v2/tasks/${taskId}`);
    expect(res.body.status).toBe(status);
  }, 20_000);
}

beforeAll(async () => {
  // GitHub ships with the portal (commented out of app-config.yaml only for its credentials): a local one.
  github = await new FakeGithub().start();
  const githubPlugin = ((await import('@portico/plugin-github-backend')) as { default: BackendFeature | BackendFeature[] }).default;
  // PagerDuty too (commented out for its key): a local one, whose account has a webhook secret for the signed delivery.
  pagerduty = await new FakePagerDuty().start();
  const pagerdutyPlugin = ((await import('@portico/plugin-pagerduty-backend')) as { default: BackendFeature | BackendFeature[] }).default;
  // And Jira (commented out for its credentials): a local Cloud site with a webhook secret.
  jira = await new FakeJira({ kind: 'cloud' }).start();
  const jiraPlugin = ((await import('@portico/plugin-jira-backend')) as { default: BackendFeature | BackendFeature[] }).default;
  // And insights (commented out of app-config.yaml like the others; it needs no vendor).
  const insightsPlugin = ((await import('@portico/plugin-insights-backend')) as { default: BackendFeature | BackendFeature[] }).default;
  portal = await startDefaultPortal({
    features: [githubPlugin, pagerdutyPlugin, jiraPlugin, insightsPlugin].flat(),
    config: {
      integrations: {
        file: { roots: [path.join(ROOT, 'examples')] },
        github: [{ host: 'github.com', apiBaseUrl: github.url, token: 't', writeIntervalMs: 0 }],
        pagerduty: [{ id: 'default', apiBaseUrl: pagerduty.url, token: 'good-key', webhookSecrets: [WEBHOOK_SECRET] }],
        jira: [jira.site({ webhookSecret: WEBHOOK_SECRET })],
      },
      github: { webhookSecret: WEBHOOK_SECRET },
      catalog: {
        processingInterval: 'PT1H',
        locations: [
          { type: 'file', target: path.join(ROOT, 'examples/catalog/all.yaml') },
          { type: 'file', target: path.join(ROOT, 'examples/scorecards/location.yaml') },
          { type: 'file', target: path.join(ROOT, 'examples/templates/location.yaml') },
        ],
      },
    },
  });
  routes = listRoutes(portal.app);

  bearer.expired = await portal.expiredToken(people.plain);
  bearer.forged = await portal.forgedToken(people.admin);
  bearer.algNone = portal.unsignedToken(people.admin);
  bearer.external = EXTERNAL_TOKEN;
  bearer.plain = await portal.userToken(people.plain);
  bearer.owner = await portal.userToken(people.owner);
  bearer.admin = await portal.userToken(people.admin);

  // The example organisation, its scorecards and templates are in the catalog.
  for (const ref of ['component:default/web-shop', 'component:default/cart-service', 'component:default/legacy-invoicing', 'component:default/analytics-pipeline', 'template:default/request-database-access', 'scorecard:default/production-readiness', 'resource:default/catalog-db']) {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const entity = await eventually(async () => {
      const res = await asUser(people.admin, 'GET', `/api/catalog/entities/by-name/${kind}/${namespace}/${name}`);
      expect(res.status).toBe(200);
      return res.body as { metadata: { uid: string } };
    }, 30_000);
    fixtures.uid[ref] = entity.metadata.uid;
  }
  const locations = await asUser(people.admin, 'GET', '/api/catalog/locations');
  fixtures.locationId = (locations.body as Array<{ data?: { id: string }; id?: string }>).map(l => l.data?.id ?? l.id)[0] as string;

  // Runs the owner started: one to read, one to cancel and retry, three waiting at their approval.
  fixtures.tasks = { read: await startRun(), cancel: await startRun(), approve: await startRun(), reject: await startRun(), submit: await startRun() };
  fixtures.rejectTasks = { admin: await startRun(), serviceSelf: await startRun() };
  for (const id of [...Object.values(fixtures.tasks), ...Object.values(fixtures.rejectTasks)]) await waitForStatus(id, 'waiting');
  // The submit run goes on to the platform team's input once a storefront member approved it.
  const approved = await asUser(approver, 'POST', `/api/scaffolder/v2/tasks/${fixtures.tasks.submit}/steps/approve/approve`, { comment: 'fixture' });
  expect(approved.status).toBe(200);
  await eventually(async () => {
    const inbox = await asUser(people.admin, 'GET', '/api/scaffolder/v2/inbox');
    expect(JSON.stringify(inbox.body)).toContain(fixtures.tasks.submit);
  }, 20_000);

  const exemption = await asUser(people.owner, 'POST', '/api/scorecards/exemptions', exemptionBody());
  expect(exemption.status).toBe(201);
  fixtures.exemptionId = exemption.body.id;
  const initiative = await asUser(people.admin, 'POST', '/api/scorecards/initiatives', initiativeBody());
  expect(initiative.status).toBe(201);
  fixtures.initiativeId = initiative.body.id;
}, 120_000);

afterAll(async () => {
  await portal?.stop();
  await github?.stop();
  await pagerduty?.stop();
  await jira?.stop();
});

/** The plugin a route belongs to (`catalog` for /api/catalog/...), or undefined for the host's routes. */
function pluginOf(route: Route): string | undefined {
  return /^\/api\/([^/]+)/.exec(route.path)?.[1];
}

async function tokenFor(caller: Caller, route: Route): Promise<string | undefined> {
  const plugin = pluginOf(route) ?? 'catalog';
  if (caller === 'serviceSelf') return portal.serviceToken(plugin);
  if (caller === 'serviceOther') return portal.serviceToken(plugin === 'catalog' ? 'scorecards' : 'catalog');
  return bearer[caller];
}

/** Every answer of the matrix run, for the audit log check. */
const answers: Array<{ route: string; caller: Caller; method: string; path: string; status: number }> = [];
let matrixStarted = '';

/** Who the audit log should name for a caller. */
const actorOf: Partial<Record<Caller, string>> = {
  plain: people.plain.userEntityRef,
  owner: people.owner.userEntityRef,
  admin: people.admin.userEntityRef,
  serviceSelf: 'plugin:authz-probe',
};

/** Routes that take a POST body but change nothing: reads, checks, previews. */
const READS_BY_POST = new Set([
  'POST /api/permission/authorize',
  'POST /api/catalog/entities/by-refs',
  'POST /api/catalog/validate-entity',
  'POST /api/scaffolder/v2/dry-run',
  'POST /api/insights/facts',
]);

/**
 * Answers not in the audit log YET, by route (or `route as caller`), each with why; the check fails once one is found there, so
 * the list only shrinks (docs/permissions.md).
 */
const AUDIT_PENDING: Record<string, string> = {};

async function auditLog(since: string) {
  const events: Array<{ actor: string; method?: string; path?: string; outcome: string; action: string; status?: number }> = [];
  let cursor: string | undefined;
  do {
    const page = await asUser(people.admin, 'GET', `/api/audit/events?limit=500&since=${encodeURIComponent(since)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    events.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return events;
}

describe('the authorization matrix of the default portal', () => {
  it('has an entry for every route the portal registers, and no entry for a route that is gone', () => {
    const keys = routes.map(routeKey);
    expect(keys.length).toBeGreaterThan(60);
    expect(keys.filter(k => !(k in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter(k => !keys.includes(k))).toEqual([]);
  });

  it('answers every route and caller as its row says', async () => {
    matrixStarted = new Date().toISOString();
    const mismatches: string[] = [];
    const observed: string[] = [`| route | ${CALLERS.join(' | ')} |`, `|---|${CALLERS.map(() => '---').join('|')}|`];
    // Deleting routes last, so the entities and runs they remove are not needed afterwards.
    const ordered = [...routes].sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
    for (const route of ordered) {
      const row = MATRIX[routeKey(route)];
      if (!row) continue;
      const cells: string[] = [];
      for (const caller of CALLERS) {
        const url = urlFor(route, caller);
        const res = await call({ method: route.method, url, body: bodyFor(route), headers: headersFor(route), token: await tokenFor(caller, route) });
        cells.push(String(res.status));
        answers.push({ route: routeKey(route), caller, method: route.method.toUpperCase(), path: url.split('?')[0], status: res.status });
        const got = classify(res.status);
        if (isPending(routeKey(route), caller)) {
          if (got === row[caller]) mismatches.push(`${routeKey(route)} as ${caller}: now answers ${res.status} as its row says; remove it from PENDING`);
          continue;
        }
        if (got !== row[caller]) {
          const message = (res.body as { error?: { message?: string } } | undefined)?.error?.message ?? '';
          mismatches.push(`${routeKey(route)} as ${caller}: expected ${row[caller]}, got ${res.status} ${message}`.trim());
        }
      }
      observed.push(`| ${routeKey(route)} | ${cells.join(' | ')} |`);
    }
    if (process.env.PORTICO_AUTHZ_MATRIX_OUT) fs.writeFileSync(process.env.PORTICO_AUTHZ_MATRIX_OUT, `${observed.join('\n')}\n\n${mismatches.join('\n')}\n`);
    expect(mismatches).toEqual([]);
  }, 300_000);

  it('lets a member of the approving group who did not start the run approve it, as that member, and not its requester', async () => {
    const frank: Person = { userEntityRef: 'user:default/frank', ownershipEntityRefs: ['user:default/frank', 'group:default/storefront', 'group:default/engineering', 'group:default/acme'] };
    const id = await startRun();
    await waitForStatus(id, 'waiting');
    const own = await asUser(people.owner, 'POST', `/api/scaffolder/v2/tasks/${id}/steps/approve/approve`, {});
    expect({ status: own.status, error: own.body.error?.message }).toEqual({ status: 403, error: 'user:default/erin started this run and may not approve its own request' });
    const inbox = await asUser(frank, 'GET', '/api/scaffolder/v2/inbox');
    expect(JSON.stringify(inbox.body)).toContain(id);
    const res = await asUser(frank, 'POST', `/api/scaffolder/v2/tasks/${id}/steps/approve/approve`, { comment: 'go ahead' });
    expect({ status: res.status, error: res.body?.error?.message }).toEqual({ status: 200, error: undefined });
    await eventually(async () => {
      const task = await asUser(people.owner, 'GET', `/api/scaffolder/v2/tasks/${id}`);
      expect(JSON.stringify(task.body)).toContain('user:default/frank');
    });
  });

  it('refuses a GitHub webhook without a valid signature (401), whoever sends it', async () => {
    for (const token of [undefined, bearer.admin]) {
      for (const signature of [undefined, 'sha256=0000']) {
        const res = await call({
          method: 'post',
          url: '/api/github/webhooks',
          body: WEBHOOK_BODY,
          token,
          headers: { 'x-github-event': 'ping', 'x-github-delivery': randomUUID(), ...(signature ? { 'x-hub-signature-256': signature } : {}) },
        });
        expect({ token: Boolean(token), signature, status: res.status }).toEqual({ token: Boolean(token), signature, status: 401 });
      }
    }
  });

  it('finds every mutation a caller made, and every 403, in the audit log with the actor', async () => {
    expect(answers.length).toBeGreaterThan(0);
    const events = await auditLog(matrixStarted);
    const missing: string[] = [];
    const nowRecorded = new Set<string>();
    for (const a of answers) {
      const actor = actorOf[a.caller];
      if (!actor || !a.path.startsWith('/api/')) continue;
      const mutation = a.method !== 'GET' && a.status < 300 && !READS_BY_POST.has(a.route);
      const refused = a.status === 403;
      if (!mutation && !refused) continue;
      // A mutation names its actor; a refusal the host answers itself may not know who asked yet.
      const found = mutation
        ? events.some(e => e.method === a.method && e.path === a.path && e.actor === actor && e.outcome === 'succeeded')
        : events.some(e => e.method === a.method && e.path === a.path && (e.actor === actor || e.actor === 'unknown') && ['denied', 'failed'].includes(e.outcome));
      const pending = [`${a.route} as ${a.caller}`, a.route].find(key => key in AUDIT_PENDING);
      if (pending) {
        if (found) nowRecorded.add(`${pending}: now recorded, remove it from AUDIT_PENDING`);
      } else if (!found) missing.push(`${a.route} as ${a.caller} (${a.status})`);
    }
    expect([...missing, ...nowRecorded]).toEqual([]);
  });

  it("lists a run to its creator and admins only: the task list applies the owner condition in its query", async () => {
    const ids = (res: request.Response) => (res.body.items ?? res.body.tasks ?? res.body).map((t: { id: string }) => t.id) as string[];
    const mine = Object.values(fixtures.tasks);
    const owner = ids(await asUser(people.owner, 'GET', '/api/scaffolder/v2/tasks?limit=500'));
    const admin = ids(await asUser(people.admin, 'GET', '/api/scaffolder/v2/tasks?limit=500'));
    const plain = ids(await asUser(people.plain, 'GET', '/api/scaffolder/v2/tasks?limit=500'));
    expect(owner).toEqual(expect.arrayContaining(mine));
    expect(admin).toEqual(expect.arrayContaining(mine));
    expect(plain.length).toBeGreaterThan(0); // the run the plain user started in the matrix
    expect(plain.filter(id => mine.includes(id))).toEqual([]);
  });
});
