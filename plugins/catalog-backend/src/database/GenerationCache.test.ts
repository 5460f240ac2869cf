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
