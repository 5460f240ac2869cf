import { z } from 'zod';

/** One entry of `integrations.jira`: a Jira Cloud site (email + API token) or a Data Center server (personal access token). */
export const jiraSiteConfigSchema = z
  .object({
    /** The site's host as entities and actions name it (`acme.atlassian.net`, `jira.acme.internal`). */
    host: z.string().min(1).regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'a host name (and port), without scheme or path'),
    /** Where the REST API is reached (`https://acme.atlassian.net`, or a context path such as `https://acme.internal/jira`); default `https://<host>`. */
    apiBaseUrl: z.string().url().optional(),
    /** `cloud`: enhanced search and API v3 with basic auth; `datacenter`: API v2 with a bearer personal access token. */
    kind: z.enum(['cloud', 'datacenter']).default('cloud'),
    /** Cloud: the Atlassian account email the API token belongs to. */
    email: z.string().min(1).optional(),
    /** Cloud: an API token of that account. */
    apiToken: z.string().min(1).optional(),
    /** Data Center: a personal access token. */
    personalAccessToken: z.string().min(1).optional(),
    /** Cloud: the secret of the admin webhook (X-Hub-Signature); Data Center: the shared secret in the URL or header. Without one the webhook route answers 503. */
    webhookSecret: z.string().min(1).optional(),
    /** Milliseconds before a request to Jira is abandoned. */
    timeoutMs: z.number().int().positive().default(10_000),
    /** Times a rate-limited (429) request is retried after the wait Jira asks for. */
    rateLimitRetries: z.number().int().nonnegative().default(3),
    /** The longest wait for a rate-limit reset before giving up, in milliseconds. */
    maxRetryWaitMs: z.number().int().nonnegative().default(10_000),
    /** Requests sent at the same time to this site (a queue keeps the rest waiting). */
    maxConcurrency: z.number().int().positive().default(8),
  })
  .strict()
  .superRefine((site, ctx) => {
    if (site.kind === 'cloud') {
      if (!site.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'A Jira Cloud site needs `email` (with `apiToken`)' });
      if (!site.apiToken) ctx.addIssue({ code: 'custom', path: ['apiToken'], message: 'A Jira Cloud site needs `apiToken` (with `email`)' });
    } else if (!site.personalAccessToken) {
      ctx.addIssue({ code: 'custom', path: ['personalAccessToken'], message: 'A Jira Data Center site needs `personalAccessToken`' });
    }
  })
  .transform(site => ({ ...site, apiBaseUrl: (site.apiBaseUrl ?? `https://${site.host}`).replace(/\/+$/, '') }));

export type JiraSiteConfig = z.output<typeof jiraSiteConfigSchema>;

/** `integrations.jira`: the sites, hosts unique. Parsed once, by the `jira.clients` service. */
export const jiraIntegrationsConfigSchema = z
  .array(jiraSiteConfigSchema)
  .default([])
  .superRefine((sites, ctx) => {
    const seen = new Set<string>();
    sites.forEach((s, i) => {
      if (seen.has(s.host)) ctx.addIssue({ code: 'custom', path: [i, 'host'], message: `The Jira host '${s.host}' is configured twice` });
      seen.add(s.host);
    });
  });
