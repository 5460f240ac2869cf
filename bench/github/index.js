#!/usr/bin/env node
// GitHub benchmark against the local fake GitHub: discovery of an organisation of 2,000 repositories through
// the real catalog and github plugins, with requests paced to the rate-limit headers (the fake's limit runs
// out part-way and resets), then signed push webhooks until the change is visible in the catalog.
//   node bench/github [--repos 2000] [--remaining 100] [--reset 3] [--pushes 20] [--json FILE]
'use strict';
require('../catalog/register');

const fs = require('fs');
const path = require('path');
// Every plugin route is behind default deny: the bench calls the API with this external access token.
const BENCH_TOKEN = process.env.PORTICO_TOKEN || `bench-${require('crypto').randomBytes(24).toString('hex')}`;

const argv = process.argv.slice(2);
const opt = {};
for (let i = 0; i < argv.length; i++) opt[argv[i].replace(/^--/, '')] = argv[i + 1]?.startsWith('--') || argv[i + 1] === undefined ? true : argv[++i];
const REPOS = Number(opt.repos || 2000);
const REMAINING = Number(opt.remaining || 100);
const RESET_SECONDS = Number(opt.reset || 3);
const PUSHES = Number(opt.pushes || 20);

const { createBackend } = require('@portico/backend');
const { coreServices, createServiceFactory } = require('@portico/backend-plugin-api');
const { catalogPlugin } = require('@portico/plugin-catalog-backend');
const githubFeatures = require('@portico/plugin-github-backend').default;
const { FakeGithub } = require('../../plugins/github-backend/src/__testUtils__/FakeGithub.ts');
const { Webhooks } = require('@octokit/webhooks');

const SECRET = 'bench-secret';
const component = (name, lifecycle = 'production') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: ${lifecycle}\n  owner: team-a\n`;
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

async function main() {
  const fake = await new FakeGithub().start();
  for (let i = 0; i < REPOS; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    fake.addRepo('bench', name, i % 10 === 9 ? { files: { 'README.md': '# no catalog file' } } : { files: { 'catalog-info.yaml': component(name) } });
  }
  const expected = REPOS - Math.floor(REPOS / 10);
  // The limit window opens with discovery's first request: REMAINING requests, then 403s until the reset.
  let firstRequestAt;
  const arm = setInterval(() => {
    if (!fake.requests.length) return;
    clearInterval(arm);
    firstRequestAt = Date.now();
    fake.rateLimit = { limit: 5000, remaining: Math.max(0, REMAINING - fake.requests.length), resetAt: Math.floor(Date.now() / 1000) + RESET_SECONDS, windowSeconds: 3600 };
  }, 1);

  const backend = createBackend({
    config: {
      backend: {
        listen: { port: 0, host: '127.0.0.1' },
        database: { client: 'better-sqlite3', connection: ':memory:' },
        // Every plugin route is behind default deny: the bench reads the catalog with this external access token.
        auth: { externalAccess: [{ token: BENCH_TOKEN, subject: 'bench' }] },
      },
      integrations: { github: [{ host: 'github.com', apiBaseUrl: fake.url, token: 'bench', writeIntervalMs: 0 }] },
      github: { webhookSecret: SECRET },
      catalog: { processingInterval: 'PT1H', providers: { github: { bench: { organization: 'bench' } } } },
    },
  });
  const quiet = { error() {}, warn() {}, info() {}, debug() {}, child: () => quiet };
  backend.add(createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => (opt.verbose ? undefined : quiet) }));
  backend.add(catalogPlugin);
  backend.add(githubFeatures);
  const started = Date.now();
  await backend.start();
  const base = `http://127.0.0.1:${backend.port}`;
  const auth = { authorization: `Bearer ${BENCH_TOKEN}` };
  const count = async () => (await (await fetch(`${base}/api/catalog/entities/by-query?limit=1&filter=kind=component`, { headers: auth })).json()).totalItems;
  let n: number;
  while ((n = await count()) < expected) {
    if (Date.now() - started > 120_000) throw new Error(`discovery did not finish: ${n} of ${expected} entities after 120 s`);
    await new Promise(r => setTimeout(r, 50));
  }
  const startAndDiscoveryMs = Date.now() - started;
  const discoveryMs = Date.now() - firstRequestAt;
  const rateLimited = fake.requests.filter(r => r.status === 403).length;
  const requests = fake.requests.length;

  const signer = new Webhooks({ secret: SECRET });
  const latencies = [];
  for (let i = 0; i < PUSHES; i++) {
    const name = `svc-${String(i * 7).padStart(4, '0')}`;
    const repo = fake.repo(`bench/${name}`);
    const lifecycle = `v${i}`;
    fake.commitFiles(repo, 'main', { 'catalog-info.yaml': component(name, lifecycle) });
    const body = JSON.stringify({ ref: 'refs/heads/main', repository: { name, full_name: `bench/${name}`, owner: { login: 'bench' }, default_branch: 'main', fork: false, private: false }, commits: [{ modified: ['catalog-info.yaml'] }] });
    const t0 = performance.now();
    const res = await fetch(`${base}/api/github/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': await signer.sign(body) }, body });
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
    for (;;) {
      const entity = await (await fetch(`${base}/api/catalog/entities/by-name/component/default/${name}`, { headers: auth })).json();
      if (entity.spec?.lifecycle === lifecycle) break;
      if (performance.now() - t0 > 10_000) throw new Error(`push to ${name} not visible after 10 s`);
    }
    latencies.push(performance.now() - t0);
  }
  await backend.stop();
  await fake.stop();

  const result = {
    repositories: REPOS,
    entities: expected,
    discoveryMs,
    startAndDiscoveryMs,
    githubRequests: requests,
    rateLimitedRequests: rateLimited,
    rateLimit: { remainingAtStart: REMAINING, resetAfterSeconds: RESET_SECONDS },
    webhookToCatalogMs: { p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)), max: Math.round(Math.max(...latencies)) },
    node: process.version,
    loadavg: require('os').loadavg().map(l => Math.round(l * 100) / 100),
  };
  console.log(JSON.stringify(result, null, 2));
  if (opt.json) fs.writeFileSync(path.resolve(String(opt.json)), JSON.stringify(result, null, 2) + '\n');
  if (discoveryMs > 30_000 || result.webhookToCatalogMs.max > 1000) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
