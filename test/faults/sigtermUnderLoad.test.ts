import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FakeGithub } from '../../plugins/github-backend/src/__testUtils__/FakeGithub';
import { DEFAULT_PLUGINS, startInstance, waitFor, type PorticoInstance } from '../instances/porticoInstance';

jest.setTimeout(60_000);

/** The host's grace period: SHUTDOWN_TIMEOUT_MS in packages/backend/src/wiring/BackendHost.ts. */
const GRACE_MS = 10_000;
const N = 500;
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

  it('finishes the requests in flight, refuses new connections, exits 0 within the grace period and leaves no half-written entities', async () => {
    await github.start();
    github.addRepo('acme', 'ledger', { description: 'The ledger', languages: { TypeScript: 1000 } });
    proxy = gate(github.url);
    const apiBaseUrl = await proxy.listen();
    fs.writeFileSync(
      path.join(dir, 'components.yaml'),
      Array.from(
        { length: N },
        (_, i) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-${i}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/team-${i % 10}\n`,
      ).join('---\n'),
    );
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

    // a multi-entity write under way: a location of 500 entities registered just before the signal
    const registered = await instance.call('POST', '/api/catalog/locations', { type: 'file', target: path.join(dir, 'components.yaml') });
    expect(registered.status).toBeLessThan(300);

    // requests known to be in flight: each waits on GitHub, which holds them
    proxy.hold();
    const inFlight = Array.from({ length: HELD }, () => instance.call('GET', '/api/github/repos/acme/ledger/summary?host=ghe.acme.test'));
    await waitFor('the summaries to reach GitHub', () => proxy.held() >= HELD, 20_000);

    const signalled = Date.now();
    instance.child.kill('SIGTERM');
    // new connections are refused while the held requests are still open
    await waitFor('new connections to be refused', () => refused(instance.port), GRACE_MS);
    proxy.release();
    const summaries = await Promise.all(inFlight);
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

    // after a restart, the 500 entities are there whole: each with its owner relation, none twice
    const again = await startInstance({ database: { client: 'better-sqlite3' }, dataDir: instance.dataDir, config });
    running.push(again);
    type Listed = { metadata: { name: string }; relations?: Array<{ type: string; targetRef: string }> };
    const components = async () => {
      const res = await again.call('GET', '/api/catalog/entities?filter=kind=component&fields=metadata.name,relations');
      return res.status === 200 ? (res.body as Listed[]).filter(e => e.metadata.name.startsWith('svc-')) : [];
    };
    let seen = 0;
    const all = await waitFor(`${N} components after the restart (seen so far: ${seen})`, async () => {
      const list = await components();
      seen = list.length;
      return list.length >= N ? list : undefined;
    }, 25_000).catch(async error => {
      throw new Error(`${(error as Error).message}; ${seen} seen; locations: ${JSON.stringify((await again.call('GET', '/api/catalog/locations')).body)}`);
    });
    expect(new Set(all.map(e => e.metadata.name)).size).toBe(N);
    const withoutOwner = all.filter(e => !e.relations?.some(r => r.type === 'ownedBy' && /^group:default\/team-\d$/.test(r.targetRef)));
    expect(withoutOwner.map(e => e.metadata.name)).toEqual([]);
  });
});
