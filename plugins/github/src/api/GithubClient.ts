import { createPluginHttpClient, type DiscoveryApi, type FetchApi, type PluginHttpClient } from '@portico/frontend-plugin-api';
import type { GithubDiscoveryPreview, GithubPullRequestSummary, GithubRepositorySummary } from '@portico/plugin-github-common';
import type { GithubApi } from './GithubApi';

/** GithubApi over HTTP: discovery finds `/api/github`, fetchApi adds credentials. */
export class GithubClient implements GithubApi {
  private readonly http: PluginHttpClient;

  constructor(deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.http = createPluginHttpClient({ pluginId: 'github', ...deps });
  }

  getRepositorySummary(options: { owner: string; repo: string; host?: string }): Promise<GithubRepositorySummary> {
    return this.http.request(`/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/summary${hostQuery(options.host)}`);
  }

  async listPullRequests(options: { owner: string; repo: string; host?: string }): Promise<GithubPullRequestSummary[]> {
    const body = await this.http.request<{ items: GithubPullRequestSummary[] }>(
      `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/pulls${hostQuery(options.host)}`,
    );
    return body.items;
  }

  previewDiscovery(options: { organization: string; host?: string; catalogPath?: string }): Promise<GithubDiscoveryPreview> {
    const query = new URLSearchParams({ organization: options.organization });
    if (options.host) query.set('host', options.host);
    if (options.catalogPath) query.set('catalogPath', options.catalogPath);
    return this.http.request(`/discovery/preview?${query}`);
  }
}

const hostQuery = (host?: string) => (host ? `?${new URLSearchParams({ host })}` : '');
