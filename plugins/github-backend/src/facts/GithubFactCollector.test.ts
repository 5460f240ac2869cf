import { MockLogger } from '@portico/test-utils';
import { FakeGithub } from '../__testUtils__/FakeGithub';
import { GithubClients } from '../integration/GithubClients';
import { GithubRepositoryService } from '../service/GithubRepositoryService';
import { createGithubFactCollector, githubFacts } from './GithubFactCollector';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

describe('GitHub fact collector', () => {
  const fake = new FakeGithub();
  let collector: ReturnType<typeof createGithubFactCollector>;
  beforeAll(async () => {
    await fake.start();
    fake.addRepo('acme', 'payments', {
      files: { 'README.md': '# Payments', '.github/CODEOWNERS': '* @acme/team-a' },
      commitDate: daysAgo(3),
      languages: { TypeScript: 9000, Shell: 100 },
      protection: { requiredReviews: 2, statusChecks: ['ci/build'], enforceAdmins: true },
      pulls: [
        { title: 'open, 10 days', createdAt: daysAgo(10) },
        { title: 'open, 2 days', createdAt: daysAgo(2) },
        { title: 'merged in 10 h', state: 'closed', createdAt: daysAgo(5), mergedAt: new Date(Date.now() - 5 * DAY + 10 * 3_600_000).toISOString(), closedAt: daysAgo(4) },
        { title: 'merged in 20 h', state: 'closed', createdAt: daysAgo(6), mergedAt: new Date(Date.now() - 6 * DAY + 20 * 3_600_000).toISOString(), closedAt: daysAgo(5) },
        { title: 'merged in 30 h', state: 'closed', createdAt: daysAgo(8), mergedAt: new Date(Date.now() - 8 * DAY + 30 * 3_600_000).toISOString(), closedAt: daysAgo(6) },
        { title: 'merged long ago', state: 'closed', createdAt: daysAgo(90), mergedAt: daysAgo(80), closedAt: daysAgo(80) },
      ],
      dependabotAlerts: [{ severity: 'critical', state: 'open' }, { severity: 'high', state: 'open' }, { severity: 'low', state: 'open' }, { severity: 'high', state: 'fixed' }],
    });
    fake.addRepo('acme', 'bare', { files: { 'index.js': '' } });
    collector = createGithubFactCollector({ service: new GithubRepositoryService(new GithubClients([{ host: 'github.com', apiBaseUrl: fake.url }])), logger: new MockLogger() });
  });
  afterAll(() => fake.stop());

  const entity = (name: string, slug?: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, ...(slug ? { annotations: { 'github.com/project-slug': slug } } : {}) },
    spec: {},
  });

  it('collects repository facts for annotated entities and skips the others', async () => {
    const results = await collector.collect([entity('payments', 'acme/payments'), entity('unannotated')], {});
    expect(results).toHaveLength(1);
    const { entityRef, facts } = results[0];
    expect(entityRef).toBe('component:default/payments');
    expect(facts).toMatchObject({
      'github.defaultBranch': 'main',
      'github.branchProtection.enabled': true,
      'github.branchProtection.requiredReviews': 2,
      'github.branchProtection.requiredStatusChecks': ['ci/build'],
      'github.branchProtection.enforceAdmins': true,
      'github.openPullRequests': 2,
      'github.oldestOpenPullRequestAgeDays': 10,
      'github.pullRequestCycleTimeHours': 20,
      'github.languages': { TypeScript: 9000, Shell: 100 },
      'github.primaryLanguage': 'TypeScript',
      'github.hasCodeowners': true,
      'github.hasReadme': true,
      'github.dependabotAlerts': { critical: 1, high: 1, medium: 0, low: 1 },
      'github.dependabotAlerts.criticalAndHigh': 2,
      'github.daysSinceLastCommit': 3,
    });
    for (const [name, value] of Object.entries(facts)) expect(githubFacts[name as keyof typeof githubFacts].safeParse(value).success).toBe(true);
  });

  it('reports an unprotected branch, no README and no cycle time as such', async () => {
    const [{ facts }] = await collector.collect([entity('bare', 'acme/bare')], {});
    expect(facts).toMatchObject({ 'github.branchProtection.enabled': false, 'github.hasReadme': false, 'github.hasCodeowners': false, 'github.openPullRequests': 0 });
    expect(facts).not.toHaveProperty('github.pullRequestCycleTimeHours');
  });

  it('leaves out an entity whose repository is gone, and keeps collecting the rest', async () => {
    const results = await collector.collect([entity('gone', 'acme/gone'), entity('bare', 'acme/bare')], {});
    expect(results.map(r => r.entityRef)).toEqual(['component:default/bare']);
  });
});
