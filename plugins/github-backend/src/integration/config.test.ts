import { startTestBackend } from '@portico/test-utils';
import { githubPlugin } from '../plugin';
import { githubIntegrationsConfigSchema } from './config';

describe('integrations.github', () => {
  it('gives each host its API base URL and adds github.com without credentials when no entry names it', () => {
    expect(githubIntegrationsConfigSchema.parse(undefined)).toEqual([{ host: 'github.com', apiBaseUrl: 'https://api.github.com' }]);
    expect(githubIntegrationsConfigSchema.parse([{ host: 'ghe.acme.dev', token: 't' }, { host: 'github.com', apiBaseUrl: 'https://fake.test/api/', token: 'u' }])).toEqual([
      { host: 'ghe.acme.dev', apiBaseUrl: 'https://ghe.acme.dev/api/v3', token: 't' },
      { host: 'github.com', apiBaseUrl: 'https://fake.test/api', token: 'u' },
    ]);
  });

  it('fails startup with the path of a bad entry, parsed once by the github.clients service', async () => {
    await expect(startTestBackend({ features: [githubPlugin], config: { integrations: { github: [{ host: 'github.com', token: '' }] } } })).rejects.toThrow(
      /integrations\.github\[0\]/,
    );
  });
});
