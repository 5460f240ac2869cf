import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { createTestEngine, guest, template, waitForStatus } from '../__testUtils__/engineTestHarness';
import { isPrivateAddress } from '../service/guardedRequest';
import { checkRemote } from './publishGit';

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

  it('publish:git refuses remotes that are not allowed', () => {
    expect(() => checkRemote('ext::sh -c touch% /tmp/pwned', [])).toThrow(/not allowed/);
    expect(() => checkRemote('file:///srv/git/x.git', [])).toThrow(/not allowed/);
    expect(() => checkRemote('--upload-pack=evil', ['--'])).toThrow(/Invalid git remote/);
    expect(() => checkRemote('https://git.example.com/a/b.git', [])).not.toThrow();
    expect(() => checkRemote('git@github.com:a/b.git', [])).not.toThrow();
    expect(() => checkRemote('file:///srv/git/x.git', ['file:///srv/git/'])).not.toThrow();
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
