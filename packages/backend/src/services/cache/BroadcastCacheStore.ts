import { randomBytes } from 'node:crypto';
import type { EventsService, LoggerService } from '@portico/backend-plugin-api';
import type { CacheStore } from './CacheStore';

/** The topic each instance announces the keys it set or deleted on. */
export const CACHE_INVALIDATION_TOPIC = 'core.cache.invalidated';

interface InvalidationPayload {
  keys: string[];
}

/**
 * An in-process store kept in agreement across instances: each set or delete is announced through the events
 * service (keys written in the same tick share one event), and every other instance drops its own copy of those
 * keys, so its next read misses and fetches fresh. Entries are never copied between instances.
 */
export class BroadcastCacheStore implements CacheStore {
  /** Tells this instance's announcements from the others'. */
  private readonly origin = randomBytes(8).toString('hex');
  private queued = new Set<string>();
  private flush?: Promise<void>;

  private constructor(
    private readonly local: CacheStore,
    private readonly events: EventsService,
    private readonly logger?: LoggerService,
  ) {}

  static async create(options: { local: CacheStore; events: EventsService; logger?: LoggerService }): Promise<BroadcastCacheStore> {
    const store = new BroadcastCacheStore(options.local, options.events, options.logger);
    await options.events.subscribe({
      id: 'core.cache',
      topics: [CACHE_INVALIDATION_TOPIC],
      delivery: 'every-instance',
      onEvent: async event => {
        if (event.metadata?.origin === store.origin) return;
        const keys = (event.payload as InvalidationPayload | undefined)?.keys;
        if (Array.isArray(keys)) await Promise.all(keys.map(key => (typeof key === 'string' ? options.local.delete(key) : undefined)));
      },
    });
    return store;
  }

  get(key: string): Promise<string | undefined> {
    return this.local.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.local.set(key, value, ttlMs);
    await this.announce(key);
  }

  async delete(key: string): Promise<void> {
    await this.local.delete(key);
    await this.announce(key);
  }

  /** Resolves once the key's announcement is published; a failed publish is logged, not thrown (entries expire). */
  private announce(key: string): Promise<void> {
    this.queued.add(key);
    this.flush ??= new Promise<void>(resolve => setImmediate(resolve)).then(async () => {
      const keys = [...this.queued];
      this.queued = new Set();
      this.flush = undefined;
      try {
        await this.events.publish({ topic: CACHE_INVALIDATION_TOPIC, payload: { keys } satisfies InvalidationPayload, metadata: { origin: this.origin } });
      } catch (error) {
        this.logger?.warn(`Cache invalidation of ${keys.length} key(s) could not be announced to other instances: ${(error as Error)?.message ?? error}`);
      }
    });
    return this.flush;
  }

  async close(): Promise<void> {
    await this.flush;
    await this.local.close?.();
  }
}
