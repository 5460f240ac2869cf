import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import { createAppAuth } from '@octokit/auth-app';
import Bottleneck from 'bottleneck';
import { type LoggerService } from '@portico/backend-plugin-api';
import { InputError } from '@portico/errors';
import type { GithubHostConfig } from './config';

// Throttling and retries change behaviour, not the API surface: the client is typed as @octokit/rest's Octokit.
const GithubOctokit: typeof Octokit = Octokit.plugin(throttling, retry);
/** The client every part of the plugin uses: REST methods, pagination, throttling and retries. */
export type GithubClient = Octokit;

/** How long a request waits for GitHub's answer by default (`requestTimeoutMs` of a host). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Thrown when GitHub did not answer in time: `timedOut`, and named AbortError so Octokit's retry leaves it alone. */
export class GithubTimeoutError extends Error {
  readonly timedOut = true;
  constructor(host: string, ms: number) {
    super(`GitHub (${host}) did not answer within ${ms / 1000} s`);
    this.name = 'AbortError';
  }
}

/**
 * fetch with a deadline: a GitHub that accepts the connection and never answers fails the request after `ms`
 * instead of holding it (and a throttling slot) for ever. A timed-out request is not retried: the caller hears of
 * it within the deadline.
 */
function timedFetch(ms: number, host: string): typeof fetch {
  return async (input, init) => {
    const deadline = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      return await fetch(input, { ...init, signal });
    } catch (error) {
      if (deadline.aborted) throw new GithubTimeoutError(host, ms);
      throw error;
    }
  };
}

/**
 * One Octokit per configured host. Rate limits (403/429 with `x-ratelimit-reset` or `retry-after`)
 * wait for the reset and resume instead of failing, up to `rateLimitRetries` times.
 */
export class GithubClients {
  private readonly clients = new Map<string, GithubClient>();

  constructor(
    readonly hosts: GithubHostConfig[],
    private readonly logger?: LoggerService,
  ) {}

  hostConfig(host: string): GithubHostConfig | undefined {
    return this.hosts.find(h => h.host === host);
  }

  /** The client for a host; an InputError when the host is not configured. */
  forHost(host = 'github.com'): GithubClient {
    const existing = this.clients.get(host);
    if (existing) return existing;
    const config = this.hostConfig(host);
    if (!config) {
      throw new InputError(`No GitHub integration is configured for host '${host}'; add it to integrations.github`);
    }
    const client = this.create(config);
    this.clients.set(host, client);
    return client;
  }

  private create(config: GithubHostConfig): GithubClient {
    const logger = this.logger;
    const retries = config.rateLimitRetries ?? 5;
    const auth =
      'appId' in config
        ? { authStrategy: createAppAuth, auth: { appId: config.appId, privateKey: config.privateKey, installationId: config.installationId } }
        : 'token' in config
          ? { auth: config.token }
          : {};
    const onLimit = (kind: string) => (retryAfter: number, options: { method?: string; url?: string }, _o: unknown, retryCount: number) => {
      logger?.warn(`GitHub ${kind} on ${config.host} for ${options.method} ${options.url}; waiting ${retryAfter}s (attempt ${retryCount + 1})`);
      return retryCount < retries;
    };
    return new GithubOctokit({
      ...auth,
      baseUrl: config.apiBaseUrl,
      request: { fetch: timedFetch(config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, config.host) },
      userAgent: 'portico-github',
      log: { debug() {}, info() {}, warn: (m: string) => logger?.debug(m), error: (m: string) => logger?.debug(m) },
      throttle: {
        id: `portico-${config.host}`,
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        ...(config.writeIntervalMs !== undefined
          ? { write: new Bottleneck.Group({ maxConcurrent: 1, minTime: config.writeIntervalMs }) }
          : {}),
      },
      retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451], retries: config.serverErrorRetries ?? 3 },
    });
  }
}
