import type { DiscoveryApi, FetchApi } from '@portico/frontend-plugin-api';
import type { GithubDiscoveryPreview, GithubPullRequestSummary, GithubRepositorySummary } from '@portico/plugin-github-common';
import type { GithubApi } from './GithubApi';

/** GithubApi over HTTP: discovery finds `/api/github`, fetchApi adds credentials. */
export class GithubClient implements GithubApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  getRepositorySummary(options: { owner: string; repo: string; host?: string }): Promise<GithubRepositorySummary> {
    return this.request(`/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/summary${hostQuery(options.host)}`);
  }

  async listPullRequests(options: { owner: string; repo: string; host?: string }): Promise<GithubPullRequestSummary[]> {
    const body = await this.request<{ items: GithubPullRequestSummary[] }>(
      `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/pulls${hostQuery(options.host)}`,
    );
    return body.items;
  }

  previewDiscovery(options: { organization: string; host?: string; catalogPath?: string }): Promise<GithubDiscoveryPreview> {
    const query = new URLSearchParams({ organization: options.organization });
    if (options.host) query.set('host', options.host);
    if (options.catalogPath) query.set('catalogPath', options.catalogPath);
    return this.request(`/discovery/preview?${query}`);
  }

  private async request<T>(path: string): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('github');
    const res = await this.deps.fetchApi.fetch(`${baseUrl}${path}`);
    if (!res.ok) {
      const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
      throw new Error(body?.error?.message ?? `Request to ${path} failed with ${res.status}`);
    }
    return (await res.json()) as T;
  }
}

const hostQuery = (host?: string) => (host ? `?${new URLSearchParams({ host })}` : '');
