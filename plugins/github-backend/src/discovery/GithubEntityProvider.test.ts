import type { DeferredEntity, EntityProviderMutation } from '@portico/plugin-catalog-node';
import { MockLogger } from '@portico/test-utils';
import { FakeGithub } from '../__testUtils__/FakeGithub';
import { GithubClients } from '../integration/GithubClients';
import { githubDiscoveryConfigSchema } from './config';
import { GithubEntityProvider } from './GithubEntityProvider';

const file = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

describe('GithubEntityProvider', () => {
  const fake = new FakeGithub();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  async function connected() {
    const mutations: EntityProviderMutation[] = [];
    const config = { ...githubDiscoveryConfigSchema.parse({ organization: 'acme' }), id: 'test' };
    const provider = new GithubEntityProvider(config, new GithubClients([{ host: 'github.com', apiBaseUrl: fake.url, rateLimitRetries: 0, serverErrorRetries: 1 }]), new MockLogger());
    await provider.connect({ applyMutation: async m => void mutations.push(m), refresh: async () => {}, reportErrors: async () => {} });
    return { provider, mutations };
  }

  it('keeps the entities of a repository it cannot read this time, and applies nothing when listing fails', async () => {
    fake.addRepo('acme', 'a', { files: { 'catalog-info.yaml': file('a') } });
    fake.addRepo('acme', 'b', { files: { 'catalog-info.yaml': file('b') } });
    const { provider, mutations } = await connected();
    await provider.run();
    expect(mutations[0]).toMatchObject({ type: 'full', entities: [{ entity: { metadata: { name: 'a' } } }, { entity: { metadata: { name: 'b' } } }] });

    fake.failNext({ path: /\/repos\/acme\/b\/contents\//, status: 502, times: 2, message: 'Bad gateway' });
    await provider.run();
    const second = mutations[1] as Extract<EntityProviderMutation, { type: 'full' }>;
    expect((second.entities as DeferredEntity[]).map(e => e.entity.metadata.name).sort()).toEqual(['a', 'b']);

    fake.tokens = ['nobody-has-this'];
    expect(await provider.run()).toBeUndefined();
    fake.tokens = undefined;
    expect(mutations).toHaveLength(2);
  });

  it('applies a delta when one repository changes, and removes a deleted repository\'s entities', async () => {
    const { provider, mutations } = await connected();
    await provider.run();
    const repo = fake.repo('acme/a')!;
    fake.commitFiles(repo, 'main', { 'catalog-info.yaml': file('a-renamed') });
    await provider.refreshRepository({ name: 'a', full_name: 'acme/a', owner: { login: 'acme' }, default_branch: 'main', fork: false, private: false });
    expect(mutations.at(-1)).toMatchObject({ type: 'delta', added: [{ entity: { metadata: { name: 'a-renamed' } } }], removed: [{ entityRef: 'component:default/a' }] });
    await provider.removeRepository('acme/a');
    expect(mutations.at(-1)).toMatchObject({ type: 'delta', added: [], removed: [{ entityRef: 'component:default/a-renamed' }] });
  });

  it('records a huge catalog file as an error on its location and skips a repository that vanished', async () => {
    const huge = fake.addRepo('acme', 'huge', { files: { 'catalog-info.yaml': `# ${'x'.repeat(1024 * 1024 + 10)}\n` } });
    fake.addRepo('acme', 'vanishing', { files: { 'catalog-info.yaml': file('vanishing') } });
    fake.failNext({ path: /\/repos\/acme\/vanishing\//, status: 404, times: 5, message: 'Not Found' });
    const errors: unknown[] = [];
    const config = { ...githubDiscoveryConfigSchema.parse({ organization: 'acme', catalogPath: '**/catalog-info.yaml' }), id: 'glob' };
    const provider = new GithubEntityProvider(config, new GithubClients([{ host: 'github.com', apiBaseUrl: fake.url, serverErrorRetries: 0 }]), new MockLogger());
    await provider.connect({ applyMutation: async () => {}, refresh: async () => {}, reportErrors: async e => void errors.push(...e.errors) });
    const summary = (await provider.run())!;
    expect(summary.skipped).toContainEqual({ fullName: 'acme/vanishing', reason: 'repository vanished' });
    expect(errors).toContainEqual(expect.objectContaining({ locationKey: 'url:https://github.com/acme/huge/blob/main/catalog-info.yaml', message: expect.stringMatching(/larger than 1048576 bytes/) }));
    expect(huge.name).toBe('huge');
  });
});
