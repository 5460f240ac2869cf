import fs from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { FakeGithub } from './FakeGithub';

// GitHub's official description; read directly (it is large, so once per file).
const spec = JSON.parse(
  fs.readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: unknown };

// OpenAPI 3.0 `nullable` also admits null where there is no `type` or an `enum`; say so in JSON Schema.
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, normalize(v)])) as Record<string, unknown>;
  if (out.nullable !== true) return out;
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  if (out.type) return out;
  const { nullable: _nullable, ...rest } = out;
  return { anyOf: [{ type: 'null' }, rest] };
}
spec.components = normalize(spec.components);

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

function validatorFor(path: string, method: string, status: string) {
  const operation = spec.paths[path]?.[method];
  if (!operation) throw new Error(`No operation ${method.toUpperCase()} ${path} in GitHub's OpenAPI description`);
  const schema = normalize(operation.responses[status]?.content?.['application/json']?.schema);
  if (!schema) throw new Error(`No ${status} JSON response for ${method.toUpperCase()} ${path}`);
  return ajv.compile({ allOf: [schema], components: spec.components });
}

const validateBasicError = ajv.compile({ $ref: '#/components/schemas/basic-error', components: spec.components });

describe('FakeGithub matches GitHub OpenAPI response schemas', () => {
  const fake = new FakeGithub();
  beforeAll(async () => {
    await fake.start();
    const repo = fake.addRepo('acme', 'svc', {
      files: { 'catalog-info.yaml': 'kind: Component\n', 'src/index.ts': 'export {};\n' },
      description: 'A service',
      topics: ['backend'],
      languages: { TypeScript: 1200, Shell: 30 },
      protection: { requiredReviews: 2, statusChecks: ['ci'], enforceAdmins: true },
      pulls: [{ title: 'Add things', reviews: [{ user: 'hubot', state: 'APPROVED' }] }],
      dependabotAlerts: [{ severity: 'high', state: 'open' }],
    });
    expect(repo.name).toBe('svc');
    fake.addDeployment(repo, { environment: 'production', statuses: [{ state: 'in_progress' }, { state: 'success' }] });
    fake.addWorkflowRun(repo, { path: '.github/workflows/deploy.yml' });
    for (let i = 0; i < 5; i++) fake.addRepo('acme', `extra-${i}`);
    fake.addTeam('acme', { slug: 'platform', members: ['alice'] });
    fake.addTeam('acme', { slug: 'infra', parent: 'platform', members: ['bob'] });
  });
  afterAll(() => fake.stop());

  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${fake.url}${path}`, init);
    return { res, body: res.status === 204 ? undefined : await res.json() };
  };
  const post = (path: string, body: unknown, method = 'POST') =>
    get(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const cases: Array<[string, string, string, () => Promise<{ res: Response; body: unknown }>]> = [
    ['/orgs/{org}/repos', 'get', '200', () => get('/orgs/acme/repos?per_page=2')],
    ['/repos/{owner}/{repo}', 'get', '200', () => get('/repos/acme/svc')],
    ['/repos/{owner}/{repo}/contents/{path}', 'get', '200', () => get('/repos/acme/svc/contents/catalog-info.yaml')],
    ['/repos/{owner}/{repo}/git/trees/{tree_sha}', 'get', '200', () => get('/repos/acme/svc/git/trees/main?recursive=1')],
    ['/repos/{owner}/{repo}/branches/{branch}/protection', 'get', '200', () => get('/repos/acme/svc/branches/main/protection')],
    ['/repos/{owner}/{repo}/pulls', 'get', '200', () => get('/repos/acme/svc/pulls?state=open')],
    ['/repos/{owner}/{repo}/pulls', 'get', '200', () => get('/repos/acme/svc/pulls?state=all&sort=updated&direction=desc')],
    ['/repos/{owner}/{repo}/pulls/{pull_number}', 'get', '200', () => get('/repos/acme/svc/pulls/1')],
    ['/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 'get', '200', () => get('/repos/acme/svc/pulls/1/reviews')],
    ['/repos/{owner}/{repo}/pulls/{pull_number}/commits', 'get', '200', () => get('/repos/acme/svc/pulls/1/commits?per_page=1')],
    ['/repos/{owner}/{repo}/deployments', 'get', '200', () => get('/repos/acme/svc/deployments?environment=production')],
    ['/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 'get', '200', () => get(`/repos/acme/svc/deployments/${fake.repo('acme/svc')!.deployments[0].id}/statuses`)],
    ['/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', 'get', '200', () => get('/repos/acme/svc/actions/workflows/deploy.yml/runs?branch=main&status=success&created=%3E%3D2024-01-01')],
    ['/repos/{owner}/{repo}/languages', 'get', '200', () => get('/repos/acme/svc/languages')],
    ['/repos/{owner}/{repo}/commits', 'get', '200', () => get('/repos/acme/svc/commits?per_page=1')],
    ['/repos/{owner}/{repo}/dependabot/alerts', 'get', '200', () => get('/repos/acme/svc/dependabot/alerts?state=open')],
    ['/orgs/{org}/teams', 'get', '200', () => get('/orgs/acme/teams')],
    ['/orgs/{org}/teams/{team_slug}/members', 'get', '200', () => get('/orgs/acme/teams/platform/members')],
    ['/orgs/{org}/members', 'get', '200', () => get('/orgs/acme/members')],
    ['/rate_limit', 'get', '200', () => get('/rate_limit')],
    ['/orgs/{org}/repos', 'post', '201', () => post('/orgs/acme/repos', { name: 'created', description: 'new' })],
    ['/repos/{owner}/{repo}/git/blobs', 'post', '201', () => post('/repos/acme/svc/git/blobs', { content: 'aGk=', encoding: 'base64' })],
    ['/repos/{owner}/{repo}/git/ref/{ref}', 'get', '200', () => get('/repos/acme/svc/git/ref/heads/main')],
  ];

  it.each(cases)('%s %s answers %s in the documented shape', async (path, method, status, call) => {
    const { res, body } = await call();
    expect(res.status).toBe(Number(status));
    const validate = validatorFor(path, method, status);
    const ok = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('creates a commit through git data in the documented shapes (blob, tree, commit, ref)', async () => {
    const head = (await get('/repos/acme/svc/git/ref/heads/main')).body as { object: { sha: string } };
    const commit = (await get(`/repos/acme/svc/commits?per_page=1`)).body as Array<{ commit: { tree: { sha: string } } }>;
    const tree = await post('/repos/acme/svc/git/trees', { base_tree: commit[0].commit.tree.sha, tree: [{ path: 'README.md', mode: '100644', type: 'blob', content: '# svc' }] });
    expect(validatorFor('/repos/{owner}/{repo}/git/trees', 'post', '201')(tree.body)).toBe(true);
    const created = await post('/repos/acme/svc/git/commits', { message: 'docs', tree: (tree.body as { sha: string }).sha, parents: [head.object.sha] });
    const validateCommit = validatorFor('/repos/{owner}/{repo}/git/commits', 'post', '201');
    expect(validateCommit(created.body)).toBe(true);
    const ref = await post('/repos/acme/svc/git/refs/heads/main', { sha: (created.body as { sha: string }).sha }, 'PATCH');
    expect(validatorFor('/repos/{owner}/{repo}/git/refs/{ref}', 'patch', '200')(ref.body)).toBe(true);
    const pr = await post('/repos/acme/svc/git/refs', { ref: 'refs/heads/feature', sha: (created.body as { sha: string }).sha });
    expect(validatorFor('/repos/{owner}/{repo}/git/refs', 'post', '201')(pr.body)).toBe(true);
    const pull = await post('/repos/acme/svc/pulls', { title: 'Feature', head: 'feature', base: 'main' });
    const validatePull = validatorFor('/repos/{owner}/{repo}/pulls', 'post', '201');
    validatePull(pull.body);
    expect(validatePull.errors ?? []).toEqual([]);
  });

  it('paginates with Link headers and reports rate limits in headers', async () => {
    const first = await fetch(`${fake.url}/orgs/acme/repos?per_page=2`);
    expect(first.headers.get('link')).toMatch(/<[^>]+page=2[^>]*>; rel="next"/);
    expect(Number(first.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
    expect(first.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
  });

  it('answers 401 for a bad token and 403 with x-ratelimit-remaining 0 when the limit is spent', async () => {
    fake.tokens = ['good'];
    const bad = await get('/repos/acme/svc', { headers: { authorization: 'token nope' } });
    expect(bad.res.status).toBe(401);
    expect(bad.body).toMatchObject({ message: 'Bad credentials' });
    expect(validateBasicError(bad.body)).toBe(true);
    fake.tokens = undefined;
    const saved = { ...fake.rateLimit };
    fake.rateLimit.remaining = 0;
    const limited = await get('/repos/acme/svc');
    expect(limited.res.status).toBe(403);
    expect(limited.res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(validateBasicError(limited.body)).toBe(true);
    Object.assign(fake.rateLimit, saved);
    fake.failNext({ path: /\/languages$/, status: 429, headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit.' });
    expect((await get('/repos/acme/svc/languages')).res.status).toBe(429);
    expect((await get('/repos/acme/svc/languages')).res.status).toBe(200);
  });
});
