import request from 'supertest';
import { Webhooks } from '@octokit/webhooks';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { startTestBackend, type TestBackend, eventually } from '@portico/test-utils';
import githubFeatures from '../index';
import { FakeGithub } from '../__testUtils__/FakeGithub';
import { entityRefs, startGithubBackend, WEBHOOK_SECRET } from '../__testUtils__/startGithubBackend';
import { GITHUB_WEBHOOK_TOPIC, type GithubWebhookEvent } from './webhookEvents';

type Example = { name: string; examples: Array<Record<string, unknown> & { action?: string; ref?: string }> };
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Example[];
const example = (name: string, match: (e: Example['examples'][number]) => boolean = () => true) =>
  structuredClone(examples.find(e => e.name === name)!.examples.find(match)!) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const signer = new Webhooks({ secret: WEBHOOK_SECRET });

let deliveryCount = 0;

async function deliver(backend: TestBackend, event: string, payload: unknown, signature?: string | null) {
  const body = JSON.stringify(payload);
  const req = request(backend.server)
    .post('/api/github/webhooks')
    .set('content-type', 'application/json')
    .set('x-github-event', event)
    .set('x-github-delivery', `d-${++deliveryCount}`);
  const sig = signature === undefined ? await signer.sign(body) : signature;
  if (sig !== null) req.set('x-hub-signature-256', sig);
  return req.send(body);
}

const component = (name: string, lifecycle = 'production') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: ${lifecycle}\n  owner: team-a\n`;

describe('POST /api/github/webhooks', () => {
  let fake: FakeGithub;
  let backend: TestBackend;
  beforeEach(async () => {
    fake = await new FakeGithub().start();
    fake.addRepo('Codertocat', 'Hello-World', { defaultBranch: 'master', files: { 'catalog-info.yaml': component('hello-world') } });
    backend = await startGithubBackend(fake, { discovery: { organization: 'Codertocat' } });
    await eventually(async () => expect(await entityRefs(backend)).toEqual(['component:default/hello-world']));
  });
  afterEach(async () => {
    await backend.stop();
    await fake.stop();
  });

  it('refuses a missing or wrong signature with 401 and processes nothing', async () => {
    const repo = fake.repo('Codertocat/Hello-World')!;
    fake.commitFiles(repo, 'master', { 'catalog-info.yaml': component('renamed-by-push') });
    const push = example('push', e => e.ref === 'refs/heads/master');
    push.commits = [{ ...push.commits[0], modified: ['catalog-info.yaml'] }];
    const before = fake.requests.length;
    const missing = await deliver(backend, 'push', push, null);
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/Missing X-Hub-Signature-256/);
    const wrong = await deliver(backend, 'push', push, await new Webhooks({ secret: 'not the secret' }).sign(JSON.stringify(push)));
    expect(wrong.status).toBe(401);
    const tampered = await deliver(backend, 'push', { ...push, ref: 'refs/heads/other' }, await signer.sign(JSON.stringify(push)));
    expect(tampered.status).toBe(401);
    expect(fake.requests.length).toBe(before);
    expect(await entityRefs(backend)).toEqual(['component:default/hello-world']);
  });

  it('applies a push to the default branch that changes the catalog file (its speed is measured in bench/github)', async () => {
    const repo = fake.repo('Codertocat/Hello-World')!;
    fake.commitFiles(repo, 'master', { 'catalog-info.yaml': component('hello-world', 'deprecated') + '---\n' + component('hello-worker') });
    const push = example('push', e => e.ref === 'refs/heads/master');
    push.commits = [{ ...push.commits[0], modified: ['catalog-info.yaml'] }];
    const res = await deliver(backend, 'push', push);
    expect(res.status).toBe(202);
    await eventually(async () => expect(await entityRefs(backend)).toEqual(['component:default/hello-worker', 'component:default/hello-world']));
    const updated = await eventually(async () => {
      const body = (await request(backend.server).get('/api/catalog/entities/by-name/component/default/hello-world').expect(200)).body;
      expect(body.spec.lifecycle).toBe('deprecated');
      return body;
    });
    expect(updated.metadata.annotations['github.com/project-slug']).toBe('Codertocat/Hello-World');
  });

  it('takes a push payload larger than the host body limit (GitHub sends up to 25 MB) on this route only', async () => {
    const repo = fake.repo('Codertocat/Hello-World')!;
    fake.commitFiles(repo, 'master', { 'catalog-info.yaml': component('hello-world', 'experimental') });
    const push = example('push', e => e.ref === 'refs/heads/master');
    // A push of many commits: about 6 MB, past the host's default 1 MB.
    const commit = { ...push.commits[0], message: 'x'.repeat(6000), modified: ['catalog-info.yaml'] };
    push.commits = Array.from({ length: 1000 }, (_, i) => ({ ...commit, id: `${i}`.padStart(40, '0') }));
    const res = await deliver(backend, 'push', push);
    expect(res.status).toBe(202);
    await eventually(async () => {
      const body = (await request(backend.server).get('/api/catalog/entities/by-name/component/default/hello-world').expect(200)).body;
      expect(body.spec.lifecycle).toBe('experimental');
    });

    push.commits = Array.from({ length: 4500 }, (_, i) => ({ ...commit, id: `${i}`.padStart(40, '0') }));
    const tooLarge = await deliver(backend, 'push', push);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.message).toBe('Request body is larger than the limit of 25mb');
    // Every other route keeps the host's limit.
    const other = await request(backend.server).post('/api/catalog/refresh').set('content-type', 'application/json').send(JSON.stringify({ entityRef: 'x'.repeat(2 * 1024 * 1024) }));
    expect(other.status).toBe(413);
    expect(other.body.error.message).toBe('Request body is larger than the limit of 1mb');
  });

  it('ignores pushes to tags, other branches and files that are not catalog files', async () => {
    const tagPush = example('push', e => e.ref === 'refs/tags/simple-tag');
    expect((await deliver(backend, 'push', tagPush)).status).toBe(202);
    const readme = example('push', e => e.ref === 'refs/heads/master');
    readme.commits = [{ ...readme.commits[0], modified: ['README.md'] }];
    const before = fake.requests.length;
    expect((await deliver(backend, 'push', readme)).status).toBe(202);
    expect(fake.requests.length).toBe(before);
  });

  it('removes the entities of a deleted or transferred repository and follows a rename', async () => {
    const renamed = example('repository', e => e.action === 'renamed');
    const repo = fake.repo('Codertocat/Hello-World')!;
    fake.repos.delete('codertocat/hello-world');
    repo.name = 'Hello-Universe';
    fake.repos.set('codertocat/hello-universe', repo);
    fake.commitFiles(repo, 'master', { 'catalog-info.yaml': component('hello-universe') });
    renamed.changes = { repository: { name: { from: 'Hello-World' } } };
    renamed.repository = { ...renamed.repository, name: 'Hello-Universe', full_name: 'Codertocat/Hello-Universe', owner: { ...renamed.repository.owner, login: 'Codertocat' }, default_branch: 'master' };
    expect((await deliver(backend, 'repository', renamed)).status).toBe(202);
    await eventually(async () => expect(await entityRefs(backend)).toEqual(['component:default/hello-universe']));

    const transferred = example('repository', e => e.action === 'transferred');
    transferred.repository = renamed.repository;
    expect((await deliver(backend, 'repository', transferred)).status).toBe(202);
    await eventually(async () => expect(await entityRefs(backend)).toEqual([]));
  });

  it('drops an archived repository (archived ones are filtered out by default)', async () => {
    const archived = example('repository', e => e.action === 'edited');
    archived.action = 'archived';
    archived.repository = { ...archived.repository, name: 'Hello-World', full_name: 'Codertocat/Hello-World', owner: { ...archived.repository.owner, login: 'Codertocat' }, archived: true, default_branch: 'master' };
    expect((await deliver(backend, 'repository', archived)).status).toBe(202);
    await eventually(async () => expect(await entityRefs(backend)).toEqual([]));
  });

  it('answers 400 for an unknown event and 400 without an event name', async () => {
    const res = await deliver(backend, 'not_an_event', { zen: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Unknown GitHub event 'not_an_event'/);
    const body = JSON.stringify({ zen: 'x' });
    const unnamed = await request(backend.server).post('/api/github/webhooks').set('content-type', 'application/json').set('x-hub-signature-256', await signer.sign(body)).send(body);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.message).toMatch(/Missing X-GitHub-Event/);
  });
});

describe('team webhooks', () => {
  it('re-imports Groups when a team is created', async () => {
    const fake = await new FakeGithub().start();
    fake.addTeam('Octocoders', { slug: 'core', members: ['octocat'] });
    const backend = await startGithubBackend(fake, { discovery: false, org: true, config: { catalog: { processingInterval: 'PT1H', providers: { githubOrg: { octo: { organization: 'Octocoders' } } } } } });
    try {
      await eventually(async () => expect(await entityRefs(backend)).toEqual(['group:default/core', 'user:default/octocat']));
      fake.addTeam('Octocoders', { slug: 'new-team', parent: 'core', members: ['hubot'] });
      const created = example('team', e => e.action === 'created');
      expect((await deliver(backend, 'team', created)).status).toBe(202);
      await eventually(async () => expect(await entityRefs(backend)).toEqual(['group:default/core', 'group:default/new-team', 'user:default/hubot', 'user:default/octocat']));
    } finally {
      await backend.stop();
      await fake.stop();
    }
  });
});

describe('webhook deliveries that are not what GitHub sends', () => {
  const received: GithubWebhookEvent[] = [];
  const recorder = createBackendPlugin({
    pluginId: 'recorder',
    register(env) {
      env.registerInit({
        deps: { events: coreServices.events },
        async init({ events }) {
          await events.subscribe({ id: 'recorder', topics: [GITHUB_WEBHOOK_TOPIC], onEvent: event => void received.push(event.payload as GithubWebhookEvent) });
        },
      });
    },
  });
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend({ features: [githubFeatures, recorder], config: { github: { webhookSecret: WEBHOOK_SECRET } } });
  });
  afterAll(() => backend.stop());
  beforeEach(() => void (received.length = 0));

  const post = (body: string | Buffer, headers: Record<string, string>) => {
    const req = request(backend.server).post('/api/github/webhooks').set('x-github-event', 'ping');
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send(body);
  };

  it('verifies a body that is not JSON against the bytes received: 401 unless signed, 400 when signed', async () => {
    const text = 'zen=not json at all';
    // Formerly verified against "{}" and accepted with 202.
    const signedEmpty = await post(text, { 'content-type': 'text/plain', 'x-github-delivery': 'nj-1', 'x-hub-signature-256': await signer.sign('{}') });
    expect(signedEmpty.status).toBe(401);
    const signed = await post(text, { 'content-type': 'text/plain', 'x-github-delivery': 'nj-2', 'x-hub-signature-256': await signer.sign(text) });
    expect(signed.status).toBe(400);
    expect(signed.body.error.message).toMatch(/must be a JSON object sent as application\/json/);
    const form = await post('payload=%7B%7D', { 'content-type': 'application/x-www-form-urlencoded', 'x-github-delivery': 'nj-3', 'x-hub-signature-256': await signer.sign('{}') });
    expect(form.status).toBe(401);
    // Bytes that are not UTF-8 are verified as they are, not as a re-encoded string.
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const { createHmac } = await import('node:crypto');
    const byteSignature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(bytes).digest('hex')}`;
    const binary = await post(bytes, { 'content-type': 'application/octet-stream', 'x-github-delivery': 'nj-4', 'x-hub-signature-256': byteSignature });
    expect(binary.status).toBe(400);
    expect(received).toEqual([]);
  });

  it('answers a redelivered id or a replayed body 200 without processing it again', async () => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const signature = await signer.sign(body);
    const send = (id: string) => post(body, { 'content-type': 'application/json', 'x-github-delivery': id, 'x-hub-signature-256': signature });
    const first = await send('replay-1');
    expect(first.status).toBe(202);
    await eventually(() => expect(received.map(e => e.id)).toEqual(['replay-1']));
    const again = await send('replay-1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: true, duplicate: true, event: 'ping', id: 'replay-1' });
    // The delivery id is not signed: the same body under a new id is the same delivery.
    expect((await send('replay-2')).status).toBe(200);
    const other = JSON.stringify({ zen: 'Another one.', hook_id: 1 });
    const otherRes = await post(other, { 'content-type': 'application/json', 'x-github-delivery': 'replay-1', 'x-hub-signature-256': await signer.sign(other) });
    expect(otherRes.status).toBe(200);
    // A new delivery arrives after anything published before it (events keep their order): none of the above was.
    const fresh = JSON.stringify({ zen: 'A new one.', hook_id: 1 });
    expect((await post(fresh, { 'content-type': 'application/json', 'x-github-delivery': 'replay-3', 'x-hub-signature-256': await signer.sign(fresh) })).status).toBe(202);
    await eventually(() => expect(received.map(e => e.id)).toEqual(['replay-1', 'replay-3']));
  });

  it('requires a delivery id', async () => {
    const body = JSON.stringify({ zen: 'no id' });
    const res = await post(body, { 'content-type': 'application/json', 'x-hub-signature-256': await signer.sign(body) });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Missing X-GitHub-Delivery/);
    expect(received).toEqual([]);
  });
});
