import type { CacheService, CacheSetOptions } from '@portico/backend-plugin-api';
import { InputError } from '@portico/errors';
import type { CacheStore } from './CacheStore';

/** A plugin's view of the shared store: keys are prefixed with `<pluginId>:`. */
export class CacheClient implements CacheService {
  constructor(
    private readonly store: CacheStore,
    private readonly namespace: string,
    private readonly defaultTtl: number,
  ) {}

  private key(key: string): string {
    if (typeof key !== 'string' || key.length === 0) throw new InputError('Cache keys must be non-empty strings');
    return `${this.namespace}:${key}`;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const text = await this.store.get(this.key(key));
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async set(key: string, value: unknown, options: CacheSetOptions = {}): Promise<void> {
    if (value === undefined) throw new InputError(`Cannot cache undefined at '${key}'; use delete()`);
    const text = JSON.stringify(value);
    if (text === undefined) throw new InputError(`Cache value at '${key}' is not JSON-serialisable`);
    const ttl = options.ttl ?? this.defaultTtl;
    if (!Number.isFinite(ttl) || ttl < 0) throw new InputError(`Invalid cache ttl ${ttl} for '${key}'`);
    await this.store.set(this.key(key), text, ttl);
  }

  async delete(key: string): Promise<void> {
    await this.store.delete(this.key(key));
  }

  withOptions(options: { defaultTtl?: number }): CacheService {
    return new CacheClient(this.store, this.namespace, options.defaultTtl ?? this.defaultTtl);
  }
}
