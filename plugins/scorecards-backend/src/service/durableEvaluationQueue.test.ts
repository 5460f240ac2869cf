import { describeEachDatabase, eventually } from '@portico/test-utils';
import { migrations } from '../database/migrations';
import { PendingEvaluationStore } from '../database/PendingEvaluationStore';
import { EvaluationQueue } from './EvaluationQueue';

const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => logger };

/** A gate that never opens: the queue collects refs and evaluates none (an instance whose slice has not run yet). */
const closedGate = { held: true, wait: () => new Promise<void>(() => undefined) };

const refs = (...names: string[]) => names.map(n => `component:default/${n}`);

describeEachDatabase('the entity evaluation queue in the database', db => {
  beforeAll(async () => {
    for (const m of migrations) await m.up(db.knex);
  });
  afterEach(async () => {
    await db.knex('pending_entity_evaluations').delete();
  });

  it('evaluates on a new instance the refs an event queued on one that died before evaluating them', async () => {
    const store = new PendingEvaluationStore(db.knex);
    const evaluatedByFirst: string[] = [];
    // the first instance: the event's handler queued the refs and returned, then the process was killed (no stop)
    const first = new EvaluationQueue(async r => void evaluatedByFirst.push(...r), logger, 1, undefined, closedGate, undefined, { store, owner: 'first' });
    await first.add(refs('a', 'b', 'c'));
    expect(first.depth).toBe(3);
    expect(await store.count()).toBe(3);

    // a new process over the same database takes them up at start
    const evaluated: string[] = [];
    const second = new EvaluationQueue(async r => void evaluated.push(...r), logger, 1, undefined, undefined, undefined, {
      store: new PendingEvaluationStore(db.knex),
      owner: 'second',
    });
    try {
      expect(await second.recover({ includeClaimed: store.singleInstance })).toBe(3);
      await second.flush();
      expect(evaluated.sort()).toEqual(refs('a', 'b', 'c'));
      expect(await store.count()).toBe(0);
      expect(evaluatedByFirst).toEqual([]);
    } finally {
      second.stop();
    }
  });

  it('records refs in the transaction of the change that causes them, and evaluates them once it committed', async () => {
    const store = new PendingEvaluationStore(db.knex);
    const evaluated: string[] = [];
    const queue = new EvaluationQueue(async r => void evaluated.push(...r), logger, 1, undefined, undefined, undefined, { store, owner: 'one' });
    try {
      // a change that rolls back records nothing
      await expect(db.knex.transaction(async tx => {
        await queue.recordWithin(tx, refs('rolled-back'));
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      expect(await store.count()).toBe(0);

      // one that commits leaves its refs recorded even if the process dies before queueing them in memory
      await db.knex.transaction(tx => queue.recordWithin(tx, refs('committed')));
      expect(await store.waiting(Date.now(), { includeClaimed: true })).toEqual(refs('committed'));
      expect(evaluated).toEqual([]);

      await queue.add(refs('committed'), { recorded: true });
      await queue.flush();
      expect(evaluated).toEqual(refs('committed'));
      expect(await store.count()).toBe(0);
    } finally {
      queue.stop();
    }
  });

  it('takes up the refs of an instance killed mid-slice once its claim runs out, and not before', async () => {
    const store = new PendingEvaluationStore(db.knex);
    let now = 1_000_000;
    await store.add(refs('a', 'b'), now);
    expect([...(await store.claim(refs('a'), 'dead', now, 60_000)).keys()]).toEqual(refs('a'));
    const evaluated: string[] = [];
    const survivor = new EvaluationQueue(async r => void evaluated.push(...r), logger, 1, undefined, undefined, undefined, {
      store,
      owner: 'survivor',
      now: () => now,
    });
    try {
      expect(await survivor.recover()).toBe(1);
      await survivor.flush();
      expect(evaluated).toEqual(refs('b'));
      now += 60_001;
      expect(await survivor.recover()).toBe(1);
      await survivor.flush();
      expect(evaluated).toEqual(refs('b', 'a'));
      expect(await store.count()).toBe(0);
    } finally {
      survivor.stop();
    }
  });

  it('evaluates again a ref queued again while its evaluation runs, on this instance or another', async () => {
    const store = new PendingEvaluationStore(db.knex);
    const calls: string[][] = [];
    let release!: () => void;
    let blocked: Promise<void> | undefined = new Promise<void>(resolve => (release = resolve));
    const queue = new EvaluationQueue(
      async r => {
        calls.push(r);
        const wait = blocked;
        blocked = undefined;
        await wait;
      },
      logger,
      1,
      undefined,
      undefined,
      undefined,
      { store, owner: 'one' },
    );
    // another instance over the same database, whose queue the second event reached
    const otherCalls: string[][] = [];
    const other = new EvaluationQueue(async r => void otherCalls.push(r), logger, 1, undefined, undefined, undefined, { store, owner: 'two' });
    try {
      await queue.add(refs('a', 'b'));
      await eventually(async () => expect(calls).toHaveLength(1));
      // queued again while the first evaluation runs: here (a) and on the other instance (b)
      await queue.add(refs('a'));
      await other.add(refs('b'));
      await other.flush();
      // the other instance does not evaluate b while this one holds it
      expect(otherCalls).toEqual([]);
      release();
      await eventually(async () => {
        await queue.flush();
        expect(await store.count()).toBe(0);
      });
      expect(calls[0].sort()).toEqual(refs('a', 'b'));
      expect([...new Set(calls.slice(1).flat())].sort()).toEqual(refs('a', 'b'));
      expect(otherCalls).toEqual([]);
    } finally {
      queue.stop();
      other.stop();
    }
  });

  it('never has two instances evaluate one ref at the same time, and evaluates every ref after its last queueing', async () => {
    const store = new PendingEvaluationStore(db.knex);
    const running = new Set<string>();
    const overlaps: string[] = [];
    const evaluatedAt = new Map<string, number>();
    const queuedAt = new Map<string, number>();
    let clock = 0;
    const evaluate = async (r: string[]) => {
      for (const ref of r) {
        if (running.has(ref)) overlaps.push(ref);
        running.add(ref);
      }
      await new Promise(resolve => setTimeout(resolve, 20));
      for (const ref of r) {
        running.delete(ref);
        evaluatedAt.set(ref, ++clock);
      }
    };
    const instances = ['one', 'two', 'three'].map(owner => new EvaluationQueue(evaluate, logger, 1, 5, undefined, undefined, { store, owner }));
    const all = refs(...Array.from({ length: 20 }, (_, i) => `e${i}`));
    try {
      // every instance gets every ref, several times, while evaluations run
      for (let round = 0; round < 4; round++) {
        await Promise.all(
          instances.map(async (q, i) => {
            const mine = all.filter((_, j) => (j + i + round) % 2 === 0);
            await q.add(mine);
            for (const ref of mine) queuedAt.set(ref, ++clock);
          }),
        );
        await new Promise(resolve => setTimeout(resolve, 15));
      }
      await eventually(async () => {
        await Promise.all(instances.map(q => q.flush()));
        expect(await store.count()).toBe(0);
      }, 20_000);
      expect(overlaps).toEqual([]);
      for (const ref of all) expect(evaluatedAt.get(ref)).toBeGreaterThan(queuedAt.get(ref)!);
    } finally {
      for (const q of instances) q.stop();
    }
  }, 30_000);

  it('frees what a stopping instance claimed, and skips a ref whose row an evaluation already saved', async () => {
    const store = new PendingEvaluationStore(db.knex);
    await store.add(refs('a'), Date.now());
    await store.claim(refs('a'), 'stopping', Date.now(), 60_000);
    const stopping = new EvaluationQueue(async () => undefined, logger, 1, undefined, undefined, undefined, { store, owner: 'stopping' });
    stopping.stop();
    await stopping.release();
    expect(await store.waiting(Date.now())).toEqual(refs('a'));

    // a queued ref already deleted by an evaluation that began after it was queued is not evaluated again
    await db.knex('pending_entity_evaluations').delete();
    const calls: string[][] = [];
    const queue = new EvaluationQueue(async r => void calls.push(r), logger, 1, undefined, undefined, undefined, { store, owner: 'x' });
    try {
      await queue.add(refs('b'));
      await db.knex('pending_entity_evaluations').delete();
      await queue.flush();
      expect(calls).toEqual([]);
    } finally {
      queue.stop();
    }
  });
});
