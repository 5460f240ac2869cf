export type { CacheStore } from './CacheStore';
export { MemoryCacheStore } from './MemoryCacheStore';
export { CacheClient } from './CacheClient';
export { CacheManager, DEFAULT_CACHE_TTL_MS } from './CacheManager';
export { cacheServiceFactory } from './cacheServiceFactory';
