#!/usr/bin/env node
// Insights benchmark (issue 17's Performance section). One year of history for --services components (default 2,000:
// 200,000 deployments, 500,000 pull requests, 20,000 incidents), owned by teams of --team-size components (default
// 50) grouped five to a department. The portal runs as users run it — `portico start` with the repo's app-config plus
// the insights backend, the bench's catalog file, SQLite files in a data dir (or --db pg) — and the bench prints:
//   1. ingest: the whole history through the push API (POST /api/insights/deployments, /pull-requests, /incidents in
//      batches of --batch, --concurrency in flight), which also keeps the metrics' derived tables current. Goal < 2 min;
//   2. team page: GET /metrics (every metric, weekly series, 30 days) and GET /breakdown of a team, in parallel as the
//      UI asks them, for --requests teams in turn. Goal p95 < 200 ms;
//   3. org-wide comparison: GET /compare of one metric over every team with sub-teams, --compares times across the
//      eight metrics. Goal p95 < 1 s;
//   4. event to metric: push one production deployment and poll GET /metrics of its entity until it counts, --events
//      times. Goal < 1 s.
//   node bench/insights/run.js [--services 2000] [--deployments N] [--prs N] [--incidents N] [--team-size 50]
//                              [--batch 1000] [--concurrency 4] [--requests 100] [--compares 24] [--events 20]
//                              [--db sqlite|pg] [--pg URL] [--built] [--keep] [--json FILE] [--cpu-prof DIR]
// --deployments/--prs/--incidents default to 100, 250 and 10 per service; --pg: the database whose fresh
// `insbench_<pid>_*` schemas the run uses and drops (default postgres://postgres@127.0.0.1:5432/test).
'use strict';
require('../catalog/register');

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { parse } = require('yaml');
const { root, parseFlags, freePort, sleep, cpuMs, startPortico } = require('../lib/common');

const opt = parseFlags();
const SERVICES = Number(opt.services || 2000);
const DEPLOYMENTS = Number(opt.deployments || SERVICES * 100);
const PRS = Number(opt.prs || SERVICES * 250);
const INCIDENTS = Number(opt.incidents || SERVICES * 10);
const TEAM_SIZE = Number(opt['team-size'] || 50);
const TEAMS = Math.max(1, Math.ceil(SERVICES / TEAM_SIZE));
const BATCH = Math.min(1000, Number(opt.batch || 1000));
const CONCURRENCY = Number(opt.concurrency || 4);
const REQUESTS = Number(opt.requests || 100);
const COMPARES = Number(opt.compares || 24);
const EVENTS = Number(opt.events || 20);
const DB = opt.db || 'sqlite';
if (!['sqlite', 'pg'].includes(DB)) throw new Error(`--db sqlite|pg, not ${DB}`);
const PG = opt.pg || 'postgres://postgres@127.0.0.1:5432/test';
const GOALS = { ingestMs: 120_000, teamPageP95Ms: 200, compareP95Ms: 1000, eventToMetricMs: 1000 };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const METRICS = ['deploymentFrequency', 'leadTime', 'changeFailureRate', 'timeToRestore', 'prCycleTime', 'timeToFirstReview', 'reviewedShare', 'prSize'];
const log = msg => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const round = ms => Math.round(ms * 10) / 10;
const stats = values => (values.length ? { n: values.length, p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(Math.max(...values)) } : { n: 0 });
const service = i => `svc-${String(i).padStart(5, '0')}`;
const team = t => `team-${String(t).padStart(3, '0')}`;
const department = d => `dept-${String(d).padStart(2, '0')}`;

/** A deterministic pseudo-random sequence (mulberry32), so runs compare. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function catalogYaml() {
  const docs = [];
  const departments = Math.ceil(TEAMS / 5);
  for (let d = 0; d < departments; d++) docs.push(`apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${department(d)}\nspec:\n  type: department\n  children: []\n`);
  for (let t = 0; t < TEAMS; t++) docs.push(`apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${team(t)}\nspec:\n  type: team\n  parent: ${department(Math.floor(t / 5))}\n  children: []\n`);
  for (let i = 0; i < SERVICES; i++) docs.push(`apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${service(i)}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${team(Math.floor(i / TEAM_SIZE))}\n`);
  return docs.join('---\n');
}

/**
 * The year of history, per service in time order: deployments (85% to production; 5% failed, 2% rolled back, 3% marked
 * hotfix), pull requests (90% merged within 1–72 h, 80% reviewed, half with a first commit time), incidents (resolved
 * within 0.5–48 h, 5% still open). Items of one service sit together, as a CI system sends them.
 */
function history(now) {
  const start = now - 365 * DAY;
  const span = 365 * DAY - 2 * HOUR;
  const iso = ms => new Date(ms).toISOString();
  const random = rng(17);
  const per = (total, i) => Math.floor(total / SERVICES) + (i < total % SERVICES ? 1 : 0);
  const deployments = [];
  const pullRequests = [];
  const incidents = [];
  for (let i = 0; i < SERVICES; i++) {
    const entityRef = `component:default/${service(i)}`;
    const nd = per(DEPLOYMENTS, i);
    for (let k = 0; k < nd; k++) {
      const finishedAt = start + Math.floor(((k + random()) / nd) * span);
      const r = random();
      deployments.push({
        id: `d-${i}-${k}`,
        entityRef,
        environment: random() < 0.85 ? 'production' : 'staging',
        version: `1.${k}.0`,
        commitSha: crypto.createHash('sha1').update(`${i}:${k}`).digest('hex'),
        status: r < 0.05 ? 'failed' : r < 0.07 ? 'rolled_back' : 'succeeded',
        startedAt: iso(finishedAt - 5 * 60_000),
        finishedAt: iso(finishedAt),
        ...(random() < 0.03 ? { hotfix: true } : {}),
        source: 'bench-ci',
      });
    }
    const np = per(PRS, i);
    for (let k = 0; k < np; k++) {
      const createdAt = start + Math.floor(random() * (span - 80 * HOUR));
      const merged = random() < 0.9;
      const mergedAt = createdAt + Math.floor((1 + random() * 71) * HOUR);
      const reviewed = random() < 0.8;
      pullRequests.push({
        id: `pr-${i}-${k}`,
        entityRef,
        number: k + 1,
        title: `Change ${k}`,
        author: `dev-${Math.floor(random() * 500)}`,
        reviewers: reviewed ? [`dev-${Math.floor(random() * 500)}`] : [],
        createdAt: iso(createdAt),
        firstReviewAt: reviewed ? iso(createdAt + Math.floor((mergedAt - createdAt) * random())) : null,
        mergedAt: merged ? iso(mergedAt) : null,
        additions: Math.floor(random() * 400),
        deletions: Math.floor(random() * 100),
        ...(random() < 0.5 ? { firstCommitAt: iso(createdAt - Math.floor(random() * 24 * HOUR)) } : {}),
        source: 'bench-ci',
      });
    }
    const ni = per(INCIDENTS, i);
    for (let k = 0; k < ni; k++) {
      const openedAt = start + Math.floor(random() * (span - 50 * HOUR));
      incidents.push({ id: `inc-${i}-${k}`, entityRef, openedAt: iso(openedAt), resolvedAt: random() < 0.95 ? iso(openedAt + Math.floor((0.5 + random() * 47.5) * HOUR)) : null, severity: random() < 0.2 ? 'high' : 'low', source: 'bench-pd' });
    }
  }
  return { deployments, pullRequests, incidents };
}

function dropPgSchemas(prefix) {
  const drop = `DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE '${prefix}%' LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP; END $$;`;
  spawnSync('psql', [PG, '-qAtc', drop], { stdio: 'ignore' });
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-insights-'));
  const catalogFile = path.join(dataDir, 'catalog-info.yaml');
  fs.writeFileSync(catalogFile, catalogYaml());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const token = `bench-${crypto.randomBytes(24).toString('hex')}`;
  const appConfig = parse(fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'));
  const plugins = [...new Set([...(appConfig.backend?.plugins ?? []), '@portico/plugin-insights-backend'])];
  const pgPrefix = `insbench_${process.pid}_`;
  if (DB === 'pg' && !opt.keep) process.on('exit', () => dropPgSchemas(pgPrefix));
  const configFile = path.join(dataDir, 'bench-config.yaml');
  fs.writeFileSync(
    configFile,
    JSON.stringify(
      {
        backend: {
          baseUrl: url,
          dataDir,
          listen: { port },
          plugins,
          auth: { externalAccess: [{ token, subject: 'bench' }] },
          rateLimit: { window: 'PT1M', max: 1_000_000 },
          ...(DB === 'pg' ? { database: { client: 'pg', connection: PG, prefix: pgPrefix } } : {}),
        },
        auth: { allowGuestInProduction: true },
        catalog: { locations: [{ type: 'file', target: catalogFile }] },
        insights: { productionEnvironments: ['production'], failureWindow: 'PT24H' },
      },
      null,
      2,
    ),
  );
  const logFile = path.join(dataDir, 'portal.log');
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const api = async (method, route, body) => {
    const res = await fetch(`${url}${route}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (!res.ok) throw Object.assign(new Error(`${method} ${route}: ${res.status} ${text.slice(0, 300)}`), { status: res.status });
    return text ? JSON.parse(text) : undefined;
  };

  let portal;
  try {
    const now = Date.now();
    let t = performance.now();
    const events = history(now);
    const generateMs = performance.now() - t;
    log(`${SERVICES} services in ${TEAMS} teams on ${DB === 'pg' ? 'PostgreSQL' : 'SQLite'}: ${events.deployments.length} deployments, ${events.pullRequests.length} pull requests, ${events.incidents.length} incidents (generated in ${Math.round(generateMs)} ms); data ${dataDir}`);
    // --cpu-prof DIR: a CPU profile of the portal, written to DIR when it exits.
    const nodeArgs = opt['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(String(opt['cpu-prof']))] : [];
    portal = await startPortico({ port, configFile, logFile, built: opt.built, nodeArgs });
    log('portal ready; waiting for the catalog');
    for (const started = Date.now(); ; ) {
      const page = await api('GET', '/api/catalog/entities/by-query?limit=1&filter=kind=component');
      if (page.totalItems >= SERVICES) break;
      if (Date.now() - started > 300_000) throw new Error(`the catalog had ${page.totalItems} of ${SERVICES} components after 300 s`);
      await sleep(200);
    }

    // 1. Ingest through the push API: deployments, then incidents, then pull requests (each ships with a deployment
    // already stored), --concurrency batches in flight.
    const ingest = {};
    const ingestStart = performance.now();
    // The portal's own CPU time: a figure the other jobs on a shared machine disturb less than the wall time.
    const portalCpuStart = cpuMs(portal.pid);
    for (const [kind, route, key] of [
      ['deployments', '/api/insights/deployments', 'deployments'],
      ['incidents', '/api/insights/incidents', 'incidents'],
      ['pullRequests', '/api/insights/pull-requests', 'pullRequests'],
    ]) {
      const items = events[kind];
      const batches = [];
      for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH));
      let next = 0;
      let accepted = 0;
      t = performance.now();
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, batches.length) }, async () => {
          while (next < batches.length) {
            const batch = batches[next++];
            const answer = await api('POST', route, { [key]: batch });
            accepted += answer.accepted;
          }
        }),
      );
      const ms = performance.now() - t;
      ingest[kind] = { items: items.length, accepted, ms: Math.round(ms), perSecond: Math.round(items.length / (ms / 1000)) };
      log(`${kind}: ${items.length} in ${(ms / 1000).toFixed(1)} s (load average ${os.loadavg()[0].toFixed(1)})`);
    }
    ingest.totalMs = Math.round(performance.now() - ingestStart);
    if (portalCpuStart !== undefined) ingest.portalCpuMs = cpuMs(portal.pid) - portalCpuStart;

    const to = new Date(now).toISOString();
    const from = new Date(now - 30 * DAY).toISOString();
    const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

    // 2. Team pages: metrics + breakdown in parallel, teams in turn (first a warm-up pass over a few).
    const teamPage = async tIndex => {
      const group = encodeURIComponent(`group:default/${team(tIndex % TEAMS)}`);
      const [metrics, breakdown] = await Promise.all([api('GET', `/api/insights/metrics?group=${group}&${range}&interval=week`), api('GET', `/api/insights/breakdown?group=${group}&${range}`)]);
      if (metrics.entityRefs.length === 0 || breakdown.rows.length === 0) throw new Error(`team ${team(tIndex % TEAMS)} has no components`);
      return metrics;
    };
    for (let w = 0; w < Math.min(5, TEAMS); w++) await teamPage(w);
    const teamTimes = [];
    let sampleTeam;
    for (let r = 0; r < REQUESTS; r++) {
      t = performance.now();
      const metrics = await teamPage(r);
      teamTimes.push(performance.now() - t);
      sampleTeam ??= metrics;
    }

    // 3. Org-wide comparison: every team, with sub-teams, one metric at a time.
    await api('GET', `/api/insights/compare?metric=deploymentFrequency&${range}&subTeams=true`);
    const compareTimes = [];
    let teamsCompared = 0;
    for (let c = 0; c < COMPARES; c++) {
      t = performance.now();
      const answer = await api('GET', `/api/insights/compare?metric=${METRICS[c % METRICS.length]}&${range}&subTeams=true`);
      compareTimes.push(performance.now() - t);
      teamsCompared = Math.max(teamsCompared, answer.rows.length);
    }

    // 4. Event to metric: a new production deployment, until /metrics of its entity counts it.
    const latencies = [];
    for (let e = 0; e < EVENTS; e++) {
      const i = Math.floor((e * SERVICES) / Math.max(1, EVENTS)) % SERVICES;
      const entityRef = `component:default/${service(i)}`;
      const query = `/api/insights/metrics?entityRef=${encodeURIComponent(entityRef)}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(Date.now() + 60 * 60_000).toISOString())}&interval=month&metric=deploymentFrequency`;
      const before = (await api('GET', query)).metrics[0].sampleSize;
      const finishedAt = new Date(Date.now() - 1000).toISOString();
      t = performance.now();
      await api('POST', '/api/insights/deployments', { deployments: [{ id: `live-${e}-${now}`, entityRef, environment: 'production', status: 'succeeded', finishedAt, source: 'bench-ci' }] });
      for (;;) {
        if ((await api('GET', query)).metrics[0].sampleSize === before + 1) break;
        if (performance.now() - t > 10_000) throw new Error(`the deployment on ${entityRef} did not show in its metrics within 10 s`);
        await sleep(5);
      }
      latencies.push(performance.now() - t);
    }

    const result = {
      db: DB,
      services: SERVICES,
      teams: TEAMS,
      teamSize: TEAM_SIZE,
      events: { deployments: events.deployments.length, pullRequests: events.pullRequests.length, incidents: events.incidents.length },
      ingest,
      teamPageMs: stats(teamTimes),
      compareMs: { ...stats(compareTimes), teams: teamsCompared },
      eventToMetricMs: stats(latencies),
      sampleTeam: Object.fromEntries(sampleTeam.metrics.map(m => [m.id, m.value === null ? m.insufficientData : Math.round(m.value * 1000) / 1000])),
      goals: GOALS,
      node: process.version,
      cpus: os.cpus().length,
      loadavg: os.loadavg().map(l => Math.round(l * 100) / 100),
    };
    console.log(JSON.stringify(result, null, 2));
    if (opt.json) fs.writeFileSync(path.resolve(String(opt.json)), JSON.stringify(result, null, 2) + '\n');
    const met = ingest.totalMs < GOALS.ingestMs && result.teamPageMs.p95 < GOALS.teamPageP95Ms && result.compareMs.p95 < GOALS.compareP95Ms && result.eventToMetricMs.max < GOALS.eventToMetricMs;
    console.log(
      `ingest ${(ingest.totalMs / 1000).toFixed(1)} s (goal < 120 s${ingest.portalCpuMs === undefined ? '' : `; portal CPU ${(ingest.portalCpuMs / 1000).toFixed(1)} s`}); team page p95 ${result.teamPageMs.p95} ms (< 200); compare p95 ${result.compareMs.p95} ms (< 1000); event to metric max ${result.eventToMetricMs.max} ms (< 1000): ${met ? 'met' : 'MISSED'}`,
    );
    process.exitCode = met ? 0 : 1;
  } finally {
    if (portal && portal.exitCode === null) {
      const exited = new Promise(r => portal.once('exit', r));
      portal.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (portal.exitCode === null) portal.kill('SIGKILL');
    }
    if (opt.keep) console.log(`kept ${dataDir} (portal log: ${logFile})`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
