import { coreServices, createBackendPlugin, type EventParams, type EventsService, type EventSubscriber } from '@portico/backend-plugin-api';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { createClient } from 'redis';
import { describeEachDatabase, eventually, startTestBackend, type TestDatabase, type TestBackend } from '@portico/test-utils';
import { ConfigReader } from '../config/ConfigReader';
import { DatabaseEvents } from './DatabaseEvents';
import { RedisEvents } from './RedisEvents';
import { RETRY_DELAYS_MS } from './StoredEvents';

let TOPIC = 'test.thing.changed';
// Each test its own topic: the tests of one suite share a database, whose stored events a subscriber would catch up on.
let topicCount = 0;
beforeEach(() => {
  TOPIC = `test.thing.changed.${++topicCount}`;
});

/** A plugin that hands the test its events service and, optionally, subscribes. */
function probe(options: { events?: (events: EventsService) => void; subscriber?: EventSubscriber } = {}) {
  return createBackendPlugin({
    pluginId: 'probe',
    register(env) {
      env.registerInit({
        deps: { events: coreServices.events },
        async init({ events }) {
          options.events?.(events);
          if (options.subscriber) await events.subscribe(options.subscriber);
        },
      });
    },
  });
}

/** Starts a backend with the probe; resolves to the backend and its events service. */
async function start(config: Record<string, unknown>, subscriber?: EventSubscriber): Promise<TestBackend & { events: EventsService }> {
  let events: EventsService | undefined;
  const backend = await startTestBackend({ features: [probe({ events: e => (events = e), subscriber })], config });
  return { ...backend, events: events! };
}

function collector(id: string, received: EventParams[], delivery?: 'once' | 'every-instance'): EventSubscriber {
  return { id, topics: [TOPIC], delivery, onEvent: event => void received.push(event) };
}

const indexes = (events: EventParams[]) => events.map(e => (e.payload as { i: number }).i);


type Redis = ReturnType<typeof createClient>;

/** What the behaviour tests of one backend need to know about a store: its config and how to look inside it. */
interface StoredEvents {
  name: string;
  config(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Events of the topic still stored. */
  stored(topic: string): Promise<number>;
  close(): Promise<void>;
}

/** What the tests across two backends need besides. */
interface EventsStore extends StoredEvents {
  /** Every 'once' event of the subscriber finished: none claimed or read and not acknowledged. */
  settled(subscriberId: string, expected: number): Promise<boolean>;
  /** Connections blocked waiting for new events (the LISTEN or the XREAD). */
  listeners(): Promise<number>;
  terminateListeners(): Promise<void>;
  /** Makes it look as if an instance that died read the subscriber's events and never finished them. */
  abandon(subscriberId: string): Promise<void>;
}

/** SQLite files in a data directory of their own (one instance owns it), removed by `close()`. */
function sqliteStore(): StoredEvents {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-events-'));
  let reader: Knex | undefined;
  return {
    name: 'SQLite',
    config: (extra = {}) => ({ backend: { dataDir, database: { client: 'better-sqlite3' }, events: extra } }),
    async stored(topic) {
      reader ??= knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(dataDir, 'core_events.sqlite') }, useNullAsDefault: true });
      return Number((await reader('events').where({ topic }).count({ n: '*' }))[0].n);
    },
    async close() {
      await reader?.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function postgresStore(db: TestDatabase): EventsStore {
  const core = () => db.knex.withSchema('portico_core_events');
  const listening = () =>
    db.knex('pg_stat_activity').where({ datname: db.knex.raw('current_database()') }).andWhere('query', 'like', 'LISTEN%').pluck('pid');
  return {
    name: 'PostgreSQL',
    config: (extra = {}) => ({ backend: { database: db.config, events: extra } }),
    async settled(subscriberId, expected) {
      const done = await core().from('subscriber_claims').where({ subscriber_id: subscriberId, done: true }).count({ n: '*' });
      return Number(done[0].n) === expected;
    },
    listeners: async () => (await listening()).length,
    async terminateListeners() {
      for (const pid of await listening()) await db.knex.raw('SELECT pg_terminate_backend(?)', [pid]);
    },
    stored: async topic => Number((await core().from('events').where({ topic }).count({ n: '*' }))[0].n),
    async abandon(subscriberId) {
      const events = await core().from('events').where({ topic: TOPIC }).pluck('id');
      await core()
        .table('subscriber_claims')
        .insert(events.map((id: string) => ({ subscriber_id: subscriberId, event_id: id, claimed_by: 'dead-instance', claimed_at: new Date(0), done: false })));
    },
    close: async () => undefined,
  };
}

async function redisStore(db: TestDatabase): Promise<EventsStore> {
  const keyPrefix = `portico-events-test-${process.pid}-${Math.random().toString(16).slice(2)}:`;
  const stream = `${keyPrefix}events`;
  const redis: Redis = createClient({ url: 'redis://127.0.0.1:6379' });
  await redis.connect();
  const notifiers = async () =>
    String(await redis.sendCommand(['CLIENT', 'LIST']))
      .split('\n')
      .filter(line => / name=portico-events-notifier /.test(line) && / cmd=xread /.test(line))
      .map(line => /\bid=(\d+)/.exec(line)![1]);
  return {
    name: 'Redis',
    config: (extra = {}) => ({ backend: { database: db.config, events: { store: 'redis', keyPrefix, ...extra } } }),
    async settled(subscriberId) {
      const summary = (await redis.sendCommand(['XPENDING', stream, `once:${subscriberId}`])) as [number];
      return Number(summary[0]) === 0;
    },
    listeners: async () => (await notifiers()).length,
    async terminateListeners() {
      for (const id of await notifiers()) await redis.sendCommand(['CLIENT', 'KILL', 'ID', id]);
    },
    async stored(topic) {
      const entries = (await redis.sendCommand(['XRANGE', stream, '-', '+'])) as Array<[string, string[]]>;
      return entries.filter(([, fields]) => fields[1] === topic).length;
    },
    async abandon(subscriberId) {
      const group = `once:${subscriberId}`;
      const read = (await redis.sendCommand(['XREADGROUP', 'GROUP', group, 'dead-instance', 'STREAMS', stream, '>'])) as Array<[string, Array<[string]>]>;
      const ids = read[0][1].map(([id]) => id);
      // idle for longer than any lease: what an instance that died an hour ago leaves behind
      await redis.sendCommand(['XCLAIM', stream, group, 'dead-instance', '0', ...ids, 'IDLE', String(3_600_000), 'JUSTID']);
    },
    async close() {
      await redis.del([stream, ...(await redis.keys(`${keyPrefix}*`))]);
      await redis.close();
    },
  };
}

/**
 * Opens a store for the tests of a describe block (closed after them) and starts backends on it, stopped after
 * each test.
 */
function useStore<S extends StoredEvents>(makeStore: () => S | Promise<S>) {
  const suite = {
    store: undefined as unknown as S,
    running: [] as TestBackend[],
    async started(subscriber?: EventSubscriber, extra?: Record<string, unknown>) {
      const backend = await start(suite.store.config(extra), subscriber);
      suite.running.push(backend);
      return backend;
    },
  };
  beforeAll(async () => {
    suite.store = await makeStore();
  });
  afterAll(async () => {
    await suite.store?.close();
  });
  afterEach(async () => {
    await Promise.all(suite.running.splice(0).map(b => b.stop()));
  });
  return suite;
}

const stores: Array<[string, (db: TestDatabase) => EventsStore | Promise<EventsStore>]> = [
  ['PostgreSQL', postgresStore],
  ['Redis streams', redisStore],
];

for (const [storeName, makeStore] of stores) {
  describeEachDatabase(
    `events across two backends on ${storeName}`,
    db => {
      const suite = useStore(() => makeStore(db));
      const { running, started } = suite;

      it("delivers an event published on A to B's subscriber, with its metadata", async () => {
        const received: EventParams[] = [];
        const a = await started();
        await started(collector('watcher', received));
        await a.events.publish({ topic: TOPIC, payload: { i: 1, ref: 'component:default/ledger' }, metadata: { plugin: 'catalog' } });
        await eventually(() => expect(received).toHaveLength(1), 10_000);
        expect(received[0]).toEqual({ topic: TOPIC, payload: { i: 1, ref: 'component:default/ledger' }, metadata: { plugin: 'catalog' } });
      });

      it("delivers a payload over NOTIFY's 8,000 bytes whole", async () => {
        const received: EventParams[] = [];
        const a = await started();
        await started(collector('watcher', received));
        const refs = Array.from({ length: 2_000 }, (_, i) => `component:default/service-${i}`);
        await a.events.publish({ topic: TOPIC, payload: { i: 1, refs } });
        await eventually(() => expect(received).toHaveLength(1), 10_000);
        expect(JSON.stringify(received[0].payload).length).toBeGreaterThan(8_000);
        expect((received[0].payload as { refs: string[] }).refs).toEqual(refs);
      });

      it('delivers to every instance by default, in publish order', async () => {
        const onA: EventParams[] = [];
        const onB: EventParams[] = [];
        const a = await started(collector('live-view', onA));
        await started(collector('live-view', onB));
        for (let i = 0; i < 30; i++) await a.events.publish({ topic: TOPIC, payload: { i } });
        const all = Array.from({ length: 30 }, (_, i) => i);
        await eventually(() => expect(indexes(onB)).toEqual(all), 10_000);
        await eventually(() => expect(indexes(onA)).toEqual(all), 10_000);
      });

      it("runs a 'once' subscriber present on both instances once per event", async () => {
        const onA: EventParams[] = [];
        const onB: EventParams[] = [];
        const a = await started(collector('scorecards', onA, 'once'));
        const b = await started(collector('scorecards', onB, 'once'));
        for (let i = 0; i < 20; i++) await (i % 2 ? a : b).events.publish({ topic: TOPIC, payload: { i } });
        // every event handled and finished: no instance can deliver any of them again
        await eventually(async () => {
          expect(onA.length + onB.length).toBe(20);
          expect(await suite.store.settled('scorecards', 20)).toBe(true);
        }, 15_000);
        const all = [...indexes(onA), ...indexes(onB)].sort((x, y) => x - y);
        expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
      });

      it("hands a 'once' event that a stopping instance claimed but did not finish to the other instance", async () => {
        const onA: EventParams[] = [];
        let release!: () => void;
        const stuck = new Promise<void>(resolve => (release = resolve));
        const a = await start(suite.store.config({ pollInterval: 200 }), {
          id: 'reminders',
          topics: [TOPIC],
          delivery: 'once',
          onEvent: async event => {
            onA.push(event);
            await stuck; // A never finishes the first event
          },
        });
        for (let i = 1; i <= 3; i++) await a.events.publish({ topic: TOPIC, payload: { i } });
        await eventually(() => expect(indexes(onA)).toEqual([1]), 10_000);
        const onB: EventParams[] = [];
        running.push(await start(suite.store.config({ pollInterval: 200 }), collector('reminders', onB, 'once')));
        await a.stop();
        release();
        // A's unfinished claims are taken over after B's newer ones, so the order is not kept here
        await eventually(() => expect(indexes(onB).sort((x, y) => x - y)).toEqual([1, 2, 3]), 20_000);
        expect(indexes(onA)).toEqual([1]);
      });

      it("takes over the 'once' events an instance that died had claimed", async () => {
        const a = await started();
        // the subscriber's claims or group exist before the events, as when the dead instance was running
        const onB: EventParams[] = [];
        const b = await started(collector('expiry', onB, 'once'), { pollInterval: 200 });
        await b.stop();
        running.splice(running.indexOf(b), 1);
        for (let i = 1; i <= 3; i++) await a.events.publish({ topic: TOPIC, payload: { i } });
        await suite.store.abandon('expiry');
        await started(collector('expiry', onB, 'once'), { pollInterval: 200 });
        await eventually(() => expect(indexes(onB).sort((x, y) => x - y)).toEqual([1, 2, 3]), 15_000);
        await eventually(async () => expect(await suite.store.settled('expiry', 3)).toBe(true), 10_000);
      });

      it('lets a restarted instance catch up on the events published while it was down', async () => {
        const a = await started();
        const before: EventParams[] = [];
        const b = await started(collector('watcher', before));
        await a.events.publish({ topic: TOPIC, payload: { i: 0 } });
        await eventually(() => expect(indexes(before)).toEqual([0]), 10_000);
        await b.stop();
        running.splice(running.indexOf(b), 1);
        for (let i = 1; i <= 3; i++) await a.events.publish({ topic: TOPIC, payload: { i } });
        const after: EventParams[] = [];
        await started(collector('watcher', after));
        await eventually(() => expect(indexes(after)).toEqual([1, 2, 3]), 10_000);
      });

      it('keeps delivering after the listening connection is terminated', async () => {
        const received: EventParams[] = [];
        const a = await started();
        await started(collector('watcher', received));
        // B's listener (A subscribes to nothing, so it does not listen)
        await eventually(async () => expect(await suite.store.listeners()).toBe(1), 10_000);
        await suite.store.terminateListeners();
        await a.events.publish({ topic: TOPIC, payload: { i: 1 } });
        await eventually(() => expect(indexes(received)).toEqual([1]), 15_000);
        // the listener came back on its own
        await eventually(async () => expect(await suite.store.listeners()).toBe(1), 15_000);
        await a.events.publish({ topic: TOPIC, payload: { i: 2 } });
        await eventually(() => expect(indexes(received)).toEqual([1, 2]), 10_000);
      });
    },
    { engines: ['pg'] },
  );
}

/** The behaviours of one backend, the same on every store. */
function oneBackendBehaviours(makeStore: () => StoredEvents | Promise<StoredEvents>) {
  const suite = useStore(makeStore);
  const { running, started } = suite;
  /** The events service itself, without a backend around it: what the factory builds for this config. */
  function service(): DatabaseEvents | RedisEvents {
    const config = new ConfigReader(suite.store.config() as ConstructorParameters<typeof ConfigReader>[0]);
    return config.getOptionalString('backend.events.store') === 'redis' ? new RedisEvents({ config }) : new DatabaseEvents({ config });
  }

  it('returns from publish once the event is stored, before a slow subscriber has finished it', async () => {
    let release!: () => void;
    const stuck = new Promise<void>(resolve => (release = resolve));
    const begun: EventParams[] = [];
    const finished: EventParams[] = [];
    const backend = await started({
      id: 'slow-view',
      topics: [TOPIC],
      onEvent: async event => {
        begun.push(event);
        await stuck;
        finished.push(event);
      },
    });
    try {
      await backend.events.publish({ topic: TOPIC, payload: { i: 1 } });
      expect(finished).toEqual([]);
      expect(await suite.store.stored(TOPIC)).toBe(1);
      await eventually(() => expect(indexes(begun)).toEqual([1]), 10_000);
    } finally {
      release();
    }
    await eventually(() => expect(indexes(finished)).toEqual([1]), 10_000);
  });

  /** A subscriber that throws on its first `failures` attempts at event 1; records every attempt and what it handled. */
  function failingOnFirst(id: string, failures: number) {
    const attempts: number[] = [];
    const handled: number[] = [];
    const subscriber: EventSubscriber = {
      id,
      topics: [TOPIC],
      onEvent: async event => {
        const { i } = event.payload as { i: number };
        attempts.push(i);
        if (i === 1 && attempts.filter(a => a === 1).length <= failures) throw new Error('connection terminated');
        handled.push(i);
      },
    };
    return { subscriber, attempts, handled };
  }

  it('hands an event again to a subscriber that threw (at least once), before the events after it', async () => {
    // its database is away for a moment: the first two attempts on event 1 fail
    const { subscriber, attempts, handled } = failingOnFirst('flaky-view', 2);
    const backend = await started(subscriber);
    await backend.events.publish({ topic: TOPIC, payload: { i: 1 } });
    await backend.events.publish({ topic: TOPIC, payload: { i: 2 } });
    await eventually(() => expect(handled).toEqual([1, 2]), 10_000);
    expect(attempts).toEqual([1, 1, 1, 2]);
  });

  it('passes over an event its subscriber fails on every time, after its retries, and goes on with the next', async () => {
    const { subscriber, attempts, handled } = failingOnFirst('broken-view', Infinity);
    const backend = await started(subscriber);
    await backend.events.publish({ topic: TOPIC, payload: { i: 1 } });
    await backend.events.publish({ topic: TOPIC, payload: { i: 2 } });
    await eventually(() => expect(handled).toEqual([2]), 15_000);
    expect(attempts).toEqual([1, 1, 1, 1, 2]);
  });

  it('delivers events to a subscriber in publish order, with their metadata', async () => {
    const received: EventParams[] = [];
    const backend = await started(collector('live-view', received));
    for (let i = 0; i < 30; i++) await backend.events.publish({ topic: TOPIC, payload: { i }, metadata: { plugin: 'catalog' } });
    await eventually(() => expect(indexes(received)).toEqual(Array.from({ length: 30 }, (_, i) => i)), 10_000);
    expect(received[0]).toEqual({ topic: TOPIC, payload: { i: 0 }, metadata: { plugin: 'catalog' } });
  });

  it('delivers, once started again, the events stored but not delivered before the process died', async () => {
    const first = service();
    const lost: EventParams[] = [];
    await first.subscribe(collector('watcher', lost));
    await first.subscribe(collector('worker', lost, 'once'));
    // stopped before it was told to deliver: the events were only stored, as when the process dies right after
    for (let i = 1; i <= 3; i++) await first.publish({ topic: TOPIC, payload: { i } });
    await first.shutdown();
    expect(lost).toEqual([]);

    const second = service();
    try {
      const watched: EventParams[] = [];
      const worked: EventParams[] = [];
      await second.subscribe(collector('watcher', watched));
      await second.subscribe(collector('worker', worked, 'once'));
      second.startDelivering();
      await eventually(() => expect(indexes(watched)).toEqual([1, 2, 3]), 10_000);
      await eventually(() => expect(indexes(worked)).toEqual([1, 2, 3]), 10_000);
    } finally {
      await second.shutdown();
    }
  });

  it('removes events older than backend.events.retention', async () => {
    const backend = await started(undefined, { retention: 'PT1S' });
    await backend.events.publish({ topic: TOPIC, payload: { i: 1 } });
    await backend.events.publish({ topic: TOPIC, payload: { i: 2 } });
    expect(await suite.store.stored(TOPIC)).toBeGreaterThan(0);
    await eventually(async () => expect(await suite.store.stored(TOPIC)).toBe(0), 15_000);
  });

  it("reports on /metrics how many events a subscriber has not handled and the oldest one's age", async () => {
    let release!: () => void;
    const stuck = new Promise<void>(resolve => (release = resolve));
    const handled: EventParams[] = [];
    const config = suite.store.config() as { backend: Record<string, unknown> };
    const a = await start({ backend: { ...config.backend, metrics: { public: true } } }, {
      id: 'slow-evaluator',
      topics: [TOPIC],
      delivery: 'once',
      onEvent: async event => {
        await stuck;
        handled.push(event);
      },
    });
    running.push(a);
    for (let i = 1; i <= 3; i++) await a.events.publish({ topic: TOPIC, payload: { i } });
    const sample = async (name: string) => {
      const text = await (await fetch(`${a.url}/metrics`)).text();
      const line = text.split('\n').find(l => l.startsWith(`${name}{subscriber="slow-evaluator",delivery="once"}`));
      return line === undefined ? undefined : Number(line.split(' ').pop());
    };
    await eventually(async () => expect(await sample('portico_events_pending')).toBe(3), 10_000);
    await eventually(async () => expect(await sample('portico_events_lag_seconds')).toBeGreaterThan(0), 10_000);
    release();
    await eventually(() => expect(handled).toHaveLength(3), 10_000);
    await eventually(async () => expect(await sample('portico_events_pending')).toBe(0), 10_000);
    expect(await sample('portico_events_lag_seconds')).toBe(0);
  });
}

describe('events of one backend on SQLite (its data directory)', () => oneBackendBehaviours(sqliteStore));

describeEachDatabase('events of one backend on PostgreSQL', db => oneBackendBehaviours(() => postgresStore(db)), { engines: ['pg'] });

describeEachDatabase('events of one backend on Redis streams', db => oneBackendBehaviours(() => redisStore(db)), { engines: ['pg'] });

describeEachDatabase(
  'events on Redis streams',
  db => {
    it("leaves an event whose 'once' handler still failed after its retries pending, to be delivered again after the lease", async () => {
      const store = await redisStore(db);
      let calls = 0;
      const backend = await start(store.config(), {
        id: 'flaky',
        topics: [TOPIC],
        delivery: 'once',
        onEvent: () => {
          calls++;
          throw new Error('vendor down');
        },
      });
      try {
        await backend.events.publish({ topic: TOPIC, payload: { i: 1 } });
        await eventually(() => expect(calls).toBe(1 + RETRY_DELAYS_MS.length), 10_000);
        await eventually(async () => expect(await store.settled('flaky', 1)).toBe(false), 10_000);
      } finally {
        await backend.stop();
        await store.close();
      }
    });

    it('fails a publish while Redis is unreachable with an error naming it, instead of waiting for it', async () => {
      const closed = await new Promise<number>(resolve => {
        const server = net.createServer();
        server.listen(0, '127.0.0.1', () => {
          const { port } = server.address() as net.AddressInfo;
          server.close(() => resolve(port));
        });
      });
      const backend = await start({ backend: { database: db.config, events: { store: 'redis', connection: `redis://127.0.0.1:${closed}` } } });
      try {
        await expect(backend.events.publish({ topic: TOPIC, payload: { i: 1 } })).rejects.toThrow(`The events store Redis at 127.0.0.1:${closed} is unreachable`);
      } finally {
        await backend.stop();
      }
    });

    it('refuses an unknown events store, naming the key', async () => {
      await expect(start({ backend: { database: db.config, events: { store: 'kafka' } } })).rejects.toThrow(/backend\.events\.store/);
    });
  },
  { engines: ['pg'] },
);

describeEachDatabase(
  'events on SQLite',
  db => {
    it("are stored and delivered on the test backends' in-memory database too, 'once' subscribers included", async () => {
      const received: EventParams[] = [];
      const backend = await start({ backend: { database: db.config } }, collector('scorecards', received, 'once'));
      try {
        for (let i = 1; i <= 3; i++) await backend.events.publish({ topic: TOPIC, payload: { i } });
        await eventually(() => expect(indexes(received)).toEqual([1, 2, 3]));
      } finally {
        await backend.stop();
      }
    });

    it('refuse to start with a retention that is not a duration, naming the key', async () => {
      await expect(start({ backend: { database: db.config, events: { retention: 'a day' } } })).rejects.toThrow(/backend\.events\.retention/);
    });
  },
  { engines: ['sqlite'] },
);
