import request from 'supertest';
import type { TestBackend } from '@portico/test-utils';
import { FakeGithub } from './__testUtils__/FakeGithub';
import { startGithubBackend } from './__testUtils__/startGithubBackend';

describe('/api/github routes', () => {
  const fake = new FakeGithub();
  let backend: TestBackend;
  beforeAll(async () => {
    await fake.start();
    fake.addRepo('acme', 'payments', {
      description: 'Payments',
      files: { 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n' },
      languages: { Go: 500, TypeScript: 1500 },
      protection: { requiredReviews: 1, statusChecks: ['ci'] },
      pulls: [
        { title: 'Approved one', user: 'alice', reviews: [{ user: 'bob', state: 'COMMENTED' }, { user: 'carol', state: 'APPROVED' }] },
        { title: 'Needs work', user: 'bob', reviews: [{ user: 'carol', state: 'CHANGES_REQUESTED' }] },
        { title: 'Nobody looked', user: 'carol' },
      ],
    });
    fake.addRepo('acme', 'empty-ish', { files: { 'README.md': '#' } });
    fake.addRepo('acme', 'broken', { files: { 'catalog-info.yaml': ': : :\n  - [' } });
    backend = await startGithubBackend(fake, { discovery: false });
  });
  afterAll(async () => {
    await backend.stop();
    await fake.stop();
  });

  it('summarises a repository for the entity card', async () => {
    const res = await request(backend.server).get('/api/github/repos/acme/payments/summary').expect(200);
    expect(res.body).toMatchObject({
      fullName: 'acme/payments',
      htmlUrl: 'https://github.com/acme/payments',
      defaultBranch: 'main',
      languages: [{ name: 'TypeScript', bytes: 1500 }, { name: 'Go', bytes: 500 }],
      branchProtection: { protected: true, requiredReviews: 1, requiredStatusChecks: ['ci'], enforceAdmins: false },
      lastCommit: { message: 'Initial commit', sha: expect.any(String) },
    });
  });

  it('lists open pull requests with their review state', async () => {
    const res = await request(backend.server).get('/api/github/repos/acme/payments/pulls').expect(200);
    const byTitle = Object.fromEntries(res.body.items.map((p: { title: string; reviewState: string }) => [p.title, p.reviewState]));
    expect(byTitle).toEqual({ 'Approved one': 'approved', 'Needs work': 'changes_requested', 'Nobody looked': 'review_required' });
  });

  it('answers 404 for an unknown repository and 400 for a malformed name', async () => {
    const missing = await request(backend.server).get('/api/github/repos/acme/nope/summary').expect(404);
    expect(missing.body.error.message).toMatch(/acme\/nope/);
    await request(backend.server).get('/api/github/repos/acme/bad%20name/summary').expect(400);
  });

  it('previews discovery for an organisation without changing the catalog', async () => {
    const res = await request(backend.server).get('/api/github/discovery/preview?organization=acme').expect(200);
    expect(res.body.repositoriesScanned).toBe(3);
    expect(res.body.repositories).toEqual([
      { fullName: 'acme/broken', files: [{ url: 'https://github.com/acme/broken/blob/main/catalog-info.yaml', entities: [], error: expect.stringMatching(/not valid YAML/) }] },
      { fullName: 'acme/payments', files: [{ url: 'https://github.com/acme/payments/blob/main/catalog-info.yaml', entities: [{ kind: 'Component', name: 'payments' }] }] },
    ]);
    expect(res.body.skipped).toEqual([{ fullName: 'acme/empty-ish', reason: 'no catalog file' }]);
    const entities = await request(backend.server).get('/api/catalog/entities').expect(200);
    expect(entities.body).toEqual([]);
    await request(backend.server).get('/api/github/discovery/preview?organization=ghost').expect(400);
  });

  it('declares the webhook route open (its signature authenticates it) and the preview behind github.discovery.preview', async () => {
    const doc = (await request(backend.server).get('/api/github/openapi.json').expect(200)).body;
    expect(doc.paths['/webhooks'].post['x-portico-auth']).toBe('unauthenticated');
    expect(doc.paths['/discovery/preview'].get['x-portico-permission']).toMatchObject({ type: 'basic', name: 'github.discovery.preview' });
    expect(doc.paths['/repos/{owner}/{repo}/summary'].get['x-portico-auth']).toBeUndefined();
  });
});

describe('readiness', () => {
  it('reports the GitHub hosts in /readyz with the rate limit left', async () => {
    const fake = await new FakeGithub().start();
    const backend = await startGithubBackend(fake, { discovery: false });
    try {
      const res = await request(backend.server).get('/readyz');
      expect(JSON.stringify(res.body)).toMatch(/"github.com":\{"remaining":\d+,"limit":5000/);
      fake.tokens = ['someone-else'];
      const down = await request(backend.server).get('/readyz');
      expect(JSON.stringify(down.body)).toMatch(/refused the credentials/);
    } finally {
      await backend.stop();
      await fake.stop();
    }
  });
});
