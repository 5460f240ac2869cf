/**
 * Issue 20, replayed through the public HTTP API of a running portal (`portico start`, the default
 * app-config plus the GitHub plugin): each formerly bad input gets a 4xx or a failed step with a clear
 * reason, never hangs or crashes the server (a concurrent /healthz keeps answering within 1 s), never
 * reads or writes outside its roots and never reaches a loopback port. Each test prints how long the
 * refusal took.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const { startPortal } = require('../../scripts/lib/portal') as {
  startPortal(options: { config?: object; logDir?: string; dataDir?: string }): Promise<Portal>;
};
type Portal = { url: string; authorization: string; stop(): Promise<void>; kill(): Promise<void>; pid: number; dataDir: string };

const WEBHOOK_SECRET = 'hostile-webhook-secret';
const timings: Array<[string, number]> = [];

let portal: Portal;
let root: string;
let monitor: HealthMonitor;

/** Asks /healthz every 100 ms; remembers the slowest answer and every failure. */
class HealthMonitor {
  worstMs = 0;
  failures: string[] = [];
  private stopped = false;
  private loop: Promise<void>;
  constructor(private readonly url: string) {
    this.loop = this.run();
  }
  private async run() {
    while (!this.stopped) {
      const start = performance.now();
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (!res.ok) this.failures.push(`/healthz answered ${res.status}`);
        await res.arrayBuffer();
      } catch (error) {
        this.failures.push(`/healthz: ${(error as Error).message}`);
      }
      this.worstMs = Math.max(this.worstMs, performance.now() - start);
      await new Promise(r => setTimeout(r, 100));
    }
  }
  async stop() {
    this.stopped = true;
    await this.loop;
  }
}

async function call(method: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${portal.url}${route}`, {
    method,
    // The run's external access token: every plugin route is behind default deny.
    headers: { authorization: portal.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text };
}

/** Runs `fn`, records how long it took under `name`. */
async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings.push([name, performance.now() - start]);
  }
}

function template(name: string, steps: object[], extra: object = {}) {
  return { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name }, spec: { steps, ...extra } };
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-hostile-'));
  fs.mkdirSync(path.join(root, 'files'));
  fs.mkdirSync(path.join(root, 'repos'));
  portal = await startPortal({ logDir: 'artifacts/hostile', config: hostileConfig() });
  monitor = new HealthMonitor(portal.url);
}, 180_000);

function hostileConfig() {
  return {
    backend: {
      plugins: [
        '@portico/plugin-catalog-backend',
        '@portico/plugin-scorecards-backend',
        '@portico/plugin-scaffolder-backend',
        '@portico/plugin-github-backend',
        '@portico/example-backend',
      ],
    },
    integrations: {
      file: { roots: [path.join(root, 'files'), path.join(root, 'repos')] },
      // nothing listens on port 9: every GitHub call fails fast
      github: [{ host: 'github.com', token: 'hostile', apiBaseUrl: 'http://127.0.0.1:9' }],
    },
    github: { webhookSecret: WEBHOOK_SECRET },
    scaffolder: { git: { allowedRemotes: [`file://${path.join(root, 'repos')}/`] } },
  };
}

afterAll(async () => {
  await monitor?.stop();
  const alive = portal ? await fetch(`${portal.url}/healthz`).then(r => r.ok, () => false) : false;
  await portal?.stop();
  fs.rmSync(root, { recursive: true, force: true });
  console.log(
    ['how long each formerly bad input takes to be refused:', ...timings.map(([n, ms]) => `  ${ms.toFixed(0).padStart(6)} ms  ${n}`), `  worst /healthz while they ran: ${monitor?.worstMs.toFixed(0)} ms`].join('\n'),
  );
  expect(alive).toBe(true);
}, 60_000);

afterEach(() => {
  // the server answered its health check within 1 s through every test so far
  expect(monitor.failures).toEqual([]);
  expect(monitor.worstMs).toBeLessThan(1000);
});

describe('1. untrusted expressions cannot block the server', () => {
  it('fails a data:transform step whose JSONata recurses forever', async () => {
    const res = await timed('JSONata infinite recursion (dry run)', () =>
      call('POST', '/api/scaffolder/v2/dry-run', {
        template: template('recursion', [{ id: 't', action: 'data:transform', input: { expression: '($f := function($n){$f($n+1)}; $f(0))' } }]),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('failed');
    expect(JSON.stringify(res.body.error ?? res.body.steps)).toMatch(/limit|depth|stack/i);
  });

  it('fails a data:transform step that maps over five million items', async () => {
    const res = await timed('JSONata $map over 5,000,000 items (dry run)', () =>
      call('POST', '/api/scaffolder/v2/dry-run', {
        template: template('big-map', [{ id: 't', action: 'data:transform', input: { expression: '$count($map([1..5000000], function($v){ {"n": $v, "pair": [$v, $v * 2]} }))' } }]),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('failed');
    expect(JSON.stringify(res.body.error ?? res.body.steps)).toMatch(/limit/i);
  });

  it('fails a step whose template loops a hundred million times', async () => {
    const res = await timed('nunjucks loop of 10^8 (dry run)', () =>
      call('POST', '/api/scaffolder/v2/dry-run', {
        template: template('loop', [{ id: 'l', action: 'debug:log', input: { message: '{% for i in range(0, 100000000) %}${{ i }}{% endfor %}' } }]),
      }),
    );
    expect(res.status).toBeLessThan(500);
    if (res.status === 200) expect(res.body.status).toBe('failed');
  });
});

describe('2. keys that reach the prototype', () => {
  it('refuses an entity with __proto__, constructor or prototype keys, naming the path', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const entity = `{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"x"},"spec":{"type":"service","lifecycle":"production","owner":"group:default/a","deep":{"${key}":{"polluted":"yes"}}}}`;
      const res = await timed(`entity with a ${key} key (validate-entity)`, () =>
        call('POST', '/api/catalog/validate-entity', `{"entity":${entity},"location":"url:https://example.com/x.yaml"}`),
      );
      expect(res.status).toBe(400);
      expect(res.text).toContain(key);
    }
  });

  it('refuses such an entity in a registered file and keeps serving after a prototype projection', async () => {
    const file = path.join(root, 'files', 'proto.yaml');
    fs.writeFileSync(
      file,
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: proto-x }\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/a\n  __proto__: { polluted: yes }\n',
    );
    const dry = await call('POST', '/api/catalog/locations?dryRun=true', { type: 'file', target: file });
    expect(JSON.stringify(dry.body)).toMatch(/__proto__/);
    const projected = await call('GET', '/api/catalog/entities?filter=metadata.name=proto-x&fields=spec.__proto__.polluted');
    expect(projected.status).toBeLessThan(500);
    const after = await call('GET', '/api/catalog/entities?limit=1');
    expect(after.status).toBe(200);
    const metrics = await call('GET', '/metrics');
    expect(metrics.text).not.toContain('polluted');
  });
});

describe('3. YAML alias bombs', () => {
  const bomb = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
  ].join('\n');
  const doubled = ['x0: &x0 [lol, lol]', ...Array.from({ length: 60 }, (_, i) => `x${i + 1}: &x${i + 1} [*x${i}, *x${i}]`)].join('\n');

  for (const [name, text] of [
    ['a 9 x 8 alias bomb', `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: bomb\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/a\n  ${bomb.replace(/\n/g, '\n  ')}\n`],
    ['60 doubled aliases', `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: doubled\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/a\n  ${doubled.replace(/\n/g, '\n  ')}\n`],
  ] as const) {
    it(`refuses ${name} in a dry run and in a registration`, async () => {
      const file = path.join(root, 'files', `${name.replace(/\W+/g, '-')}.yaml`);
      fs.writeFileSync(file, text);
      const dry = await timed(`${name} (${text.length} bytes), dry run`, () => call('POST', '/api/catalog/locations?dryRun=true', { type: 'file', target: file }));
      expect(dry.status).toBeLessThan(500);
      expect(JSON.stringify(dry.body)).toMatch(/alias/i);
      const registered = await timed(`${name}, registration`, () => call('POST', '/api/catalog/locations', { type: 'file', target: file }));
      expect(registered.status).toBeLessThan(500);
      const entity = await call('GET', `/api/catalog/entities/by-name/component/default/${name.startsWith('a 9') ? 'bomb' : 'doubled'}`);
      expect(entity.status).toBe(404);
    });
  }
});

describe('4. deep JSON and bad paths', () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  for (const route of ['/api/scorecards/facts', '/api/scaffolder/v2/tasks', '/api/scaffolder/v2/dry-run']) {
    it(`answers 400 to 100,000 levels of nesting on ${route}`, async () => {
      const res = await timed(`100,000 nested arrays on ${route}`, () => call('POST', route, `{"a":${deep}}`));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/depth|nest/i);
    });
  }

  it('answers 400 to a NUL in a directoryContents path', async () => {
    const res = await timed('NUL in a directoryContents path', () =>
      call('POST', '/api/scaffolder/v2/dry-run', {
        template: template('nul', [{ id: 'l', action: 'debug:log', input: { message: 'x' } }]),
        directoryContents: [{ path: 'a\u0000b.txt', base64Content: '' }],
      }),
    );
    expect(res.status).toBe(400);
  });
});

describe('5. publish:git remotes', () => {
  const publish = (remoteUrl: string) =>
    call('POST', '/api/scaffolder/v2/dry-run', {
      template: template('publish', [
        { id: 'f', action: 'fs:write', input: { path: 'README.md', content: 'x' } },
        { id: 'p', action: 'publish:git', input: { remoteUrl } },
      ]),
    });

  it('refuses a file remote that climbs out of the allowed prefix', async () => {
    for (const target of ['../escape-dir/pwned', '%2e%2e/escape-dir/pwned']) {
      const res = await timed(`publish:git to repos/${target}`, () => publish(`file://${path.join(root, 'repos')}/${target}`));
      expect(res.status).toBeLessThan(500);
      if (res.status === 200) expect(res.body.status).toBe('failed');
      expect(fs.existsSync(path.join(root, 'escape-dir'))).toBe(false);
    }
  });

  it('never connects to a loopback port through an http or ssh remote', async () => {
    const connections: net.Socket[] = [];
    const server = net.createServer(socket => {
      connections.push(socket);
      socket.destroy();
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as net.AddressInfo;
    try {
      for (const remote of [`http://127.0.0.1:${port}/x.git`, `ssh://git@127.0.0.1:${port}/x.git`, `http://localhost:${port}/x.git`]) {
        const res = await timed(`publish:git to ${remote.split(':')[0]} loopback`, () => publish(remote));
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) expect(res.body.status).toBe('failed');
      }
      expect(connections).toHaveLength(0);
    } finally {
      server.close();
    }
  });
});

async function waitForRun(id: string) {
  for (;;) {
    const task = await call('GET', `/api/scaffolder/v2/tasks/${id}`);
    if (['completed', 'failed', 'cancelled'].includes(task.body.status)) return task;
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('6. YAML injection through a template', () => {
  it('registers only the entity the example template creates', async () => {
    const injected = '\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: hostile-injected }\nspec: { type: service, lifecycle: production, owner: group:default/platform }\n';
    const created = await call('POST', '/api/scaffolder/v2/tasks', {
      templateRef: 'template:default/new-node-service',
      values: {
        name: 'hostile-svc',
        owner: `group:default/platform${injected}`,
        description: `"quoted" ${injected}`,
        repoLocation: `file://${path.join(root, 'repos')}`,
      },
    });
    expect(created.status).toBe(201);
    const run = await timed('YAML injection through owner and description (real run)', () => waitForRun(created.body.id));
    expect(['completed', 'failed']).toContain(run.body.status);
    const extra = await call('GET', '/api/catalog/entities/by-name/component/default/hostile-injected');
    expect(extra.status).toBe(404);
    const written = fs.readFileSync(path.join(root, 'repos', 'hostile-svc', 'catalog-info.yaml'), 'utf8');
    expect(written).not.toMatch(/^---$/m);
  });
});

describe('7. symlinks out of a skeleton', () => {
  it('refuses a skeleton whose directory links outside its root', async () => {
    const skeleton = path.join(root, 'files', 'tpl', 'skeleton');
    fs.mkdirSync(skeleton, { recursive: true });
    fs.writeFileSync(path.join(skeleton, 'README.md'), 'hi');
    fs.symlinkSync('/etc', path.join(skeleton, 'etc'));
    const tplFile = path.join(root, 'files', 'tpl', 'template.yaml');
    fs.writeFileSync(
      tplFile,
      [
        'apiVersion: scaffolder.backstage.io/v1beta3',
        'kind: Template',
        'metadata: { name: hostile-symlink, title: Symlink }',
        'spec:',
        '  owner: group:default/a',
        '  type: service',
        '  steps:',
        '    - { id: fetch, action: fetch:plain, input: { url: ./skeleton } }',
        '',
      ].join('\n'),
    );
    const location = await call('POST', '/api/catalog/locations', { type: 'file', target: tplFile });
    expect(location.status).toBe(201);
    // wait for the template to appear in the catalog
    let tpl: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const res = await call('GET', '/api/catalog/entities/by-name/template/default/hostile-symlink');
      if (res.status === 200) {
        tpl = res.body;
        break;
      }
      await new Promise(r => setTimeout(r, 200));
    }
    expect(tpl).toBeDefined();
    const created = await call('POST', '/api/scaffolder/v2/tasks', { templateRef: 'template:default/hostile-symlink', values: {} });
    expect(created.status).toBe(201);
    const res = await timed('fetch:plain through a symlink to /etc (real run)', () => waitForRun(created.body.id));
    expect(res.body.status).toBe('failed');
    expect(JSON.stringify(res.body)).toMatch(/outside|symlink|link/i);
    const events = await call('GET', `/api/scaffolder/v2/tasks/${res.body.id}/events`);
    expect(events.text).not.toContain('root:');
  });
});

describe('8. GitHub webhooks', () => {
  const sign = (raw: string) => `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(raw).digest('hex')}`;
  const deliver = (raw: string, delivery: string, signature = sign(raw)) =>
    call('POST', '/api/github/webhooks', raw, {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signature,
    });

  it('verifies the bytes received, not what they parse to', async () => {
    const res = await timed('non-JSON webhook body signed as "{}"', () => deliver('not json', randomUUID(), sign('{}')));
    expect([400, 401]).toContain(res.status);
    const signed = await deliver('not json', randomUUID(), sign('not json'));
    expect(signed.status).toBe(400);
  });

  it('answers a replayed delivery id without processing it again', async () => {
    const raw = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const id = randomUUID();
    const first = await deliver(raw, id);
    expect(first.status).toBe(202);
    const again = await timed('replayed X-GitHub-Delivery', () => deliver(raw, id));
    expect(again.status).toBe(200);
  });
});

describe('11. errors name no internals', () => {
  it('carries a request id on every error body', async () => {
    const res = await call('GET', '/api/catalog/entities/by-name/component/default/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.body.error.requestId).toEqual(expect.any(String));
  });
});

describe('1. a run that keeps killing its instance', () => {
  it('is quarantined after its instance was killed twice, not handed back for ever', async () => {
    const config = { ...hostileConfig(), scaffolder: { ...hostileConfig().scaffolder, staleAfter: 'PT2S', heartbeatInterval: 'PT0.5S', pollInterval: 'PT0.2S' } };
    const tplFile = path.join(root, 'files', 'crash-template.yaml');
    fs.writeFileSync(
      tplFile,
      [
        'apiVersion: scaffolder.backstage.io/v1beta3',
        'kind: Template',
        'metadata: { name: hostile-crash, title: Crash }',
        'spec:',
        '  owner: group:default/platform',
        '  type: service',
        '  steps:',
        '    - { id: hold, action: debug:wait, input: { minutes: 10 } }',
        '',
      ].join('\n'),
    );
    let instance: Portal = await startPortal({ logDir: 'artifacts/hostile-crash', config });
    const dataDir = instance.dataDir;
    const auth = () => ({ authorization: instance.authorization });
    const get = async (route: string) => (await fetch(`${instance.url}${route}`, { headers: auth() })).json();
    const until = async <T>(what: string, check: () => Promise<T | undefined>): Promise<T> => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise(r => setTimeout(r, 100));
      }
    };
    try {
      const location = await fetch(`${instance.url}/api/catalog/locations`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ type: 'file', target: tplFile }) });
      expect(location.status).toBe(201);
      await until('the template in the catalog', async () => ((await fetch(`${instance.url}/api/catalog/entities/by-name/template/default/hostile-crash`, { headers: auth() })).ok ? true : undefined));
      const created = await fetch(`${instance.url}/api/scaffolder/v2/tasks`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ templateRef: 'template:default/hostile-crash', values: {} }) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      // Held by a live worker: a heartbeat after the last kill. Right after a restart the row still shows
      // the dead worker's 'processing' until the new instance finds it stale, and killing then would not
      // count as a second lost claim.
      let killedAt = 0;
      const holding = async () => {
        const task = await get(`/api/scaffolder/v2/tasks/${id}`);
        const live = Date.parse(task.lastHeartbeatAt ?? '') > killedAt;
        return live && task.status === 'processing' && task.steps?.some((st: { status: string }) => st.status === 'processing') ? true : undefined;
      };
      for (let crash = 1; crash <= 2; crash++) {
        await until(`the run holding its step before crash ${crash}`, holding);
        await instance.kill();
        killedAt = Date.now();
        instance = await startPortal({ logDir: 'artifacts/hostile-crash', config, dataDir });
      }
      const task = await until('the run to be quarantined', async () => {
        const t = await get(`/api/scaffolder/v2/tasks/${id}`);
        return ['failed', 'completed', 'cancelled'].includes(t.status) ? t : undefined;
      });
      expect(task.status).toBe('failed');
      expect(JSON.stringify(task.error)).toMatch(/quarantined/);
    } finally {
      await instance.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
