import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PLUGINS, startInstance, waitFor, type PorticoInstance } from '../instances/porticoInstance';

jest.setTimeout(60_000);

/** Summary requests fired at once at the portal, each needing the hanging GitHub. */
const BURST = 40;
/** What the portal may have open towards one GitHub host at a time (octokit's throttling: 10 concurrent). */
/** A request that needs GitHub is answered (with a timeout error) within this; GitHub's own timeout is shorter. */
const ANSWER_WITHIN_MS = 15_000;
const MAX_UPSTREAM_CONNECTIONS = 10;

/** A "GitHub" that accepts connections, reads the requests and never answers. */
function hangingServer() {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let mostAtOnce = 0;
  const server = net.createServer(socket => {
    accepted++;
    sockets.add(socket);
    mostAtOnce = Math.max(mostAtOnce, sockets.size);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    async listen(): Promise<number> {
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as net.AddressInfo).port;
    },
    stats: () => ({ accepted, open: sockets.size, mostAtOnce }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

describe('a vendor API that hangs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-hang-'));
  const github = hangingServer();
  let instance: PorticoInstance | undefined;

  afterAll(async () => {
    await instance?.kill();
    await github.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (instance) fs.rmSync(instance.dataDir, { recursive: true, force: true });
  });

  it('times out the GitHub requests, keeps them bounded, and the catalog keeps answering meanwhile', async () => {
    const port = await github.listen();
    fs.writeFileSync(
      path.join(dir, 'ledger.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\n  annotations:\n    github.com/project-slug: acme/ledger\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments\n',
    );
    instance = await startInstance({
      database: { client: 'better-sqlite3' },
      config: {
        backend: { plugins: [...DEFAULT_PLUGINS, '@portico/plugin-github-backend'] },
        integrations: { github: [{ host: 'ghe.hang.test', apiBaseUrl: `http://127.0.0.1:${port}/api/v3`, token: 'ghp_hanging' }] },
        catalog: { locations: [{ type: 'file', target: path.join(dir, 'ledger.yaml') }] },
      },
    });
    const byName = '/api/catalog/entities/by-name/component/default/ledger';
    await waitFor('the catalog entity', async () => (await instance!.call('GET', byName)).status === 200);

    const { url } = instance;
    const started = Date.now();
    const summaries = Array.from({ length: BURST }, async () => {
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS)));
      try {
        const res = await Promise.race([instance!.call('GET', '/api/github/repos/acme/ledger/summary?host=ghe.hang.test'), gaveUp]);
        return { status: res.status, message: String(res.body?.error?.message ?? ''), seconds: (Date.now() - started) / 1000 };
      } catch (error) {
        return { status: 0, message: (error as Error).message, seconds: (Date.now() - started) / 1000 };
      } finally {
        clearTimeout(timer);
      }
    });
    await waitFor('the portal to reach the hanging GitHub', () => github.stats().accepted > 0, 20_000);

    // the rest of the portal is unaffected while the GitHub requests hang
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = Date.now();
      const res = await instance.call('GET', byName);
      latencies.push(Date.now() - t);
      expect(res.status).toBe(200);
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const answers = await Promise.all(summaries);
    const stats = github.stats();
    console.log(
      `hanging GitHub: ${BURST} summary requests answered ${[...new Set(answers.map(a => a.status))].join('/')} after ` +
        `${Math.min(...answers.map(a => a.seconds)).toFixed(1)}-${Math.max(...answers.map(a => a.seconds)).toFixed(1)} s; ` +
        `upstream connections ${stats.accepted} (at most ${stats.mostAtOnce} at once); catalog by-name while hanging: ` +
        `worst ${Math.max(...latencies)} ms, median ${latencies.sort((a, b) => a - b)[10]} ms; ${[...new Set(answers.map(a => a.message))].join(' / ')}`,
    );
    // each request ends with a timeout error naming GitHub, not a hang and not a 500
    for (const answer of answers) {
      expect(answer.message).not.toMatch(/^no answer/);
      expect(answer.status).toBeGreaterThanOrEqual(502);
      expect(answer.status).toBeLessThanOrEqual(504);
      expect(answer.message).toMatch(/GitHub|ghe\.hang\.test/i);
    }
    // no pile-up: the requests wait their turn instead of each opening a connection
    expect(stats.mostAtOnce).toBeLessThanOrEqual(MAX_UPSTREAM_CONNECTIONS);
    // the process is still healthy and answers
    expect((await instance.call('GET', byName)).status).toBe(200);
  });
});
