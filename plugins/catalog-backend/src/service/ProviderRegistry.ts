import { type LoggerService } from '@portico/backend-plugin-api';
import { ServiceUnavailableError } from '@portico/errors';
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
    // A provider still reading when the catalog shuts down gets its late writes dropped with a warning
    // (it reads again on the next start) rather than an error its own code may not expect.
    const unlessClosed = async (what: string, write: () => Promise<unknown>) => {
      try {
        await write();
      } catch (error) {
        if (!(error instanceof ServiceUnavailableError && this.ingestion.isClosed)) throw error;
        this.logger.warn(`Ignored ${what} from provider '${name}': the catalog is shutting down`);
      }
    };
    await provider.connect({
      applyMutation: mutation => unlessClosed('a mutation', () => this.ingestion.applyMutation(name, mutation)),
      refresh: ({ keys }) => this.refresh(keys),
      reportErrors: ({ locationKeys, errors }) => unlessClosed('an error report', () => this.ingestion.reportErrors(name, locationKeys, errors)),
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
