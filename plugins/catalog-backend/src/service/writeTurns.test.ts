import { builtinKinds } from '@portico/catalog-model';
import { requestActivity } from '@portico/backend-plugin-api';
import { describeEachDatabase } from '@portico/test-utils';
import type { CatalogEntitiesChangedPayload, DeferredEntity } from '@portico/plugin-catalog-node';
import { CatalogStore } from '../database/CatalogStore';
import { catalogMigrations } from '../database/migrations';
import { component, group } from '../__testUtils__/entities';
import { IngestionService } from './IngestionService';
import { WriteTurn } from './WriteTurn';
import { KindRegistry } from './KindRegistry';

function kinds() {
  const k = new KindRegistry();
  for (const kind of builtinKinds) k.add(kind);
  return k;
}

const deferred = (names: string[]): DeferredEntity[] => names.map(name => ({ entity: component(name), locationKey: 'file:big' }));
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const delta = (entity: ReturnType<typeof group>) => ({ type: 'delta' as const, added: [{ entity, locationKey: 'file:small' }], removed: [] });

describeEachDatabase('IngestionService: long writes give way to the others', db => {
  let store: CatalogStore;
  let ingestion: IngestionService;
  const events: CatalogEntitiesChangedPayload[] = [];

  beforeAll(async () => {
    for (const m of catalogMigrations) await m.up(db.knex);
  });
  beforeEach(async () => {
    for (const t of ['catalog_entities', 'catalog_relations', 'catalog_search', 'catalog_fts', 'catalog_history', 'catalog_errors', 'catalog_change_outbox']) {
      await db.knex(t).delete();
    }
    events.length = 0;
    store = new CatalogStore(db.knex, { writeChunkSize: 3 });
    ingestion = new IngestionService({ store, kinds: kinds(), onChanges: c => { events.push(c); } });
  });

  /** Not a first load: the catalog holds something already. */
  const seed = () => ingestion.applyMutation('seed', delta(group('team-seed')));

  /**
   * A full mutation streamed in two chunks; `during` is called once the first chunk is being written (the
   * stream is asked for its second chunk while the first one commits).
   */
  function streamed(first: string[], second: string[], during: () => void): AsyncIterable<DeferredEntity[]> {
    return (async function* () {
      yield deferred(first);
      during();
      yield deferred(second);
    })();
  }

  it('commits a long mutation in transactions of writeChunkSize entities, each with its own history and change-outbox row', async () => {
    await seed();
    await db.knex('catalog_change_outbox').delete();
    // the change is not published: its outbox rows stay, one per transaction
    const unpublished = new IngestionService({ store, kinds: kinds(), onChanges: () => { throw new Error('events store down'); } });
    const all = names('svc', 10);
    const changes = await unpublished.applyMutation('big', { type: 'full', entities: deferred(all) });

    expect(changes.added.sort()).toEqual(all.map(n => `component:default/${n}`).sort());
    expect(await store.countEntities()).toBe(11);
    const rows = await db.knex('catalog_change_outbox').select('upserted').orderBy('id');
    const perTransaction = rows.map(r => JSON.parse(r.upserted) as string[]);
    expect(perTransaction.map(refs => refs.length)).toEqual([3, 3, 3, 1]);
    expect(perTransaction.flat().sort()).toEqual(changes.added.sort());
    for (const name of all) expect(await store.getHistory(`component:default/${name}`, 5)).toMatchObject([{ action: 'created' }]);
  });

  it('commits a write issued during a long mutation before the mutation ends', async () => {
    await seed();
    const order: string[] = [];
    let small: Promise<unknown> | undefined;
    const big = ingestion.applyMutation('big', {
      type: 'full',
      entities: streamed(names('first', 9), names('second', 9), () => {
        small = ingestion.applyMutation('webhook', delta(group('team-hook'))).then(() => order.push('small'));
      }),
    }).then(r => {
      order.push('big');
      return r;
    });
    await big;
    await small;

    expect(order).toEqual(['small', 'big']);
    // everything of both was committed
    expect(await store.getRowByRef('group:default/team-hook')).toBeDefined();
    for (const n of [...names('first', 9), ...names('second', 9)]) expect(await store.getRowByRef(`component:default/${n}`)).toBeDefined();
    // each write announced its own change
    expect(events.find(e => e.added.includes('group:default/team-hook'))?.added).toEqual(['group:default/team-hook']);
    expect(events.find(e => e.added.includes('component:default/first-0'))?.added).toHaveLength(18);
  });

  it('lets other writes commit between the parts of a long mutation\'s stitching', async () => {
    // stitched 4 refs at a time
    store = new CatalogStore(db.knex, { chunkSize: 4, writeChunkSize: 3 });
    ingestion = new IngestionService({ store, kinds: kinds(), onChanges: c => { events.push(c); } });
    await seed();
    const order: string[] = [];
    let small: Promise<unknown> | undefined;
    // the last chunk is one transaction: the only turn left to give after it is the stitching's
    const last = (async function* () {
      yield deferred(names('first', 9));
      yield deferred(['last-0', 'last-1']);
      small = ingestion.applyMutation('webhook', delta(group('team-hook'))).then(() => order.push('small'));
    })();
    await ingestion.applyMutation('big', { type: 'full', entities: last }).then(() => order.push('big'));
    await small;

    expect(order).toEqual(['small', 'big']);
    // stitched all the same: the served relations of the long mutation's entities are there
    expect((await store.servedRelationsOf(['group:default/team-hook'])).get('group:default/team-hook')).toBeDefined();
    expect(await store.countEntities()).toBe(13);
  });

  it('runs the writes of one provider in order: a second mutation of the provider waits for the first, the others do not', async () => {
    await seed();
    const order: string[] = [];
    const queued: Array<Promise<unknown>> = [];
    const big = ingestion.applyMutation('big', {
      type: 'full',
      entities: streamed(names('first', 9), names('second', 9), () => {
        queued.push(ingestion.applyMutation('big', delta(group('team-big'))).then(() => order.push('same provider')));
        queued.push(ingestion.applyMutation('other', delta(group('team-other'))).then(() => order.push('other provider')));
      }),
    }).then(() => order.push('big'));
    await big;
    await Promise.all(queued);

    expect(order).toEqual(['other provider', 'big', 'same provider']);
    // the provider's later delta applied on top of its full mutation: nothing of either was lost
    expect(await store.getRowByRef('group:default/team-big')).toBeDefined();
    expect(await store.getRowByRef('component:default/second-8')).toBeDefined();
  });

  it('does not give way during a first load (the derived indexes are dropped until its end)', async () => {
    const order: string[] = [];
    let small: Promise<unknown> | undefined;
    const big = ingestion.applyMutation('big', {
      type: 'full',
      entities: streamed(names('first', 9), names('second', 9), () => {
        small = ingestion.applyMutation('webhook', delta(group('team-hook'))).then(() => order.push('small'));
      }),
    }).then(() => order.push('big'));
    await big;
    await small;

    expect(order).toEqual(['big', 'small']);
    expect(await store.countEntities()).toBe(19);
  });

  it('records a provider\'s read errors without waiting for the write turn (even a first load\'s), in the provider\'s order', async () => {
    const order: string[] = [];
    let reported: Promise<unknown> | undefined;
    const big = ingestion.applyMutation('big', {
      type: 'full',
      entities: streamed(names('first', 9), names('second', 9), () => {
        reported = ingestion.reportErrors('other', ['file:other'], [{ locationKey: 'file:other', message: 'unreadable' }]).then(() => order.push('errors'));
      }),
    }).then(() => order.push('big'));
    await big;
    await reported;

    expect(order).toEqual(['errors', 'big']);
    expect(await store.listErrors({ provider: 'other' })).toMatchObject([{ locationKey: 'file:other', type: 'read', message: 'unreadable' }]);
  });

  it('leaves the outbox rows of a mutation still running to that mutation when publishUndelivered runs in between', async () => {
    await seed();
    let republished: Promise<number> | undefined;
    const big = ingestion.applyMutation('big', {
      type: 'full',
      entities: streamed(names('first', 9), names('second', 9), () => {
        republished = ingestion.publishUndelivered();
      }),
    });
    await big;
    // it ran while the mutation gave way, found only the mutation's own rows, and left them to it
    expect(await republished).toBe(0);
    expect(events.filter(e => e.added.includes('component:default/first-0'))).toHaveLength(1);
    expect(events.flatMap(e => [...e.added, ...e.updated]).filter(ref => ref === 'component:default/first-0')).toHaveLength(1);
    expect(Number((await db.knex('catalog_change_outbox').count({ n: '*' }).first())!.n)).toBe(0);
  });
});

describe('WriteTurn', () => {
  afterEach(() => jest.useRealTimers());

  it('hands the turn to the writes waiting, in the order they asked, and takes it back after them', async () => {
    const turn = new WriteTurn();
    const order: string[] = [];
    await turn.acquire();
    const waiters = ['a', 'b'].map(name => turn.acquire().then(() => {
      order.push(name);
      turn.release();
    }));
    await turn.giveWay(1_000);
    order.push('holder');
    turn.release();
    await Promise.all(waiters);
    expect(order).toEqual(['a', 'b', 'holder']);
  });

  it('hands the turn at once to writes already waiting: no pause comes before them', async () => {
    jest.useFakeTimers();
    const turn = new WriteTurn();
    await turn.acquire();
    const order: string[] = [];
    const waiter = turn.acquire().then(() => {
      order.push('waiting write');
      turn.release();
    });
    const holder = turn.giveWay(80).then(() => order.push('holder'));
    // no timer advanced: the waiting write did not wait for the 80 ms pause
    await Promise.all([waiter, holder]);
    expect(order).toEqual(['waiting write', 'holder']);
  });

  it('pauses the holder while requests are in flight, for the time asked at most (background work leaves the thread to requests)', async () => {
    jest.useFakeTimers();
    const turn = new WriteTurn();
    await turn.acquire();
    const ended = requestActivity.started();
    try {
      let resumed = false;
      const pausing = turn.giveWay(80).then(() => { resumed = true; });
      await jest.advanceTimersByTimeAsync(79);
      expect(resumed).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await pausing;
      expect(resumed).toBe(true);
    } finally {
      ended();
    }
  });

  it('ends the pause when the last request in flight ends', async () => {
    jest.useFakeTimers();
    const turn = new WriteTurn();
    await turn.acquire();
    const first = requestActivity.started();
    const second = requestActivity.started();
    let resumed = false;
    const pausing = turn.giveWay(80).then(() => { resumed = true; });
    await jest.advanceTimersByTimeAsync(10);
    first();
    first(); // ending twice counts once
    await jest.advanceTimersByTimeAsync(10);
    expect(resumed).toBe(false);
    second();
    await pausing;
    expect(resumed).toBe(true);
    expect(requestActivity.inFlight).toBe(0);
  });

  it('does not pause when no request is in flight: one turn of the event loop, whatever the time asked', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    const turn = new WriteTurn();
    await turn.acquire();
    expect(requestActivity.inFlight).toBe(0);
    // fake timers are never advanced here: a pause on a timer would not end
    await turn.giveWay(10_000);
    expect(jest.getTimerCount()).toBe(0);
  });
});
