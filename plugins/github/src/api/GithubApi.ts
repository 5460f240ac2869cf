import { createApiRef } from '@portico/frontend-plugin-api';
import type { GithubDiscoveryPreview, GithubPullRequestSummary, GithubRepositorySummary } from '@portico/plugin-github-common';

/** What the GitHub backend offers the browser (routes under /api/github). */
export interface GithubApi {
  getRepositorySummary(options: { owner: string; repo: string; host?: string }): Promise<GithubRepositorySummary>;
  listPullRequests(options: { owner: string; repo: string; host?: string }): Promise<GithubPullRequestSummary[]>;
  previewDiscovery(options: { organization: string; host?: string; catalogPath?: string }): Promise<GithubDiscoveryPreview>;
}

export const githubApiRef = createApiRef<GithubApi>({ id: 'plugin.github.service' });
