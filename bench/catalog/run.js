#!/usr/bin/env node
// Portico catalog benchmark: generate N entities with the shared kit, build the packages, start Portico's
// backend (their dist, as `npm start` runs it) with just the catalog on SQLite or PostgreSQL, drive it
// with the shared catalog-api-bench.js, then time full-text search. `--portal` starts the portal as shipped
// instead: `portico start` with the repository's app-config.yaml (every plugin it lists) plus the generated file.
//   node bench/catalog/run.js N [--portal] [--db sqlite|sqlite-memory|pg] [--pg URL] [--port 7027] [--requests 200] [--out FILE]
//                              [--cpu-prof DIR]   (the backend writes a V8 CPU profile there when it stops; read it with
//                                                  node bench/startup/profile.js --file DIR/<name>.cpuprofile)
// The shared kit lives at ../shared/bench relative to the repository (PORTICO_BENCH_KIT overrides).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn, spawnSync } = require('child_process');

const argv = process.argv.slice(2);
const N = parseInt(argv[0], 10);
if (!(N >= 20)) {
  console.error('usage: node bench/catalog/run.js N [--portal] [--db sqlite|sqlite-memory|pg] [--pg URL] [--port P] [--requests R] [--out FILE]');
  process.exit(2);
}
const opt = { db: 'sqlite', port: '7027', requests: '200', seed: '42' };
for (let i = 1; i < argv.length; i++) {
  const name = argv[i].replace(/^--/, '');
  // `--portal` takes no value; every other option does
  opt[name] = name === 'portal' ? true : argv[++i];
}

const repo = path.resolve(__dirname, '../..');
const kit = process.env.PORTICO_BENCH_KIT || path.resolve(repo, '../shared/bench');
const work = fs.mkdtempSync(path.join(os.tmpdir(), `portico-${opt.portal ? 'portal' : 'catalog'}-bench-${N}-${opt.db}-`));
const summaryFile = path.join(work, 'summary.json');
const entitiesFile = path.join(work, 'entities.yaml');
const log = (...a) => console.error('[run]', ...a);

// 1. generate (same invocation as peer-backstage/bench.sh)
const gen = spawnSync(process.execPath, [path.join(kit, 'gen-entities.js'), String(N), opt.seed, '--summary', summaryFile], { maxBuffer: 1 << 30 });
if (gen.status !== 0) throw new Error(`gen-entities failed: ${gen.stderr}`);
fs.writeFileSync(entitiesFile, gen.stdout);
log(`generated ${N} entities in ${entitiesFile}`);

// 2. a fresh PostgreSQL database when asked
let pgUrl;
if (opt.db === 'pg') {
  const base = opt.pg || 'postgres://postgres@127.0.0.1:5432';
  const name = `portico_bench_${process.pid}`;
  const psql = sql => spawnSync('psql', [`${base}/postgres`, '-qAtc', sql], { encoding: 'utf8' });
  const r = psql(`CREATE DATABASE ${name}`);
  if (r.status !== 0) throw new Error(`cannot create database: ${r.stderr}`);
  pgUrl = `${base}/${name}`;
  process.on('exit', () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

// 3. build the node packages (incremental tsc, as `npm start` does): the server runs their dist; warm the
//    file cache with one start that exits before listening (neither is part of the timed run)
const server = path.join(__dirname, 'server.js');
const build = spawnSync(process.execPath, [path.join(repo, 'scripts/build.js'), '--no-app'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) throw new Error('npm run build failed');

const token = `bench-${require('crypto').randomBytes(24).toString('hex')}`;
let command;
if (opt.portal) {
  command = portalCommand();
  // warm the file cache with the modules the portal loads (not part of the timed run)
  spawnSync(process.execPath, ['-e', `for (const p of ${JSON.stringify(command.plugins)}) require(p); require('js-yaml')`], { cwd: repo, stdio: 'inherit' });
  // the first start after a build writes the bundle's start cache, which the starts after it use (untimed too)
  spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(repo, 'bench/startup/startCache.js'))}).ensureStartCache()`], { stdio: 'inherit' });
} else {
  const serverArgs = [server, '--entities', entitiesFile, '--port', opt.port, '--db', opt.db, ...(pgUrl ? ['--pg', pgUrl] : []), ...(opt.db === 'sqlite' ? ['--file', path.join(work, 'portico.sqlite')] : [])];
  command = { args: serverArgs, cwd: __dirname, env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', PORTICO_TOKEN: token } };
  spawnSync(process.execPath, ['-e', "require('@portico/backend'); require('@portico/plugin-catalog-backend'); require('js-yaml')"], { cwd: __dirname, stdio: 'inherit' });
}

/**
 * `portico start --config app-config.yaml --config <overrides>`, as `npm start` runs it (NODE_ENV unset, so guest
 * mode stays allowed): every plugin app-config.yaml lists, with credentials.js first; the catalog's locations
 * from app-config.yaml except the example organisation (its Components, Groups and Users would change the counts
 * the driver checks) plus the generated file; the database and data directory of this run.
 */
function portalCommand() {
  const YAML = require(require.resolve('yaml', { paths: [repo] }));
  const appConfig = YAML.parse(fs.readFileSync(path.join(repo, 'app-config.yaml'), 'utf8'));
  const plugins = [path.join(__dirname, 'credentials.js'), ...appConfig.backend.plugins];
  const locations = appConfig.catalog.locations
    .filter(l => !/examples\/catalog\//.test(l.target))
    .map(l => ({ ...l, target: path.resolve(repo, l.target) }));
  const database = opt.db === 'pg'
    ? { client: 'pg', connection: pgUrl }
    : { client: 'better-sqlite3', ...(opt.db === 'sqlite-memory' ? { connection: ':memory:' } : {}) };
  const overrides = {
    backend: {
      baseUrl: `http://127.0.0.1:${opt.port}`,
      listen: { host: '127.0.0.1', port: Number(opt.port) },
      dataDir: path.join(work, 'data'),
      database,
      auth: { externalAccess: [{ token, subject: 'bench' }] },
      rateLimit: { routes: { expensive: false } },
      plugins,
    },
    catalog: {
      processingInterval: 'PT24H',
      maxFileBytes: 1024 * 1024 * 1024,
      limits: { maxEntitiesPerFile: 10_000_000 },
      locations: [...locations, { type: 'file', target: entitiesFile }],
    },
  };
  const file = path.join(work, 'portal-config.yaml');
  fs.writeFileSync(file, JSON.stringify(overrides, null, 2) + '\n'); // JSON is YAML
  const args = [path.join(repo, 'packages/cli/bin/portico'), 'start', '--config', path.join(repo, 'app-config.yaml'), '--config', file];
  return { args, cwd: repo, env: { LOG_LEVEL: 'warn', PORTICO_BENCH_TOKEN: token }, plugins };
}

const t0 = Date.now();
const profileArgs = opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opt['cpu-prof'])}`] : [];
const child = spawn(process.execPath, [...profileArgs, ...command.args], {
  cwd: command.cwd,
  stdio: ['ignore', fs.openSync(path.join(work, 'backend.log'), 'w'), fs.openSync(path.join(work, 'backend.log'), 'a')],
  env: { ...process.env, ...command.env },
});
const stop = () => { if (child.exitCode === null) child.kill('SIGTERM'); };
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));

function get(p) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    http.get({ host: '127.0.0.1', port: opt.port, path: p, agent }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), ms: Number(process.hrtime.bigint() - start) / 1e6 }));
    }).on('error', reject);
  });
}
const agent = new http.Agent({ keepAlive: true });

(async () => {
  const resultFile = opt.out || path.join(work, 'result.json');
  const driver = spawnSync(process.execPath, [
    path.join(kit, 'catalog-api-bench.js'), '--summary', summaryFile, '--pid', String(child.pid), '--t0', String(t0),
    '--base', `http://127.0.0.1:${opt.port}`, '--requests', opt.requests, '--warmup', '20', '--timeout-s', '3600', '--out', resultFile,
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (driver.status !== 0) throw new Error('catalog-api-bench.js failed');
  const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));

  // 4. full-text search timing (sequential, like phase 2 of the driver)
  const terms = ['payments', 'component-42', 'team', 'generated api', 'search typescript', 'resource-7 database'];
  for (let i = 0; i < 20; i++) await get(`/api/catalog/search?term=${encodeURIComponent(terms[i % terms.length])}`);
  const ms = [];
  let hits = 0;
  for (let i = 0; i < Number(opt.requests); i++) {
    const r = await get(`/api/catalog/search?term=${encodeURIComponent(terms[i % terms.length])}&limit=20`);
    if (r.status !== 200) throw new Error(`search -> HTTP ${r.status}: ${r.body.slice(0, 200)}`);
    hits += JSON.parse(r.body).items.length;
    ms.push(r.ms);
  }
  ms.sort((a, b) => a - b);
  const p = q => +ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)].toFixed(2);
  result.latencyMs.searchFullText = { n: ms.length, p50: p(0.5), p95: p(0.95), p99: p(0.99), avgHits: +(hits / ms.length).toFixed(1) };
  result.db = opt.db;
  result.mode = opt.portal ? 'portal' : 'catalog';
  result.loadAverage = os.loadavg();
  fs.writeFileSync(resultFile, JSON.stringify(result, null, 2) + '\n');

  const L = result.latencyMs;
  const line = (name, s) => `${name.padEnd(28)} p50 ${String(s.p50).padStart(7)} ms   p95 ${String(s.p95).padStart(7)} ms`;
  console.log([
    `Portico ${opt.portal ? 'portal (portico start, app-config.yaml)' : 'catalog'}, N=${N}, ${opt.db}`,
    `queryable (all entities + relations) ${result.timeline.fullyStitchedS} s after spawn (HTTP ready at ${result.timeline.httpReadyS} s); CPU until then ${result.afterIngest?.cpuS} s`,
    line('by-name', L.byName),
    line('by-query kind=component', L.queryKindComponent100),
    line('by-query spec.owner', L.querySpecOwner),
    line('by-query relations.ownedBy', L.queryOwnedByRelation),
    line('facets spec.type', L.facetSpecType),
    line('search (full text)', L.searchFullText),
    `peak RSS ${result.final.peakRssMB} MB; load average during run ${result.loadAverage.map(x => x.toFixed(1)).join(' ')}`,
    `results: ${resultFile}`,
  ].join('\n'));
  stop();
  process.exit(0);
})().catch(error => {
  console.error(error);
  stop();
  process.exit(1);
});
