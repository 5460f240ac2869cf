import { pagerdutyIntegrationsConfigSchema } from './config';

describe('integrations.pagerduty', () => {
  it('fills in the PagerDuty URLs and limits, and trims trailing slashes', () => {
    expect(pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', token: 'k' }, { id: 'eu', token: 'e', apiBaseUrl: 'https://api.eu.pagerduty.com/' }])).toEqual([
      { id: 'default', token: 'k', apiBaseUrl: 'https://api.pagerduty.com', eventsBaseUrl: 'https://events.pagerduty.com', webhookSecrets: [], timeoutMs: 5000, rateLimitRetries: 3, maxRetryWaitMs: 10_000 },
      expect.objectContaining({ id: 'eu', apiBaseUrl: 'https://api.eu.pagerduty.com' }),
    ]);
    expect(pagerdutyIntegrationsConfigSchema.parse(undefined)).toEqual([]);
  });

  it('says OAuth is not supported yet, and asks for a token when there is none', () => {
    const oauth = pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'default', oauth: { clientId: 'c', clientSecret: 's', subdomain: 'acme', region: 'eu' } }]);
    expect(oauth.success).toBe(false);
    expect(oauth.error?.issues).toEqual([expect.objectContaining({ path: [0, 'oauth'], message: expect.stringMatching(/OAuth .* is not supported yet: use `token`/) })]);
    const none = pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'default' }]);
    expect(none.error?.issues).toEqual([expect.objectContaining({ path: [0, 'token'], message: 'A PagerDuty account needs `token` (a REST API key)' })]);
  });

  it('refuses the same account id twice, unknown keys and bad URLs', () => {
    expect(pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'a', token: 'k' }, { id: 'a', token: 'l' }]).error?.issues[0].message).toBe("The PagerDuty account id 'a' is used twice");
    expect(pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'a', token: 'k', apiKey: 'x' }]).success).toBe(false);
    expect(pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'a', token: 'k', apiBaseUrl: 'not a url' }]).success).toBe(false);
  });
});
