import type { CacheService } from '@portico/backend-plugin-api';

/** The cache service's contract in memory, TTLs ignored: a collector test starts from an empty one. */
export function memoryCache(): CacheService {
  const entries = new Map<string, unknown>();
  const cache: CacheService = {
    get: async <T>(key: string) => entries.get(key) as T | undefined,
    set: async (key, value) => void entries.set(key, structuredClone(value)),
    delete: async key => void entries.delete(key),
    withOptions: () => cache,
  };
  return cache;
}
