export type { CacheStore } from './CacheStore';
export { MemoryCacheStore } from './MemoryCacheStore';
export { CacheClient } from './CacheClient';
export { CacheManager, DEFAULT_CACHE_TTL_MS, DEFAULT_REDIS_URL } from './CacheManager';
export { RedisCacheStore, type RedisCacheStoreOptions } from './RedisCacheStore';
export { cacheServiceFactory } from './cacheServiceFactory';
export { BroadcastCacheStore, CACHE_INVALIDATION_TOPIC } from './BroadcastCacheStore';
