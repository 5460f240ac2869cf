import net from 'node:net';
import { createClient } from 'redis';
import { coreServices, createBackendPlugin, type CacheService } from '@portico/backend-plugin-api';
import { describeEachDatabase, eventually, startTestBackend, type TestBackend } from '@portico/test-utils';
import { ConfigReader } from '../config/ConfigReader';
import { CacheManager } from './CacheManager';
import { MemoryCacheStore } from './MemoryCacheStore';
import { cacheServiceFactory } from './cacheServiceFactory';

function clockedManager(maxEntries?: number) {
  let now = 1_000;
  const store = new MemoryCacheStore({ maxEntries, now: () => now });
  return { manager: new CacheManager(store, 5_000), store, advance: (ms: number) => (now += ms) };
}

describe('cache', () => {
  it('stores JSON values and expires them after the TTL', async () => {
    const { manager, advance } = clockedManager();
    const cache = manager.forPlugin('catalog');
    await cache.set('a', { n: 1, list: ['x'] });
    await cache.set('b', 'short', { ttl: 100 });
    expect(await cache.get('a')).toEqual({ n: 1, list: ['x'] });
    advance(101);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toEqual({ n: 1, list: ['x'] });
    advance(5_000);
    expect(await cache.get('a')).toBeUndefined();
  });

  it('withOptions changes the default TTL only', async () => {
    const { manager, advance } = clockedManager();
    const cache = manager.forPlugin('p').withOptions({ defaultTtl: 50 });
    await cache.set('k', 1);
    advance(49);
    expect(await cache.get('k')).toBe(1);
    advance(2);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('keeps plugins apart', async () => {
    const { manager } = clockedManager();
    await manager.forPlugin('a').set('key', 'from a');
    expect(await manager.forPlugin('b').get('key')).toBeUndefined();
    await manager.forPlugin('b').set('key', 'from b');
    expect(await manager.forPlugin('a').get('key')).toBe('from a');
    await manager.forPlugin('a').delete('key');
    expect(await manager.forPlugin('a').get('key')).toBeUndefined();
    expect(await manager.forPlugin('b').get('key')).toBe('from b');
  });

  it('evicts the least recently used entries past the size limit', async () => {
    const { manager, store } = clockedManager(3);
    const cache = manager.forPlugin('p');
    await cache.set('1', 1);
    await cache.set('2', 2);
    await cache.set('3', 3);
    await cache.get('1');
    await cache.set('4', 4);
    expect(store.size).toBe(3);
    expect(await cache.get('2')).toBeUndefined();
    expect(await cache.get('1')).toBe(1);
    expect(await cache.get('4')).toBe(4);
  });

  it('refuses undefined values and negative TTLs', async () => {
    const cache = clockedManager().manager.forPlugin('p');
    await expect(cache.set('k', undefined)).rejects.toThrow(/undefined/);
    await expect(cache.set('k', 1, { ttl: -1 })).rejects.toThrow(/ttl/);
  });

  it('the factory reads backend.cache settings', async () => {
    const config = new ConfigReader({ backend: { cache: { defaultTtl: 1000, maxEntries: 2 } } });
    const manager = (await cacheServiceFactory.createRootContext!({ config, logger: undefined, events: undefined })) as CacheManager;
    const cache = await cacheServiceFactory.factory({ pluginMetadata: { getId: () => 'x' } }, manager);
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.set('c', 3);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('c')).toBe(3);
    await manager.shutdown();
  });
});

function redisReachable(): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(6379, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('cache on Redis', () => {
  it('stores, expires and namespaces entries in Redis (backend.cache.store: redis)', async () => {
    if (!(await redisReachable())) {
      console.warn('Redis unreachable at 127.0.0.1:6379: skipping the Redis cache test');
      return;
    }
    const keyPrefix = `portico-test-${Date.now()}-${Math.random().toString(16).slice(2)}:`;
    const config = new ConfigReader({ backend: { cache: { store: 'redis', connection: 'redis://127.0.0.1:6379', keyPrefix } } });
    const manager = await CacheManager.fromConfig(config);
    try {
      const a = manager.forPlugin('a');
      await a.set('k', { deep: [1, 2] });
      await a.set('short', 1, { ttl: 50 });
      expect(await a.get('k')).toEqual({ deep: [1, 2] });
      expect(await manager.forPlugin('b').get('k')).toBeUndefined();
      await new Promise(resolve => setTimeout(resolve, 120));
      expect(await a.get('short')).toBeUndefined();
      await a.delete('k');
      expect(await a.get('k')).toBeUndefined();
    } finally {
      await manager.shutdown();
    }
  });
});

/** A plugin that hands the test its cache. */
function cacheProbe(onCache: (cache: CacheService) => void) {
  return createBackendPlugin({
    pluginId: 'probe',
    register(env) {
      env.registerInit({ deps: { cache: coreServices.cache }, async init({ cache }) { onCache(cache); } });
    },
  });
}

const eventStores: Array<[string, Record<string, unknown>]> = [
  ['PostgreSQL', {}],
  ['Redis streams', { store: 'redis', keyPrefix: `portico-cache-test-${process.pid}-${Date.now()}:` }],
];

for (const [storeName, events] of eventStores) {
  describeEachDatabase(
    `in-memory caches of two instances on one PostgreSQL, invalidated through events on ${storeName}`,
    db => {
      const running: TestBackend[] = [];
      afterAll(async () => {
        await Promise.all(running.map(b => b.stop()));
        if (events.store === 'redis') {
          const redis = createClient({ url: 'redis://127.0.0.1:6379' });
          await redis.connect();
          const keys = await redis.keys(`${String(events.keyPrefix)}*`);
          if (keys.length) await redis.del(keys);
          await redis.close();
        }
      });
      async function instance(): Promise<CacheService> {
        let cache: CacheService | undefined;
        running.push(await startTestBackend({ features: [cacheProbe(c => (cache = c))], config: { backend: { database: db.config, events } } }));
        return cache!;
      }

      it('drop their copy when the other instance deletes or sets the key, and keep their other keys', async () => {
        const a = await instance();
        const b = await instance();
        await b.set('owners', ['group:default/old']);
        await b.set('untouched', 1);
        await a.delete('owners');
        await eventually(async () => expect(await b.get('owners')).toBeUndefined(), 5_000);

        await b.set('facets', { kind: 3 });
        await a.set('facets', { kind: 4 });
        // B's next read misses and fetches afresh, instead of answering its stale 3
        await eventually(async () => expect(await b.get('facets')).toBeUndefined(), 5_000);
        expect(await b.get('untouched')).toBe(1);
      });
    },
    { engines: ['pg'] },
  );
}
