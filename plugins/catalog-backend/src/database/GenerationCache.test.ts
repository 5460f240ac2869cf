import { GenerationCache, type ChangeMarker } from './GenerationCache';

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

  it('recomputes a stand-in as late as lets the new value be in within the bound', async () => {
    // 300 ms to compute: recomputed 5,000 - 2 × 300 = 4,400 ms after its computation started; 2,000 ms: at once
    // (1,000 ms, and it is 2,000 ms old already)
    for (const [ms, quietMs] of [[300, 4400], [2000, 0]] as const) {
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
