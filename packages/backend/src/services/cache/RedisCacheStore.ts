import type { createClient as CreateClient } from 'redis';
import type { LoggerService } from '@portico/backend-plugin-api';
import type { CacheStore } from './CacheStore';

export interface RedisCacheStoreOptions {
  /** e.g. `redis://127.0.0.1:6379`. */
  url: string;
  /** Prepended to every key so several portals can share one Redis. Default `portico:`. */
  keyPrefix?: string;
  logger?: LoggerService;
}

/** A CacheStore in Redis: entries are shared by every backend instance and expire with PX. */
export class RedisCacheStore implements CacheStore {
  static async connect(options: RedisCacheStoreOptions): Promise<RedisCacheStore> {
    // Loaded on demand: the redis client is heavy and most backends use the memory store.
    const { createClient } = await import('redis');
    const client = createClient({
      url: options.url,
      socket: { connectTimeout: 5000, reconnectStrategy: retries => Math.min(retries * 200, 5000) },
    });
    // Without a listener a lost connection would crash the process; log it instead.
    client.on('error', (error: Error) => options.logger?.warn('Redis cache connection error', { error }));
    await client.connect();
    return new RedisCacheStore(client, options.keyPrefix ?? 'portico:');
  }

  private constructor(
    private readonly client: ReturnType<typeof CreateClient>,
    private readonly keyPrefix: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const value = await this.client.get(this.keyPrefix + key);
    return typeof value === 'string' ? value : undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (ttlMs > 0) {
      await this.client.set(this.keyPrefix + key, value, { expiration: { type: 'PX', value: Math.ceil(ttlMs) } });
    } else {
      await this.client.set(this.keyPrefix + key, value);
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.keyPrefix + key);
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close();
  }
}
