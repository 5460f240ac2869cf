#!/usr/bin/env node
// PagerDuty benchmark against the local fake PagerDuty (plugins/pagerduty-backend/src/__testUtils__/FakePagerDuty.ts),
// with issue 15's targets:
//   1. facts: the pagerduty fact collector over N annotated services, paced by the fake's REST rate limit (PagerDuty's
//      default: 960 requests a minute per key) — target under 30 s for 2,000;
//   2. the card's API (GET /api/pagerduty/entities/.../summary) through the real catalog and pagerduty plugins:
//      p95 cold (nothing cached: the PagerDuty calls of one view) — target under 1 s — and from cache — under 20 ms;
//   3. webhook to facts: a signed incident.triggered delivery until scorecards shows the entity's new
//      pagerduty.openIncidents.high — target under 1 s.
//   node bench/pagerduty/run.js [--services 2000] [--limit 960] [--window 60000] [--cards 200] [--webhooks 20] [--json FILE]
// The card and webhook phases run without the rate limit (their cost is the portal's, not PagerDuty's pacing).
'use strict';
require('../catalog/register');

const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');

const opt = require('../lib/common').parseFlags();
const SERVICES = Number(opt.services || 2000);
const LIMIT = Number(opt.limit || 960);
const WINDOW_MS = Number(opt.window || 60_000);
const CARDS = Math.min(Number(opt.cards || 200), SERVICES);
const WEBHOOKS = Math.min(Number(opt.webhooks || 20), SERVICES);
const BENCH_TOKEN = `bench-${crypto.randomBytes(24).toString('hex')}`;
const SECRET = 'bench-webhook-secret';

const { createBackend } = require('@portico/backend');
const { coreServices, createServiceFactory } = require('@portico/backend-plugin-api');
const { catalogPlugin } = require('@portico/plugin-catalog-backend');
const { scorecardsPlugin } = require('@portico/plugin-scorecards-backend');
const pagerduty = require('@portico/plugin-pagerduty-backend');
const { FakePagerDuty } = require('../../plugins/pagerduty-backend/src/__testUtils__/FakePagerDuty.ts');
const { memoryCache } = require('../../plugins/pagerduty-backend/src/__testUtils__/memoryCache.ts');
const { incidentWebhookPayload, signWebhook } = require('../../plugins/pagerduty-backend/src/__testUtils__/pagerdutyWebhooks.ts');

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const round = ms => Math.round(ms * 10) / 10;
const quiet = { error() {}, warn() {}, info() {}, debug() {}, child: () => quiet };
const name = i => `svc-${String(i).padStart(4, '0')}`;
const component = i =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name(i)}\n  annotations:\n    pagerduty.com/service-id: ${serviceIds[i]}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
const serviceIds = [];

/** N services on 1 policy per 10 services (two levels, someone on call at each), an open incident on every fifth. */
function seed(fake) {
  const hoursAgo = h => new Date(Date.now() - h * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const users = Array.from({ length: 20 }, (_, i) => fake.addUser(`User ${i}`));
  let policy;
  for (let i = 0; i < SERVICES; i++) {
    if (i % 10 === 0) {
      const [a, b] = [users[(i / 10) % 20], users[(i / 10 + 1) % 20]];
      policy = fake.addEscalationPolicy({ name: `Policy ${i / 10}`, levels: [{ delayMinutes: 15, targets: [{ type: 'user', id: a.id }] }, { delayMinutes: 30, targets: [{ type: 'user', id: b.id }] }] });
      fake.addOnCall({ policyId: policy.id, level: 1, userId: a.id, start: hoursAgo(2), end: hoursAgo(-10) });
      fake.addOnCall({ policyId: policy.id, level: 2, userId: b.id, start: hoursAgo(2), end: hoursAgo(-10) });
    }
    const service = fake.addService({ name: name(i), policyId: policy.id });
    serviceIds.push(service.id);
    if (i % 5 === 0) fake.addIncident({ serviceId: service.id, title: `Incident of ${name(i)}`, status: 'triggered', urgency: 'high', createdAt: hoursAgo(1), assignees: [] });
    fake.setMetrics(service.id, { totalIncidents: 3, meanSecondsToResolve: 3600, meanSecondsToFirstAck: 120, highUrgency: 1 });
  }
}

async function measureFacts(fake) {
  const { PagerDutyClients, PagerDutyEntityService, createPagerDutyFactCollector, pagerdutyIntegrationsConfigSchema } = pagerduty;
  // Retries enough to wait out every window the run needs.
  const clients = new PagerDutyClients(
    pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', apiBaseUrl: fake.url, token: 'bench', timeoutMs: 10_000, rateLimitRetries: 1000, maxRetryWaitMs: WINDOW_MS + 1000 }]),
  );
  const cache = memoryCache();
  const collector = createPagerDutyFactCollector({ service: new PagerDutyEntityService({ clients, cache }), clients, cache, logger: quiet });
  const entities = serviceIds.map((id, i) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: name(i), annotations: { 'pagerduty.com/service-id': id } }, spec: {} }));
  fake.rateLimit = { limit: LIMIT, windowMs: WINDOW_MS };
  const before = fake.requests.length;
  const t0 = performance.now();
  const facts = await collector.collect(entities, { signal: new AbortController().signal });
  const ms = performance.now() - t0;
  fake.rateLimit = undefined;
  const withService = facts.filter(f => f.facts['pagerduty.hasService'] === true).length;
  return { ms: Math.round(ms), entitiesWithFacts: withService, pagerdutyRequests: fake.requests.length - before, rateLimited: fake.rateLimited, requestsPerService: round((fake.requests.length - before) / SERVICES) };
}

async function main() {
  const fake = await new FakePagerDuty().start();
  fake.tokens = undefined;
  seed(fake);
  const facts = await measureFacts(fake);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-pagerduty-'));
  const file = path.join(dir, 'catalog-info.yaml');
  fs.writeFileSync(file, serviceIds.map((_, i) => component(i)).join('---\n'));
  const backend = createBackend({
    config: {
      backend: {
        listen: { port: 0, host: '127.0.0.1' },
        database: { client: 'better-sqlite3', connection: ':memory:' },
        auth: { externalAccess: [{ token: BENCH_TOKEN, subject: 'bench' }] },
      },
      integrations: { file: { roots: [dir] }, pagerduty: [{ id: 'default', apiBaseUrl: fake.url, token: 'bench', webhookSecrets: [SECRET] }] },
      catalog: { locations: [{ type: 'file', target: file }], processingInterval: 'PT1H' },
    },
  });
  backend.add(createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => (opt.verbose ? undefined : quiet) }));
  backend.add(catalogPlugin);
  backend.add(scorecardsPlugin);
  backend.add(pagerduty.default);
  await backend.start();
  const base = `http://127.0.0.1:${backend.port}`;
  const auth = { authorization: `Bearer ${BENCH_TOKEN}` };
  const get = async pathname => {
    const res = await fetch(`${base}${pathname}`, { headers: auth });
    if (!res.ok) throw new Error(`${pathname} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  for (const started = Date.now(); (await get('/api/catalog/entities/by-query?limit=1&filter=kind=component')).totalItems < SERVICES; ) {
    if (Date.now() - started > 120_000) throw new Error('the catalog did not read the entities within 120 s');
    await new Promise(r => setTimeout(r, 50));
  }

  // Cold: each entity's first view (nothing cached); then the same views again, from cache.
  const summary = i => get(`/api/pagerduty/entities/component/default/${name(i)}/summary`);
  const cold = [];
  const warm = [];
  for (let i = 0; i < CARDS; i++) {
    const t0 = performance.now();
    await summary(i);
    cold.push(performance.now() - t0);
  }
  for (let round_ = 0; round_ < 5; round_++) {
    for (let i = 0; i < CARDS; i++) {
      const t0 = performance.now();
      await summary(i);
      warm.push(performance.now() - t0);
    }
  }

  // Webhook -> facts: a new high-urgency incident, signed delivery, until scorecards has the new count.
  const latencies = [];
  const factsOf = async i => {
    const body = await get(`/api/scorecards/entities/component/default/${name(i)}/facts`);
    return Object.fromEntries(body.items.map(f => [f.name, f.value]));
  };
  for (let w = 0; w < WEBHOOKS; w++) {
    const i = Math.floor((w * SERVICES) / WEBHOOKS);
    const open = fake.incidents.filter(x => x.serviceId === serviceIds[i] && x.status !== 'resolved' && x.urgency === 'high').length;
    const incident = fake.addIncident({ serviceId: serviceIds[i], title: `Bench incident ${w}`, status: 'triggered', urgency: 'high', createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), assignees: [] });
    const payload = JSON.stringify(incidentWebhookPayload('incident.triggered', incident, { serviceName: name(i) }));
    const t0 = performance.now();
    const res = await fetch(`${base}/api/pagerduty/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signWebhook(payload, SECRET) }, body: payload });
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    for (;;) {
      if ((await factsOf(i))['pagerduty.openIncidents.high'] === open + 1) break;
      if (performance.now() - t0 > 10_000) throw new Error(`the incident on ${name(i)} did not reach the facts within 10 s`);
      await new Promise(r => setTimeout(r, 5));
    }
    latencies.push(performance.now() - t0);
  }
  await backend.stop();
  await fake.stop();
  fs.rmSync(dir, { recursive: true, force: true });

  const stats = values => ({ p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(Math.max(...values)) });
  const result = {
    services: SERVICES,
    rateLimit: { limit: LIMIT, windowMs: WINDOW_MS },
    facts,
    cardApiColdMs: stats(cold),
    cardApiCachedMs: stats(warm),
    webhookToFactsMs: stats(latencies),
    targets: { factsMs: 30_000, cardColdP95Ms: 1000, cardCachedP95Ms: 20, webhookToFactsMs: 1000 },
    node: process.version,
    loadavg: os.loadavg().map(l => Math.round(l * 100) / 100),
  };
  console.log(JSON.stringify(result, null, 2));
  if (opt.json) fs.writeFileSync(path.resolve(String(opt.json)), JSON.stringify(result, null, 2) + '\n');
  const missed = facts.ms > 30_000 || facts.entitiesWithFacts < SERVICES || result.cardApiColdMs.p95 > 1000 || result.cardApiCachedMs.p95 > 20 || result.webhookToFactsMs.max > 1000;
  if (missed) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
