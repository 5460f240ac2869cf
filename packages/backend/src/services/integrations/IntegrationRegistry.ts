import type {
  ConfigService,
  IntegrationProvider,
  IntegrationsExtensionPoint,
  IntegrationsService,
  ReadTreeFile,
  ReadUrlOptions,
  ReadUrlResult,
} from '@portico/backend-plugin-api';
import { ConflictError, InputError } from '@portico/errors';

/** The `core.integrations` extension point and the integrations service in one object. */
export interface IntegrationRegistry extends IntegrationsExtensionPoint, IntegrationsService {
  /** After this, addProvider fails: every contributor has initialised. */
  freeze(): void;
  readonly frozen: boolean;
  /** Checks `integrations.<id>` of every provider against its configSchema; a ConfigError names the path. */
  validateConfig(config: ConfigService): void;
}

const PROVIDER_ID = /^[a-z][a-z0-9-]*$/;

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new InputError(`Invalid URL '${url}': expected an absolute URL such as file:///path or https://host/path`);
  }
}

/** Creates the host's registry of integration providers. */
export function createIntegrationRegistry(): IntegrationRegistry {
  const providers: IntegrationProvider[] = [];
  let frozen = false;

  const servedTargets = () =>
    providers.length === 0
      ? 'no integration providers are installed'
      : `served: ${providers.map(p => `${p.id} (${p.describeTargets().join(', ') || 'nothing configured'})`).join('; ')}`;

  const providerFor = (url: string): IntegrationProvider | undefined => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    return providers.find(p => p.serves(parsed));
  };

  const need = (url: string): IntegrationProvider => {
    const parsed = parseUrl(url);
    const provider = providers.find(p => p.serves(parsed));
    if (!provider) throw new InputError(`No integration serves ${url}; ${servedTargets()}`);
    return provider;
  };

  return {
    get frozen() {
      return frozen;
    },
    addProvider(provider: IntegrationProvider) {
      if (frozen) {
        throw new Error(
          `Cannot add integration provider '${provider?.id}': core.integrations is frozen (add providers from a module's init)`,
        );
      }
      if (!provider || typeof provider.id !== 'string' || !PROVIDER_ID.test(provider.id)) {
        throw new TypeError(`Invalid integration provider id '${String(provider?.id)}': use lower-case letters, digits and dashes`);
      }
      if (typeof provider.serves !== 'function' || typeof provider.describeTargets !== 'function') {
        throw new TypeError(`Integration provider '${provider.id}' needs serves(url) and describeTargets()`);
      }
      if (providers.some(p => p.id === provider.id)) {
        throw new ConflictError(`Integration provider '${provider.id}' is already registered; provider ids must be unique`);
      }
      providers.push(provider);
    },
    freeze() {
      frozen = true;
    },
    validateConfig(config: ConfigService) {
      for (const provider of providers) {
        if (provider.configSchema) config.parse(`integrations.${provider.id}`, provider.configSchema);
      }
    },
    providerFor,
    async readUrl(url: string, options?: ReadUrlOptions): Promise<ReadUrlResult & { notModified?: boolean }> {
      const provider = need(url);
      if (!provider.readUrl) throw new InputError(`Integration '${provider.id}' cannot read URLs such as ${url}`);
      return provider.readUrl(url, options);
    },
    async readTree(url: string, options?: { signal?: AbortSignal }): Promise<ReadTreeFile[]> {
      const provider = need(url);
      if (!provider.readTree) throw new InputError(`Integration '${provider.id}' cannot read directory trees such as ${url}`);
      return provider.readTree(url, options);
    },
    resolveUrl({ base, url }) {
      const provider = need(base);
      if (provider.resolveUrl) return provider.resolveUrl({ base, url });
      try {
        return new URL(url, base).toString();
      } catch {
        throw new InputError(`Cannot resolve '${url}' against ${base}`);
      }
    },
    listProviders: () => [...providers],
  };
}
