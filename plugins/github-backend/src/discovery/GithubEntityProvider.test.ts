import type { EntityProviderMutation } from '@portico/plugin-catalog-node';
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
    const provider = new GithubEntityProvider(config, new GithubClients([{ host: 'github.com', apiBaseUrl: fake.url, rateLimitRetries: 0 }]), new MockLogger());
    await provider.connect({ applyMutation: async m => void mutations.push(m), refresh: async () => {}, reportErrors: async () => {} });
    return { provider, mutations };
  }

  it('keeps the entities of a repository it cannot read this time, and applies nothing when listing fails', async () => {
    fake.addRepo('acme', 'a', { files: { 'catalog-info.yaml': file('a') } });
    fake.addRepo('acme', 'b', { files: { 'catalog-info.yaml': file('b') } });
    const { provider, mutations } = await connected();
    await provider.run();
    expect(mutations[0]).toMatchObject({ type: 'full', entities: [{ entity: { metadata: { name: 'a' } } }, { entity: { metadata: { name: 'b' } } }] });

    fake.failNext({ path: /\/repos\/acme\/b\/contents\//, status: 502, times: 10, message: 'Bad gateway' });
    await provider.run();
    const second = mutations[1] as Extract<EntityProviderMutation, { type: 'full' }>;
    expect(second.entities.map(e => e.entity.metadata.name).sort()).toEqual(['a', 'b']);

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
});
