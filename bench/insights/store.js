#!/usr/bin/env node
// The insights events store alone (EventStore.write, no HTTP, validation or rollups), to measure the upsert path:
// --services components × 250 pull requests (then × 100 deployments) written in batches of 1,000, one after another,
// into a fresh SQLite file or PostgreSQL schema; then the same pull requests again (all duplicates), then with one in
// ten changed. Prints ms per phase and items per second.
//   node bench/insights/store.js [--services 200] [--db sqlite|pg] [--pg URL]
'use strict';
require('../catalog/register');

const fs = require('fs');
const os = require('os');
const path = require('path');
const knexFactory = require('knex');
const { EventStore } = require('../../plugins/insights-backend/src/database/EventStore');
const { migrations } = require('../../plugins/insights-backend/src/database/migrations');

const opt = require('../lib/common').parseFlags();
const SERVICES = Number(opt.services || 200);
const DB = opt.db || 'sqlite';
const PG = opt.pg || 'postgres://postgres@127.0.0.1:5432/test';
const BATCH = 1000;
const HOUR = 3_600_000;
const T0 = Date.now() - 365 * 24 * HOUR;

function pullRequests(changed = () => false) {
  const rows = [];
  for (let s = 0; s < SERVICES; s++) {
    for (let k = 0; k < 250; k++) {
      const created = T0 + (s * 250 + k) * 60_000;
      const row = {
        source: 'bench-ci',
        id: `pr-${s}-${k}`,
        entity_ref: `component:default/svc-${s}`,
        number: k + 1,
        title: `Change ${k}`,
        url: null,
        author: `dev-${k % 500}`,
        reviewers: k % 5 ? JSON.stringify([`dev-${(k * 7) % 500}`]) : JSON.stringify([]),
        created_at: created,
        first_review_at: k % 5 ? created + HOUR : null,
        merged_at: k % 10 ? created + 5 * HOUR : null,
        additions: k % 400,
        deletions: k % 100,
        deployed_in: null,
        first_commit_at: k % 2 ? created - HOUR : null,
      };
      rows.push(changed(rows.length) ? { ...row, title: `${row.title} (edited)` } : row);
    }
  }
  return rows;
}

function deployments() {
  const rows = [];
  for (let s = 0; s < SERVICES; s++) {
    for (let k = 0; k < 100; k++) {
      const finished = T0 + (s * 100 + k) * 60_000;
      rows.push({ source: 'bench-ci', id: `d-${s}-${k}`, entity_ref: `component:default/svc-${s}`, environment: k % 7 ? 'production' : 'staging', version: `1.${k}.0`, commit_sha: `sha${s}x${k}`, status: k % 20 ? 'succeeded' : 'failed', started_at: finished - 300_000, finished_at: finished, hotfix: k % 33 === 0 });
    }
  }
  return rows;
}

async function timed(label, store, type, rows) {
  const t = performance.now();
  const total = { accepted: 0, duplicates: 0, changes: 0 };
  for (let i = 0; i < rows.length; i += BATCH) {
    const result = await store.write(type, rows.slice(i, i + BATCH));
    total.accepted += result.accepted;
    total.duplicates += result.duplicates;
    total.changes += result.changes.length;
  }
  const ms = performance.now() - t;
  console.log(`${label.padEnd(28)} ${String(rows.length).padStart(7)} rows ${ms.toFixed(0).padStart(7)} ms ${Math.round(rows.length / (ms / 1000)).toString().padStart(7)}/s  accepted ${total.accepted} duplicates ${total.duplicates} changes ${total.changes}`);
}

async function main() {
  const schema = `insstore_${process.pid}`;
  let dir;
  const knex =
    DB === 'pg'
      ? knexFactory({ client: 'pg', connection: PG, searchPath: [schema], pool: { min: 1, max: 5 } })
      : knexFactory({ client: 'better-sqlite3', connection: { filename: path.join((dir = fs.mkdtempSync(path.join(os.tmpdir(), 'insstore-'))), 'insights.db') }, useNullAsDefault: true });
  try {
    if (DB === 'pg') await knex.raw(`CREATE SCHEMA "${schema}"`);
    else {
      await knex.raw('PRAGMA journal_mode = WAL');
      await knex.raw('PRAGMA synchronous = NORMAL');
    }
    for (const m of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) await m.up(knex);
    const store = new EventStore(knex);
    console.log(`${DB}, ${SERVICES} services; load average ${os.loadavg().map(l => l.toFixed(2)).join(' ')}`);
    await timed('deployments, new', store, 'deployment', deployments());
    await timed('pull requests, new', store, 'pullRequest', pullRequests());
    await timed('pull requests, re-sent', store, 'pullRequest', pullRequests());
    await timed('pull requests, 1 in 10 changed', store, 'pullRequest', pullRequests(i => i % 10 === 0));
  } finally {
    if (DB === 'pg') await knex.raw(`DROP SCHEMA "${schema}" CASCADE`);
    await knex.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
