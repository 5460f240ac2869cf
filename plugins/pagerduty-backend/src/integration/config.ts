import { z } from 'zod';

const trimmedUrl = (fallback: string) => z.string().url().default(fallback).transform(u => u.replace(/\/+$/, ''));

/** One entry of `integrations.pagerduty`: an account reached with a REST API key (OAuth is refused for now). */
export const pagerdutyAccountConfigSchema = z
  .object({
    /** Entities name a non-default account with `pagerduty.com/account: <id>`. */
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ., _ and - only'),
    apiBaseUrl: trimmedUrl('https://api.pagerduty.com'),
    /** The plugin appends `/v2/enqueue`. */
    eventsBaseUrl: trimmedUrl('https://events.pagerduty.com'),
    /** A REST API key (account or user key). */
    token: z.string().min(1).optional(),
    oauth: z
      .object({ clientId: z.string().min(1), clientSecret: z.string().min(1), subdomain: z.string().min(1), region: z.enum(['us', 'eu']).default('us') })
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
    if (account.oauth) {
      ctx.addIssue({ code: 'custom', path: ['oauth'], message: 'PagerDuty OAuth (client credentials) is not supported yet: use `token` with a REST API key' });
    } else if (!account.token) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'A PagerDuty account needs `token` (a REST API key)' });
    }
  });

export type PagerDutyAccountConfig = z.output<typeof pagerdutyAccountConfigSchema> & { token: string };

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
