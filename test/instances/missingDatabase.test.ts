import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { isPgReachable, testPgUrl } from '@portico/test-utils';
import { spawnInstance, startInstance } from './porticoInstance';

jest.setTimeout(120_000);

if (!isPgReachable()) throw new Error('these tests start instances on PostgreSQL, which is unreachable');

describe('portico start on a PostgreSQL database that does not exist', () => {
  const name = `portico_missing_${randomBytes(5).toString('hex')}`;
  const connection = (() => {
    const url = new URL(testPgUrl());
    url.pathname = `/${name}`;
    return url.toString();
  })();
  const admin = knexFactory({ client: 'pg', connection: testPgUrl(), pool: { min: 0, max: 1 } });
  afterAll(async () => {
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
    await admin.destroy();
  });

  it('stops with one message naming the database and what to do, without a stack trace', async () => {
    const instance = await spawnInstance({ database: { client: 'pg', connection } });
    expect(await instance.exited).toBe(1);
    const output = instance.output();
    const said = `The PostgreSQL database '${name}' named in backend.database.connection does not exist`;
    expect(output).toContain('portico start failed');
    // said once (the host's log line), and the CLI's own line points to it instead of repeating it
    expect(output.split(said).length - 1).toBe(1);
    expect(output.split('\n').filter(l => l.includes('Backend failed to start: ')).join('\n')).toContain(said);
    // the plugins the start never reached are named on one line, not one line each
    expect(output).toMatch(/Not started \(the start stopped first\): /);
    expect(output).not.toContain('startup was aborted before its init ran');
    expect(output).toContain(`createdb -h ${new URL(connection).hostname}`);
    expect(output).toContain('backend.database.ensureExists: true');
    expect(output).not.toMatch(/^\s+at /m);
    // said by the host before any plugin opened the database, not once per plugin
    expect(output.split('\n').filter(l => l.includes(said)).every(l => !/Plugin '/.test(l))).toBe(true);
    const { rows } = await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
    expect(rows).toEqual([]);
  });

  it('creates it and starts with backend.database.ensureExists: true', async () => {
    const instance = await startInstance({ database: { client: 'pg', connection, ensureExists: true } });
    try {
      expect(instance.output()).toContain(`Created the PostgreSQL database '${name}'`);
      expect((await instance.call('GET', '/api/catalog/entities?limit=1')).status).toBe(200);
    } finally {
      await instance.stop();
    }
  });
});
