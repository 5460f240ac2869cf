import { Client } from 'pg';
import { createTestDatabase, isPgReachable, testPgUrl } from '@portico/test-utils';

const { dropRunDatabases } = require('./testDatabaseRun') as { dropRunDatabases(runId: string | undefined): Promise<string[]> };

async function databasesLike(pattern: string): Promise<string[]> {
  const client = new Client({ connectionString: testPgUrl() });
  await client.connect();
  try {
    return (await client.query('select datname from pg_database where datname like $1', [pattern])).rows.map(r => r.datname);
  } finally {
    await client.end();
  }
}

describe("the run's test databases", () => {
  it('carry the id of the run that globalSetup gave this process', () => {
    expect(process.env.PORTICO_TEST_RUN_ID).toMatch(/^[0-9a-f]{8}$/);
  });

  it("are dropped at the end of the run when a suite left one behind, and only that run's", async () => {
    expect(isPgReachable()).toBe(true);
    const saved = process.env.PORTICO_TEST_RUN_ID;
    try {
      process.env.PORTICO_TEST_RUN_ID = 'feedbeef';
      const leftBehind = await createTestDatabase('pg'); // never destroyed: as a crashed suite would leave it
      process.env.PORTICO_TEST_RUN_ID = 'cafebabe';
      const otherRun = await createTestDatabase('pg');
      const name = (db: { config: { connection: string } }) => new URL(db.config.connection).pathname.slice(1);
      expect(name(leftBehind)).toMatch(/^portico_test_feedbeef_[0-9a-f]{12}$/);
      await leftBehind.knex.destroy();

      expect(await dropRunDatabases('feedbeef')).toEqual([name(leftBehind)]);
      expect(await databasesLike('portico_test_feedbeef_%')).toEqual([]);
      expect(await databasesLike(name(otherRun))).toEqual([name(otherRun)]);
      await otherRun.destroy();
      expect(await dropRunDatabases(undefined)).toEqual([]);
    } finally {
      process.env.PORTICO_TEST_RUN_ID = saved;
    }
  });
});
