#!/usr/bin/env node
// Scorecards benchmark: 10,000 entities x 20 rules through the real plugin (HTTP, storage, CEL),
// with an in-memory catalog in place of the catalog plugin.
//   node bench/scorecards [--entities 10000] [--db sqlite|pg] [--pg URL] [--runs 3] [--json FILE] [--verbose] [--only full] [--profile-warm FILE]
// Figures: a full evaluation cold (every fact and result new) and warm (nothing changed), one changed
// entity re-evaluated (POST /evaluate, p50/p95), and the results page of the scorecard (p50/p95).
'use strict';
require('../catalog/register');

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { URLSearchParams } = require('url');

const opt = require('../lib/common').parseFlags();
const ENTITIES = Number(opt.entities || 10_000);
const RUNS = Number(opt.runs || 3);

const { createBackend } = require('@portico/backend');
const { coreServices, createBackendModule, createBackendPlugin, createServiceFactory } = require('@portico/backend-plugin-api');
const { stringifyEntityRef } = require('@portico/catalog-model');
const { catalogKindsExtensionPoint, catalogServiceRef } = require('@portico/plugin-catalog-node');
const { matchesEntityFilter } = require('@portico/plugin-catalog-common');
const { scorecardsPlugin, scorecardsFactCollectorsExtensionPoint } = require('@portico/plugin-scorecards-backend');
const { z } = require('zod');

const languages = ['java', 'go', 'typescript', 'python', 'kotlin'];
const lifecycles = ['production', 'experimental', 'deprecated'];

function makeEntity(i, variant = 0) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `service-${String(i).padStart(5, '0')}`,
      namespace: 'default',
      description: i % 3 ? `Service number ${i}` : undefined,
      tags: i % 4 ? [languages[i % 5], 'bench'] : [],
      annotations: { 'github.com/project-slug': `acme/service-${i}`, ...(i % 2 ? { 'pagerduty.com/service-id': `P${i}` } : {}) },
      links: (i + variant) % 5 ? [{ url: `https://wiki/${i}/runbook`, type: 'runbook' }] : [],
    },
    spec: { type: 'service', lifecycle: lifecycles[i % 3], owner: `team-${i % 50}`, ...(i % 7 ? { system: `system-${i % 20}` } : {}) },
    relations: [{ type: 'ownedBy', targetRef: `group:default/team-${i % 50}` }],
  };
}

const scorecard = {
  apiVersion: 'portico.dev/v1alpha1',
  kind: 'Scorecard',
  metadata: { name: 'bench', namespace: 'default', title: 'Benchmark readiness' },
  spec: {
    owner: 'group:default/platform',
    filter: { kind: 'component', 'spec.type': 'service' },
    levels: [{ name: 'Bronze', rank: 1 }, { name: 'Silver', rank: 2 }, { name: 'Gold', rank: 3 }],
    schedule: 'PT0.001S', // always due: every trigger of the due-check evaluates it in full
    rules: [
      { id: 'owner', type: 'binary', params: { fact: 'catalog.hasOwner' }, level: 'Bronze' },
      { id: 'description', type: 'binary', params: { fact: 'catalog.hasDescription' }, level: 'Bronze' },
      { id: 'tags', type: 'binary', params: { fact: 'catalog.hasTags' } },
      { id: 'system', type: 'binary', params: { fact: 'catalog.hasSystem' }, level: 'Silver' },
      { id: 'runbook', type: 'binary', params: { fact: 'catalog.hasRunbook' }, level: 'Silver', weight: 2 },
      { id: 'ci', type: 'binary', params: { fact: 'ci.passing' }, level: 'Bronze' },
      { id: 'two-tags', type: 'target', params: { fact: 'catalog.tagCount', min: 2 } },
      { id: 'links', type: 'target', params: { fact: 'catalog.linkCount', min: 1 } },
      { id: 'coverage', type: 'target', params: { fact: 'coverage.percent', min: 80 }, level: 'Gold' },
      { id: 'deploys', type: 'target', params: { fact: 'deploys.perWeek', min: 3 }, level: 'Gold' },
      { id: 'bugs', type: 'threshold', params: { fact: 'bugs.open', max: 10 }, level: 'Silver' },
      { id: 'relations', type: 'threshold', params: { fact: 'catalog.relationCount', max: 20 } },
      { id: 'lifecycle', type: 'match', params: { fact: 'catalog.lifecycle', in: ['production', 'experimental'] } },
      { id: 'language', type: 'match', params: { fact: 'language', in: ['java', 'go', 'typescript', 'kotlin'] } },
      { id: 'tag-pattern', type: 'match', params: { fact: 'language', pattern: '^(java|go|type)' } },
      { id: 'name-pattern', type: 'expression', params: { expression: 'entity.metadata.name.startsWith("service-")' } },
      { id: 'prod-covered', type: 'expression', params: { expression: 'entity.spec.lifecycle != "production" || facts["coverage.percent"] >= 70.0' }, level: 'Gold' },
      { id: 'pager', type: 'expression', params: { expression: '"pagerduty.com/service-id" in entity.metadata.annotations' } },
      { id: 'tags-size', type: 'expression', params: { expression: 'size(entity.metadata.tags) >= 1' } },
      { id: 'healthy', type: 'expression', params: { expression: 'facts["bugs.open"] < 20.0 && facts["ci.passing"]' } },
    ],
  },
};

/** The catalog as the scorecards see it: a CatalogApi over an array. */
function createFakeCatalog(entities) {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  return {
    byRef,
    api: {
      async getEntities(request = {}) {
        const items = [...byRef.values()].filter(e => matchesEntityFilter(e, request.filter));
        return { items: JSON.parse(JSON.stringify(items)) }; // as if it came over HTTP
      },
      async getEntitiesByRefs({ entityRefs }) {
        return { items: entityRefs.map(ref => (byRef.has(ref) ? JSON.parse(JSON.stringify(byRef.get(ref))) : null)) };
      },
    },
  };
}

/** Facts of the entities' CI, coverage and bug tracker, as an integration module would collect them. */
const benchCollectorModule = createBackendModule({
  pluginId: 'scorecards',
  moduleId: 'bench-facts',
  register(env) {
    env.registerInit({
      deps: { collectors: scorecardsFactCollectorsExtensionPoint },
      async init({ collectors }) {
        collectors.addFactCollector({
          id: 'bench',
          filter: { kind: 'component' },
          collectOnChange: true,
          facts: {
            'coverage.percent': z.number(),
            'deploys.perWeek': z.number(),
            'bugs.open': z.number(),
            'ci.passing': z.boolean(),
            language: z.string(),
          },
          async collect(entities) {
            return entities.map(e => {
              const n = Number(e.metadata.name.slice(-5));
              return {
                entityRef: stringifyEntityRef(e),
                facts: {
                  'coverage.percent': 50 + (n % 50),
                  'deploys.perWeek': n % 7,
                  'bugs.open': n % 25,
                  'ci.passing': n % 9 !== 0,
                  language: languages[n % 5],
                },
              };
            });
          },
        });
      },
    });
  },
});

/** Stands in for the catalog plugin: accepts the Scorecard kind. */
const fakeCatalogPlugin = createBackendPlugin({
  pluginId: 'catalog',
  register(env) {
    env.registerExtensionPoint(catalogKindsExtensionPoint, { addKind() {} });
    env.registerInit({ deps: {}, async init() {} });
  },
});

// Every plugin route is behind default deny: the bench calls the API with this external access token.
const BENCH_TOKEN = process.env.PORTICO_TOKEN || `bench-${require('crypto').randomBytes(24).toString('hex')}`;

function requestJson(port, method, url, body) {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : undefined;
    const req = http.request(
      { host: '127.0.0.1', port, method, path: url, headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) } },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', c => (text += c));
        res.on('end', () => (res.statusCode >= 400 ? reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`)) : resolve(JSON.parse(text || '{}'))));
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = v => Math.round(v * 10) / 10;

/** Wall time, and CPU time of this process (user + system): the second holds even on a busy machine. */
async function time(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const cpu = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, value };
}

/** A CPU profile of part of the run (`--profile-warm FILE`: the warm full evaluations), via the inspector. */
async function startProfiler() {
  const inspector = require('inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return { stop: async () => (await post('Profiler.stop')).profile };
}

async function main() {
  const entities = Array.from({ length: ENTITIES }, (_, i) => makeEntity(i));
  const catalog = createFakeCatalog([...entities, scorecard]);
  const tasks = new Map();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-scorecards-'));
  const database =
    opt.db === 'pg'
      ? { client: 'pg', connection: opt.pg || 'postgres://postgres@127.0.0.1:5432/test', prefix: `bench_sc_${Date.now()}_` }
      : { client: 'better-sqlite3', connection: path.join(dataDir, 'portico.sqlite') };
  const backend = createBackend({
    config: { backend: { listen: { host: '127.0.0.1', port: 0 }, database, auth: { externalAccess: [{ token: BENCH_TOKEN, subject: 'bench' }] } }, scorecards: {} },
  });
  const quiet = { error: m => console.error(m), warn: m => console.error(m), info: (m, meta) => opt.verbose && console.error(m, JSON.stringify(meta ?? {})), debug() {}, child: () => quiet };
  backend.add(createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => quiet }));
  backend.add(createServiceFactory({ service: catalogServiceRef, deps: {}, factory: () => catalog.api }));
  backend.add(
    createServiceFactory({
      service: coreServices.scheduler,
      deps: {},
      factory: () => ({
        async scheduleTask(task) { tasks.set(task.id, task); },
        async triggerTask(id) { await tasks.get(id).fn(new AbortController().signal); },
        async getScheduledTasks() { return []; },
      }),
    }),
  );
  backend.add(fakeCatalogPlugin);
  backend.add(scorecardsPlugin);
  backend.add(benchCollectorModule);
  await backend.start();
  const port = backend.port;
  const evaluateAll = () => time(() => tasks.get('scorecards-evaluate-due').fn(new AbortController().signal));

  const figures = { entities: ENTITIES, rules: scorecard.spec.rules.length, db: database.client, node: process.version, cpus: os.cpus().length, loadavg: os.loadavg().map(round) };
  // Full evaluations: the first writes every fact and result; later ones find nothing changed.
  const cold = await evaluateAll();
  figures.fullEvaluationCold = { ms: round(cold.ms), cpuMs: round(cold.cpuMs) };
  const warm = [];
  const profiler = opt['profile-warm'] ? await startProfiler() : undefined;
  for (let i = 0; i < RUNS; i++) warm.push(await evaluateAll());
  if (profiler) fs.writeFileSync(opt['profile-warm'], JSON.stringify(await profiler.stop()));
  figures.fullEvaluationWarm = warm.map(w => ({ ms: round(w.ms), cpuMs: round(w.cpuMs) }));
  const summary = await requestJson(port, 'GET', '/api/scorecards/scorecards/default/bench');
  figures.distribution = summary.distribution;

  if (opt.only === 'full') {
    await backend.stop();
    console.log(JSON.stringify(figures, null, 2));
    return;
  }

  // One changed entity: its runbook link goes away, then comes back; POST /evaluate answers with its results.
  const single = [];
  const singleCpu = [];
  for (let i = 0; i < 100; i++) {
    const n = 1 + ((i * 97) % (ENTITIES - 1));
    const ref = stringifyEntityRef(entities[n]);
    catalog.byRef.set(ref, makeEntity(n, i % 2 ? 0 : 1));
    const { ms, cpuMs, value } = await time(() => requestJson(port, 'POST', '/api/scorecards/evaluate', { entityRef: ref }));
    if (value.results.length !== 1 || value.results[0].rules.length !== 20) throw new Error('unexpected single-entity result');
    single.push(ms);
    singleCpu.push(cpuMs);
  }
  figures.singleEntityMs = { p50: round(percentile(single, 50)), p95: round(percentile(single, 95)), max: round(Math.max(...single)) };
  figures.singleEntityCpuMs = { p50: round(percentile(singleCpu, 50)), p95: round(percentile(singleCpu, 95)) };

  // The results page of the scorecard: first page, deep pages, filtered pages.
  const pages = [];
  const pagesCpu = [];
  let cursor;
  for (let i = 0; i < 200; i++) {
    const query = new URLSearchParams({ limit: '50' });
    if (i % 4 === 1 && cursor) query.set('cursor', cursor);
    if (i % 4 === 2) query.set('level', 'Silver');
    if (i % 4 === 3) query.set('failingRule', 'coverage');
    const { ms, cpuMs, value } = await time(() => requestJson(port, 'GET', `/api/scorecards/scorecards/default/bench/results?${query}`));
    if (value.items.length === 0) throw new Error(`empty results page for ${query}`);
    if (i % 4 === 0 || i % 4 === 1) cursor = value.pageInfo.nextCursor ?? undefined;
    pages.push(ms);
    pagesCpu.push(cpuMs);
  }
  figures.resultsPageMs = { p50: round(percentile(pages, 50)), p95: round(percentile(pages, 95)), max: round(Math.max(...pages)) };
  figures.resultsPageCpuMs = { p50: round(percentile(pagesCpu, 50)), p95: round(percentile(pagesCpu, 95)) };
  figures.loadavgAfter = os.loadavg().map(round);

  await backend.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  const text = JSON.stringify(figures, null, 2);
  console.log(text);
  if (opt.json) fs.writeFileSync(opt.json, text + '\n');
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
