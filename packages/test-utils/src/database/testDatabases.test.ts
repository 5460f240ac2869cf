import { createTestDatabase, describeEachDatabase, eachDatabase, isPgReachable } from './testDatabases';

describeEachDatabase('describeEachDatabase', db => {
  it('hands the body a working knex for its engine', async () => {
    await db.knex.schema.createTable('things', t => {
      t.string('id').primary();
    });
    await db.knex('things').insert({ id: 'a' });
    expect(await db.knex('things').select('id')).toEqual([{ id: 'a' }]);
    expect(db.config.client).toBe(db.engine === 'pg' ? 'pg' : 'better-sqlite3');
  });

  it('keeps the database for the whole block', async () => {
    expect(await db.knex('things').count({ n: '*' })).toEqual([{ n: db.engine === 'pg' ? '1' : 1 }]);
  });
});

describe('eachDatabase', () => {
  it('runs the body once per reachable engine, each in a fresh database', async () => {
    const seen: string[] = [];
    await eachDatabase(async ({ engine, knex, config }) => {
      seen.push(engine);
      expect(await knex.schema.hasTable('things')).toBe(false);
      await knex.schema.createTable('things', t => t.increments('id'));
      if (engine === 'pg') expect(config.connection).toMatch(/\/portico_test_([0-9a-f]{8}_)?[0-9a-f]{12}$/);
      else expect(config.connection).toBe(':memory:');
    });
    expect(seen).toEqual(isPgReachable() ? ['sqlite', 'pg'] : ['sqlite']);
  });

  it('drops the PostgreSQL database afterwards', async () => {
    if (!isPgReachable()) return;
    const db = await createTestDatabase('pg');
    const name = new URL(db.config.connection).pathname.slice(1);
    await db.destroy();
    const { Client } = await import('pg');
    const client = new Client({ connectionString: process.env.PORTICO_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test' });
    await client.connect();
    const { rows } = await client.query('select 1 from pg_database where datname = $1', [name]);
    await client.end();
    expect(rows).toHaveLength(0);
  });
});

describe('when PostgreSQL is unreachable', () => {
  const saved = { url: process.env.PORTICO_TEST_PG_URL, require: process.env.PORTICO_REQUIRE_PG };
  afterEach(() => {
    process.env.PORTICO_TEST_PG_URL = saved.url;
    process.env.PORTICO_REQUIRE_PG = saved.require;
    if (saved.url === undefined) delete process.env.PORTICO_TEST_PG_URL;
    if (saved.require === undefined) delete process.env.PORTICO_REQUIRE_PG;
  });

  function freshModule(): typeof import('./testDatabases') {
    let mod!: typeof import('./testDatabases');
    jest.isolateModules(() => {
      mod = jest.requireActual('./testDatabases');
    });
    return mod;
  }

  it('skips the PostgreSQL run with a warning', async () => {
    process.env.PORTICO_TEST_PG_URL = 'postgres://postgres@127.0.0.1:1/test';
    delete process.env.PORTICO_REQUIRE_PG;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const mod = freshModule();
      const seen: string[] = [];
      await mod.eachDatabase(({ engine }) => void seen.push(engine));
      expect(seen).toEqual(['sqlite']);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('PostgreSQL unreachable at postgres://postgres@127.0.0.1:1/test'));
    } finally {
      warn.mockRestore();
    }
  });

  it('fails instead with PORTICO_REQUIRE_PG=1', async () => {
    process.env.PORTICO_TEST_PG_URL = 'postgres://postgres@127.0.0.1:1/test';
    process.env.PORTICO_REQUIRE_PG = '1';
    const mod = freshModule();
    await expect(mod.eachDatabase(() => undefined)).rejects.toThrow(/PostgreSQL is required \(PORTICO_REQUIRE_PG=1\) but unreachable/);
  });
});
