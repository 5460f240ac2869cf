#!/usr/bin/env node
// Initiative tickets through a crash: --entities components (default 1,000) all below an initiative's target, owned
// by groups whose `jira/project-key` names a project of the fake Jira (Cloud kind, in this process). The portal runs
// as users run it — `portico start` with the repo's app-config plus the Jira backend, the bench's catalog file and the
// fake site, SQLite files in a data dir — and is killed (SIGKILL) once about half the tickets exist, then started
// again on the same data dir. The bench waits until every entity has its ticket in Jira and its row on the
// initiative, and prints: tickets created, duplicates in the fake (goal 0), entities without a ticket (goal 0),
// tickets without an absolute link back to the entity's page (goal 0; the config sets no backend.baseUrl, as the
// default portal), the time to all tickets, the time lost to the restart and the machine's load average.
//   node bench/jira/initiative.js [--entities 1000] [--teams 50] [--latency 50] [--rate 0] [--kill-at 0.5]
//                                 [--timeout 900] [--built] [--keep] [--json FILE]
// --latency: ms the fake Jira takes per request; --rate: its requests/s before 429 (0: none); --built: run the built
// CLI (packages/cli/bin/portico, after `node scripts/build.js --no-app`) instead of the sources; --keep: keep the
// data dir and the portal's log.
'use strict';
require('../catalog/register');

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parse } = require('yaml');
const { root, parseFlags, freePort, sleep, startPortico } = require('../lib/common');
const { FakeJira } = require('../../plugins/jira-backend/src/__testUtils__/FakeJira.ts');

const opt = parseFlags();
if (opt.help) {
  // The usage is the comment at the top of this file.
  console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(1).filter(l => l.startsWith('//')).map(l => l.slice(3)).join('\n'));
  process.exit(0);
}
const ENTITIES = Number(opt.entities || 1000);
const TEAMS = Number(opt.teams || Math.max(1, Math.min(50, Math.ceil(ENTITIES / 20))));
const LATENCY_MS = Number(opt.latency ?? 50);
const RATE = Number(opt.rate || 0);
const KILL_AT = Number(opt['kill-at'] || 0.5);
const TIMEOUT_MS = Number(opt.timeout || 900) * 1000;
const TITLE = 'Runbooks everywhere';
const teamKey = t => `T${String(t).padStart(3, '0')}`;
const entityName = i => `svc-${String(i).padStart(5, '0')}`;
const log = msg => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** The catalog of the run: teams with their Jira project, components owned by them, and a scorecard they all fail. */
function catalogYaml() {
  const docs = [];
  for (let t = 0; t < TEAMS; t++) {
    docs.push(`apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-${t}\n  annotations:\n    jira/project-key: ${teamKey(t)}\nspec:\n  type: team\n  children: []\n`);
  }
  for (let i = 0; i < ENTITIES; i++) {
    docs.push(`apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${entityName(i)}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-${i % TEAMS}\n`);
  }
  docs.push(
    [
      'apiVersion: portico.dev/v1alpha1',
      'kind: Scorecard',
      'metadata:',
      '  name: bench-readiness',
      '  title: Bench readiness',
      'spec:',
      '  owner: group:default/team-0',
      "  filter: { kind: component, 'spec.type': service }",
      '  levels: [{ name: Bronze, rank: 1 }, { name: Silver, rank: 2 }]',
      '  rules:',
      '    - { id: has-owner, title: Has an owner, type: binary, params: { fact: catalog.hasOwner }, level: Bronze }',
      '    - { id: has-runbook, title: Has a runbook, type: binary, params: { fact: catalog.hasRunbook }, level: Silver, remediation: Link the runbook from catalog-info.yaml. }',
      '',
    ].join('\n'),
  );
  return docs.join('---\n');
}

async function main() {
  const fake = await new FakeJira({ kind: 'cloud' }).start();
  fake.recordRequests = false;
  fake.delayMs = LATENCY_MS;
  fake.rateLimitPerSecond = RATE;
  for (let t = 0; t < TEAMS; t++) fake.addProject(teamKey(t), { name: `Team ${t}` });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-jira-initiative-'));
  const catalogFile = path.join(dataDir, 'catalog-info.yaml');
  fs.writeFileSync(catalogFile, catalogYaml());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const token = `bench-${crypto.randomBytes(24).toString('hex')}`;
  const appConfig = parse(fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'));
  const plugins = [...new Set([...(appConfig.backend?.plugins ?? []), '@portico/plugin-jira-backend'])];
  const configFile = path.join(dataDir, 'bench-config.yaml');
  // JSON is YAML; later config files win key by key, arrays are replaced.
  fs.writeFileSync(
    configFile,
    JSON.stringify(
      {
        // No baseUrl: the portal derives http://localhost:<port>, as the default portal does (the tickets' links use it).
        backend: {
          dataDir,
          listen: { port },
          plugins,
          auth: { externalAccess: [{ token, subject: 'bench' }] },
          rateLimit: { window: 'PT1M', max: 1_000_000 },
        },
        auth: { allowGuestInProduction: true },
        catalog: { locations: [{ type: 'file', target: catalogFile }] },
        integrations: { jira: [fake.site()] },
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
  let result;
  try {
    log(`${ENTITIES} entities, ${TEAMS} teams (Jira projects), fake Jira latency ${LATENCY_MS} ms${RATE ? `, ${RATE} requests/s` : ''}; data ${dataDir}`);
    let t = Date.now();
    portal = await startPortico({ port, configFile, logFile, built: opt.built });
    const firstStartMs = Date.now() - t;
    log(`portal ready in ${(firstStartMs / 1000).toFixed(1)} s; waiting for the ${ENTITIES} results`);
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const results = await api('GET', '/api/scorecards/scorecards/default/bench-readiness/results?limit=1').catch(e => (e.status === 404 ? undefined : Promise.reject(e)));
      if (results?.totalItems === ENTITIES) break;
      if (Date.now() > deadline) throw new Error(`the scorecard had ${results?.totalItems ?? 'no'} results of ${ENTITIES} after the timeout`);
      await sleep(500);
    }

    // The tickets as Jira has them: summary "<entityRef>: <initiative title>".
    const tickets = () => {
      const byEntity = new Map();
      for (const issues of fake.issuesByProject.values()) {
        for (const issue of issues) {
          const ref = issue.summary.endsWith(`: ${TITLE}`) ? issue.summary.slice(0, -TITLE.length - 2) : undefined;
          if (ref) byEntity.set(ref, [...(byEntity.get(ref) ?? []), issue]);
        }
      }
      const all = [...byEntity.values()].flat();
      return { byEntity, total: all.length, duplicates: all.length - byEntity.size, all };
    };

    const initiative = await api('POST', '/api/scorecards/initiatives', { title: TITLE, scorecardRef: 'scorecard:default/bench-readiness', targetLevel: 'Silver', deadline: '2027-12-31', actions: [{ type: 'jira.ticket', params: { labels: ['bench'] } }] });
    const start = Date.now();
    const loadAtStart = os.loadavg();
    log(`initiative ${initiative.id} created; waiting for ${Math.ceil(ENTITIES * KILL_AT)} tickets before the kill`);
    while (tickets().total < ENTITIES * KILL_AT) {
      if (Date.now() > deadline) throw new Error(`only ${tickets().total} tickets before the timeout`);
      await sleep(20);
    }
    const killedAt = Date.now();
    const loadAtKill = os.loadavg();
    const exited = new Promise(r => portal.once('exit', r));
    portal.kill('SIGKILL');
    await exited;
    // Requests the dead portal had in flight still land in the fake: let them, so they count as before the kill.
    await sleep(LATENCY_MS * 2 + 500);
    const atKill = tickets();
    const beforeRestart = new Set(atKill.all.map(i => i.key));
    log(`SIGKILL after ${((killedAt - start) / 1000).toFixed(1)} s with ${atKill.total} tickets`);

    t = Date.now();
    portal = await startPortico({ port, configFile, logFile, built: opt.built });
    const readyAfterKillMs = Date.now() - killedAt;
    log(`portal ready again ${(readyAfterKillMs / 1000).toFixed(1)} s after the kill; waiting for every ticket and row`);
    let firstAfterRestart;
    let rowsOpen = 0;
    for (;;) {
      const now = tickets();
      if (firstAfterRestart === undefined) {
        const later = now.all.filter(i => !beforeRestart.has(i.key)).map(i => Date.parse(i.created));
        if (later.length) firstAfterRestart = Math.min(...later);
      }
      if (now.byEntity.size >= ENTITIES) {
        const progress = await api('GET', `/api/scorecards/initiatives/${initiative.id}`);
        rowsOpen = progress.failing.filter(f => f.actions?.some(a => a.state === 'open' && a.link)).length;
        if (rowsOpen >= ENTITIES) break;
      }
      if (Date.now() > deadline) break;
      await sleep(100);
    }
    const end = tickets();
    const allTicketsAt = Math.max(...end.all.map(i => Date.parse(i.created)));
    // Every entity's row names the ticket Jira has for it.
    const progress = await api('GET', `/api/scorecards/initiatives/${initiative.id}`);
    const mismatched = progress.failing.filter(f => {
      const link = f.actions?.find(a => a.link)?.link;
      const issues = end.byEntity.get(f.entityRef) ?? [];
      return !link || !issues.some(i => i.key === link.key);
    }).length;
    // Each ticket's description links the entity's page with an absolute URL (Jira drops relative links from ADF).
    const hrefs = node => (!node || typeof node !== 'object' ? [] : [...(node.marks ?? []).filter(m => m.type === 'link').map(m => m.attrs?.href), ...(node.content ?? []).flatMap(hrefs)]);
    const linkBases = new Set();
    const withoutLinkBack = end.all.filter(issue => {
      const name = issue.summary.split(':')[1]?.split('/')[1];
      const link = hrefs(issue.description).find(h => typeof h === 'string' && h.endsWith(`/catalog/default/component/${name}`));
      if (link && /^https?:\/\/[^/]+\//.test(link)) linkBases.add(link.slice(0, link.indexOf('/catalog/')));
      return !link || !/^https?:\/\//.test(link);
    }).length;
    result = {
      entities: ENTITIES,
      teams: TEAMS,
      jiraLatencyMs: LATENCY_MS,
      jiraRateLimitPerSecond: RATE,
      ticketsAtKill: atKill.total,
      ticketsCreated: end.total,
      duplicates: end.duplicates,
      entitiesWithoutTicket: ENTITIES - end.byEntity.size,
      rowsOpenWithLink: rowsOpen,
      rowsNotMatchingJira: mismatched,
      ticketsWithoutLinkBack: withoutLinkBack,
      linkBase: [...linkBases].join(' '),
      timeToAllTicketsMs: allTicketsAt - start,
      timeToAllRowsMs: Date.now() - start,
      killAfterMs: killedAt - start,
      readyAfterKillMs,
      restartGapMs: firstAfterRestart === undefined ? null : firstAfterRestart - killedAt,
      firstStartMs,
      rateLimited429s: fake.rateLimited,
      jiraRequests: fake.requestCount,
      // os.loadavg() (1, 5, 15 min) when the initiative was created, at the kill and at the end; the machine's cores.
      loadAverage: { atStart: loadAtStart.map(l => +l.toFixed(2)), atKill: loadAtKill.map(l => +l.toFixed(2)), atEnd: os.loadavg().map(l => +l.toFixed(2)), cpus: os.cpus().length },
    };
  } finally {
    if (portal && portal.exitCode === null && portal.signalCode === null) {
      const exited = new Promise(r => portal.once('exit', r));
      portal.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000).then(() => portal.kill('SIGKILL'))]);
    }
    await fake.stop();
    if (opt.keep || !result) console.log(`data dir and portal log kept: ${dataDir}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result, null, 2));
  if (opt.json) fs.writeFileSync(opt.json, JSON.stringify(result, null, 2));
  const ok = result.duplicates === 0 && result.entitiesWithoutTicket === 0 && result.rowsNotMatchingJira === 0 && result.ticketsWithoutLinkBack === 0;
  console.log(
    `${result.ticketsCreated} tickets for ${ENTITIES} entities, ${result.duplicates} duplicates, ${result.entitiesWithoutTicket} without a ticket, ${result.ticketsWithoutLinkBack} without a link back; ` +
      `all tickets in ${(result.timeToAllTicketsMs / 1000).toFixed(1)} s, ${result.restartGapMs === null ? 'no ticket after the restart' : `${(result.restartGapMs / 1000).toFixed(1)} s without tickets after the kill`}: ${ok ? 'met' : 'MISSED'}`,
  );
  process.exit(ok ? 0 : 1);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
