import type { CacheService } from '@portico/backend-plugin-api';

/** A view of a cache whose keys all start with `prefix`: the scorecards module shares scorecards' cache namespace. */
export function prefixedCache(cache: CacheService, prefix: string): CacheService {
  return {
    get: <T>(key: string) => cache.get<T>(`${prefix}${key}`),
    set: (key, value, options) => cache.set(`${prefix}${key}`, value, options),
    delete: key => cache.delete(`${prefix}${key}`),
    withOptions: options => prefixedCache(cache.withOptions(options), prefix),
  };
}
