import type {
  IntegrationProvider,
  IntegrationsExtensionPoint,
  IntegrationsService,
} from '@portico/backend-plugin-api';
import { InputError } from '@portico/errors';

/** The host's `core.integrations` pair: the extension point contributors use and the service readers use. */
export interface HostIntegrations {
  extensionPoint: IntegrationsExtensionPoint;
  service: IntegrationsService;
}

// Temporary registry until host-services' createIntegrationRegistry() lands.
export function createHostIntegrations(): HostIntegrations {
  const providers: IntegrationProvider[] = [];
  const providerFor = (url: string) => {
    const parsed = new URL(url);
    return providers.find(p => p.serves(parsed));
  };
  const need = (url: string) => {
    const provider = providerFor(url);
    if (!provider) throw new InputError(`No integration serves ${url}`);
    return provider;
  };
  return {
    extensionPoint: {
      addProvider(provider) {
        providers.push(provider);
      },
    },
    service: {
      providerFor,
      async readUrl(url, options) {
        const provider = need(url);
        if (!provider.readUrl) throw new InputError(`Integration '${provider.id}' cannot read ${url}`);
        return provider.readUrl(url, options);
      },
      async readTree(url, options) {
        const provider = need(url);
        if (!provider.readTree) throw new InputError(`Integration '${provider.id}' cannot read trees at ${url}`);
        return provider.readTree(url, options);
      },
      resolveUrl({ base, url }) {
        return need(base).resolveUrl?.({ base, url }) ?? new URL(url, base).toString();
      },
      listProviders: () => [...providers],
    },
  };
}
