import type { CacheService, ConfigService, EventsService, LoggerService } from '@portico/backend-plugin-api';
import { BroadcastCacheStore } from './BroadcastCacheStore';
import { CacheClient } from './CacheClient';
import type { CacheStore } from './CacheStore';
import { MemoryCacheStore } from './MemoryCacheStore';
import { RedisCacheStore } from './RedisCacheStore';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const DEFAULT_CACHE_TTL_MS = 10 * 60 * 1000;

/** Root context of the cache: one store shared by every plugin, each in its own namespace. */
export class CacheManager {
  /**
   * `backend.cache.store: memory` (default) or `redis` (connects to `backend.cache.connection`). In memory, when
   * several instances may run (PostgreSQL, or events on Redis) and `events` is given, each set or delete is
   * announced through it so the other instances drop their copies.
   */
  static async fromConfig(config: ConfigService, options: { logger?: LoggerService; events?: EventsService } = {}): Promise<CacheManager> {
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
    const shared = config.getOptionalString('backend.database.client') === 'pg' || config.getOptionalString('backend.events.store') === 'redis';
    if (shared && options.events) {
      return new CacheManager(await BroadcastCacheStore.create({ local: store, events: options.events, logger: options.logger }), defaultTtl);
    }
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
