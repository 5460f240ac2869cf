#!/usr/bin/env node
// Conditional catalog reads: what an owner condition (RBAC role with IS_ENTITY_OWNER) costs the catalog's list
// endpoints, against the same requests by a user whose read is unconditional. The portal runs as users run it
// (`portico start` with the repo's app-config and its plugins, from the build), with a catalog location of N
// generated entities (the shared kit's organisation; one extra group, bench-team, owns every tenth component).
// Both users sign in through a local OpenID provider (the auth plugin's plugins/auth-backend/src/__testUtils__/oidcProviderProcess.mjs) and call the API with the
// access token of their session, so the portal sees real user tokens with the ownership refs of a sign-in.
//   node bench/permissions/conditionalQuery.js [--db sqlite|pg] [--requests 300] [--entities 10000] [--pg URL] [--out FILE] [--no-build]
// (--pg: the database whose fresh `condbench_<pid>_*` schemas the run uses and drops, or keeps with --keep-schemas
// for EXPLAIN ANALYZE afterwards; --out: the figures and every timed request, in order, as JSON)
// Per query: p50/p95 of each user (requests interleaved, after a warm-up), filtered p95 / unfiltered p95 and, as a
// steadier figure of the same cost, filtered p50 / unfiltered p50.
// Every timed answer is checked against the same query asked by a service token with the owner filter spelled out,
// so the figure is about a correct answer. Issue 14 asks for the filtered p95 under 1.5 times the unfiltered one.
'use strict';

const fs = require('fs');
const os = require('os');
const http = require('http');
const path = require('path');
const yaml = require('js-yaml');
const { spawn, spawnSync } = require('child_process');
const { performance } = require('perf_hooks');
const { URLSearchParams } = require('url');
const { buildIfNeeded, startPortal, freePort } = require('../../scripts/lib/portal');

const argv = process.argv.slice(2);
const opt = { db: 'sqlite', requests: '300', entities: '10000', pg: 'postgres://postgres@127.0.0.1:5432/test', seed: '42' };
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--no-build') opt.noBuild = true;
  else if (argv[i] === '--keep-schemas') opt.keepSchemas = true;
  else if (argv[i].startsWith('--')) opt[argv[i].slice(2)] = argv[++i];
}
const REQUESTS = Number(opt.requests) || 300;
const N = Number(opt.entities) || 10_000;
const WARMUP = 30;
const RATIO_BUDGET = 1.5;
if (!['sqlite', 'pg'].includes(opt.db)) throw new Error(`--db sqlite|pg, not ${opt.db}`);

const repo = path.resolve(__dirname, '../..');
const kit = process.env.PORTICO_BENCH_KIT || path.resolve(repo, '../shared/bench');
const work = fs.mkdtempSync(path.join(os.tmpdir(), `portico-condbench-${opt.db}-`));
const log = (...a) => console.error('[condbench]', ...a);

const TEAM = 'group:default/bench-team';
const ALL = 'bench-all';
const OWNER = 'bench-owner';

/**
 * The kit's organisation of N - 3 entities with every tenth component moved to bench-team, plus that group and
 * the two users (bench-owner a member of bench-team, bench-all of no group). Returns the file and the counts.
 */
function generateCatalog() {
  const gen = spawnSync(process.execPath, [path.join(kit, 'gen-entities.js'), String(N - 3), opt.seed], { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`gen-entities failed: ${gen.stderr}`);
  let components = 0;
  let owned = 0;
  const docs = gen.stdout.split(/^---\n/m).filter(Boolean).map(doc => {
    const index = /^kind: Component\nmetadata:\n {2}name: component-(\d+)$/m.exec(doc)?.[1];
    if (index === undefined) return doc;
    components++;
    if (Number(index) % 10 !== 0) return doc;
    owned++;
    return doc.replace(/^ {2}owner: group:default\/group-\d+$/m, `  owner: ${TEAM}`);
  });
  const extra = [
    { kind: 'Group', metadata: { name: 'bench-team' }, spec: { type: 'team', children: [] } },
    { kind: 'User', metadata: { name: ALL }, spec: { profile: { email: `${ALL}@bench.example` }, memberOf: [] } },
    { kind: 'User', metadata: { name: OWNER }, spec: { profile: { email: `${OWNER}@bench.example` }, memberOf: [TEAM] } },
  ].map(e => yaml.dump({ apiVersion: 'backstage.io/v1alpha1', ...e, metadata: { namespace: 'default', ...e.metadata } }));
  const file = path.join(work, 'entities.yaml');
  fs.writeFileSync(file, [...docs, ...extra].map(d => `---\n${d}`).join(''));
  if (owned === 0) throw new Error('no component was given to bench-team: the kit changed its format');
  return { file, components, owned };
}

/** A fresh set of schemas in the given database (`<prefix><pluginId>`), dropped when the run ends. */
function postgresSection() {
  const prefix = `condbench_${process.pid}_`;
  process.on('exit', () => {
    if (opt.keepSchemas) return console.log(`schemas kept: ${prefix}* (drop them when done)`);
    const drop = `DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE '${prefix}%' LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP; END $$;`;
    spawnSync('psql', [opt.pg, '-qAtc', drop], { stdio: 'ignore' });
  });
  return { client: 'pg', connection: opt.pg, prefix };
}

function startProvider(clients, accounts) {
  const child = spawn(process.execPath, ['--no-warnings', path.join(__dirname, '../../plugins/auth-backend/src/__testUtils__/oidcProviderProcess.mjs'), JSON.stringify({ clients, accounts })], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: path.join(__dirname, '../auth'),
  });
  let stderr = '';
  child.stderr.on('data', chunk => (stderr += String(chunk)));
  const issuer = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', chunk => {
      out += String(chunk);
      const line = out.split('\n').find(l => l.startsWith('{'));
      if (line) resolve(JSON.parse(line).issuer);
    });
    child.on('exit', code => reject(new Error(`the OpenID provider exited (${code}): ${stderr}`)));
  });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  return { issuer, stop };
}

/** Signs `login` in through the provider's development login and consent pages; returns the session's access token. */
async function signIn(portalUrl, login) {
  const jars = new Map();
  const go = async (url, init = {}) => {
    const origin = new URL(url).origin;
    const jar = jars.get(origin) ?? new Map();
    jars.set(origin, jar);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { method: init.method ?? 'GET', redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...init.headers }, body: init.body });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  };
  let next = (await go(`${portalUrl}/api/auth/oidc/start?redirect=%2F`)).headers.get('location');
  for (let hops = 0; hops < 30 && next; hops++) {
    if (next.startsWith(portalUrl)) {
      const callback = await go(next);
      const token = jars.get(portalUrl)?.get('portico_session');
      if (!token) throw new Error(`${login}: the callback answered ${callback.status} ${callback.headers.get('location')} without a session`);
      return token;
    }
    const res = await go(next);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      next = new URL(location, next).toString();
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`${login}: no interaction form in ${html.slice(0, 300)}`);
    const body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'anything' } : { prompt });
    const posted = await go(new URL(action, next).toString(), { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    next = new URL(posted.headers.get('location'), next).toString();
  }
  throw new Error(`${login}: the provider never sent the browser back to the portal`);
}

const agent = new http.Agent({ keepAlive: true });

/** One GET, timed until the whole body is in (one request in flight, a kept-alive connection). */
function get(base, pathAndQuery, authorization) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const url = new URL(pathAndQuery, base);
    http
      .get({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent, headers: { authorization } }, res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - start;
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) return reject(new Error(`GET ${pathAndQuery} -> ${res.statusCode}: ${text.slice(0, 300)}`));
          resolve({ ms, body: JSON.parse(text) });
        });
      })
      .on('error', reject);
  });
}

/** What a list answer must be: the totals of the reference answer, and only bench-team's entities when filtered. */
function checker(name, reference, filtered) {
  const isList = reference.items !== undefined;
  const ownedByTeam = e => (e.relations ?? []).some(r => r.type === 'ownedBy' && r.targetRef === TEAM);
  return body => {
    if (!isList) {
      if (JSON.stringify(body.facets) !== JSON.stringify(reference.facets)) throw new Error(`${name}: facets ${JSON.stringify(body.facets)}, expected ${JSON.stringify(reference.facets)}`);
      return;
    }
    if (body.totalItems !== reference.totalItems || body.items.length !== reference.items.length) {
      throw new Error(`${name}: ${body.items.length} items of ${body.totalItems}, expected ${reference.items.length} of ${reference.totalItems}`);
    }
    if (filtered && !body.items.every(ownedByTeam)) throw new Error(`${name}: an entity not owned by ${TEAM} in the owner's answer`);
  };
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

(async () => {
  if (!opt.noBuild) buildIfNeeded();
  const catalog = generateCatalog();
  log(`generated ${N} entities (${catalog.components} components, ${catalog.owned} owned by ${TEAM}) in ${catalog.file}`);

  const port = await freePort();
  const portalUrl = `http://127.0.0.1:${port}`;
  const client = { client_id: 'portico-condbench', client_secret: 'portico-condbench-secret', redirect_uris: [`${portalUrl}/api/auth/oidc/handler/frame`] };
  const accounts = Object.fromEntries([ALL, OWNER].map(login => [login, { email: `${login}@bench.example`, email_verified: true, name: login }]));
  const provider = startProvider([client], accounts);
  const appConfig = yaml.load(fs.readFileSync(path.join(repo, 'app-config.yaml'), 'utf8'));
  let portal;
  try {
    const issuer = await provider.issuer;
    portal = await startPortal({
      port,
      logDir: `artifacts/bench-permissions-${opt.db}`,
      config: {
        backend: {
          baseUrl: portalUrl,
          rateLimit: { window: 'PT1M', max: 1_000_000, routes: { expensive: false } },
          ...(opt.db === 'pg' ? { database: postgresSection() } : {}),
        },
        auth: {
          providers: { oidc: { issuer, clientId: client.client_id, clientSecret: client.client_secret } },
          session: { accessTokenDuration: 'PT2H' },
        },
        permission: {
          rbac: {
            admins: [],
            defaultRoles: false,
            roles: [
              { name: 'bench-read-all', members: [`user:default/${ALL}`], permissions: ['catalog.entity.read'] },
              { name: 'bench-read-owned', members: [`user:default/${OWNER}`], permissions: ['catalog.entity.read'], conditions: { rule: 'IS_ENTITY_OWNER' } },
            ],
          },
        },
        catalog: { locations: [...appConfig.catalog.locations, { type: 'file', target: catalog.file }] },
      },
    });
    const service = portal.authorization;

    // Wait until every generated component is stitched, with bench-team's ownedBy relations derived.
    const deadline = Date.now() + 600_000;
    for (;;) {
      const all = await get(portalUrl, '/api/catalog/entities/by-query?filter=kind=component,metadata.name=component-0&limit=1', service).catch(() => undefined);
      const owned = await get(portalUrl, `/api/catalog/entities/by-query?filter=kind=component,relations.ownedBy=${TEAM}&limit=1`, service).catch(() => undefined);
      const components = await get(portalUrl, '/api/catalog/entities/by-query?filter=kind=component&limit=1', service).catch(() => undefined);
      if (all?.body.totalItems === 1 && owned?.body.totalItems === catalog.owned && components?.body.totalItems >= catalog.components) break;
      if (Date.now() > deadline) throw new Error(`the catalog never held the ${catalog.owned} components of ${TEAM}`);
      await new Promise(r => setTimeout(r, 500));
    }
    const total = (await get(portalUrl, '/api/catalog/entities/by-query?limit=1', service)).body.totalItems;
    log(`catalog ready: ${total} entities`);

    const users = {};
    for (const login of [ALL, OWNER]) {
      const authorization = `Bearer ${await signIn(portalUrl, login)}`;
      const me = (await get(portalUrl, '/api/auth/me', authorization)).body;
      log(`${me.userEntityRef} signed in, ownership refs ${me.ownershipEntityRefs.join(', ')}`);
      users[login] = authorization;
    }

    // The queries, each as the unfiltered reader asks it, as the owner asks it, and the owner's expected answer
    // (the same query by the service token, the owner condition written as a filter).
    const byQuery = '/api/catalog/entities/by-query';
    const owner = `relations.ownedBy=${TEAM}`;
    const firstPage = async (authorization, filter) => {
      const page = (await get(portalUrl, `${byQuery}?filter=${filter}&limit=100`, authorization)).body;
      if (!page.pageInfo.nextCursor) throw new Error(`no second page for ${filter}`);
      return `${byQuery}?cursor=${encodeURIComponent(page.pageInfo.nextCursor)}`;
    };
    const queries = [
      { name: 'by-query kind=component', all: `${byQuery}?filter=kind=component&limit=100`, expected: `${byQuery}?filter=kind=component,${owner}&limit=100` },
      {
        name: 'by-query full text "payments"',
        all: `${byQuery}?filter=kind=component&fullTextFilterTerm=payments&limit=100`,
        expected: `${byQuery}?filter=kind=component,${owner}&fullTextFilterTerm=payments&limit=100`,
      },
      {
        name: 'by-query second page',
        all: await firstPage(users[ALL], 'kind=component'),
        owner: await firstPage(users[OWNER], 'kind=component'),
        expected: await firstPage(service, `kind=component,${owner}`),
        // the cursors carry the filter, so the reference reads the same filter the owner's query resolves to
      },
      { name: 'entity-facets spec.type', all: '/api/catalog/entity-facets?facet=spec.type', expected: `/api/catalog/entity-facets?facet=spec.type&filter=${owner}` },
    ];

    console.log(`Portico catalog, ${total} entities on ${opt.db === 'pg' ? 'PostgreSQL' : 'SQLite'}: ${REQUESTS} requests per user and query after ${WARMUP} of warm-up, interleaved, one in flight`);
    console.log(`unfiltered: user:default/${ALL} (catalog.entity.read); filtered: user:default/${OWNER} (IS_ENTITY_OWNER, ${catalog.owned} of ${catalog.components} components owned)`);
    const results = [];
    for (const q of queries) {
      const ownerPath = q.owner ?? q.all;
      const checkAll = checker(q.name, (await get(portalUrl, q.all, service)).body, false);
      const checkOwner = checker(q.name, (await get(portalUrl, q.expected, service)).body, true);
      const times = { all: [], owner: [] };
      const timeline = { all: [], owner: [] };
      const started = performance.now();
      for (let i = 0; i < WARMUP + REQUESTS; i++) {
        // alternate who goes first, so neither side always follows the other's request
        const order = i % 2 === 0 ? ['all', 'owner'] : ['owner', 'all'];
        for (const who of order) {
          const r = await get(portalUrl, who === 'all' ? q.all : ownerPath, users[who === 'all' ? ALL : OWNER]);
          (who === 'all' ? checkAll : checkOwner)(r.body);
          if (i >= WARMUP) {
            times[who].push(r.ms);
            timeline[who].push([Math.round(performance.now() - started), Number(r.ms.toFixed(3))]);
          }
        }
      }
      const stats = Object.fromEntries(
        Object.entries(times).map(([who, ms]) => {
          ms.sort((a, b) => a - b);
          return [who, { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) }];
        }),
      );
      const ratio = stats.owner.p95 / stats.all.p95;
      const medianRatio = stats.owner.p50 / stats.all.p50;
      results.push({ name: q.name, ...stats, ratio, medianRatio, timeline });
      const f = x => x.toFixed(2).padStart(6);
      console.log(
        `${q.name.padEnd(30)} unfiltered p50 ${f(stats.all.p50)} / p95 ${f(stats.all.p95)} ms   filtered p50 ${f(stats.owner.p50)} / p95 ${f(stats.owner.p95)} ms   ratio p95 ${ratio.toFixed(2)} (p50 ${medianRatio.toFixed(2)})`,
      );
    }
    const worst = results.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    if (opt.out) fs.writeFileSync(opt.out, `${JSON.stringify({ db: opt.db, entities: total, owned: catalog.owned, requests: REQUESTS, loadAverage: os.loadavg(), results })}\n`);
    console.log(`highest ratio ${worst.ratio.toFixed(2)} (${worst.name}): ${worst.ratio < RATIO_BUDGET ? 'within' : 'OVER'} the ${RATIO_BUDGET}x budget`);
  } finally {
    await portal?.stop();
    provider.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
})().catch(error => {
  console.error(error);
  process.exit(1);
});
