import { describeEachDatabase } from '@portico/test-utils';
import { GenerationCache, pgSharedValues, type ChangeMarker, type SharedSettled, type SharedValues } from './GenerationCache';
import { catalogMigrations } from './migrations';

/** One marker shared by two caches, as two instances share the database's sequence; `down` fails its moves. */
function sharedMarker() {
  let value = 0;
  const state = { down: false };
  const marker: ChangeMarker = {
    async advance() {
      if (state.down) throw new Error('connect ECONNREFUSED');
      value++;
    },
    async read() {
      return String(value);
    },
  };
  return { marker, state };
}

describe('GenerationCache on two instances', () => {
  it("empties B's cache once A wrote, and tells B later when the marker could not be moved at the write", async () => {
    const { marker, state } = sharedMarker();
    const a = new GenerationCache(marker);
    const b = new GenerationCache(marker);
    let count = 100;
    const read = (cache: GenerationCache) => cache.cached('count', async () => count);
    expect(await read(b)).toBe(100);

    count = 200;
    await a.bump();
    expect(await read(b)).toBe(200);

    // the database went away right after A's commit: the marker stays, B keeps its answer for now
    count = 300;
    state.down = true;
    await a.bump();
    expect(await read(b)).toBe(200);
    state.down = false;
    // A's next read moves it, and B follows
    await read(a);
    expect(await read(b)).toBe(300);
  });
});

/** A computation the test finishes by hand, counting how many were started. */
function manualCompute() {
  const started: Array<{ resolve: (n: number) => void; reject: (e: Error) => void }> = [];
  const compute = () => new Promise<number>((resolve, reject) => started.push({ resolve, reject }));
  return { compute, started };
}

describe('GenerationCache with a bound on staleness for slow values', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 0;
  });

  /** A count weighs what it counts: these stand for counts of 5,000 entities and more. */
  const weigh = (n: number) => n * 5000;

  /** Fills `key` with `value`, its computation taking `ms`. */
  async function fill(cache: GenerationCache, value: number, ms: number, weight: ((n: number) => number) | null = weigh) {
    const { compute, started } = manualCompute();
    const p = cache.cached('facet', compute, weight ?? undefined);
    while (started.length === 0) await Promise.resolve(); // after the marker's read
    clock += ms;
    started[0].resolve(value);
    expect(await p).toBe(value);
  }

  it('serves a slow value after a write while one recomputation runs, then the new value', async () => {
    const cache = new GenerationCache(undefined, { maxStalenessMs: 5000, slowerThanMs: 250, now });
    await fill(cache, 1, 3000);
    await cache.bump();

    const { compute, started } = manualCompute();
    // every request meanwhile answers at once with the last value; one recomputation for all of them
    expect(await Promise.all([1, 2, 3].map(() => cache.cached('facet', compute, weigh)))).toEqual([1, 1, 1]);
    expect(started).toHaveLength(1);
    // another write while it runs: still one computation at a time
    await cache.bump();
    expect(await cache.cached('facet', compute, weigh)).toBe(1);
    expect(started).toHaveLength(1);

    clock += 2000;
    started[0].resolve(2);
    await Promise.resolve();
    await Promise.resolve();
    // the recomputation began before the second write: its value stands in while the next one runs
    expect(await cache.cached('facet', compute, weigh)).toBe(2);
    expect(started).toHaveLength(2);
    started[1].resolve(3);
    await Promise.resolve();
    await Promise.resolve();
    // no write since that one began: its value is current
    expect(await cache.cached('facet', compute, weigh)).toBe(3);
    expect(started).toHaveLength(2);
  });

  it('has requests after a write wait for a first computation still running, and serve it when it is slow and heavy', async () => {
    for (const [ms, weight, expected] of [[3000, weigh, [1, 1]], [10, weigh, [1, 2]], [3000, () => 10, [1, 2]]] as const) {
      const cache = new GenerationCache(undefined, { maxStalenessMs: 5000, slowerThanMs: 250, now });
      const { compute, started } = manualCompute();
      const first = cache.cached('facet', compute, weight);
      await cache.bump();
      const second = cache.cached('facet', compute, weight);
      await Promise.resolve();
      expect(started).toHaveLength(1); // not a second computation beside the first
      clock += ms;
      started[0].resolve(1);
      if (expected[1] === 2) {
        // a quick or light first value: this generation's own is computed once the first is in
        while (started.length < 2) await Promise.resolve();
        started[1].resolve(2);
      }
      expect([ms, await first, await second]).toEqual([ms, ...expected]);
    }
  });

  it('recomputes a stand-in late, leaving twice its cost or a quarter of the bound for the new value', async () => {
    // 300 ms to compute: recomputed 5,000 - max(2 × 300, 1,250) = 3,750 ms after its computation started; 900 ms:
    // 5,000 - 1,800 = 3,200; 2,000 ms: at once (1,000 ms, and it is 2,000 ms old already)
    for (const [ms, quietMs] of [[300, 3750], [900, 3200], [2000, 0]] as const) {
      clock = 0;
      const cache = new GenerationCache(undefined, { maxStalenessMs: 5000, slowerThanMs: 250, now });
      await fill(cache, 1, ms);
      const { compute, started } = manualCompute();
      // writes keep coming: before the refresh time the value answers and nothing is recomputed
      while (clock < quietMs - 100) {
        await cache.bump();
        expect(await cache.cached('facet', compute, weigh)).toBe(1);
        clock += 100;
      }
      expect([ms, started.length]).toEqual([ms, 0]);
      clock = Math.max(clock, quietMs);
      await cache.bump();
      expect(await cache.cached('facet', compute, weigh)).toBe(1);
      expect([ms, started.length]).toEqual([ms, 1]);
      started[0].resolve(2);
      await Promise.resolve();
      await Promise.resolve();
      expect(await cache.cached('facet', compute, weigh)).toBe(2);
    }
  });

  it('counts a value served with no write since as current then: after a quiet spell it stands in for the whole bound', async () => {
    const cache = new GenerationCache(undefined, { maxStalenessMs: 5000, slowerThanMs: 250, now });
    await fill(cache, 1, 1000); // its computation started at 0
    const { compute, started } = manualCompute();
    clock = 4500;
    expect(await cache.cached('facet', compute, weigh)).toBe(1); // no write since: current at 4,500
    await cache.bump();
    clock = 6000; // 6,000 ms after its computation started, past the bound; 1,500 after it was known current
    expect(await cache.cached('facet', compute, weigh)).toBe(1);
    expect(started).toHaveLength(0);
    // recomputed as late as the bound allows from then: 4,500 + 5,000 - 2 x 1,000
    clock = 7499;
    expect(await cache.cached('facet', compute, weigh)).toBe(1);
    expect(started).toHaveLength(0);
    clock = 7500;
    expect(await cache.cached('facet', compute, weigh)).toBe(1);
    expect(started).toHaveLength(1);
    started[0].resolve(2);
    await Promise.resolve();
    await Promise.resolve();
    expect(await cache.cached('facet', compute, weigh)).toBe(2);
  });

  it('recomputes and waits once the last value is older than the bound', async () => {
    const cache = new GenerationCache(undefined, { maxStalenessMs: 5000, slowerThanMs: 250, now });
    await fill(cache, 1, 3000);
    await cache.bump();
    clock += 2001; // the value's computation started 5,001 ms ago
    const { compute, started } = manualCompute();
    const p = cache.cached('facet', compute, weigh);
    started[0].resolve(2);
    expect(await p).toBe(2);
  });

  it('always recomputes a quick or small value after a write, and any value when the bound is 0', async () => {
    const cases = [
      [{ maxStalenessMs: 5000, slowerThanMs: 250 }, 249, weigh],
      [{ maxStalenessMs: 5000, slowerThanMs: 250, heavierThan: 1000 }, 3000, () => 999],
      [{ maxStalenessMs: 5000, slowerThanMs: 250 }, 3000, null],
      [{ maxStalenessMs: 0 }, 3000, weigh],
    ] as const;
    for (const [options, ms, weight] of cases) {
      const cache = new GenerationCache(undefined, { ...options, now });
      await fill(cache, 1, ms, weight);
      await cache.bump();
      const { compute, started } = manualCompute();
      const p = cache.cached('facet', compute, weigh);
      started[0].resolve(2);
      expect([options, await p]).toEqual([options, 2]);
    }
  });

  it('keeps serving the last value when a recomputation fails, and tries again on the next request', async () => {
    const cache = new GenerationCache(undefined, { maxStalenessMs: 5000, slowerThanMs: 250, now });
    await fill(cache, 1, 1000);
    await cache.bump();
    clock += 2000; // 3,000 ms old, 5,000 - 2 × 1,000: recomputed (see the refresh test)
    const { compute, started } = manualCompute();
    expect(await cache.cached('facet', compute, weigh)).toBe(1);
    started[0].reject(new Error('canceling statement due to statement timeout'));
    await Promise.resolve();
    await Promise.resolve();
    expect(await cache.cached('facet', compute, weigh)).toBe(1);
    expect(started).toHaveLength(2);
  });

  it("follows another instance's write through the change marker the same way", async () => {
    const { marker } = sharedMarker();
    const a = new GenerationCache(marker, { maxStalenessMs: 5000, now });
    const b = new GenerationCache(marker, { maxStalenessMs: 5000, now });
    await fill(b, 1, 1000);
    await a.bump();
    clock += 2000;
    const { compute, started } = manualCompute();
    expect(await b.cached('facet', compute, weigh)).toBe(1);
    started[0].resolve(2);
    await Promise.resolve();
    await Promise.resolve();
    expect(await b.cached('facet', compute, weigh)).toBe(2);
  });
});

/** A shared table in memory, with the claim semantics of `pgSharedValues`; counts its reads and claims. */
function memoryShared() {
  const rows = new Map<string, { settled?: SharedSettled; leaseUntil: number }>();
  const calls = { reads: 0, claims: 0 };
  const shared: SharedValues = {
    async read(key) {
      calls.reads++;
      const settled = rows.get(key)?.settled;
      return settled && { ...settled };
    },
    async claim(key, until, now, seenAsOf) {
      calls.claims++;
      const row = rows.get(key) ?? { leaseUntil: 0 };
      if (row.leaseUntil >= now || (row.settled && row.settled.asOf > seenAsOf)) return false;
      rows.set(key, { ...row, leaseUntil: until });
      return true;
    },
    async write(key, settled) {
      const row = rows.get(key);
      if (row?.settled && row.settled.asOf > settled.asOf) return;
      rows.set(key, { settled: { ...settled }, leaseUntil: 0 });
    },
  };
  return { shared, calls, rows };
}

describe('GenerationCache with slow values shared between instances', () => {
  let clock = 0;
  const now = () => clock;
  const weigh = (n: number) => n * 5000;
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };

  /** `n` instances sharing a marker and a table; each has computed the facet once (value 1), one after another, `costMs` each. */
  async function instances(n: number, costMs: number) {
    clock = 0;
    const { marker } = sharedMarker();
    const { shared, rows } = memoryShared();
    const options = { maxStalenessMs: 5000, slowerThanMs: 250, now, shared };
    const caches = Array.from({ length: n }, () => new GenerationCache(marker, options));
    for (const cache of caches) {
      const first = manualCompute();
      const p = cache.cached('facet', first.compute, weigh);
      await settle();
      clock += costMs;
      first.started[0].resolve(1);
      expect(await p).toBe(1);
    }
    return { caches, rows };
  }

  it('has one instance recompute a slow value while the others serve theirs, then take it', async () => {
    const {
      caches: [a, b, c],
    } = await instances(3, 1000);
    await a.bump(); // a write: every instance's value is now a stand-in
    clock = 4000; // a's value is due again (5,000 - 2 × 1,000 ms after it started at 0)

    const work = manualCompute();
    // a claims the recomputation; b and c find it claimed and answer with what they have
    expect(await a.cached('facet', work.compute, weigh)).toBe(1);
    await settle();
    expect(await b.cached('facet', work.compute, weigh)).toBe(1);
    expect(await c.cached('facet', work.compute, weigh)).toBe(1);
    await settle();
    expect(work.started).toHaveLength(1);

    clock = 4500;
    work.started[0].resolve(2);
    await settle();
    expect(await a.cached('facet', work.compute, weigh)).toBe(2);
    // b and c look again after the claimed computation's cost and take a's value instead of computing theirs
    clock = 5100;
    expect(await b.cached('facet', work.compute, weigh)).toBe(1);
    expect(await c.cached('facet', work.compute, weigh)).toBe(1);
    await settle();
    expect(await b.cached('facet', work.compute, weigh)).toBe(2);
    expect(await c.cached('facet', work.compute, weigh)).toBe(2);
    expect(work.started).toHaveLength(1);
  });

  it("takes another instance's value, recomputed within the bound, for its own that passed it, instead of computing", async () => {
    const {
      caches: [a, b],
    } = await instances(2, 1000);
    await a.bump();
    clock = 3000; // a's value (as of 0, 1,000 ms to compute) is due: a recomputes it and leaves it
    const work = manualCompute();
    expect(await a.cached('facet', work.compute, weigh)).toBe(1);
    await settle();
    clock = 3500;
    work.started[0].resolve(2);
    await settle();
    // b was not asked meanwhile; its own value (as of 1,000) has passed the bound
    clock = 6100;
    expect(await b.cached('facet', work.compute, weigh)).toBe(2);
    expect(work.started).toHaveLength(1);
  });

  it('does not let the claim of an instance that died stop the others: they compute, and claim once it runs out', async () => {
    const {
      caches: [a, b],
      rows,
    } = await instances(2, 500);
    await a.bump();
    clock = 4500;
    const dead = manualCompute();
    await a.cached('facet', dead.compute, weigh); // claims until 4,500 + 2 × 500 + 1,000 and never finishes
    await settle();
    expect(dead.started).toHaveLength(1);
    const work = manualCompute();
    expect(await b.cached('facet', work.compute, weigh)).toBe(1); // claimed by a: b answers with its own
    await settle();
    expect(work.started).toHaveLength(0);
    // past the bound b's value no longer stands in: b computes this one itself, as without sharing
    clock = 6501;
    const own = b.cached('facet', work.compute, weigh);
    await settle();
    expect(work.started).toHaveLength(1);
    clock += 500;
    work.started[0].resolve(3);
    expect(await own).toBe(3);
    // a's claim has run out: b's next recomputation claims it and leaves its value for the others
    await b.bump();
    clock = 6501 + 4000;
    expect(await b.cached('facet', work.compute, weigh)).toBe(3);
    await settle();
    expect(work.started).toHaveLength(2);
    clock += 500;
    work.started[1].resolve(4);
    await settle();
    expect(rows.get('facet')?.settled).toEqual({ value: 4, asOf: 10501, computeMs: 500, weight: 20000 });
  });
});

describeEachDatabase(
  'pgSharedValues',
  db => {
    beforeAll(async () => {
      await catalogMigrations.find(m => m.name === '20261208_080_catalog_shared_counts')!.up(db.knex);
    });

    it('keeps the latest value of a key and lets one claim hold at a time until it runs out or the value is written', async () => {
      const a = pgSharedValues(db.knex);
      const b = pgSharedValues(db.knex);
      const key = `facet:SELECT s.value ... :["spec.type"]`;
      expect(await a.read(key)).toBeUndefined();
      expect(await a.claim(key, 2000, 1000, 0)).toBe(true);
      expect(await b.claim(key, 2500, 1500, 0)).toBe(false); // a's claim holds until 2,000
      expect(await a.read(key)).toBeUndefined(); // claimed, no value yet
      expect(await b.claim(key, 4000, 2001, 0)).toBe(true); // ran out
      const facet = [{ value: 'service', count: 60000 }, { value: 'website', count: 25000 }];
      await b.write(key, { value: facet, asOf: 2001, computeMs: 812.4, weight: 100000 });
      expect(await a.read(key)).toEqual({ value: facet, asOf: 2001, computeMs: 812, weight: 100000 });
      // written: the claim is over, but not for an instance that had not seen the value (read before it was left)
      expect(await a.claim(key, 5000, 2100, 1000)).toBe(false);
      expect(await a.claim(key, 5000, 2100, 2001)).toBe(true);
      // an older value does not replace a newer one
      await a.write(key, { value: [], asOf: 1000, computeMs: 5, weight: 0 });
      expect((await b.read(key))?.asOf).toBe(2001);
      expect(await a.read('another key')).toBeUndefined();
    });
  },
  { engines: ['pg'] },
);

describe('GenerationCache computations', () => {
  it('runs at most `concurrency` at once; the others start as those end, in order', async () => {
    const cache = new GenerationCache(undefined, { concurrency: 2 });
    const { compute, started } = manualCompute();
    const answers = ['a', 'b', 'c', 'd'].map(key => cache.cached(key, compute));
    expect(started).toHaveLength(2);
    started[1].resolve(2);
    expect(await answers[1]).toBe(2);
    expect(started).toHaveLength(3);
    started[0].reject(new Error('statement timeout'));
    await expect(answers[0]).rejects.toThrow('statement timeout');
    expect(started).toHaveLength(4);
    started[2].resolve(3);
    started[3].resolve(4);
    expect(await Promise.all(answers.slice(2))).toEqual([3, 4]);
    // every turn was given back
    const next = manualCompute();
    const more = [cache.cached('e', next.compute), cache.cached('f', next.compute)];
    expect(next.started).toHaveLength(2);
    next.started.forEach((s, i) => s.resolve(i));
    expect(await Promise.all(more)).toEqual([0, 1]);
  });
});
