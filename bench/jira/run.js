#!/usr/bin/env node
// Jira benchmark against the local fake Jira (Cloud kind): 200,000 issues in 200 projects, 2,000 mapped entities.
//   1. Facts: the jira fact collector over every mapped entity (two counts and one page of open issues each),
//      within the fake's rate limit (429 with Retry-After beyond --rate requests per second). Goal: under 60 s.
//   2. Entity API from cache: GET /api/jira/entity for --requests entities already read once, through the real
//      catalog and jira plugins (in-memory SQLite, HTTP on 127.0.0.1). Goal: p95 under 20 ms.
//   node bench/jira/run.js [--entities 2000] [--issues 200000] [--projects 200] [--rate 500] [--requests 500] [--json FILE]
'use strict';
require('../catalog/register');

const fs = require('fs');
const os = require('os');
const path = require('path');
const BENCH_TOKEN = process.env.PORTICO_TOKEN || `bench-${require('crypto').randomBytes(24).toString('hex')}`;

const argv = process.argv.slice(2);
const opt = {};
for (let i = 0; i < argv.length; i++) opt[argv[i].replace(/^--/, '')] = argv[i + 1]?.startsWith('--') || argv[i + 1] === undefined ? true : argv[++i];
const ENTITIES = Number(opt.entities || 2000);
const ISSUES = Number(opt.issues || 200_000);
const PROJECTS = Number(opt.projects || Math.max(1, Math.min(200, Math.ceil(ENTITIES / 10))));
const RATE = Number(opt.rate || 500);
const REQUESTS = Number(opt.requests || Math.min(500, ENTITIES));
const FACTS_GOAL_MS = 60_000;
const API_P95_GOAL_MS = 20;

const { createBackend } = require('@portico/backend');
const { coreServices, createServiceFactory } = require('@portico/backend-plugin-api');
const { catalogPlugin } = require('@portico/plugin-catalog-backend');
const jira = require('@portico/plugin-jira-backend');
const { FakeJira } = require('../../plugins/jira-backend/src/__testUtils__/FakeJira.ts');

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const TYPES = ['Bug', 'Bug', 'Task', 'Story', 'Task'];
const PRIORITIES = ['Highest', 'High', 'Medium', 'Medium', 'Low', 'Lowest'];
const CATEGORIES = ['new', 'indeterminate', 'done', 'done'];
const COMPONENTS_PER_PROJECT = Math.max(1, Math.ceil(ENTITIES / PROJECTS));
const DAY_MS = 86_400_000;
const projectKey = p => `P${String(p).padStart(3, '0')}`;

/** Entity i: project i % PROJECTS, Jira component c<i / PROJECTS> of it. */
function mapping(i) {
  return { name: `svc-${String(i).padStart(5, '0')}`, project: projectKey(i % PROJECTS), component: `c${Math.floor(i / PROJECTS) % COMPONENTS_PER_PROJECT}` };
}

async function main() {
  const fake = await new FakeJira({ kind: 'cloud' }).start();
  fake.recordRequests = false;
  const now = Date.now();
  for (let p = 0; p < PROJECTS; p++) fake.addProject(projectKey(p), { name: `Project ${p}` });
  for (let n = 0; n < ISSUES; n++) {
    const category = CATEGORIES[n % CATEGORIES.length];
    const created = new Date(now - ((n * 7919) % (365 * DAY_MS / 1000)) * 1000).toISOString();
    fake.addIssue(projectKey(n % PROJECTS), {
      summary: `Issue ${n}`,
      type: TYPES[n % TYPES.length],
      priority: PRIORITIES[n % PRIORITIES.length],
      statusCategory: category,
      components: [`c${Math.floor(n / PROJECTS) % COMPONENTS_PER_PROJECT}`],
      labels: n % 50 === 0 ? ['security'] : [],
      created,
      resolved: category === 'done' ? new Date(Math.min(now, Date.parse(created) + 5 * DAY_MS)).toISOString() : null,
    });
  }
  fake.rateLimitPerSecond = RATE;
  const site = fake.site({ timeoutMs: 10_000, maxRetryWaitMs: 5_000, rateLimitRetries: 10, maxConcurrency: 16 });

  // 1. Facts for every mapped entity, through the collector the scorecards module registers.
  const clients = new jira.JiraClients(jira.jiraIntegrationsConfigSchema.parse([site]));
  const quiet = { error() {}, warn() {}, info() {}, debug() {}, child: () => quiet };
  const warnings = [];
  const logger = { ...quiet, warn: m => warnings.push(m), child: () => logger };
  const collector = jira.createJiraFactCollector({ clients, logger, securityIssues: { label: 'security' }, concurrency: Number(opt.concurrency || 16) });
  const entities = Array.from({ length: ENTITIES }, (_, i) => {
    const m = mapping(i);
    return { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: m.name, namespace: 'default', annotations: { 'jira/project-key': m.project, 'jira/component': m.component } }, spec: { type: 'service', owner: 'team-a', lifecycle: 'production' } };
  });
  const requestsBeforeFacts = fake.requestCount;
  const factsStart = Date.now();
  const collected = await collector.collect(entities, {});
  const factsMs = Date.now() - factsStart;
  if (collected.length !== ENTITIES) throw new Error(`facts collected for ${collected.length} of ${ENTITIES} entities: ${warnings.slice(0, 3).join(' | ')}`);
  // Check one entity's counts against the fake's own data.
  const sample = mapping(0);
  const sampleIssues = fake.issuesByProject.get(sample.project).filter(i => i.components.includes(sample.component));
  const expectedOpen = sampleIssues.filter(i => i.statusCategory !== 'done').length;
  const got = collected.find(c => c.entityRef === `component:default/${sample.name}`).facts['jira.openIssues'];
  if (got !== expectedOpen) throw new Error(`jira.openIssues of ${sample.name} is ${got}, the fake has ${expectedOpen}`);
  const rateLimitedDuringFacts = fake.rateLimited;
  // Answered requests only: a 429 is counted by the fake as a request too.
  const factsRequests = fake.requestCount - requestsBeforeFacts - rateLimitedDuringFacts;

  // 2. The entity API from cache, through the catalog and jira plugins.
  fake.rateLimitPerSecond = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-jira-'));
  const file = path.join(dir, 'catalog-info.yaml');
  fs.writeFileSync(
    file,
    entities
      .slice(0, REQUESTS)
      .map(e => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${e.metadata.name}\n  annotations:\n    jira/project-key: ${e.metadata.annotations['jira/project-key']}\n    jira/component: ${e.metadata.annotations['jira/component']}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`)
      .join('---\n'),
  );
  const backend = createBackend({
    config: {
      backend: {
        listen: { port: 0, host: '127.0.0.1' },
        database: { client: 'better-sqlite3', connection: ':memory:' },
        auth: { externalAccess: [{ token: BENCH_TOKEN, subject: 'bench' }] },
      },
      integrations: { file: { roots: [dir] }, jira: [site] },
      catalog: { processingInterval: 'PT1H', locations: [{ type: 'file', target: file }] },
    },
  });
  backend.add(createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => (opt.verbose ? undefined : quiet) }));
  backend.add(catalogPlugin);
  backend.add(jira.jiraPlugin);
  await backend.start();
  const base = `http://127.0.0.1:${backend.port}`;
  const headers = { authorization: `Bearer ${BENCH_TOKEN}` };
  const get = name => fetch(`${base}/api/jira/entity?entityRef=component:default/${name}`, { headers });
  const refs = entities.slice(0, REQUESTS).map(e => e.metadata.name);
  const waitStart = Date.now();
  for (;;) {
    const res = await get(refs[refs.length - 1]);
    await res.arrayBuffer();
    if (res.ok) break;
    if (Date.now() - waitStart > 120_000) throw new Error(`the catalog did not serve ${refs[refs.length - 1]} within 120 s (last ${res.status})`);
    await new Promise(r => setTimeout(r, 100));
  }
  // Warm: every entity read once from Jira.
  for (const name of refs) {
    const res = await get(name);
    if (!res.ok) throw new Error(`GET /api/jira/entity for ${name}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
  const jiraCallsBefore = fake.requestCount;
  const timings = [];
  for (const name of refs) {
    const t = performance.now();
    const res = await get(name);
    const body = await res.json();
    timings.push(performance.now() - t);
    if (!res.ok || body.entityRef !== `component:default/${name}`) throw new Error(`cached GET for ${name}: ${res.status}`);
  }
  // The catalog read every call makes (as the caller), alone: the floor under the route's time.
  const catalogTimings = [];
  for (const name of refs) {
    const t = performance.now();
    const res = await fetch(`${base}/api/catalog/entities/by-name/component/default/${name}`, { headers });
    await res.arrayBuffer();
    catalogTimings.push(performance.now() - t);
  }
  await backend.stop();
  await fake.stop();
  fs.rmSync(dir, { recursive: true, force: true });

  const result = {
    entities: ENTITIES,
    issues: ISSUES,
    projects: PROJECTS,
    rateLimitPerSecond: RATE,
    factsMs,
    factsRequests,
    factsRequestsPerEntity: Number((factsRequests / ENTITIES).toFixed(2)),
    rateLimited429s: rateLimitedDuringFacts,
    apiRequests: timings.length,
    apiP50Ms: Number(percentile(timings, 50).toFixed(2)),
    apiP95Ms: Number(percentile(timings, 95).toFixed(2)),
    apiMaxMs: Number(Math.max(...timings).toFixed(2)),
    catalogReadP50Ms: Number(percentile(catalogTimings, 50).toFixed(2)),
    catalogReadP95Ms: Number(percentile(catalogTimings, 95).toFixed(2)),
    jiraCallsDuringCachedReads: fake.requestCount - jiraCallsBefore,
    jiraRequestsTotal: fake.requestCount,
  };
  console.log(JSON.stringify(result, null, 2));
  if (opt.json) fs.writeFileSync(opt.json, JSON.stringify(result, null, 2));
  const ok = factsMs < FACTS_GOAL_MS && result.apiP95Ms < API_P95_GOAL_MS;
  console.log(`facts for ${ENTITIES} entities: ${(factsMs / 1000).toFixed(1)} s (goal < 60 s); entity API p95 from cache: ${result.apiP95Ms} ms (goal < 20 ms): ${ok ? 'met' : 'MISSED'}`);
  process.exit(ok ? 0 : 1);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
