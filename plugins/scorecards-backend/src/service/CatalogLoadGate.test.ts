import { CatalogLoadGate } from './CatalogLoadGate';
import { EvaluationQueue } from './EvaluationQueue';

const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => logger };

describe('CatalogLoadGate with an EvaluationQueue', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setup(maxMs = 30_000) {
    const released: Array<{ heldMs: number; timedOut: boolean }> = [];
    const gate = new CatalogLoadGate(maxMs, info => released.push(info));
    const processed: string[][] = [];
    const queue = new EvaluationQueue(async refs => void processed.push(refs), logger, 100, 2000, gate);
    return { gate, queue, processed, released };
  }

  it('evaluates nothing while the first load runs, then everything that changed meanwhile in one batch', async () => {
    const { gate, queue, processed, released } = setup();
    gate.hold();
    queue.enqueue(['component:default/a', 'component:default/b']);
    await jest.advanceTimersByTimeAsync(5_000);
    queue.enqueue(['component:default/b', 'component:default/c']);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(processed).toEqual([]);
    expect(queue.depth).toBe(3);

    gate.release();
    await jest.advanceTimersByTimeAsync(0);
    await queue.flush();
    expect(processed).toEqual([['component:default/a', 'component:default/b', 'component:default/c']]);
    expect(released).toEqual([{ heldMs: expect.any(Number), timedOut: false }]);
    queue.stop();
  });

  it('holds the scorecard queue too, and the entity queue until the Scorecards the load changed are evaluated', async () => {
    const gate = new CatalogLoadGate(30_000);
    const order: string[] = [];
    const scorecards = new EvaluationQueue(async refs => void order.push(...refs), logger, 100, 2000, gate);
    const entities = new EvaluationQueue(async refs => void order.push(...refs), logger, 100, 2000, gate.followedBy(scorecards));
    gate.hold();
    entities.enqueue(['component:default/a']);
    await jest.advanceTimersByTimeAsync(50);
    scorecards.enqueue(['scorecard:default/readiness']);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(order).toEqual([]);
    expect(scorecards.depth).toBe(1);

    gate.release();
    await jest.advanceTimersByTimeAsync(0);
    await entities.flush();
    expect(order).toEqual(['scorecard:default/readiness', 'component:default/a']);

    // after the load, a changed Scorecard still goes first; with none waiting, entities go as they come
    entities.enqueue(['component:default/b']);
    scorecards.enqueue(['scorecard:default/hygiene']);
    await jest.advanceTimersByTimeAsync(100);
    await entities.flush();
    expect(order.slice(2)).toEqual(['scorecard:default/hygiene', 'component:default/b']);
    entities.enqueue(['component:default/c']);
    await jest.advanceTimersByTimeAsync(100);
    expect(order.slice(4)).toEqual(['component:default/c']);
    scorecards.stop();
    entities.stop();
  });

  it('waits 30 seconds at most when the end of the load is never announced', async () => {
    const { gate, queue, processed, released } = setup();
    gate.hold();
    queue.enqueue(['component:default/a']);
    await jest.advanceTimersByTimeAsync(29_000);
    expect(processed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_000);
    await queue.flush();
    expect(processed).toEqual([['component:default/a']]);
    expect(released).toEqual([{ heldMs: 30_000, timedOut: true }]);
    queue.stop();
  });

  it('holds once: changes after the first load are evaluated as they come, and an open gate delays nothing', async () => {
    const { gate, queue, processed } = setup();
    queue.enqueue(['component:default/a']);
    await jest.advanceTimersByTimeAsync(100);
    await queue.flush();
    expect(processed).toEqual([['component:default/a']]);

    gate.hold();
    gate.release();
    gate.hold(); // a later change marked loading (an instance catching up on old events) holds nothing
    expect(gate.held).toBe(false);
    queue.enqueue(['component:default/b']);
    await jest.advanceTimersByTimeAsync(100);
    await queue.flush();
    expect(processed).toEqual([['component:default/a'], ['component:default/b']]);
    queue.stop();
  });

  it('lets a stopped queue end while it waits', async () => {
    const { gate, queue, processed } = setup();
    gate.hold();
    queue.enqueue(['component:default/a']);
    await jest.advanceTimersByTimeAsync(100);
    queue.stop();
    gate.release();
    await jest.advanceTimersByTimeAsync(0);
    expect(processed).toEqual([]);
  });
});

describe('EvaluationQueue with a burst of changes', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('evaluates a burst in small slices and pauses after each as long as it took, leaving the API half the thread', async () => {
    const starts: number[] = [];
    const sizes: number[] = [];
    const queue = new EvaluationQueue(
      async refs => {
        starts.push(Date.now());
        sizes.push(refs.length);
        await new Promise(resolve => setTimeout(resolve, 50)); // a slice that takes 50 ms
      },
      logger,
      100,
      2000,
    );
    const t0 = Date.now();
    queue.enqueue(Array.from({ length: 2100 }, (_, i) => `component:default/c${i}`));
    await jest.advanceTimersByTimeAsync(100 + 50 + 49);
    expect(starts.map(t => t - t0)).toEqual([100]);
    await jest.advanceTimersByTimeAsync(1);
    expect(starts.map(t => t - t0)).toEqual([100, 200]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(sizes).toEqual([250, 250, 250, 250, 250, 250, 250, 250, 100]);
    expect(queue.depth).toBe(0);

    // a batch one pass takes is evaluated at once, without pauses
    queue.enqueue(['component:default/a', 'component:default/b']);
    await jest.advanceTimersByTimeAsync(150);
    expect(sizes.slice(9)).toEqual([2]);
    queue.stop();
  });
});
