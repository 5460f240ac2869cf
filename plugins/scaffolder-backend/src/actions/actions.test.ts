import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { z } from 'zod';
import { createTestEngine, fileReadingCatalog, guest, template, waitForStatus } from '../__testUtils__/engineTestHarness';
import { createTemplateAction } from '../extensions';
import { checkGitRemote } from '../service/checkGitRemote';
import { isPrivateAddress } from '../service/guardedRequest';
import { DefaultSkeletonReader } from '../service/SkeletonReader';

const fixtures = path.join(__dirname, '..', '__fixtures__', 'templates');
const baseUrl = pathToFileURL(path.join(fixtures, 'template.yaml')).toString();

describe('built-in actions', () => {
  let knex: Knex;
  let server: http.Server;
  let port = 0;
  const received: Array<{ method?: string; url?: string; body: string; headers: http.IncomingHttpHeaders }> = [];

  beforeAll(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, body, headers: req.headers });
        if (req.url === '/fail') {
          res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, echo: body ? JSON.parse(body) : null }));
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await knex.destroy();
    await new Promise(r => server.close(r));
  });

  let migrated = false;
  async function engine(options: Parameters<typeof createTestEngine>[1] = {}) {
    const e = await createTestEngine({ knex, engine: 'sqlite' }, { migrate: !migrated, ...options });
    migrated = true;
    return e;
  }

  async function runOnce(e: Awaited<ReturnType<typeof engine>>, name: string, values = {}) {
    await e.worker.start();
    try {
      const { id } = await e.service.createTask({ templateRef: name, values }, guest);
      await waitForStatus(e, id, ['completed', 'failed']);
      return e.service.getTask(id);
    } finally {
      await e.worker.stop();
    }
  }

  describe('http:request', () => {
    it('sends a request to a listed host and outputs the parsed answer', async () => {
      const e = await engine({
        http: { allowedHosts: [`127.0.0.1:${port}`] },
        templates: [template('call', [{ id: 'call', action: 'http:request', input: { method: 'POST', url: `http://127.0.0.1:${port}/grant`, headers: { 'x-req': 'yes' }, body: { db: '${{ parameters.db }}' } } }])],
      });
      const task = await runOnce(e, 'call', { db: 'orders' });
      expect(task.error).toBeUndefined();
      expect(task.steps?.[0].output).toMatchObject({ code: 200, body: { ok: true, echo: { db: 'orders' } } });
      expect(received.at(-1)).toMatchObject({ method: 'POST', url: '/grant', headers: expect.objectContaining({ 'x-req': 'yes', 'content-type': 'application/json' }) });
    });

    it.each([
      [[], `http://127.0.0.1:PORT/x`, /not in scaffolder.http.allowedHosts/],
      [['*'], `http://127.0.0.1:PORT/x`, /private or loopback address 127.0.0.1/],
      [['*'], `http://localhost:PORT/x`, /private or loopback address/],
      [['*.internal.example'], `http://localhost:PORT/x`, /not in scaffolder.http.allowedHosts/],
      [['127.0.0.1:1'], `http://127.0.0.1:PORT/x`, /not in scaffolder.http.allowedHosts/],
      [['*'], `file:///etc/passwd`, /Only http and https/],
    ])('refuses %j -> %s', async (allowedHosts, url, error) => {
      const e = await engine({
        http: { allowedHosts: allowedHosts as string[] },
        templates: [template('refused', [{ id: 'call', action: 'http:request', input: { url: url.replace('PORT', String(port)) } }])],
      });
      const before = received.length;
      const task = await runOnce(e, 'refused');
      expect(task.status).toBe('failed');
      expect(task.error).toMatch(error);
      expect(received.length).toBe(before);
    });

    it('fails the step on an error answer unless told to continue', async () => {
      const e = await engine({
        http: { allowedHosts: [`localhost:${port}`] },
        templates: [
          template('fails', [{ id: 'call', action: 'http:request', input: { url: `http://localhost:${port}/fail` } }]),
          template('continues', [{ id: 'call', action: 'http:request', input: { url: `http://localhost:${port}/fail`, continueOnBadResponse: true } }]),
        ],
      });
      expect((await runOnce(e, 'fails')).error).toMatch(/answered 500: boom/);
      expect((await runOnce(e, 'continues')).steps?.[0].output).toMatchObject({ code: 500, body: 'boom' });
    });

    it('classifies private addresses', () => {
      for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '100.64.0.1']) {
        expect([a, isPrivateAddress(a)]).toEqual([a, true]);
      }
      for (const a of ['8.8.8.8', '140.82.112.3', '2606:4700::1111']) expect([a, isPrivateAddress(a)]).toEqual([a, false]);
    });
  });

  it('notify:slack posts the message to the incoming webhook', async () => {
    const e = await engine({
      http: { allowedHosts: [`127.0.0.1:${port}`] },
      slackWebhookUrl: `http://127.0.0.1:${port}/services/T000/B000/XXX`,
      templates: [template('slack', [{ id: 'notify', action: 'notify:slack', input: { text: 'Access granted to ${{ parameters.who }}' } }])],
    });
    const task = await runOnce(e, 'slack', { who: 'jane' });
    expect(task.status).toBe('completed');
    expect(received.at(-1)).toMatchObject({ method: 'POST', url: '/services/T000/B000/XXX' });
    expect(JSON.parse(received.at(-1)!.body)).toEqual({ text: 'Access granted to jane' });
  });

  it('fetch:template renders a skeleton, publish:git pushes it to a bare repository, catalog:register registers it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolder-git-'));
    const bare = path.join(dir, 'svc.git');
    execFileSync('git', ['init', '--quiet', '--bare', bare]);
    const remoteUrl = pathToFileURL(bare).toString();
    const e = await engine({
      baseUrl,
      git: { allowedRemotes: [pathToFileURL(dir).toString()] },
      templates: [
        template('node', [
          { id: 'fetch', action: 'fetch:template', input: { url: './skeleton', targetPath: 'out', values: { name: '${{ parameters.name }}', owner: 'team-a', description: 'Says <hi> & bye' } } },
          { id: 'publish', action: 'publish:git', input: { remoteUrl, sourcePath: 'out', commitMessage: 'Create ${{ parameters.name }}' } },
          { id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.remoteUrl }}', catalogInfoPath: '/catalog-info.yaml' } },
        ], { output: { links: [{ title: 'Repository', url: '${{ steps.publish.output.remoteUrl }}' }, { title: 'In catalog', entityRef: '${{ steps.register.output.entityRef }}' }] } }),
      ],
    });
    const task = await runOnce(e, 'node', { name: 'payments' });
    expect(task.error).toBeUndefined();
    const git = (...args: string[]) => execFileSync('git', ['--git-dir', bare, ...args], { encoding: 'utf8' }).trim();
    expect(git('log', '--format=%s', 'main')).toBe('Create payments');
    expect(git('ls-tree', '-r', '--name-only', 'main').split('\n').sort()).toEqual(['catalog-info.yaml', 'package.json', 'src/payments.js']);
    expect(JSON.parse(git('show', 'main:package.json'))).toEqual({ name: 'payments', description: 'Says <hi> & bye' });
    expect(git('show', 'main:catalog-info.yaml')).toContain('name: payments');
    expect(e.registered).toEqual([`${remoteUrl}/catalog-info.yaml`]);
    expect(task.output).toEqual({ links: [{ title: 'Repository', url: remoteUrl }, { title: 'In catalog', entityRef: 'component:default/new-service' }] });
    expect(task.steps?.[1].output).toMatchObject({ branch: 'main', commitHash: expect.stringMatching(/^[0-9a-f]{40}$/) });
  });

  it('publish:git refuses remotes that are not allowed', async () => {
    await expect(checkGitRemote('ext::sh -c touch% /tmp/pwned', [])).rejects.toThrow(/remote helpers/);
    await expect(checkGitRemote('fd::17', ['fd::'])).rejects.toThrow(/remote helpers/);
    await expect(checkGitRemote('file:///srv/git/x.git', [])).rejects.toThrow(/not inside a directory listed/);
    await expect(checkGitRemote('--upload-pack=evil', ['--'])).rejects.toThrow(/must not start with '-'/);
    await expect(checkGitRemote('ssh://-oProxyCommand=evil/x', [])).rejects.toThrow(/not a valid host name/);
    await expect(checkGitRemote('ssh://git@evil.example@127.0.0.1/x', [])).rejects.toThrow(/only https, http, ssh/);
    await expect(checkGitRemote('https://git.example.com/a b.git', [])).rejects.toThrow(/whitespace/);
    await expect(checkGitRemote('relative/repo.git', [])).rejects.toThrow(/only https, http, ssh/);
    await expect(checkGitRemote('https://140.82.112.3/a/b.git', [])).resolves.toMatchObject({ transport: 'https', pinned: { host: '140.82.112.3', port: 443 } });
    await expect(checkGitRemote('git@140.82.112.3:a/b.git', [])).resolves.toMatchObject({ transport: 'ssh', pinned: { port: 22 } });
    await expect(checkGitRemote('file:///srv/git/x.git', ['file:///srv/git/'])).resolves.toMatchObject({ transport: 'file', url: 'file:///srv/git/x.git' });
  });

  describe('publish:git remotes', () => {
    let dir: string;
    let repos: string;
    beforeAll(() => {
      dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolder-remotes-')));
      repos = path.join(dir, 'repos');
      fs.mkdirSync(repos);
      fs.mkdirSync(path.join(dir, 'escape-dir'));
      fs.symlinkSync(path.join(dir, 'escape-dir'), path.join(repos, 'linked'));
    });

    it.each([
      ['..', (repoRoot: string) => `${pathToFileURL(repoRoot).href}/../escape-dir/pwned`],
      ['%2e%2e', (repoRoot: string) => `${pathToFileURL(repoRoot).href}/%2e%2e/escape-dir/pwned`],
      ['%2E%2E', (repoRoot: string) => `${pathToFileURL(repoRoot).href}/%2E%2E/escape-dir/pwned`],
      ['a symlink', (repoRoot: string) => `${pathToFileURL(repoRoot).href}/linked/pwned`],
      ['a plain path with ..', (repoRoot: string) => `${repoRoot}/../escape-dir/pwned`],
    ])('refuses a file remote that leaves the allowed directory through %s and writes nothing', async (_how, remoteOf) => {
      const e = await engine({
        git: { allowedRemotes: [`${pathToFileURL(repos).href}/`] },
        templates: [template('escape', [
          { id: 'file', action: 'debug:log', input: { message: 'x' } },
          { id: 'publish', action: 'publish:git', input: { remoteUrl: remoteOf(repos), createLocalRemote: true } },
        ])],
      });
      const task = await runOnce(e, 'escape');
      expect(task.status).toBe('failed');
      expect(task.error).toMatch(/is not allowed: its real path .*escape-dir\/pwned is not inside a directory listed in scaffolder.git.allowedRemotes/);
      expect(fs.readdirSync(path.join(dir, 'escape-dir'))).toEqual([]);
    });

    it('commits from a fresh repository, never from a .git planted in the workspace', async () => {
      const marker = path.join(dir, 'hook-ran');
      const plant = createTemplateAction({
        id: 'test:plant-git',
        description: 'Writes a .git with a hook into the workspace, as a skeleton could',
        supportsDryRun: true,
        schema: { input: z.object({}) },
        async handler(ctx) {
          execFileSync('git', ['init', '--quiet', ctx.workspacePath]);
          const hook = path.join(ctx.workspacePath, '.git', 'hooks', 'pre-commit');
          fs.writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
        },
      });
      const remoteUrl = pathToFileURL(path.join(repos, 'hooked')).href;
      const e = await engine({
        actions: [plant],
        git: { allowedRemotes: [pathToFileURL(repos).href] },
        templates: [template('hooked', [
          { id: 'plant', action: 'test:plant-git', input: {} },
          { id: 'publish', action: 'publish:git', input: { remoteUrl, createLocalRemote: true } },
        ])],
      });
      const task = await runOnce(e, 'hooked');
      expect(task.error).toBeUndefined();
      expect(fs.existsSync(marker)).toBe(false);
    });

    describe('over the network', () => {
      let tcp: net.Server;
      let tcpPort = 0;
      const connections: net.Socket[] = [];
      beforeAll(async () => {
        // Stands in for Redis or any other local service: it counts connections and hangs up.
        tcp = net.createServer(socket => {
          connections.push(socket);
          socket.destroy();
        });
        await new Promise<void>(r => tcp.listen(0, '127.0.0.1', r));
        tcpPort = (tcp.address() as AddressInfo).port;
      });
      afterAll(() => new Promise(r => tcp.close(r)));

      it.each([
        'http://127.0.0.1:PORT/acme/svc.git',
        'https://localhost:PORT/acme/svc.git',
        'http://2130706433:PORT/acme/svc.git',
        'http://[::ffff:127.0.0.1]:PORT/acme/svc.git',
        'ssh://git@127.0.0.1:PORT/acme/svc.git',
        'git://127.0.0.1:PORT/acme/svc.git',
        'git@localhost:acme/svc.git',
      ])('refuses %s (a loopback address) and git never connects', async remote => {
        const remoteUrl = remote.replace('PORT', String(tcpPort));
        const e = await engine({
          git: { allowedRemotes: [`http://127.0.0.1:1/`, `https://*.localhost:${tcpPort}/`] },
          templates: [template('ssrf', [{ id: 'publish', action: 'publish:git', input: { remoteUrl } }])],
        });
        const task = await runOnce(e, 'ssrf');
        expect(task.status).toBe('failed');
        expect(task.error).toMatch(/resolves to the private or loopback address .*refused unless the remote is listed in scaffolder.git.allowedRemotes/);
        expect(connections).toHaveLength(0);
      });

      it('lets git reach a loopback host listed exactly, at the address that was checked', async () => {
        const remoteUrl = `http://127.0.0.1:${tcpPort}/acme/svc.git`;
        const e = await engine({
          git: { allowedRemotes: [`http://127.0.0.1:${tcpPort}/acme/`] },
          templates: [template('listed', [{ id: 'publish', action: 'publish:git', input: { remoteUrl } }])],
        });
        const task = await runOnce(e, 'listed');
        // The stand-in server is no git server: the push fails, but only after git connected.
        expect(task.error).toMatch(/git push failed/);
        expect(connections.length).toBeGreaterThan(0);
        connections.length = 0;
      });
    });
  });

  it('catalog:register with expectedEntityRefs refuses a file that yields other entities and registers nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolder-inject-'));
    const bare = path.join(dir, 'svc');
    const catalog = fileReadingCatalog();
    const injected = 'team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: evil\nspec:\n  type: team\n  children: []';
    const e = await engine({
      baseUrl,
      catalog,
      git: { allowedRemotes: [pathToFileURL(dir).toString()] },
      templates: [
        template('naive', [
          // The fixture skeleton writes the owner unescaped, as a careless template would.
          { id: 'fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: 'svc', owner: '${{ parameters.owner }}', description: 'd' } } },
          { id: 'publish', action: 'publish:git', input: { remoteUrl: pathToFileURL(bare).toString(), createLocalRemote: true } },
          { id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', expectedEntityRefs: ['component:default/svc'] } },
        ]),
      ],
    });
    const task = await runOnce(e, 'naive', { owner: injected });
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/Refusing to register .*catalog-info.yaml: it does not yield exactly the expected entities \(unexpected group:default\/evil\)/);
    expect(catalog.previewed).toHaveLength(1);
    expect(catalog.registered).toEqual([]);
  });

  describe('symlinks', () => {
    let root: string;
    let outside: string;
    beforeAll(() => {
      root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolder-roots-')));
      outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolder-outside-')));
      fs.writeFileSync(path.join(outside, 'shadow'), 'root:SECRET-HASH:19000::::::');
      fs.mkdirSync(path.join(root, 'skeleton', 'docs'), { recursive: true });
      fs.writeFileSync(path.join(root, 'skeleton', 'README.md'), 'hello');
      fs.writeFileSync(path.join(root, 'skeleton', 'docs', 'guide.md'), 'guide');
      // A link that stays inside the root is followed.
      fs.symlinkSync(path.join(root, 'skeleton', 'docs'), path.join(root, 'skeleton', 'manual'));
      fs.symlinkSync(outside, path.join(root, 'etc'));
      fs.mkdirSync(path.join(root, 'leaky'));
      fs.writeFileSync(path.join(root, 'leaky', 'ok.txt'), 'ok');
      fs.symlinkSync(outside, path.join(root, 'leaky', 'etc'));
    });

    async function dryRunFetch(url: string) {
      const e = await engine({ reader: new DefaultSkeletonReader({ fileRoots: [root] }) });
      return e.service.dryRun({ template: template('fetch', [{ id: 'fetch', action: 'fetch:plain', input: { url } }]), values: {} }, guest);
    }

    it('fetch:plain refuses a skeleton URL that is a symlink to a directory outside the roots, and returns no file', async () => {
      const result = await dryRunFetch(pathToFileURL(path.join(root, 'etc')).href);
      expect(result.status).toBe('failed');
      expect(result.error).toMatch(/leads outside the template's directory and integrations.file.roots through a symbolic link/);
      expect(result.directoryContents).toEqual([]);
      expect(JSON.stringify(result)).not.toContain(Buffer.from('root:SECRET-HASH').toString('base64').slice(0, 12));
    });

    it('fetch:plain refuses a skeleton holding a symlink that leads outside the roots', async () => {
      const result = await dryRunFetch(pathToFileURL(path.join(root, 'leaky')).href);
      expect(result.status).toBe('failed');
      expect(result.error).toMatch(/Skeleton entry 'etc' is a symbolic link to a path outside/);
      expect(result.directoryContents).toEqual([]);
    });

    it('fetch:plain follows a symlink that stays inside the roots', async () => {
      const result = await dryRunFetch(pathToFileURL(path.join(root, 'skeleton')).href);
      expect(result.error).toBeUndefined();
      expect(result.directoryContents.map(f => f.path)).toEqual(['docs/guide.md', 'manual/guide.md', 'README.md']);
    });

    it('fetch:template refuses a skeleton URL relative to the template that goes through a symlink', async () => {
      const e = await engine({
        baseUrl: pathToFileURL(path.join(root, 'template.yaml')).href,
        templates: [template('linked', [{ id: 'fetch', action: 'fetch:template', input: { url: './etc' } }])],
      });
      const task = await runOnce(e, 'linked');
      expect(task.status).toBe('failed');
      expect(task.error).toMatch(/through a symbolic link/);
    });

    it('writes and deletes in the workspace never follow a symlink planted in it', async () => {
      const plant = createTemplateAction({
        id: 'test:plant-link',
        description: 'Plants a symlink in the workspace, as a compromised action or fetched repository could',
        supportsDryRun: true,
        schema: { input: z.object({ target: z.string() }) },
        async handler(ctx) {
          fs.symlinkSync(ctx.input.target, path.join(ctx.workspacePath, 'link'));
        },
      });
      const e = await engine({ actions: [plant], reader: new DefaultSkeletonReader({ fileRoots: [root] }) });
      const attempts: Parameters<typeof template>[1] = [
        { id: 'fetch', action: 'fetch:plain', input: { url: pathToFileURL(path.join(root, 'skeleton')).href, targetPath: 'link' } },
        { id: 'delete', action: 'fs:delete', input: { files: ['link/shadow'] } },
        { id: 'rename', action: 'fs:rename', input: { files: [{ from: 'link/shadow', to: 'stolen' }] } },
      ];
      for (const step of attempts) {
        const result = await e.service.dryRun({ template: template('planted', [{ id: 'plant', action: 'test:plant-link', input: { target: outside } }, step]), values: {} }, guest);
        expect([step.id, result.status, result.error]).toEqual([step.id, 'failed', expect.stringMatching(/Path 'link.*' leads outside the workspace through a symbolic link/)]);
      }
      expect(fs.readdirSync(outside)).toEqual(['shadow']);
      expect(fs.readFileSync(path.join(outside, 'shadow'), 'utf8')).toContain('SECRET-HASH');
    });
  });

  it('fetch:plain refuses skeletons outside the template directory', async () => {
    const e = await engine({ baseUrl, templates: [template('outside', [{ id: 'f', action: 'fetch:plain', input: { url: '../../' } }])] });
    const task = await runOnce(e, 'outside');
    expect(task.error).toMatch(/outside the template's directory/);
  });

  it('fs:rename, fs:delete and data:transform work on the workspace and data (dry run)', async () => {
    const e = await engine();
    const result = await e.service.dryRun(
      {
        template: template('files', [
          { id: 'mv', action: 'fs:rename', input: { files: [{ from: 'a.txt', to: 'dir/b.txt' }] } },
          { id: 'rm', action: 'fs:delete', input: { files: ['c.txt', 'missing.txt'] } },
          { id: 'calc', action: 'data:transform', input: { expression: '$sum(items.size) & " GB for " & owner', data: { items: [{ size: 2 }, { size: 3 }], owner: '${{ parameters.owner }}' } } },
          { id: 'bad', action: 'fs:delete', input: { files: ['../outside'] } },
        ], { output: { summary: '${{ steps.calc.output.result }}' } }),
        values: { owner: 'team-a' },
        directoryContents: ['a.txt', 'c.txt'].map(p => ({ path: p, base64Content: Buffer.from(p).toString('base64') })),
      },
      guest,
    );
    expect(result.steps.map(s => s.status)).toEqual(['completed', 'completed', 'completed', 'failed']);
    expect(result.steps[2].output).toEqual({ result: '5 GB for team-a' });
    expect(result.error).toMatch(/outside the workspace/);
    expect(result.directoryContents.map(f => f.path)).toEqual(['dir/b.txt']);
  });

  it('data:transform reports a broken expression', async () => {
    const e = await engine();
    const result = await e.service.dryRun({ template: template('bad', [{ id: 'calc', action: 'data:transform', input: { expression: '$sum(' } }]), values: {} }, guest);
    expect(result.error).toMatch(/Invalid JSONata expression/);
  });
});
