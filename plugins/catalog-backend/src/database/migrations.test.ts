import knexFactory, { type Knex } from 'knex';
import { catalogMigrations, createDerivedIndexes, DERIVED_INDEXES, dropDerivedIndexes } from './migrations';

describe('derived indexes', () => {
  let knex: Knex;
  beforeAll(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
    for (const m of catalogMigrations) await m.up(knex);
  });
  afterAll(() => knex.destroy());

  const present = async () =>
    ((await knex.raw("SELECT name FROM sqlite_master WHERE type = 'index'")) as Array<{ name: string }>)
      .map(r => r.name)
      .filter(name => DERIVED_INDEXES.some(i => i.name === name));

  it('rebuilds every dropped index, letting the event loop run between them', async () => {
    await dropDerivedIndexes(knex);
    expect(await present()).toEqual([]);
    // what a request arriving during the rebuild would see: some indexes built, others not yet
    const built = new Set<string>();
    knex.on('query-response', (_response: unknown, query: { sql: string }) => {
      const m = /CREATE INDEX IF NOT EXISTS (\w+)/.exec(query.sql);
      if (m) built.add(m[1]);
    });
    const seen: number[] = [];
    let building = true;
    const watch = () => {
      if (!building) return;
      seen.push(built.size);
      setImmediate(watch);
    };
    setImmediate(watch);
    await createDerivedIndexes(knex);
    building = false;
    expect((await present()).sort()).toEqual(DERIVED_INDEXES.map(i => i.name).sort());
    // the event loop turned while some, but not all, indexes existed
    expect(seen.some(n => n > 0 && n < DERIVED_INDEXES.length)).toBe(true);
  });
});
