import type { LoggerService } from '@portico/backend-plugin-api';
import type { EntityProvider } from '@portico/plugin-catalog-node';
import type { IngestionService } from './IngestionService';

/** Connects entity providers to ingestion and routes refresh requests to the provider that owns a key. */
export class ProviderRegistry {
  private readonly providers = new Map<string, EntityProvider>();

  constructor(private readonly ingestion: IngestionService, private readonly logger: LoggerService) {}

  async connect(provider: EntityProvider): Promise<void> {
    const name = provider.getProviderName();
    if (!name || typeof name !== 'string') throw new Error('catalog.providers: a provider needs a name');
    if (this.providers.has(name)) throw new Error(`catalog.providers: provider '${name}' is registered twice`);
    this.providers.set(name, provider);
    await provider.connect({
      applyMutation: mutation => this.ingestion.applyMutation(name, mutation).then(() => undefined),
      refresh: ({ keys }) => this.refresh(keys),
      reportErrors: ({ locationKeys, errors }) => this.ingestion.reportErrors(name, locationKeys, errors),
    });
  }

  disconnect(name: string): void {
    this.providers.delete(name);
  }

  get(name: string): EntityProvider | undefined {
    return this.providers.get(name);
  }

  /** Asks the named provider (or every provider) to read these keys again. */
  async refresh(keys: string[], providerName?: string): Promise<void> {
    const targets = providerName ? [this.providers.get(providerName)].filter(Boolean) : [...this.providers.values()];
    for (const provider of targets as EntityProvider[]) {
      try {
        await provider.refresh?.(keys);
      } catch (error) {
        this.logger.warn(`Refresh of ${provider.getProviderName()} failed: ${(error as Error).message}`);
      }
    }
  }
}
