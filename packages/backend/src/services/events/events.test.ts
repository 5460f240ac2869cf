import { coreServices, createBackendPlugin, type EventParams, type EventsService, type EventSubscriber } from '@portico/backend-plugin-api';
import { describeEachDatabase, eventually, startTestBackend, type TestBackend } from '@portico/test-utils';

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

describeEachDatabase(
  'events across two backends on one PostgreSQL',
  db => {
    const config = { backend: { database: db.config } };
    const core = () => db.knex.withSchema('portico_core_events');
    const running: TestBackend[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map(b => b.stop()));
    });
    async function started(subscriber?: EventSubscriber) {
      const backend = await start(config, subscriber);
      running.push(backend);
      return backend;
    }

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
      // every event claimed and finished: no instance can deliver any of them again
      await eventually(async () => {
        const done = await core().from('subscriber_claims').where({ subscriber_id: 'scorecards', done: true }).count({ n: '*' });
        expect(Number(done[0].n)).toBe(20);
      }, 15_000);
      const all = [...indexes(onA), ...indexes(onB)].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it("hands a 'once' event that a stopping instance claimed but did not finish to the other instance", async () => {
      const quickSweep = { backend: { database: db.config, events: { pollInterval: 200 } } };
      const onA: EventParams[] = [];
      let release!: () => void;
      const stuck = new Promise<void>(resolve => (release = resolve));
      const a = await start(quickSweep, {
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
      running.push(await start(quickSweep, collector('reminders', onB, 'once')));
      await a.stop();
      release();
      // A's unfinished claims are taken over after B's newer ones, so the order is not kept here
      await eventually(() => expect(indexes(onB).sort((x, y) => x - y)).toEqual([1, 2, 3]), 20_000);
      expect(indexes(onA)).toEqual([1]);
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
      const listening = () =>
        db.knex('pg_stat_activity').where({ datname: db.knex.raw('current_database()') }).andWhere('query', 'like', 'LISTEN%').pluck('pid');
      // B's listener (A subscribes to nothing, so it does not listen)
      await eventually(async () => expect((await listening()).length).toBe(1), 10_000);
      for (const pid of await listening()) await db.knex.raw('SELECT pg_terminate_backend(?)', [pid]);
      await a.events.publish({ topic: TOPIC, payload: { i: 1 } });
      await eventually(() => expect(indexes(received)).toEqual([1]), 15_000);
      // the listener came back on its own
      await eventually(async () => expect((await listening()).length).toBe(1), 15_000);
      await a.events.publish({ topic: TOPIC, payload: { i: 2 } });
      await eventually(() => expect(indexes(received)).toEqual([1, 2]), 10_000);
    });

    it('removes events older than backend.events.retention', async () => {
      const backend = await start({ backend: { database: db.config, events: { retention: 'PT1S' } } });
      running.push(backend);
      const stored = async () => Number((await core().from('events').where({ topic: TOPIC }).count({ n: '*' }))[0].n);
      await backend.events.publish({ topic: TOPIC, payload: { i: 1 } });
      await backend.events.publish({ topic: TOPIC, payload: { i: 2 } });
      expect(await stored()).toBeGreaterThan(0);
      await eventually(async () => expect(await stored()).toBe(0), 15_000);
    });
  },
  { engines: ['pg'] },
);

describeEachDatabase(
  'events on SQLite',
  db => {
    it('are delivered in the process, once subscribers included', async () => {
      const received: EventParams[] = [];
      const backend = await start({ backend: { database: db.config } }, collector('scorecards', received, 'once'));
      try {
        await backend.events.publish({ topic: TOPIC, payload: { i: 7 } });
        await eventually(() => expect(indexes(received)).toEqual([7]));
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
