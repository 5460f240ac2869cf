import { z } from 'zod';

const common = {
  /** e.g. `github.com` or `ghe.example.com`: the host of the URLs this entry serves. */
  host: z.string().min(1),
  /** REST base URL; `https://api.github.com` for github.com, `https://<host>/api/v3` for Enterprise. */
  apiBaseUrl: z.string().url().optional(),
  /** Milliseconds between write requests (GitHub asks for one second; lower it for fakes and GHES). */
  writeIntervalMs: z.number().int().nonnegative().optional(),
  /** Times a rate-limited request is retried after waiting for the reset. */
  rateLimitRetries: z.number().int().nonnegative().optional(),
  /** Times a request failing with a 5xx or a network error is retried (1 s, 4 s, 9 s apart). */
  serverErrorRetries: z.number().int().nonnegative().optional(),
  /** Milliseconds a request may wait for GitHub's answer before it fails (not retried), default 10000. */
  requestTimeoutMs: z.number().int().positive().optional(),
};

/** One entry of `integrations.github`: a token, or GitHub App credentials. */
export const githubHostConfigSchema = z.union([
  z.object({ ...common, token: z.string().min(1) }).strict(),
  z.object({
    ...common,
    appId: z.union([z.string().min(1), z.number().int()]),
    privateKey: z.string().min(1),
    installationId: z.union([z.string().min(1), z.number().int()]),
  }).strict(),
  z.object({ ...common }).strict(),
]);

export type GithubHostConfig = z.output<typeof githubHostConfigSchema> & { apiBaseUrl: string };

/** The API base URL for a host: api.github.com for github.com, /api/v3 for Enterprise. */
export function defaultApiBaseUrl(host: string): string {
  return host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;
}

/**
 * `integrations.github` as the clients use it: every host with its API base URL, and github.com
 * (without credentials) when no entry names it. Parsed once, by the `github.clients` service.
 */
export const githubIntegrationsConfigSchema = z
  .array(githubHostConfigSchema)
  .default([])
  .transform((entries): GithubHostConfig[] => {
    const hosts = entries.map(h => ({ ...h, apiBaseUrl: (h.apiBaseUrl ?? defaultApiBaseUrl(h.host)).replace(/\/+$/, '') }));
    if (!hosts.some(h => h.host === 'github.com')) hosts.push({ host: 'github.com', apiBaseUrl: defaultApiBaseUrl('github.com') });
    return hosts;
  });
