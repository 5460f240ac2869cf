import { fireEvent, screen } from '@testing-library/react';
import type { Entity } from '@portico/catalog-model';
import { entityMatchesFilter, EntityProvider } from '@portico/plugin-catalog-react';
import { renderInTestApp } from '@portico/app/testing';
import type { GithubDiscoveryPreview, GithubRepositorySummary } from '@portico/plugin-github-common';
import { githubApiRef, type GithubApi } from '../api/GithubApi';
import { githubPlugin } from '../plugin';
import { GithubImportPage } from './GithubImportPage';
import { GithubPullRequestsTab } from './GithubPullRequestsTab';
import { GithubRepositoryCard } from './GithubRepositoryCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', annotations: { 'github.com/project-slug': 'acme/payments' } },
  spec: { type: 'service' },
};

const summary: GithubRepositorySummary = {
  fullName: 'acme/payments',
  htmlUrl: 'https://github.com/acme/payments',
  description: 'Takes the money',
  defaultBranch: 'main',
  archived: false,
  languages: [{ name: 'TypeScript', bytes: 750 }, { name: 'Go', bytes: 250 }],
  branchProtection: { protected: true, requiredReviews: 2, requiredStatusChecks: ['ci'], enforceAdmins: false },
  lastCommit: { sha: 'abcdef1234567', message: 'Fix rounding\n\nlong body', author: 'alice', date: new Date(Date.now() - 3 * 86_400_000).toISOString(), htmlUrl: 'https://github.com/acme/payments/commit/abcdef1' },
};

function api(overrides: Partial<GithubApi> = {}): GithubApi {
  return {
    getRepositorySummary: jest.fn(async () => summary),
    listPullRequests: jest.fn(async () => []),
    previewDiscovery: jest.fn(async () => { throw new Error('not used'); }),
    ...overrides,
  };
}

describe('GitHub entity card', () => {
  it('shows the repository link, language bar, branch protection and last commit', async () => {
    const githubApi = api();
    renderInTestApp(<EntityProvider entity={entity}><GithubRepositoryCard /></EntityProvider>, { apis: [[githubApiRef, githubApi]] });
    expect(await screen.findByRole('link', { name: 'acme/payments' })).toHaveAttribute('href', 'https://github.com/acme/payments');
    expect(screen.getByRole('img', { name: 'Languages: TypeScript 75%, Go 25%' })).toBeInTheDocument();
    expect(screen.getByText(/protected \(2 required reviews, checks: ci\)/)).toBeInTheDocument();
    expect(screen.getByText(/Fix rounding by alice, 3 days ago/)).toBeInTheDocument();
    expect(githubApi.getRepositorySummary).toHaveBeenCalledWith({ owner: 'acme', repo: 'payments' });
  });

  it('shows URLs from the API that are not http(s) as plain text', async () => {
    const hostile = { ...summary, htmlUrl: 'javascript:alert(1)', lastCommit: { ...summary.lastCommit!, htmlUrl: 'data:text/html,x' } };
    renderInTestApp(<EntityProvider entity={entity}><GithubRepositoryCard /></EntityProvider>, { apis: [[githubApiRef, api({ getRepositorySummary: async () => hostile })]] });
    expect(await screen.findByText('acme/payments')).toBeInTheDocument();
    expect(screen.queryAllByRole('link')).toEqual([]);
    expect(screen.getByText(/Last commit abcdef1 Fix rounding/)).toBeInTheDocument();
  });

  it('says when the branch is not protected', async () => {
    renderInTestApp(<EntityProvider entity={entity}><GithubRepositoryCard /></EntityProvider>, { apis: [[githubApiRef, api({ getRepositorySummary: async () => ({ ...summary, branchProtection: { protected: false, requiredReviews: null, requiredStatusChecks: [], enforceAdmins: false } }) })]] });
    expect(await screen.findByText(/not protected/)).toBeInTheDocument();
  });

  it('shows the error message when the repository cannot be read', async () => {
    renderInTestApp(<EntityProvider entity={entity}><GithubRepositoryCard /></EntityProvider>, { apis: [[githubApiRef, api({ getRepositorySummary: async () => { throw new Error('Not found on GitHub: acme/payments'); } })]] });
    expect(await screen.findByRole('alert')).toHaveTextContent('Not found on GitHub: acme/payments');
  });
});

describe('Pull requests tab', () => {
  it('lists open pull requests with author, age and review state', async () => {
    const listPullRequests = jest.fn(async () => [
      { number: 7, title: 'Add refunds', htmlUrl: 'https://github.com/acme/payments/pull/7', author: 'bob', createdAt: new Date(Date.now() - 5 * 86_400_000).toISOString(), draft: false, reviewState: 'approved' as const },
      { number: 8, title: 'WIP', htmlUrl: 'https://github.com/acme/payments/pull/8', author: 'carol', createdAt: new Date(Date.now() - 2 * 3_600_000).toISOString(), draft: true, reviewState: 'review_required' as const },
    ]);
    renderInTestApp(<EntityProvider entity={entity}><GithubPullRequestsTab /></EntityProvider>, { apis: [[githubApiRef, api({ listPullRequests })]] });
    const table = await screen.findByRole('table', { name: 'Open pull requests' });
    expect(table).toHaveTextContent('#7 Add refunds');
    expect(table).toHaveTextContent('bob');
    expect(table).toHaveTextContent('5 days');
    expect(table).toHaveTextContent('Approved');
    expect(table).toHaveTextContent('2 hours');
    expect(table).toHaveTextContent('Review required');
    expect(screen.getByRole('link', { name: '#8 WIP' })).toHaveAttribute('href', 'https://github.com/acme/payments/pull/8');
  });

  it('shows a pull request whose URL is not http(s) as plain text', async () => {
    const listPullRequests = jest.fn(async () => [
      { number: 9, title: 'Sneaky', htmlUrl: 'javascript:alert(1)', author: 'eve', createdAt: new Date().toISOString(), draft: false, reviewState: 'review_required' as const },
    ]);
    renderInTestApp(<EntityProvider entity={entity}><GithubPullRequestsTab /></EntityProvider>, { apis: [[githubApiRef, api({ listPullRequests })]] });
    const table = await screen.findByRole('table', { name: 'Open pull requests' });
    expect(table).toHaveTextContent('#9 Sneaky');
    expect(screen.queryAllByRole('link')).toEqual([]);
  });

  it('says when there are none', async () => {
    renderInTestApp(<EntityProvider entity={entity}><GithubPullRequestsTab /></EntityProvider>, { apis: [[githubApiRef, api()]] });
    expect(await screen.findByText('No open pull requests in acme/payments.')).toBeInTheDocument();
  });
});

describe('GitHub plugin extensions', () => {
  it('shows the card and the tab only for entities with github.com/project-slug', () => {
    const filters = githubPlugin.extensions.filter(e => e.kind === 'entity-card' || e.kind === 'entity-tab').map(e => (e.data as { filter?: Parameters<typeof entityMatchesFilter>[1] }).filter);
    expect(filters).toHaveLength(2);
    const plain: Entity = { ...entity, metadata: { name: 'plain' } };
    for (const filter of filters) {
      expect(entityMatchesFilter(entity, filter)).toBe(true);
      expect(entityMatchesFilter(plain, filter)).toBe(false);
    }
  });
});

describe('Import page', () => {
  it('previews what discovery would add for an organisation', async () => {
    const preview: GithubDiscoveryPreview = {
      organization: 'acme',
      host: 'github.com',
      repositoriesScanned: 3,
      repositories: [
        { fullName: 'acme/payments', files: [{ url: 'https://github.com/acme/payments/blob/main/catalog-info.yaml', entities: [{ kind: 'Component', name: 'payments' }, { kind: 'API', name: 'payments-api' }] }] },
        { fullName: 'acme/broken', files: [{ url: 'https://github.com/acme/broken/blob/main/catalog-info.yaml', entities: [], error: 'not valid YAML' }] },
      ],
      skipped: [{ fullName: 'acme/docs', reason: 'no catalog file' }],
    };
    const previewDiscovery = jest.fn(async () => preview);
    renderInTestApp(<GithubImportPage />, { apis: [[githubApiRef, api({ previewDiscovery })]] });
    fireEvent.change(screen.getByLabelText(/Organization/), { target: { value: 'acme' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByText(/3 repositories scanned: 2 entities in 2 repositories/)).toBeInTheDocument();
    const repos = screen.getByRole('list', { name: 'Repositories with catalog files' });
    expect(repos).toHaveTextContent('Component payments, API payments-api');
    expect(repos).toHaveTextContent('Error: not valid YAML');
    expect(screen.getByRole('list', { name: 'Skipped repositories' })).toHaveTextContent('acme/docsno catalog file');
    expect(previewDiscovery).toHaveBeenCalledWith({ organization: 'acme', host: 'github.com', catalogPath: '/catalog-info.yaml' });
  });

  it('shows why a preview failed', async () => {
    renderInTestApp(<GithubImportPage />, { apis: [[githubApiRef, api({ previewDiscovery: async () => { throw new Error("Organisation 'ghost' was not found on github.com"); } })]] });
    fireEvent.change(screen.getByLabelText(/Organization/), { target: { value: 'ghost' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByRole('alert')).toHaveTextContent("Organisation 'ghost' was not found");
  });
});
