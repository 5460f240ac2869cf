import { pagerdutyIntegrationsConfigSchema } from './config';

describe('integrations.pagerduty', () => {
  it('fills in the PagerDuty URLs and limits, and trims trailing slashes', () => {
    expect(pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', token: 'k' }, { id: 'eu', token: 'e', apiBaseUrl: 'https://api.eu.pagerduty.com/' }])).toEqual([
      { id: 'default', token: 'k', apiBaseUrl: 'https://api.pagerduty.com', eventsBaseUrl: 'https://events.pagerduty.com', webhookSecrets: [], timeoutMs: 5000, rateLimitRetries: 3, maxRetryWaitMs: 10_000 },
      expect.objectContaining({ id: 'eu', apiBaseUrl: 'https://api.eu.pagerduty.com' }),
    ]);
    expect(pagerdutyIntegrationsConfigSchema.parse(undefined)).toEqual([]);
  });

  it('takes an OAuth app instead of a key, with EU URLs for the EU region; one or the other, never both or neither', () => {
    const [eu] = pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', oauth: { clientId: 'c', clientSecret: 's', subdomain: 'acme', region: 'eu' } }]);
    expect(eu).toMatchObject({
      apiBaseUrl: 'https://api.eu.pagerduty.com',
      eventsBaseUrl: 'https://events.eu.pagerduty.com',
      oauth: { clientId: 'c', subdomain: 'acme', region: 'eu', tokenUrl: 'https://identity.pagerduty.com/oauth/token', scopes: expect.stringContaining('incidents.write') },
    });
    const [us] = pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', oauth: { clientId: 'c', clientSecret: 's', subdomain: 'acme' } }]);
    expect(us).toMatchObject({ apiBaseUrl: 'https://api.pagerduty.com', oauth: { region: 'us' } });
    const both = pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'default', token: 'k', oauth: { clientId: 'c', clientSecret: 's', subdomain: 'acme' } }]);
    expect(both.error?.issues).toEqual([expect.objectContaining({ path: [0, 'oauth'], message: expect.stringMatching(/`token` .* or `oauth` .*, not both/) })]);
    const none = pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'default' }]);
    expect(none.error?.issues).toEqual([expect.objectContaining({ path: [0, 'token'], message: expect.stringMatching(/needs `token` \(a REST API key\) or `oauth`/) })]);
    const host = pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'default', oauth: { clientId: 'c', clientSecret: 's', subdomain: 'acme.pagerduty.com' } }]);
    expect(host.error?.issues[0].message).toMatch(/the subdomain only/);
  });

  it('refuses the same account id twice, unknown keys and bad URLs', () => {
    expect(pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'a', token: 'k' }, { id: 'a', token: 'l' }]).error?.issues[0].message).toBe("The PagerDuty account id 'a' is used twice");
    expect(pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'a', token: 'k', apiKey: 'x' }]).success).toBe(false);
    expect(pagerdutyIntegrationsConfigSchema.safeParse([{ id: 'a', token: 'k', apiBaseUrl: 'not a url' }]).success).toBe(false);
  });
});
