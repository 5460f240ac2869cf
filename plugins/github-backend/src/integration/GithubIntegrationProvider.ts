import {
  healthOfEach,
  type HealthCheckResult,
  type IntegrationProvider,
  type ReadTreeFile,
  type ReadUrlOptions,
  type ReadUrlResult,
} from '@portico/backend-plugin-api';
import { InputError } from '@portico/errors';
import type { GithubClients } from './GithubClients';
import { toPorticoError } from './githubErrors';
import { parseGithubUrl, resolveGithubUrl } from './githubUrls';

/**
 * The `github` integration provider: reads blob and tree URLs of the configured hosts through the REST API.
 * It declares no `configSchema`: `integrations.github` is parsed once, by the `github.clients` service it is built on.
 */
export class GithubIntegrationProvider implements IntegrationProvider {
  readonly id = 'github';

  constructor(private readonly clients: GithubClients) {}

  describeTargets(): string[] {
    return this.clients.hosts.map(h => h.host);
  }

  serves(url: URL): boolean {
    return url.protocol === 'https:' && this.clients.hosts.some(h => h.host === url.host);
  }

  async readUrl(url: string, options?: ReadUrlOptions): Promise<ReadUrlResult & { notModified?: boolean }> {
    const target = parseGithubUrl(url);
    if (target.type !== 'blob') throw new InputError(`Cannot read ${url} as a file: it is a directory URL (use /blob/)`);
    const client = this.clients.forHost(target.host);
    try {
      const response = await client.rest.repos.getContent({
        owner: target.owner,
        repo: target.repo,
        path: target.path,
        ref: target.ref,
        mediaType: { format: 'raw' },
        headers: options?.etag ? { 'if-none-match': options.etag } : {},
        request: { signal: options?.signal },
      });
      const text = typeof response.data === 'string' ? response.data : JSON.stringify(response.data);
      if (options?.maxBytes !== undefined && Buffer.byteLength(text) > options.maxBytes) {
        throw new InputError(`${url} is more than the limit of ${options.maxBytes} bytes`);
      }
      return { text, url, etag: response.headers.etag };
    } catch (error) {
      if ((error as { status?: number }).status === 304) return { text: '', url, etag: options?.etag, notModified: true };
      throw toPorticoError(error, url);
    }
  }

  async readTree(url: string, options?: { signal?: AbortSignal }): Promise<ReadTreeFile[]> {
    const target = parseGithubUrl(url);
    const client = this.clients.forHost(target.host);
    try {
      const ref = target.ref ?? (await client.rest.repos.get({ owner: target.owner, repo: target.repo })).data.default_branch;
      const { data } = await client.rest.git.getTree({
        owner: target.owner,
        repo: target.repo,
        tree_sha: ref,
        recursive: 'true',
        request: { signal: options?.signal },
      });
      const prefix = target.path ? `${target.path.replace(/\/+$/, '')}/` : '';
      return data.tree
        .filter(entry => entry.type === 'blob' && entry.path && entry.sha && entry.path.startsWith(prefix))
        .map(entry => ({
          path: entry.path!.slice(prefix.length),
          content: async () => {
            const blob = await client.rest.git.getBlob({ owner: target.owner, repo: target.repo, file_sha: entry.sha! });
            return Buffer.from(blob.data.content, blob.data.encoding === 'base64' ? 'base64' : 'utf8');
          },
        }));
    } catch (error) {
      throw toPorticoError(error, url);
    }
  }

  resolveUrl(options: { base: string; url: string }): string {
    return resolveGithubUrl(options.base, options.url);
  }

  /** Token valid and rate limit left, per host: down when a host refuses the credentials. */
  health(): Promise<HealthCheckResult> {
    return healthOfEach({
      targets: this.clients.hosts,
      keyOf: host => host.host,
      probe: async host => {
        const { data } = await this.clients.forHost(host.host).rest.rateLimit.get();
        const core = data.resources.core;
        return { details: { remaining: core.remaining, limit: core.limit, reset: core.reset }, degraded: core.remaining === 0 };
      },
      describeError: (error, host) => toPorticoError(error, host.apiBaseUrl).message,
      message: 'GitHub is not fully usable; see details per host',
    });
  }
}
