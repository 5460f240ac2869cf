import type { CacheService, ConfigService } from '@portico/backend-plugin-api';
import { CacheClient } from './CacheClient';
import type { CacheStore } from './CacheStore';
import { MemoryCacheStore } from './MemoryCacheStore';

export const DEFAULT_CACHE_TTL_MS = 10 * 60 * 1000;

/** Root context of the cache: one store shared by every plugin, each in its own namespace. */
export class CacheManager {
  static fromConfig(config: ConfigService): CacheManager {
    const store = new MemoryCacheStore({ maxEntries: config.getOptionalNumber('backend.cache.maxEntries') });
    return new CacheManager(store, config.getOptionalNumber('backend.cache.defaultTtl') ?? DEFAULT_CACHE_TTL_MS);
  }

  constructor(
    readonly store: CacheStore,
    private readonly defaultTtl = DEFAULT_CACHE_TTL_MS,
  ) {}

  forPlugin(pluginId: string): CacheService {
    return new CacheClient(this.store, pluginId, this.defaultTtl);
  }

  async shutdown(): Promise<void> {
    await this.store.close?.();
  }
}
