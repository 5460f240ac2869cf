#!/usr/bin/env node
// Portico load benchmark: mixed API traffic against 1–3 `portico start` instances (the repository's
// app-config.yaml plus a generated catalog file), on SQLite (one instance) or one PostgreSQL database (several).
// A closed loop of C connections for a fixed duration, round-robin across the instances (no load balancer), with
// a trickle of writes on a timer and, with --during-ingestion, a 20,000-entity location registered mid-run.
//   node bench/load/run.js [--instances 1|2|3] [--db sqlite|pg] [--entities N] [--duration 30s] [--connections C]
//                          [--during-ingestion] [--ingest-entities 20000] [--writes-per-second 2] [--warmup 3s]
//                          [--pg postgres://postgres@127.0.0.1:5432] [--port 7300] [--from build|dist|source]
//                          [--webhooks 20] [--out FILE] [--seed 42] [--keep] [--database NAME] [--cpu-prof DIR]
// See bench/load/README.md for the traffic mix and what is reported.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const repo = path.resolve(__dirname, '../..');
const { Pool, request } = require(require.resolve('undici', { paths: [repo] }));

// ---------------------------------------------------------------------------------------------- options
const FLAGS = {
  instances: '1', db: 'sqlite', entities: '10000', duration: '30s', connections: '16', 'ingest-entities': '20000',
  'writes-per-second': '2', warmup: '3s', pg: 'postgres://postgres@127.0.0.1:5432', port: '7300', from: 'build', seed: '42',
  webhooks: '20', database: '',
};
const BOOLEAN = new Set(['during-ingestion', 'keep']);
function parseArgs(argv) {
  const opt = { ...FLAGS, 'during-ingestion': false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m || !(m[1] in opt) && m[1] !== 'out' && m[1] !== 'cpu-prof') usage(`unknown argument '${argv[i]}'`);
    if (BOOLEAN.has(m[1])) opt[m[1]] = true;
    else {
      const value = m[2] ?? argv[++i];
      if (value === undefined) usage(`--${m[1]} needs a value`);
      opt[m[1]] = value;
    }
  }
  return opt;
}
function usage(problem) {
  console.error(`bench/load: ${problem}\nusage: node bench/load/run.js [--instances 1|2|3] [--db sqlite|pg] [--entities N] [--duration 30s] [--connections C] [--during-ingestion] (README.md lists every flag)`);
  process.exit(2);
}
function seconds(name, text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(text));
  if (!m) usage(`--${name}: '${text}' is not a duration (30s, 2m, 500ms)`);
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60 }[m[2] || 's']);
}
function int(name, text, min, max) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) usage(`--${name}: must be a whole number from ${min} to ${max}, got '${text}'`);
  return n;
}

const opt = parseArgs(process.argv.slice(2));
const INSTANCES = int('instances', opt.instances, 1, 8);
const N = int('entities', opt.entities, 100, 10_000_000);
const CONNECTIONS = int('connections', opt.connections, 1, 1024);
const INGEST_N = int('ingest-entities', opt['ingest-entities'], 100, 1_000_000);
const DURATION_S = seconds('duration', opt.duration);
const WARMUP_S = seconds('warmup', opt.warmup);
const WRITES_PER_S = Number(opt['writes-per-second']);
const BASE_PORT = int('port', opt.port, 1024, 65000);
const WEBHOOK_REPOS = int('webhooks', opt.webhooks, 0, 1000);
if (!(WRITES_PER_S >= 0 && WRITES_PER_S <= 100)) usage(`--writes-per-second: must be from 0 to 100, got '${opt['writes-per-second']}'`);
if (!['sqlite', 'pg'].includes(opt.db)) usage(`--db: must be sqlite or pg, got '${opt.db}'`);
if (!['build', 'dist', 'source'].includes(opt.from)) usage(`--from: must be build, dist or source, got '${opt.from}'`);
if (opt.db === 'sqlite' && INSTANCES > 1) usage('--instances above 1 needs --db pg: SQLite serves one instance (docs/deploying.md)');

const kit = process.env.PORTICO_BENCH_KIT || path.resolve(repo, '../shared/bench');
// A kept PostgreSQL database names its folder, so that `--database NAME` finds the files its locations point at.
const pgName = opt.db === 'pg' ? opt.database || `portico_load_${process.pid}` : undefined;
const work = pgName && (opt.keep || opt.database)
  ? path.join(os.tmpdir(), `portico-load-${pgName}`)
  : fs.mkdtempSync(path.join(os.tmpdir(), `portico-load-${N}-${opt.db}-${INSTANCES}x-`));
fs.mkdirSync(work, { recursive: true });
const log = (...a) => console.error(`[load ${new Date().toISOString().slice(11, 19)}]`, ...a);
const children = [];
let dropDatabase = () => {};
function cleanUp() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
}
process.on('exit', () => { cleanUp(); dropDatabase(); });
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

// ---------------------------------------------------------------------------------------------- data
function generate(n, seed, file) {
  const summaryFile = `${file}.summary.json`;
  const gen = spawnSync(process.execPath, [path.join(kit, 'gen-entities.js'), String(n), String(seed), '--summary', summaryFile], { maxBuffer: 1 << 30 });
  if (gen.status !== 0) throw new Error(`gen-entities failed: ${gen.stderr}`);
  return { yaml: gen.stdout.toString(), summary: JSON.parse(fs.readFileSync(summaryFile, 'utf8')) };
}

const entitiesFile = path.join(work, 'entities.yaml');
const main = generate(N, opt.seed, entitiesFile);
fs.writeFileSync(entitiesFile, main.yaml);
const byKind = main.summary.byKind;
log(`generated ${N} entities (${JSON.stringify(byKind)}) in ${work}`);

// The ingestion during the load: another generated catalog moved to namespace `ingest` (every reference the
// generator writes is namespace-qualified), so it adds entities instead of colliding with the loaded ones.
const ingestFile = path.join(work, 'ingest', 'entities.yaml');
let ingestByKind;
if (opt['during-ingestion']) {
  fs.mkdirSync(path.dirname(ingestFile), { recursive: true });
  const ing = generate(INGEST_N, Number(opt.seed) + 1, ingestFile);
  ingestByKind = ing.summary.byKind;
  fs.writeFileSync(ingestFile, ing.yaml.replace(/^( {2}namespace: )default$/gm, '$1ingest').replace(/:default\//g, ':ingest/'));
}
fs.mkdirSync(path.join(work, 'writes'), { recursive: true });

// ---------------------------------------------------------------------------------------------- fake GitHub
// Webhook deliveries in the write mix (--webhooks N repositories, 0 for none): the GitHub plugin is added to the
// instances, pointed at the local fake GitHub the tests use (served from this process), discovers an organisation
// of N repositories each holding one Component, and each delivery is a signed push that changes one of them — the
// plugin verifies it, reads the repository again from the fake and applies the change to the catalog.
const WEBHOOK_SECRET = `bench-load-${process.pid}-webhook-secret`;
let fakeGithub;
const hookComponent = (name, lifecycle) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: ${lifecycle}\n  owner: group:default/group-0\n`;
async function startFakeGithub() {
  require('../catalog/register'); // the fake is TypeScript (plugins/github-backend/src/__testUtils__)
  const { FakeGithub } = require('../../plugins/github-backend/src/__testUtils__/FakeGithub.ts');
  fakeGithub = await new FakeGithub().start();
  for (let i = 0; i < WEBHOOK_REPOS; i++) {
    fakeGithub.addRepo('bench-load', `hook-${i}`, { files: { 'catalog-info.yaml': hookComponent(`hook-${i}`, 'production') } });
  }
  log(`fake GitHub at ${fakeGithub.url} with ${WEBHOOK_REPOS} repositories (organisation bench-load)`);
}

// ---------------------------------------------------------------------------------------------- database
let database;
if (opt.db === 'pg') {
  // --database NAME runs on a database a --keep run left (same --entities and --seed): loaded already, never dropped
  const name = pgName;
  const psql = sql => spawnSync('psql', [`${opt.pg}/postgres`, '-qAtc', sql], { encoding: 'utf8' });
  const r = opt.database ? { status: 0 } : psql(`CREATE DATABASE ${name}`);
  if (r.status !== 0) throw new Error(`cannot create database ${name} at ${opt.pg}: ${r.stderr}`);
  // --keep keeps the database too (to look at its queries afterwards: drop it yourself)
  if (!opt.keep && !opt.database) dropDatabase = () => { dropDatabase = () => {}; psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); };
  database = { client: 'pg', connection: `${opt.pg}/${name}` };
  log(`PostgreSQL database ${name} (${opt.database ? 'given: --database' : opt.keep ? 'kept: --keep' : 'dropped at exit'})`);
} else {
  database = { client: 'better-sqlite3' };
}

// ---------------------------------------------------------------------------------------------- portal
if (opt.from === 'build') {
  log('node scripts/build.js --no-app');
  const build = spawnSync(process.execPath, [path.join(repo, 'scripts/build.js'), '--no-app'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('the build failed (node scripts/build.js --no-app)');
}
const cli = opt.from === 'source' ? path.join(repo, 'test/instances/porticoFromSource.js') : path.join(repo, 'packages/cli/bin/portico');

/**
 * The overrides on top of app-config.yaml, valid keys only: this instance's port, data directory and database;
 * the per-client `expensive` bucket off (one client, the driver, sends all the search and refresh traffic: with
 * the default 20 a second it would measure 429s); the generated file added to the repository's locations; the
 * work folder readable by registered locations (the writes and the ingestion); no periodic re-read of the
 * locations during the run (PT24H), so what is measured is the traffic, not a 100k re-read every minute.
 */
function instanceConfig(i) {
  const YAML = require(require.resolve('yaml', { paths: [repo] }));
  const appConfig = YAML.parse(fs.readFileSync(path.join(repo, 'app-config.yaml'), 'utf8'));
  const port = BASE_PORT + i;
  const overrides = {
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { host: '127.0.0.1', port },
      dataDir: path.join(work, `data-${i}`),
      database,
      rateLimit: { routes: { expensive: false } },
      // the driver reads each instance's event-loop delay there (nodejs_eventloop_lag_max_seconds), once a second
      metrics: { public: true },
    },
    catalog: {
      processingInterval: 'PT24H',
      maxFileBytes: 1024 * 1024 * 1024,
      limits: { maxEntitiesPerFile: 10_000_000 },
      locations: [...appConfig.catalog.locations.map(l => ({ ...l, target: path.resolve(repo, l.target) })), { type: 'file', target: entitiesFile }],
    },
    integrations: { file: { roots: [...appConfig.integrations.file.roots.map(r => path.resolve(repo, r)), work] } },
  };
  if (fakeGithub) {
    overrides.backend.plugins = [...appConfig.backend.plugins, '@portico/plugin-github-backend'];
    overrides.integrations.github = [{ host: 'github.com', apiBaseUrl: fakeGithub.url, token: 'bench-load' }];
    overrides.github = { webhookSecret: WEBHOOK_SECRET };
    overrides.catalog.providers = { github: { 'bench-load': { organization: 'bench-load', schedule: { frequency: 'PT24H' } } } };
  }
  const file = path.join(work, `config-${i}.yaml`);
  fs.writeFileSync(file, JSON.stringify(overrides, null, 2) + '\n'); // JSON is YAML
  return { port, file };
}

function startInstance(i) {
  const { port, file } = instanceConfig(i);
  const logFile = path.join(work, `instance-${i}.log`);
  // --cpu-prof DIR: each instance writes a V8 CPU profile there when it exits (the result gives the measured window)
  const profArgs = opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opt['cpu-prof'])}`, `--cpu-prof-name=instance-${i}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profArgs, cli, 'start', '--config', path.join(repo, 'app-config.yaml'), '--config', file], {
    cwd: repo,
    stdio: ['ignore', fs.openSync(logFile, 'w'), fs.openSync(logFile, 'a')],
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: '' },
  });
  children.push(child);
  child.on('exit', (code, signal) => { if (!stopping) log(`instance ${i} exited (${signal || code}); its log: ${logFile}`); });
  return { i, port, base: `http://127.0.0.1:${port}`, child, logFile };
}
let stopping = false;

async function http(method, url, { headers = {}, body, timeoutMs = 60_000 } = {}) {
  const res = await request(url, {
    method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined, headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}
const sleep = ms => new Promise(r => setTimeout(r, ms));
async function until(what, timeoutS, probe) {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const value = await probe().catch(e => { if (e.fatal) throw e; return undefined; });
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutS} s waiting for ${what}`);
    await sleep(250);
  }
}
const ready = inst => until(`instance ${inst.i} /readyz`, 600, async () => {
  if (inst.child.exitCode !== null) throw Object.assign(new Error(`instance ${inst.i} exited; see ${inst.logFile}`), { fatal: true });
  return (await http('GET', `${inst.base}/readyz`)).status === 200;
});

/** Signs in as guest (app-config.yaml: auth.allowGuest, and the guest is an admin) and makes a personal access token. */
async function personalToken(inst) {
  const signIn = await http('POST', `${inst.base}/api/auth/guest/sign-in`, { body: {} });
  if (signIn.status >= 300) throw new Error(`guest sign-in -> ${signIn.status}: ${signIn.text.slice(0, 300)}`);
  const cookies = [signIn.headers['set-cookie']].flat().filter(Boolean).map(c => c.split(';')[0]);
  const csrf = cookies.find(c => c.startsWith('portico_csrf='))?.slice('portico_csrf='.length);
  const created = await http('POST', `${inst.base}/api/auth/tokens`, {
    headers: { cookie: cookies.join('; '), 'x-csrf-token': csrf ? decodeURIComponent(csrf) : '' },
    body: { name: `bench-load-${process.pid}` },
  });
  if (created.status !== 201) throw new Error(`POST /api/auth/tokens -> ${created.status}: ${created.text.slice(0, 300)}`);
  return JSON.parse(created.text).token;
}

// ---------------------------------------------------------------------------------------------- traffic
let seed = Number(opt.seed) >>> 0;
function rnd() { // mulberry32: the same request sequence for a given seed
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const ri = n => Math.floor(rnd() * n);
const pick = arr => arr[ri(arr.length)];
const enc = encodeURIComponent;
const anyEntity = () => {
  const kind = pick(['component', 'component', 'component', 'api', 'user', 'group', 'system', 'resource']);
  return `${kind}/default/${kind}-${ri(byKind[kind])}`;
};
const group = () => `group:default/group-${ri(byKind.group)}`;
const component = () => `component-${ri(byKind.component)}`;
const TERMS = ['payments', 'search typescript', 'team', 'generated api', 'resource database', 'kafka', 'component-42', 'infra go'];

/** The read mix: class, weight, and the request(s) one pick makes (several = a browser's parallel requests). */
const MIX = [
  { name: 'by-name', weight: 30, paths: () => [`/api/catalog/entities/by-name/${anyEntity()}`] },
  {
    name: 'by-query', weight: 20, paths: () => [pick([
      () => `/api/catalog/entities/by-query?filter=${enc('kind=component,spec.type=service')}&limit=20`,
      () => `/api/catalog/entities/by-query?filter=${enc(`kind=component,spec.owner=${group()}`)}&limit=20`,
      () => `/api/catalog/entities/by-query?filter=${enc(`relations.ownedBy=${group()}`)}&limit=50&orderField=${enc('metadata.name,asc')}`,
      () => `/api/catalog/entities/by-query?filter=${enc(`kind=api,spec.type=${pick(['openapi', 'grpc', 'asyncapi', 'graphql'])}`)}&fields=${enc('kind,metadata.name,metadata.namespace,metadata.title,spec.type,spec.owner')}&limit=20&totalItems=exclude`,
    ])()],
  },
  {
    name: 'facets', weight: 10, paths: () => [pick([
      () => `/api/catalog/entity-facets?facet=spec.type&facet=spec.lifecycle&filter=${enc('kind=component')}`,
      () => '/api/catalog/entity-facets?facet=kind',
      () => `/api/catalog/entity-facets?facet=metadata.tags&filter=${enc('kind=component')}`,
    ])()],
  },
  { name: 'search', weight: 10, paths: () => [`/api/catalog/search?term=${enc(pick(TERMS))}&limit=20`] },
  {
    // the component page: the entity, its scorecards, what depends on it, its ancestry, fetched in parallel
    name: 'entity-page', weight: 15, paths: () => {
      const name = component();
      return [
        `/api/catalog/entities/by-name/component/default/${name}`,
        `/api/scorecards/entities/component/default/${name}`,
        `/api/catalog/entities/by-query?filter=${enc(`relations.dependencyOf=component:default/${name}`)}&fields=${enc('kind,metadata.name,metadata.namespace,metadata.title,spec.type')}&limit=50`,
        `/api/catalog/entities/by-name/component/default/${name}/ancestry`,
      ];
    },
  },
  {
    name: 'scorecard-results', weight: 15, paths: () => [pick([
      () => '/api/scorecards/scorecards/default/catalog-hygiene/results?limit=20',
      () => `/api/scorecards/scorecards/default/catalog-hygiene/results?limit=20&owner=${enc(group())}`,
      () => `/api/scorecards/results?owner=${enc(group())}&limit=50`,
    ])()],
  },
];
const TOTAL_WEIGHT = MIX.reduce((s, c) => s + c.weight, 0);
function pickClass() {
  let x = rnd() * TOTAL_WEIGHT;
  for (const c of MIX) if ((x -= c.weight) < 0) return c;
  return MIX[0];
}

// ---------------------------------------------------------------------------------------------- measuring
const stats = new Map(); // class -> { ms: [], statuses: {}, requests }
const windowed = []; // [startMs, ms] of every timed pick, for the ingestion window
let recording = false;
function record(cls, startedAt, ms, statuses) {
  if (!recording) return;
  let s = stats.get(cls);
  if (!s) stats.set(cls, (s = { ms: [], statuses: {}, requests: 0 }));
  s.ms.push(ms);
  for (const st of statuses) {
    s.statuses[st] = (s.statuses[st] || 0) + 1;
    s.requests++;
  }
  windowed.push([startedAt, ms, cls]);
}
function summarise(ms) {
  const sorted = Float64Array.from(ms).sort();
  const q = p => (sorted.length ? +sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)].toFixed(1) : null);
  return { n: sorted.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: sorted.length ? +sorted[sorted.length - 1].toFixed(1) : null };
}
function vmRssMB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function timed(cls, targets, paths, method = 'GET', body, extraHeaders = {}, rawBody) {
  const startedAt = performance.now();
  const statuses = await Promise.all(paths.map(async p => {
    const target = targets.next();
    try {
      const res = await target.pool.request({
        method, path: p, headers: { ...target.headers, ...extraHeaders, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: rawBody ?? (body ? JSON.stringify(body) : undefined), headersTimeout: 30_000, bodyTimeout: 30_000,
      });
      await res.body.dump({ limit: Infinity }).catch(() => res.body.text());
      return res.statusCode;
    } catch (e) {
      return `ERR:${e.code || e.name}`;
    }
  }));
  record(cls, startedAt, performance.now() - startedAt, statuses);
  return statuses;
}

// ---------------------------------------------------------------------------------------------- run
(async () => {
  const instances = [];
  if (WEBHOOK_REPOS > 0) await startFakeGithub();
  const t0 = Date.now();
  instances.push(startInstance(0));
  await ready(instances[0]);
  log(`instance 0 ready on :${instances[0].port} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const token = await personalToken(instances[0]);
  const auth = { authorization: `Bearer ${token}` };

  // wait until the catalog holds the generated entities and the catalog-hygiene scorecard has scored them,
  // so the measured window is traffic, not the first ingestion or evaluation
  const count = async (base, filter) => {
    const r = await http('GET', `${base}/api/catalog/entities/by-query?limit=0&filter=${enc(filter)}`, { headers: auth });
    return r.status === 200 ? JSON.parse(r.text).totalItems : -1;
  };
  await until(`${byKind.component} components in the catalog`, 1800, async () => (await count(instances[0].base, 'kind=component')) >= byKind.component);
  log(`catalog loaded ${((Date.now() - t0) / 1000).toFixed(1)} s after start`);
  if (WEBHOOK_REPOS > 0) {
    await until(`${WEBHOOK_REPOS} components discovered in the fake GitHub`, 600, async () => (await count(instances[0].base, 'kind=component,metadata.name=hook-0')) >= 1 &&
      (await count(instances[0].base, `kind=component,metadata.name=hook-${WEBHOOK_REPOS - 1}`)) >= 1);
    log('GitHub discovery done');
  }
  const scored = byKind.component + byKind.api;
  await until(`${scored} catalog-hygiene results`, 1800, async () => {
    const r = await http('GET', `${instances[0].base}/api/scorecards/scorecards/default/catalog-hygiene/results?limit=1`, { headers: auth });
    return r.status === 200 && JSON.parse(r.text).totalItems >= scored;
  }).then(
    () => log(`scorecards evaluated ${((Date.now() - t0) / 1000).toFixed(1)} s after start`),
    e => log(`warning: ${e.message}; measuring anyway`),
  );
  for (let i = 1; i < INSTANCES; i++) {
    instances.push(startInstance(i));
    await ready(instances[i]);
    log(`instance ${i} ready on :${instances[i].port}`);
  }

  // one Pool per instance, pipelining 1, the connections shared out; requests go round-robin
  const perInstance = Math.ceil(CONNECTIONS / INSTANCES);
  const targets = instances.map(inst => ({ inst, headers: auth, pool: new Pool(inst.base, { connections: perInstance, pipelining: 1 }) }));
  let rr = 0;
  const roundRobin = { next: () => targets[rr++ % targets.length] };

  let running = true;
  const worker = async () => {
    while (running) {
      const cls = pickClass();
      await timed(cls.name, roundRobin, cls.paths());
    }
  };

  // the trickle of writes, on a timer outside the closed loop: pushed facts, registered one-entity files, a
  // refresh of one of those (a refresh re-reads the entity's whole location, so never the generated file)
  let writeNo = 0;
  const registered = [];
  const kinds = WEBHOOK_REPOS > 0 ? 4 : 3;
  const pushed = new Map(); // repository -> the latest accepted push (checked after the run: did it reach the catalog?)
  async function write() {
    const n = writeNo++;
    const kind = n % kinds;
    if (kind === 3) {
      // a signed push to the default branch changing one repository's catalog file
      const name = `hook-${ri(WEBHOOK_REPOS)}`;
      fakeGithub.commitFiles(fakeGithub.repo(`bench-load/${name}`), 'main', { 'catalog-info.yaml': hookComponent(name, `v${n}`) });
      const payload = {
        ref: 'refs/heads/main', after: `${n}`.padStart(40, '0'),
        repository: { name, full_name: `bench-load/${name}`, owner: { login: 'bench-load' }, default_branch: 'main', fork: false, private: false },
        commits: [{ modified: ['catalog-info.yaml'] }],
      };
      const body = JSON.stringify(payload);
      const signature = `sha256=${require('crypto').createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
      const st = await timed('write:webhook', roundRobin, ['/api/github/webhooks'], 'POST', payload, {
        'x-github-event': 'push', 'x-github-delivery': require('crypto').randomUUID(), 'x-hub-signature-256': signature,
      }, body);
      if (st[0] === 202 && (pushed.get(name)?.n ?? -1) < n) pushed.set(name, { n, lifecycle: `v${n}` });
      return st;
    }
    if (kind === 0 || (kind === 2 && registered.length === 0)) {
      return timed('write:facts', roundRobin, ['/api/scorecards/facts'], 'POST', {
        entityRef: `component:default/${component()}`, source: 'bench-load', facts: { 'bench.counter': n },
      });
    }
    if (kind === 1) {
      const name = `load-write-${process.pid}-${n}`;
      const file = path.join(work, 'writes', `${name}.yaml`);
      fs.writeFileSync(file, `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: ${group()}\n`);
      const st = await timed('write:register', roundRobin, ['/api/catalog/locations'], 'POST', { type: 'file', target: file });
      if (st[0] === 201) registered.push(name);
      return st;
    }
    return timed('write:refresh', roundRobin, ['/api/catalog/refresh'], 'POST', { entityRef: `component:default/${pick(registered)}` });
  }
  // a timer, not a loop, so writes keep their rate whatever the reads do; at most 4 in flight, so an overloaded
  // portal is not buried under queued writes (the skipped ones are counted)
  let writeTimer;
  let writesInFlight = 0;
  let writesSkipped = 0;
  const startWrites = () => {
    if (WRITES_PER_S === 0) return;
    writeTimer = setInterval(() => {
      if (writesInFlight >= 4) return void writesSkipped++;
      writesInFlight++;
      void write().finally(() => writesInFlight--);
    }, 1000 / WRITES_PER_S);
  };

  // warm-up, not recorded
  log(`warm-up ${WARMUP_S} s`);
  const warm = Array.from({ length: CONNECTIONS }, worker);
  await sleep(WARMUP_S * 1000);
  running = false;
  await Promise.all(warm);

  // the measured run
  const rss = instances.map(() => []);
  const sampleRss = () => instances.forEach((inst, k) => { const mb = vmRssMB(inst.child.pid); if (mb !== null) rss[k].push(mb); });
  // the event loop's longest delay since the previous scrape (prom-client resets its histogram on each): one
  // scrape a second per instance, outside the measured traffic; the first one here resets it
  const lagSamples = instances.map(() => []); // [performance.now() of the answer, max delay in ms since the previous]
  const scrapeLag = async (inst, k) => {
    const r = await http('GET', `${inst.base}/metrics`, { timeoutMs: 60_000 }).catch(() => undefined);
    const m = r && r.status === 200 ? /^nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? (\S+)$/m.exec(r.text) : null;
    if (m && k !== undefined) lagSamples[k].push([performance.now(), Number(m[1]) * 1000]);
  };
  await Promise.all(instances.map(inst => scrapeLag(inst)));
  let lagRunning = true;
  const lagLoops = instances.map(async (inst, k) => {
    while (lagRunning) {
      const next = sleep(1000);
      await scrapeLag(inst, k);
      await next;
    }
  });
  const loadStart = os.loadavg();
  sampleRss();
  const rssTimer = setInterval(sampleRss, 1000);
  running = true;
  recording = true;
  const runStart = performance.now();
  const runStartUs = Number(process.hrtime.bigint() / 1000n); // V8 profiles' clock (monotonic µs), for --cpu-prof
  const driverCpu = process.cpuUsage();
  const cpuStart = instances.map(inst => cpuSeconds(inst.child.pid));
  log(`load: ${CONNECTIONS} connections, ${INSTANCES} instance(s), ${DURATION_S} s${opt['during-ingestion'] ? `, ${INGEST_N}-entity ingestion registered at 2 s` : ''}`);
  const load = Array.from({ length: CONNECTIONS }, worker);
  startWrites();

  let ingestion;
  if (opt['during-ingestion']) {
    const hygieneTotal = async () => {
      const r = await http('GET', `${instances[0].base}/api/scorecards/scorecards/default/catalog-hygiene/results?limit=1`, { headers: auth }).catch(() => undefined);
      return r && r.status === 200 ? JSON.parse(r.text).totalItems : -1;
    };
    const scoredBefore = await hygieneTotal();
    ingestion = (async () => {
      await sleep(Math.min(2, DURATION_S / 10) * 1000);
      const from = performance.now();
      const registeredAt = await http('POST', `${instances[0].base}/api/catalog/locations`, { headers: auth, body: { type: 'file', target: ingestFile }, timeoutMs: 600_000 });
      const answeredMs = performance.now() - from;
      if (registeredAt.status !== 201) return { from, error: `register -> ${registeredAt.status}: ${registeredAt.text.slice(0, 300)}` };
      // done when every ingested entity is visible on every instance (polled outside the measured traffic)
      const deadline = from + Math.max(DURATION_S, 300) * 1000 + 300_000;
      let to;
      for (;;) {
        const counts = await Promise.all(instances.map(inst => count(inst.base, 'metadata.namespace=ingest').catch(() => -1)));
        if (counts.every(c => c >= INGEST_N)) {
          to = performance.now();
          break;
        }
        if (performance.now() > deadline) return { from, to: performance.now(), registerAnsweredMs: answeredMs, unfinished: counts };
        await sleep(250);
      }
      // settled when the catalog-hygiene scorecard has scored the ingested components and APIs as well: their
      // evaluation is the ingestion's work too, done on the same instances while they serve
      // (give or take the few components the writes register meanwhile)
      const scoredAfter = scoredBefore + ingestByKind.component + ingestByKind.api;
      for (;;) {
        if ((await hygieneTotal()) >= scoredAfter) return { from, to, settled: performance.now(), registerAnsweredMs: answeredMs };
        if (performance.now() > deadline) return { from, to, registerAnsweredMs: answeredMs, unsettled: true };
        await sleep(250);
      }
    })();
  }

  await sleep(DURATION_S * 1000);
  let ingest;
  if (ingestion) {
    // the run goes on until the ingestion is over, so its whole window is under load
    ingest = await ingestion;
  }
  running = false;
  clearInterval(writeTimer);
  await Promise.all(load);
  lagRunning = false;
  await Promise.all(lagLoops);
  const elapsedS = (performance.now() - runStart) / 1000;
  const runEndUs = Number(process.hrtime.bigint() / 1000n);
  const cpu = process.cpuUsage(driverCpu);
  const instanceCores = instances.map((inst, k) => {
    const end = cpuSeconds(inst.child.pid);
    return end === null || cpuStart[k] === null ? null : +((end - cpuStart[k]) / elapsedS).toFixed(2);
  });
  const driverCores = (cpu.user + cpu.system) / 1e6 / elapsedS;
  recording = false;
  clearInterval(rssTimer);
  sampleRss();
  const loadEnd = os.loadavg();
  // every accepted push must have reached the catalog (on every instance): the delivery was real work, not a 202
  let webhooks;
  if (pushed.size > 0) {
    const lifecycleOn = async (inst, name) => {
      const r = await http('GET', `${inst.base}/api/catalog/entities/by-name/component/default/${name}`, { headers: auth });
      return r.status === 200 ? JSON.parse(r.text).spec?.lifecycle : undefined;
    };
    const applied = async () => {
      let ok = 0;
      for (const [name, { lifecycle }] of pushed) if ((await Promise.all(instances.map(inst => lifecycleOn(inst, name)))).every(l => l === lifecycle)) ok++;
      return ok;
    };
    let ok = await applied();
    for (const deadline = Date.now() + 15_000; ok < pushed.size && Date.now() < deadline; ok = await applied()) await sleep(250);
    webhooks = { repositoriesPushed: pushed.size, appliedOnEveryInstance: ok };
  }

  // ---------------------------------------------------------------------------------------------- report
  const result = {
    when: new Date().toISOString(), db: opt.db, instances: INSTANCES, entities: N, connections: CONNECTIONS, durationS: +elapsedS.toFixed(1),
    writesPerSecond: WRITES_PER_S, writesSkipped: 0, driverCores: +driverCores.toFixed(2), from: opt.from, cpus: os.cpus().length, loadAverage: { start: loadStart, end: loadEnd },
    classes: {}, total: {}, rssMB: {}, cpuCores: {}, eventLoopDelayMaxMs: {}, ingestion: undefined, webhooks,
    ...(opt['cpu-prof'] ? { cpuProfile: { dir: path.resolve(opt['cpu-prof']), windowUs: [runStartUs, runEndUs] } } : {}),
  };
  let requests = 0;
  const allMs = [];
  const statuses = {};
  for (const [cls, s] of [...stats].sort()) {
    result.classes[cls] = { ...summarise(s.ms), requests: s.requests, perSecond: +(s.ms.length / elapsedS).toFixed(1), statuses: s.statuses };
    requests += s.requests;
    allMs.push(...s.ms);
    for (const [k, v] of Object.entries(s.statuses)) statuses[k] = (statuses[k] || 0) + v;
  }
  result.writesSkipped = writesSkipped;
  result.total = { ...summarise(allMs), requests, requestsPerSecond: +(requests / elapsedS).toFixed(1), statuses };
  instances.forEach((inst, k) => {
    const xs = rss[k];
    result.rssMB[`instance-${k}`] = { start: xs[0], end: xs[xs.length - 1], peak: Math.max(...xs) };
    result.cpuCores[`instance-${k}`] = instanceCores[k];
    result.eventLoopDelayMaxMs[`instance-${k}`] = +Math.max(0, ...lagSamples[k].map(([, ms]) => ms)).toFixed(0);
  });
  if (ingest) {
    const inWindow = windowed.filter(([s]) => s >= ingest.from && s <= (ingest.to ?? Infinity)).map(([, ms]) => ms);
    const during = windowed.filter(([s]) => s >= ingest.from && s <= (ingest.to ?? Infinity));
    const over1s = during.filter(([, ms]) => ms > 1000).length;
    // until the ingested entities were scored too (the evaluation after the ingestion), and the event loop's delay
    const untilScored = windowed.filter(([s]) => s >= ingest.from && s <= (ingest.settled ?? Infinity));
    const lagIn = (a, b) => Math.max(0, ...lagSamples.flatMap(xs => xs.filter(([t], i) => t >= a && (i === 0 ? 0 : xs[i - 1][0]) <= b).map(([, ms]) => ms)));
    const maxByClass = {};
    for (const [, ms, cls] of during) maxByClass[cls] = +Math.max(maxByClass[cls] ?? 0, ms).toFixed(1);
    result.ingestion = {
      entities: INGEST_N, ...(ingest.error ? { error: ingest.error } : {}),
      seconds: ingest.to ? +((ingest.to - ingest.from) / 1000).toFixed(1) : null, registerAnsweredMs: ingest.registerAnsweredMs && +ingest.registerAnsweredMs.toFixed(0),
      finished: !ingest.unfinished && !ingest.error, ...(ingest.unfinished ? { countsAtTimeout: ingest.unfinished } : {}),
      latencyDuring: summarise(inWindow), maxByClass, requestsOver1s: over1s,
      secondsUntilScored: ingest.settled ? +((ingest.settled - ingest.from) / 1000).toFixed(1) : null,
      latencyUntilScored: summarise(untilScored.map(([, ms]) => ms)), requestsOver1sUntilScored: untilScored.filter(([, ms]) => ms > 1000).length,
      maxEventLoopDelayMs: { during: +lagIn(ingest.from, ingest.to ?? Infinity).toFixed(0), untilScored: +lagIn(ingest.from, ingest.settled ?? Infinity).toFixed(0) },
      // every pick over 1 s until scored: [s after the registration started, ms, class] (where to look in a profile)
      picksOver1s: untilScored.filter(([, ms]) => ms > 1000).map(([s, ms, cls]) => [+((s - ingest.from) / 1000).toFixed(2), +ms.toFixed(0), cls]),
      eventLoopDelaySamples: lagSamples.map(xs => xs.filter(([t]) => t >= ingest.from && t <= (ingest.settled ?? ingest.to ?? Infinity)).map(([t, ms]) => [+((t - ingest.from) / 1000).toFixed(1), +ms.toFixed(0)])),
    };
  }
  const out = opt.out || path.join(work, 'result.json');
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');

  const pad = (v, w) => String(v ?? '-').padStart(w);
  const row = (name, s) => `${name.padEnd(18)}${pad(s.n, 8)}${pad(s.perSecond ?? s.requestsPerSecond, 9)}${pad(s.p50, 8)}${pad(s.p90, 8)}${pad(s.p99, 8)}${pad(s.max, 9)}  ${Object.entries(s.statuses).map(([k, v]) => `${k}:${v}`).join(' ')}`;
  const lines = [
    `Portico load: ${INSTANCES} instance(s) on ${opt.db}, ${N} entities, ${CONNECTIONS} connections, ${result.durationS} s (${opt.from}), ${os.cpus().length} CPUs`,
    `${'class'.padEnd(18)}${pad('picks', 8)}${pad('/s', 9)}${pad('p50 ms', 8)}${pad('p90', 8)}${pad('p99', 8)}${pad('max', 9)}  statuses`,
    ...Object.entries(result.classes).map(([k, s]) => row(k, s)),
    row('all (HTTP req/s)', result.total),
    `memory (VmRSS MB, start/end/peak): ${Object.entries(result.rssMB).map(([k, v]) => `${k} ${v.start}/${v.end}/${v.peak}`).join(', ')}`,
    `event loop delay (longest, ms): ${Object.entries(result.eventLoopDelayMaxMs).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `CPU (cores used on average during the run): ${Object.entries(result.cpuCores).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    ...(writesSkipped ? [`writes skipped (4 already in flight): ${writesSkipped}`] : []),
    ...(webhooks ? [`webhook pushes: the latest push to ${webhooks.appliedOnEveryInstance} of ${webhooks.repositoriesPushed} repositories is in the catalog on every instance`] : []),
    `the driver used ${driverCores.toFixed(2)} of a core; load average start ${loadStart.map(x => x.toFixed(2)).join(' ')}, end ${loadEnd.map(x => x.toFixed(2)).join(' ')}`,
  ];
  if (result.ingestion) {
    const g = result.ingestion;
    lines.push(g.error
      ? `ingestion: ${g.error}`
      : `ingestion of ${g.entities}: ${g.finished ? `visible on every instance after ${g.seconds} s` : `NOT finished after ${g.seconds} s (${JSON.stringify(g.countsAtTimeout)})`}; during it p50 ${g.latencyDuring.p50} p99 ${g.latencyDuring.p99} max ${g.latencyDuring.max} ms, ${g.requestsOver1s} picks over 1 s, event loop delayed up to ${g.maxEventLoopDelayMs.during} ms`);
    if (!g.error) {
      lines.push(g.secondsUntilScored !== null
        ? `until its components and APIs were scored too (${g.secondsUntilScored} s): p99 ${g.latencyUntilScored.p99} max ${g.latencyUntilScored.max} ms, ${g.requestsOver1sUntilScored} picks over 1 s, event loop delayed up to ${g.maxEventLoopDelayMs.untilScored} ms`
        : 'its components and APIs were NOT all scored before the deadline');
    }
  }
  lines.push(`results: ${out}; logs: ${work}/instance-*.log`);
  lines.push(`picks: one request, or one entity page (4 requests in parallel, timed until the last answers); /s of 'all' is HTTP requests a second`);
  console.log(lines.join('\n'));
  stopping = true;
  await Promise.all(targets.map(t => t.pool.close()));
  cleanUp();
  await fakeGithub?.stop();
  await Promise.all(children.map(c => (c.exitCode === null && c.signalCode === null ? new Promise(r => c.once('exit', r)) : null)));
  if (!opt.keep && !opt.database) {
    // keep the logs, configs and result; the generated catalogs and SQLite files can be hundreds of MB
    for (const f of fs.readdirSync(work)) {
      if (/^(data-\d+|ingest|writes|entities\.yaml)$/.test(f)) fs.rmSync(path.join(work, f), { recursive: true, force: true });
    }
  }
  process.exit(0);
})().catch(error => {
  console.error(error);
  stopping = true;
  process.exit(1);
});
