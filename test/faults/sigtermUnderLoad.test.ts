import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { FakeGithub } from '../../plugins/github-backend/src/__testUtils__/FakeGithub';
import { DEFAULT_PLUGINS, startInstance, waitFor, type PorticoInstance } from '../instances/porticoInstance';

jest.setTimeout(60_000);

/** The host's grace period: SHUTDOWN_TIMEOUT_MS in packages/backend/src/wiring/BackendHost.ts. */
const GRACE_MS = 10_000;
const N = 1_000;
const HELD = 4;

/**
 * An HTTP proxy in front of the fake GitHub that holds every request until `release()`: the portal's requests
 * that need GitHub are then known to be in flight.
 */
function gate(target: string) {
  let open = true;
  const waiting: Array<() => void> = [];
  let held = 0;
  const server = http.createServer((req, res) => {
    const forward = () => {
      const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (open) return forward();
    held++;
    waiting.push(forward);
  });
  return {
    async listen(): Promise<string> {
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    },
    hold: () => void (open = false),
    held: () => held,
    release() {
      open = true;
      for (const forward of waiting.splice(0)) forward();
    },
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

/** Whether a new TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', error => resolve((error as NodeJS.ErrnoException).code === 'ECONNREFUSED'));
  });
}

describe('SIGTERM under load', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-sigterm-'));
  const github = new FakeGithub();
  let proxy: ReturnType<typeof gate>;
  const running: PorticoInstance[] = [];

  afterAll(async () => {
    await Promise.all(running.map(i => i.kill()));
    await proxy?.close();
    await github.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    if (running[0]) fs.rmSync(running[0].dataDir, { recursive: true, force: true });
  });

  it('finishes the requests in flight, refuses new connections, exits 0 within the grace period and leaves no half-written entity', async () => {
    await github.start();
    const components = Array.from(
      { length: N },
      (_, i) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-${i}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-${i % 10}\n`,
    ).join('---\n');
    github.addRepo('acme', 'ledger', { description: 'The ledger', languages: { TypeScript: 1000 }, files: { 'catalog-info.yaml': components } });
    proxy = gate(github.url);
    const apiBaseUrl = await proxy.listen();
    fs.writeFileSync(path.join(dir, 'ledger.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments\n');
    const config = {
      backend: { plugins: [...DEFAULT_PLUGINS, '@portico/plugin-github-backend'] },
      integrations: { file: { roots: [dir] }, github: [{ host: 'ghe.acme.test', apiBaseUrl, token: 'ghp_sigterm' }] },
      catalog: { locations: [{ type: 'file', target: path.join(dir, 'ledger.yaml') }] },
    };
    const instance = await startInstance({ database: { client: 'better-sqlite3' }, config });
    running.push(instance);
    const byName = '/api/catalog/entities/by-name/component/default/ledger';
    await waitFor('the catalog entity', async () => (await instance.call('GET', byName)).status === 200);

    // load: by-name requests from 4 clients until the process has gone
    const answered: number[] = [];
    const failures: string[] = [];
    let loading = true;
    const load = Array.from({ length: 4 }, async () => {
      while (loading) {
        try {
          answered.push((await instance.call('GET', byName)).status);
        } catch (error) {
          failures.push(String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message));
          if (instance.child.exitCode !== null) return;
        }
      }
    });

    // requests known to be in flight: each waits on GitHub, which holds them
    proxy.hold();
    const inFlight = Array.from({ length: HELD }, () => instance.call('GET', '/api/github/repos/acme/ledger/summary?host=ghe.acme.test'));
    // (views of one repository at the same time share one read of its summary: one request reaches GitHub)
    await waitFor('the summaries to reach GitHub', () => proxy.held() >= 1, 20_000);
    const heldForSummaries = proxy.held();
    // a multi-entity write under way when the signal comes: a location of 1,000 entities being registered, its
    // file read through GitHub (held too)
    const registering = instance.call('POST', '/api/catalog/locations', { type: 'url', target: 'https://ghe.acme.test/acme/ledger/blob/main/catalog-info.yaml' });
    await waitFor('the registration to reach GitHub', () => proxy.held() > heldForSummaries, 20_000);

    const signalled = Date.now();
    instance.child.kill('SIGTERM');
    // new connections are refused while the held requests are still open
    await waitFor('new connections to be refused', () => refused(instance.port), GRACE_MS);
    proxy.release();
    const summaries = await Promise.all(inFlight);
    const registered = await registering;
    console.log(`SIGTERM: the registration in flight answered ${registered.status}`);
    expect(registered.status).toBeLessThan(300);
    expect(summaries.map(s => s.status)).toEqual(Array(HELD).fill(200));
    expect(summaries[0].body).toMatchObject({ description: 'The ledger' });

    const code = await instance.exited;
    const stoppedIn = Date.now() - signalled;
    loading = false;
    await Promise.all(load);
    console.log(
      `SIGTERM: exit ${code} after ${stoppedIn} ms; ${answered.length} by-name answers (${[...new Set(answered)].join('/')}), ` +
        `${failures.length} refused or closed connections (${[...new Set(failures)].join(', ')})`,
    );
    expect(code).toBe(0);
    expect(stoppedIn).toBeLessThan(GRACE_MS);
    // every request that got an answer got a good one: none was cut off with a 5xx
    expect(answered.filter(status => status !== 200)).toEqual([]);
    expect(failures.every(f => /ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|other side closed|fetch failed/i.test(f))).toBe(true);

    // nothing half-written: every component of the location that was committed has its owner relation and its
    // search rows, and the location itself is stored, so the next start finishes reading it
    const db = knex({ client: 'better-sqlite3', connection: { filename: path.join(instance.dataDir, 'catalog.sqlite'), options: { readonly: true } }, useNullAsDefault: true });
    try {
      const written = await db('catalog_entities').where('name', 'like', 'svc-%').select('eid', 'entity_ref');
      const owned = new Set(await db('catalog_relations').where({ type: 'ownedBy' }).andWhere('source_ref', 'like', 'component:default/svc-%').pluck('source_ref'));
      const indexed = new Set((await db('catalog_search').whereIn('entity_id', written.map(e => e.eid)).distinct('entity_id').pluck('entity_id')).map(Number));
      console.log(`SIGTERM: ${written.length} of the location's ${N} components were committed before the exit`);
      expect(written.filter(e => !owned.has(e.entity_ref)).map(e => e.entity_ref)).toEqual([]);
      expect(written.filter(e => !indexed.has(Number(e.eid))).map(e => e.entity_ref)).toEqual([]);
      expect(JSON.stringify(await db('catalog_locations').select())).toContain('catalog-info.yaml');
      expect(written).toHaveLength(N);
    } finally {
      await db.destroy();
    }
  });
});
