import request from 'supertest';
import type { TestBackend } from '@portico/test-utils';
import { eventually } from '@portico/test-utils';
import { FakeGithub } from '../__testUtils__/FakeGithub';
import { entityRefs, startGithubBackend } from '../__testUtils__/startGithubBackend';

const component = (name: string, extra = '') => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: team-a
${extra}`;

describe('GitHub entity discovery', () => {
  let fake: FakeGithub;
  let backend: TestBackend | undefined;
  beforeEach(async () => {
    fake = await new FakeGithub().start();
  });
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    await fake.stop();
  });

  it('applies the catalog files of an organisation, skips repositories without one and filtered ones, records malformed files', async () => {
    fake.addRepo('acme', 'payments', {
      files: {
        'catalog-info.yaml': `${component('payments', '  system: billing\n')}---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: payments-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: ./openapi.yaml\n`,
        'openapi.yaml': 'openapi: 3.0.0\n',
      },
    });
    fake.addRepo('acme', 'no-catalog', { files: { 'README.md': '# nothing' } });
    fake.addRepo('acme', 'broken', { files: { 'catalog-info.yaml': 'kind: Component\nmetadata: [unclosed\n' } });
    fake.addRepo('acme', 'old', { archived: true, files: { 'catalog-info.yaml': component('old') } });
    fake.addRepo('acme', 'experiment', { topics: ['sandbox'], files: { 'catalog-info.yaml': component('experiment') } });
    fake.addRepo('other-org', 'elsewhere', { files: { 'catalog-info.yaml': component('elsewhere') } });
    backend = await startGithubBackend(fake, { discovery: { filters: { topic: { exclude: ['sandbox'] } } } });

    await eventually(async () => expect(await entityRefs(backend!)).toEqual(['api:default/payments-api', 'component:default/payments']));
    const api = await request(backend.server).get('/api/catalog/entities/by-name/api/default/payments-api').expect(200);
    expect(api.body.spec.definition).toBe('openapi: 3.0.0\n');
    expect(api.body.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': 'url:https://github.com/acme/payments/blob/main/catalog-info.yaml',
      'github.com/project-slug': 'acme/payments',
    });
    const errors = await eventually(async () => {
      const res = await request(backend!.server).get('/api/catalog/entities/errors').expect(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      return res.body.items as Array<{ locationKey?: string; message: string }>;
    });
    expect(JSON.stringify(errors)).toContain('url:https://github.com/acme/broken/blob/main/catalog-info.yaml');
    expect(JSON.stringify(errors)).toMatch(/not valid YAML/);
  });

  it('reads a url location on GitHub through the integration, with $text placeholders', async () => {
    fake.addRepo('acme', 'docs', { files: { 'catalog/api.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: docs-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: ../spec/openapi.yaml\n', 'spec/openapi.yaml': 'openapi: 3.1.0\n' } });
    backend = await startGithubBackend(fake, {
      discovery: false,
      config: { catalog: { processingInterval: 'PT1H', locations: [{ type: 'url', target: 'https://github.com/acme/docs/blob/main/catalog/api.yaml' }] } },
    });
    const api = await eventually(async () => (await request(backend!.server).get('/api/catalog/entities/by-name/api/default/docs-api').expect(200)).body);
    expect(api.spec.definition).toBe('openapi: 3.1.0\n');
  });

  it('supports globbed catalog paths and waits out a rate limit without dropping what it found', async () => {
    for (let i = 0; i < 12; i++) fake.addRepo('acme', `svc-${i}`, { files: { [`services/svc-${i}/catalog-info.yaml`]: component(`svc-${i}`) } });
    // The limit runs out part-way through and resets two seconds after discovery's first request.
    fake.armRateLimit({ remaining: 8, resetAfterSeconds: 2 });
    backend = await startGithubBackend(fake, { discovery: { catalogPath: 'services/*/catalog-info.yaml' } });
    const refs = await eventually(async () => {
      const all = await entityRefs(backend!);
      expect(all).toHaveLength(12);
      return all;
    }, 20000);
    expect(refs).toContain('component:default/svc-11');
    expect(fake.requests.some(r => r.status === 403)).toBe(true);
  });

  it('keeps the catalog as it was when the organisation cannot be listed', async () => {
    fake.addRepo('acme', 'payments', { files: { 'catalog-info.yaml': component('payments') } });
    backend = await startGithubBackend(fake);
    await eventually(async () => expect(await entityRefs(backend!)).toEqual(['component:default/payments']));
    fake.tokens = ['another-token'];
    // The refresh reaches the provider, which cannot read the repository now. (The entity is visible a
    // moment before the discovery run that wrote it has finished: until then the provider does not know
    // which repository the entity came from, so the refresh is asked again until it does.)
    await eventually(async () => {
      await request(backend!.server).post('/api/catalog/refresh').send({ entityRef: 'component:default/payments' });
      expect(fake.requests.filter(r => r.status === 401).length).toBeGreaterThan(0);
    });
    expect(await entityRefs(backend)).toEqual(['component:default/payments']);
  });

  it('imports teams and members as Groups and Users with the team hierarchy', async () => {
    fake.addTeam('acme', { slug: 'engineering', name: 'Engineering', members: ['alice'] });
    fake.addTeam('acme', { slug: 'platform', name: 'Platform', parent: 'engineering', members: ['bob', 'alice'] });
    backend = await startGithubBackend(fake, { discovery: false, org: true });
    await eventually(async () =>
      expect(await entityRefs(backend!)).toEqual(['group:default/engineering', 'group:default/platform', 'user:default/alice', 'user:default/bob']),
    );
    const platform = (await request(backend.server).get('/api/catalog/entities/by-name/group/default/platform').expect(200)).body;
    expect(platform.metadata.annotations['github.com/team-slug']).toBe('acme/platform');
    expect(platform.spec).toMatchObject({ parent: 'engineering', members: ['bob', 'alice'] });
    const engineering = (await request(backend.server).get('/api/catalog/entities/by-name/group/default/engineering').expect(200)).body;
    expect(engineering.spec.children).toEqual(['platform']);
    const alice = (await request(backend.server).get('/api/catalog/entities/by-name/user/default/alice').expect(200)).body;
    expect(alice.metadata.annotations['github.com/user-login']).toBe('alice');
    expect(alice.spec.memberOf.sort()).toEqual(['engineering', 'platform']);
  });
});
