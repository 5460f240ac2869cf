// jest globalSetup/globalTeardown: every PostgreSQL test database of a run carries the run's id in its name
// (portico_test_<run>_<random>, see packages/test-utils testDatabases.ts), so the end of the run can drop what a
// suite left behind (a crashed worker, a test that never reached its afterAll) without touching the databases of
// another run going on at the same time.
const crypto = require('crypto');

const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

function globalSetup() {
  process.env.PORTICO_TEST_RUN_ID ??= crypto.randomBytes(4).toString('hex');
}

/** Drops the databases of run `runId` still there; returns their names. PostgreSQL unreachable: nothing to do. */
async function dropRunDatabases(runId, url = process.env.PORTICO_TEST_PG_URL || DEFAULT_TEST_PG_URL) {
  if (!/^[0-9a-f]{8}$/.test(runId ?? '')) return [];
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch {
    return [];
  }
  try {
    const { rows } = await client.query('select datname from pg_database where datname like $1', [`portico_test_${runId}_%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    return rows.map(r => r.datname);
  } finally {
    await client.end();
  }
}

async function globalTeardown() {
  const dropped = await dropRunDatabases(process.env.PORTICO_TEST_RUN_ID);
  if (dropped.length) console.log(`\n[test databases] dropped ${dropped.length} PostgreSQL database(s) a suite left behind: ${dropped.join(', ')}`);
}

module.exports = { globalSetup, globalTeardown, dropRunDatabases };
