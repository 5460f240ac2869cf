export interface CacheSetOptions {
  /** Milliseconds; defaults to the cache's default TTL. */
  ttl?: number;
}

/** A key-value cache of JSON-serialisable values, private to the plugin. In memory by default. */
export interface CacheService {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, options?: CacheSetOptions): Promise<void>;
  delete(key: string): Promise<void>;
  withOptions(options: { defaultTtl?: number }): CacheService;
}
