import type { CacheService, ConfigService, LoggerService } from '@portico/backend-plugin-api';
import { CacheClient } from './CacheClient';
import type { CacheStore } from './CacheStore';
import { MemoryCacheStore } from './MemoryCacheStore';
import { RedisCacheStore } from './RedisCacheStore';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const DEFAULT_CACHE_TTL_MS = 10 * 60 * 1000;

/** Root context of the cache: one store shared by every plugin, each in its own namespace. */
export class CacheManager {
  /** `backend.cache.store: memory` (default) or `redis` (connects to `backend.cache.connection`). */
  static async fromConfig(config: ConfigService, options: { logger?: LoggerService } = {}): Promise<CacheManager> {
    const defaultTtl = config.getOptionalNumber('backend.cache.defaultTtl') ?? DEFAULT_CACHE_TTL_MS;
    if (config.getOptionalString('backend.cache.store') === 'redis') {
      const store = await RedisCacheStore.connect({
        url: config.getOptionalString('backend.cache.connection') ?? DEFAULT_REDIS_URL,
        keyPrefix: config.getOptionalString('backend.cache.keyPrefix'),
        logger: options.logger,
      });
      return new CacheManager(store, defaultTtl);
    }
    const store = new MemoryCacheStore({ maxEntries: config.getOptionalNumber('backend.cache.maxEntries') });
    return new CacheManager(store, defaultTtl);
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
