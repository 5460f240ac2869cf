import knexFactory, { type Knex } from 'knex';
import { createTestDatabase, isPgReachable, testPgUrl } from '@portico/test-utils';
import { startInstance, waitFor, type PorticoInstance } from './porticoInstance';
import { TcpProxy } from './tcpProxy';

jest.setTimeout(180_000);

if (!isPgReachable()) throw new Error('these tests break PostgreSQL connections, and PostgreSQL is unreachable');

/** Routes of the catalog (each reads the database on every call) and one the scorecards may answer from memory. */
const ROUTES = [
  '/api/catalog/entities/by-query?limit=5',
  '/api/catalog/entities/by-name/component/default/nothing-here',
  '/api/catalog/entities?limit=5',
  '/api/scorecards/scorecards',
];

async function readiness(instance: PorticoInstance) {
  const res = await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as { status: string; database?: { status: string } } };
}

/** What must hold while the database is away: the catalog's reads say 503 with Retry-After, nothing says 500. */
function expectUnavailable(seen: Array<{ route: string; status: number; retryAfter: string | null }>) {
  const wrong = seen.filter(r =>
    r.route.startsWith('/api/catalog/') ? r.status !== 503 || r.retryAfter === null : r.status >= 500 && (r.status !== 503 || r.retryAfter === null),
  );
  expect(wrong).toEqual([]);
}

/** Every route once, several times over: the statuses seen. */
async function probe(instance: PorticoInstance, rounds = 5) {
  const seen: Array<{ route: string; status: number; retryAfter: string | null }> = [];
  for (let i = 0; i < rounds; i++) {
    for (const route of ROUTES) {
      const res = await instance.call('GET', route);
      seen.push({ route, status: res.status, retryAfter: res.headers.get('retry-after') });
    }
  }
  return seen;
}

describe('an instance while PostgreSQL cannot be reached', () => {
  let instance: PorticoInstance | undefined;
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let admin: Knex | undefined;

  afterEach(async () => {
    await instance?.stop();
    instance = undefined;
    if (admin && db) {
      const name = new URL(db.config.connection).pathname.slice(1);
      await admin.raw('ALTER DATABASE ?? ALLOW_CONNECTIONS true', [name]).catch(() => undefined);
    }
    await admin?.destroy();
    admin = undefined;
    await db?.destroy();
    db = undefined;
  });

  it('says not ready and answers 503 with Retry-After while its database port is closed, then recovers by itself', async () => {
    db = await createTestDatabase('pg');
    const pg = new URL(testPgUrl());
    const proxy = new TcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    await proxy.open();
    try {
      const viaProxy = new URL(db.config.connection);
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      instance = await startInstance({ database: { client: 'pg', connection: viaProxy.toString() } });
      expect(await readiness(instance)).toMatchObject({ status: 200, body: { status: 'ready', database: { status: 'up' } } });
      expect((await probe(instance, 1)).map(r => r.status)).toEqual([200, 404, 200, 200]);

      await proxy.close();
      expect(await readiness(instance)).toMatchObject({ status: 503, body: { status: 'unavailable', database: { status: 'down' } } });
      expectUnavailable(await probe(instance));

      await proxy.open();
      await waitFor('ready again', async () => (await readiness(instance!)).status === 200);
      await waitFor('the API answers again', async () => (await probe(instance!, 1)).every(r => r.status < 500));
      expect((await probe(instance, 1)).map(r => r.status)).toEqual([200, 404, 200, 200]);
    } finally {
      await proxy.close();
    }
  });

  it('says not ready and answers 503 once every connection is terminated and new ones are refused, then recovers', async () => {
    db = await createTestDatabase('pg');
    const name = new URL(db.config.connection).pathname.slice(1);
    admin = knexFactory({ client: 'pg', connection: testPgUrl(), pool: { min: 0, max: 1 } });
    instance = await startInstance({ database: db.config });
    expect((await probe(instance, 1)).map(r => r.status)).toEqual([200, 404, 200, 200]);

    // a failover as the instance sees it: every session is cut and the database refuses new ones for a while
    await db.knex.destroy();
    await admin.raw('ALTER DATABASE ?? ALLOW_CONNECTIONS false', [name]);
    const { rows } = await admin.raw('SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = ?', [name]);
    expect(rows.length).toBeGreaterThan(0);

    expect(await readiness(instance)).toMatchObject({ status: 503, body: { status: 'unavailable', database: { status: 'down' } } });
    expectUnavailable(await probe(instance));

    await admin.raw('ALTER DATABASE ?? ALLOW_CONNECTIONS true', [name]);
    await waitFor('ready again', async () => (await readiness(instance!)).status === 200);
    await waitFor('the API answers again', async () => (await probe(instance!, 1)).every(r => r.status < 500));
    expect((await probe(instance, 1)).map(r => r.status)).toEqual([200, 404, 200, 200]);
  });
});
