import { FakeGithub } from '../__testUtils__/FakeGithub';
import { GithubClients } from './GithubClients';
import { GithubIntegrationProvider } from './GithubIntegrationProvider';
import { parseGithubUrl, resolveGithubUrl } from './githubUrls';

describe('GitHub URLs', () => {
  it('parses blob, tree and bare repository URLs', () => {
    expect(parseGithubUrl('https://github.com/acme/svc/blob/main/docs/catalog-info.yaml')).toEqual({ host: 'github.com', owner: 'acme', repo: 'svc', type: 'blob', ref: 'main', path: 'docs/catalog-info.yaml' });
    expect(parseGithubUrl('https://ghe.acme.dev/acme/svc/tree/v1/templates')).toMatchObject({ host: 'ghe.acme.dev', type: 'tree', ref: 'v1', path: 'templates' });
    expect(parseGithubUrl('https://github.com/acme/svc')).toEqual({ host: 'github.com', owner: 'acme', repo: 'svc', type: 'tree', path: '' });
    expect(() => parseGithubUrl('https://github.com/acme/svc/issues/1')).toThrow(/blob\/<ref>/);
    expect(() => parseGithubUrl('https://github.com/acme/svc/blob/main/..%2F..%2Fx')).toThrow(/not allowed/);
  });

  it('resolves relative and root-relative references inside the repository', () => {
    const base = 'https://github.com/acme/svc/blob/main/docs/catalog-info.yaml';
    expect(resolveGithubUrl(base, './api.yaml')).toBe('https://github.com/acme/svc/blob/main/docs/api.yaml');
    expect(resolveGithubUrl(base, '../openapi/spec.yaml')).toBe('https://github.com/acme/svc/blob/main/openapi/spec.yaml');
    expect(resolveGithubUrl(base, '/README.md')).toBe('https://github.com/acme/svc/blob/main/README.md');
    expect(resolveGithubUrl(base, 'https://example.com/x')).toBe('https://example.com/x');
    expect(() => resolveGithubUrl(base, '../../../../other/repo')).toThrow(/leaves the repository/);
  });
});

describe('GithubIntegrationProvider', () => {
  const fake = new FakeGithub();
  let provider: GithubIntegrationProvider;
  beforeAll(async () => {
    await fake.start();
    fake.addRepo('acme', 'svc', { files: { 'catalog-info.yaml': 'kind: Component\n', 'docs/a.md': '# A', 'docs/sub/b.md': '# B' } });
    provider = new GithubIntegrationProvider(new GithubClients([{ host: 'github.com', apiBaseUrl: fake.url, token: 'good' }, { host: 'ghe.acme.dev', apiBaseUrl: `${fake.url}/api/v3`, token: 'x' }]));
  });
  afterAll(() => fake.stop());
  afterEach(() => (fake.tokens = undefined));

  it('serves the configured hosts only', () => {
    expect(provider.serves(new URL('https://github.com/acme/svc'))).toBe(true);
    expect(provider.serves(new URL('https://ghe.acme.dev/acme/svc'))).toBe(true);
    expect(provider.serves(new URL('https://gitlab.com/acme/svc'))).toBe(false);
    expect(provider.describeTargets()).toEqual(['github.com', 'ghe.acme.dev']);
  });

  it('reads a file with an etag that answers notModified when unchanged', async () => {
    const url = 'https://github.com/acme/svc/blob/main/catalog-info.yaml';
    const first = await provider.readUrl(url);
    expect(first.text).toBe('kind: Component\n');
    expect(first.etag).toBeTruthy();
    expect(await provider.readUrl(url, { etag: first.etag })).toMatchObject({ notModified: true });
    await expect(provider.readUrl(url, { maxBytes: 4 })).rejects.toThrow(/more than the limit of 4 bytes/);
  });

  it('maps missing files to 404 and refused tokens to 401 naming the URL', async () => {
    await expect(provider.readUrl('https://github.com/acme/svc/blob/main/nope.yaml')).rejects.toMatchObject({ name: 'NotFoundError', statusCode: 404 });
    fake.tokens = ['other'];
    await expect(provider.readUrl('https://github.com/acme/svc/blob/main/catalog-info.yaml')).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: expect.stringContaining('https://github.com/acme/svc/blob/main/catalog-info.yaml'),
    });
  });

  it('lists a tree under a directory with lazily read contents', async () => {
    const files = await provider.readTree('https://github.com/acme/svc/tree/main/docs');
    expect(files.map(f => f.path).sort()).toEqual(['a.md', 'sub/b.md']);
    expect((await files.find(f => f.path === 'sub/b.md')!.content()).toString()).toBe('# B');
    const all = await provider.readTree('https://github.com/acme/svc');
    expect(all).toHaveLength(3);
  });

  it('reports health per host: rate limit left, down when credentials are refused', async () => {
    const healthy = await provider.health();
    expect(healthy.details?.['github.com']).toMatchObject({ remaining: expect.any(Number), limit: 5000 });
    fake.tokens = ['other'];
    const down = await provider.health();
    expect(down.status).toBe('down');
    expect(JSON.stringify(down.details)).toMatch(/refused the credentials/);
  });
});
