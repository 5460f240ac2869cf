import { z } from 'zod';

const trimmedUrl = () => z.string().url().optional().transform(u => u?.replace(/\/+$/, ''));

/** What the plugin reads and writes, asked for by an OAuth app (PagerDuty's scoped OAuth). */
export const DEFAULT_OAUTH_SCOPES =
  'services.read services.write escalation_policies.read escalation_policies.write oncalls.read incidents.read incidents.write users.read analytics.read change_events.read';

/**
 * One entry of `integrations.pagerduty`: an account reached with a REST API key (`token`) or an OAuth app's client
 * credentials (`oauth`), in the US or EU service region.
 */
export const pagerdutyAccountConfigSchema = z
  .object({
    /** Entities name a non-default account with `pagerduty.com/account: <id>`. */
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ., _ and - only'),
    /** Default https://api.pagerduty.com (https://api.eu.pagerduty.com for an OAuth app in the EU region). */
    apiBaseUrl: trimmedUrl(),
    /** The plugin appends `/v2/enqueue`. Default https://events.pagerduty.com (events.eu. in the EU region). */
    eventsBaseUrl: trimmedUrl(),
    /** A REST API key (account or user key). */
    token: z.string().min(1).optional(),
    oauth: z
      .object({
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
        /** The account's subdomain (acme for acme.pagerduty.com): the token acts on that account. */
        subdomain: z.string().regex(/^[a-z0-9-]+$/i, 'the subdomain only, as acme for acme.pagerduty.com'),
        region: z.enum(['us', 'eu']).default('us'),
        /** PagerDuty's token endpoint (the client credentials grant). */
        tokenUrl: z.string().url().default('https://identity.pagerduty.com/oauth/token'),
        /** Space-separated scopes, besides the account scope the plugin adds. */
        scopes: z.string().min(1).default(DEFAULT_OAUTH_SCOPES),
      })
      .strict()
      .optional(),
    /** Secrets of the V3 webhook subscriptions; several during a rotation. */
    webhookSecrets: z.array(z.string().min(1)).default([]),
    /** Milliseconds before a request to PagerDuty is abandoned. */
    timeoutMs: z.number().int().positive().default(5000),
    /** Times a rate-limited (429) request is retried after the wait PagerDuty asks for. */
    rateLimitRetries: z.number().int().nonnegative().default(3),
    /** The longest wait for a rate-limit reset before giving up, in milliseconds. */
    maxRetryWaitMs: z.number().int().nonnegative().default(10_000),
  })
  .strict()
  .superRefine((account, ctx) => {
    if (account.oauth && account.token) {
      ctx.addIssue({ code: 'custom', path: ['oauth'], message: 'A PagerDuty account takes `token` (a REST API key) or `oauth` (an app\'s client credentials), not both' });
    } else if (!account.oauth && !account.token) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'A PagerDuty account needs `token` (a REST API key) or `oauth` { clientId, clientSecret, subdomain, region }' });
    }
  })
  .transform(account => {
    const eu = account.oauth?.region === 'eu';
    return {
      ...account,
      apiBaseUrl: account.apiBaseUrl ?? (eu ? 'https://api.eu.pagerduty.com' : 'https://api.pagerduty.com'),
      eventsBaseUrl: account.eventsBaseUrl ?? (eu ? 'https://events.eu.pagerduty.com' : 'https://events.pagerduty.com'),
    };
  });

export type PagerDutyAccountConfig = z.output<typeof pagerdutyAccountConfigSchema>;

/** `integrations.pagerduty`: the accounts, ids unique. Parsed once, by the `pagerduty.clients` service. */
export const pagerdutyIntegrationsConfigSchema = z
  .array(pagerdutyAccountConfigSchema)
  .default([])
  .superRefine((accounts, ctx) => {
    const seen = new Set<string>();
    accounts.forEach((a, i) => {
      if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `The PagerDuty account id '${a.id}' is used twice` });
      seen.add(a.id);
    });
  })
  .transform(accounts => accounts as PagerDutyAccountConfig[]);
