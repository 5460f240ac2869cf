#!/usr/bin/env node
// Scaffolder engine benchmark: N runs of a five-step template started at once on SQLite (a WAL file,
// as the host configures it) or PostgreSQL. Reports how long after its creation each run was claimed,
// and the engine's overhead per step: a run's wall time from claim to completion, minus the time its
// handlers spent, divided by its steps. The handlers do no work (`bench:noop`), or `--builtin` uses
// debug:log + data:transform, so the figures are the engine's own cost (templating, validation,
// step/event/checkpoint writes, heartbeats).
//   node bench/scaffolder [--runs 100] [--concurrency N (default: the plugin's, 100)] [--db sqlite|pg] [--pg URL] [--builtin]
'use strict';
require('../catalog/register');
const fs = require('fs');
const os = require('os');
const path = require('path');

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const runs = Number(opt('runs', 100));
const concurrency = opt('concurrency') ? Number(opt('concurrency')) : undefined; // default: the plugin's (100)
const db = opt('db', 'sqlite');
const builtin = argv.includes('--builtin');

const knexFactory = require('knex');
const { z } = require('zod');
const { createScaffolderEngine } = require('../../plugins/scaffolder-backend/src/service/ScaffolderEngine.ts');
const { DefaultSkeletonReader } = require('../../plugins/scaffolder-backend/src/service/SkeletonReader.ts');
const { createTemplateAction } = require('@portico/plugin-scaffolder-node');

const quiet = { error: (m, e) => console.error(m, e), warn() {}, info() {}, debug() {}, child() { return quiet; } };

function pct(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const f = n => n.toFixed(1);

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-scaffolder-'));
  let knex;
  let pgDatabase;
  if (db === 'pg') {
    const url = opt('pg', process.env.PORTICO_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test');
    pgDatabase = `portico_bench_${Date.now()}`;
    const admin = knexFactory({ client: 'pg', connection: url });
    await admin.raw('CREATE DATABASE ??', [pgDatabase]);
    await admin.destroy();
    const u = new URL(url);
    u.pathname = `/${pgDatabase}`;
    knex = knexFactory({ client: 'pg', connection: u.toString(), pool: { min: 0, max: 10 } });
  } else {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(tmp, 'scaffolder.sqlite') },
      useNullAsDefault: true,
      pool: {
        afterCreate(conn, done) {
          conn.pragma('journal_mode = WAL');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        },
      },
    });
  }

  const handlerMs = new Map(); // taskId -> ms spent inside handlers
  const timed = action => {
    const inner = action.handler;
    return {
    ...action,
    async handler(ctx) {
      const t0 = performance.now();
      try {
        await inner.call(action, ctx);
      } finally {
        handlerMs.set(ctx.taskId, (handlerMs.get(ctx.taskId) ?? 0) + performance.now() - t0);
      }
    },
    };
  };
  const noop = createTemplateAction({
    id: 'bench:noop',
    supportsDryRun: true,
    schema: { input: z.object({ value: z.unknown().optional() }) },
    async handler(ctx) {
      ctx.output('value', ctx.input.value ?? null);
    },
  });
  const steps = builtin
    ? [
        { id: 's1', action: 'debug:log', input: { message: 'hello ${{ parameters.name }}' } },
        { id: 's2', action: 'data:transform', input: { expression: '$uppercase(name)', data: { name: '${{ parameters.name }}' } } },
        { id: 's3', action: 'debug:log', input: { message: '${{ steps.s2.output.result }}' } },
        { id: 's4', action: 'data:transform', input: { expression: 'n * 2', data: { n: '${{ parameters.n }}' } } },
        { id: 's5', action: 'debug:log', input: { message: 'done ${{ steps.s4.output.result }}' } },
      ]
    : Array.from({ length: 5 }, (_, i) => ({ id: `s${i + 1}`, action: 'bench:noop', input: { value: i === 0 ? '${{ parameters.name }}' : `\${{ steps.s${i}.output.value }}` } }));
  const template = { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'bench' }, spec: { parameters: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, n: { type: 'integer' } } }, steps } };

  const engine = createScaffolderEngine({
    knex,
    engine: db === 'pg' ? 'pg' : 'sqlite',
    logger: quiet,
    reader: new DefaultSkeletonReader({}),
    templates: { async getTemplate() { return { template }; } },
    catalog: { async addLocation() { return { entityRefs: [] }; } },
    workingDirectory: path.join(tmp, 'work'),
    worker: { concurrency },
  });
  // Every action is timed so its own time can be taken out of the figures.
  for (const a of engine.registry.list()) Object.assign(a, timed(a));
  engine.registry.register(timed(noop));
  await engine.migrate();

  const claimedAt = new Map();
  const claim = engine.store.claimTasks.bind(engine.store);
  engine.store.claimTasks = async (workerId, limit) => {
    const tasks = await claim(workerId, limit);
    for (const task of tasks) claimedAt.set(task.id, Date.now());
    return tasks;
  };
  await engine.worker.start();

  const caller = { userEntityRef: 'user:default/bench', ownershipEntityRefs: [] };
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const ids = await Promise.all(Array.from({ length: runs }, (_, i) => engine.service.createTask({ templateRef: 'template:default/bench', values: { name: `svc-${i}`, n: i } }, caller).then(r => r.id)));
  const created = Date.now();
  for (;;) {
    const rows = await knex('scaffolder_tasks').whereIn('status', ['completed', 'failed']).count({ n: '*' });
    if (Number(rows[0].n) >= runs) break;
    await new Promise(r => setTimeout(r, 20));
  }
  const wall = Date.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const handlerTotal = [...handlerMs.values()].reduce((a, b) => a + b, 0);
  await engine.worker.stop();

  const tasks = await knex('scaffolder_tasks').whereIn('id', ids).select('id', 'status', 'created_at', 'updated_at', 'error');
  const failed = tasks.filter(t => t.status !== 'completed');
  const claimLatency = tasks.map(t => claimedAt.get(t.id) - Date.parse(t.created_at));
  const overheadPerStep = tasks.map(t => (Date.parse(t.updated_at) - claimedAt.get(t.id) - (handlerMs.get(t.id) ?? 0)) / steps.length);
  const result = {
    db,
    runs,
    steps: steps.length,
    actions: builtin ? 'debug:log + data:transform' : 'bench:noop',
    concurrency: concurrency ?? 'default (100)',
    completed: tasks.length - failed.length,
    failed: failed.length,
    wallMs: wall,
    createMs: created - t0,
    throughputStepsPerSec: Math.round((runs * steps.length) / (wall / 1000)),
    claimLatencyMs: { p50: pct(claimLatency, 50), p95: pct(claimLatency, 95), max: Math.max(...claimLatency) },
    // CPU time of the whole process (create, claim, run, store) per step, minus the handlers: what the
    // engine costs regardless of how busy the machine is.
    engineCpuPerStepMs: +f(((cpu.user + cpu.system) / 1000 - handlerTotal) / (runs * steps.length)),
    // Wall time per step inside one run (claim to completion minus handler time); with many runs at
    // once it includes queueing behind the other runs for the CPU and the database.
    engineOverheadPerStepMs: { mean: +f(overheadPerStep.reduce((a, b) => a + b, 0) / overheadPerStep.length), p50: +f(pct(overheadPerStep, 50)), p95: +f(pct(overheadPerStep, 95)), max: +f(Math.max(...overheadPerStep)) },
    machine: { cpus: os.cpus().length, load1: +os.loadavg()[0].toFixed(2), node: process.version },
  };
  console.log(JSON.stringify(result, null, 2));
  if (failed.length) console.error('failed runs:', failed.slice(0, 3));
  await knex.destroy();
  if (pgDatabase) {
    const admin = knexFactory({ client: 'pg', connection: opt('pg', process.env.PORTICO_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test') });
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [pgDatabase]);
    await admin.destroy();
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(failed.length ? 1 : 0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
