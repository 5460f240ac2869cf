#!/usr/bin/env node
// Portico's backend with just the catalog, for the benchmark, from the packages' build (dist), as
// `npm start` runs it: run.js builds first.
//   node server.js --entities FILE [--port 7027] [--db sqlite|sqlite-memory|pg] [--file DB.sqlite] [--pg URL]
// sqlite (the default deployment) is a file in WAL mode; --file names it.
'use strict';

const argv = process.argv.slice(2);
const opt = {};
for (let i = 0; i < argv.length; i++) {
  opt[argv[i].replace(/^--/, '')] = argv[++i];
}

const { createBackend } = require('@portico/backend');
const catalog = require('@portico/plugin-catalog-backend').default;
const { benchCredentials } = require('./credentials');

// Every plugin route is behind default deny: the bench calls the API with an external access token
// (PORTICO_TOKEN, or one made up for this run), which credentials.js adds to requests that carry none.
const token = process.env.PORTICO_TOKEN || `bench-${require('crypto').randomBytes(24).toString('hex')}`;

const port = Number(opt.port || 7027);
const database = opt.db === 'pg'
  ? { client: 'pg', connection: opt.pg || 'postgres://postgres@127.0.0.1:5432/portico_bench', prefix: 'bench_' }
  : { client: 'better-sqlite3', connection: opt.db === 'sqlite-memory' ? ':memory:' : opt.file || require('path').join(require('os').tmpdir(), `portico-bench-${process.pid}.sqlite`) };

const backend = createBackend({
  config: {
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { host: '127.0.0.1', port },
      database,
      auth: { externalAccess: [{ token, subject: 'bench' }] },
      // Speed is measured here, not the per-client limit of search and large queries.
      rateLimit: { routes: { expensive: false } },
    },
    catalog: {
      processingInterval: 'PT24H',
      maxFileBytes: 1024 * 1024 * 1024, // the generated file holds the whole organisation
      limits: { maxEntitiesPerFile: 10_000_000 },
      locations: [{ type: 'file', target: opt.entities }],
    },
  },
  handleSignals: true,
});
backend.add(benchCredentials(token));
backend.add(catalog);
backend.start().catch(error => {
  console.error(error);
  process.exit(1);
});
