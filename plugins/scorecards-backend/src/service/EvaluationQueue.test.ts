import { register } from 'prom-client';
import { eventually } from '@portico/test-utils';
import { requestActivity } from '@portico/backend-plugin-api';
import { EvaluationQueue } from './EvaluationQueue';

const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => logger };

/** The value of the depth gauge for one queue name, as `/metrics` would show it (undefined: not shown). */
async function depthOf(queue: string): Promise<number | undefined> {
  const metric = register.getSingleMetric('portico_scorecards_evaluation_queue_depth');
  if (!metric) return undefined;
  const { values } = await metric.get();
  return values.find(v => v.labels.queue === queue)?.value;
}

describe('EvaluationQueue depth on /metrics', () => {
  it('counts refs pending and in batches not yet evaluated, per queue, and leaves when the queue stops', async () => {
    let release!: () => void;
    const blocked = new Promise<void>(resolve => (release = resolve));
    const processed: string[][] = [];
    const queue = new EvaluationQueue(
      async refs => {
        processed.push(refs);
        await blocked;
      },
      logger,
      1,
      2,
    ).publishDepth('entities');
    const other = new EvaluationQueue(async () => undefined, logger, 60_000).publishDepth('scorecards');
    try {
      queue.enqueue(['component:default/a', 'component:default/b', 'component:default/c', 'component:default/d', 'component:default/e']);
      other.enqueue(['scorecard:default/s']);
      expect(await depthOf('entities')).toBe(5);
      expect(await depthOf('scorecards')).toBe(1);
      // The first slice of two is being evaluated: all five still wait.
      await eventually(async () => expect(processed).toHaveLength(1));
      expect(await depthOf('entities')).toBe(5);
      release();
      await queue.flush();
      expect(processed.flat()).toHaveLength(5);
      expect(await depthOf('entities')).toBe(0);
    } finally {
      queue.stop();
      other.stop();
    }
    expect(await depthOf('entities')).toBeUndefined();
    expect(await depthOf('scorecards')).toBeUndefined();
  });
});

describe('EvaluationQueue after a failed slice', () => {
  it('evaluates the entities of a failed slice again, and gives up on a ref after three failures in a row', async () => {
    const errors: string[] = [];
    const failing = { error: (message: string) => void errors.push(message), warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => failing };
    const calls: string[][] = [];
    let failuresLeft = 1;
    const queue = new EvaluationQueue(async refs => {
      calls.push(refs);
      if (refs.includes('component:default/doomed')) throw new Error('always fails');
      if (failuresLeft-- > 0) throw new Error('deadlock detected');
    }, failing, 1);
    try {
      queue.enqueue(['component:default/a', 'component:default/b']);
      // failed once, then evaluated on the retry
      await eventually(async () => expect(calls).toEqual([['component:default/a', 'component:default/b'], ['component:default/a', 'component:default/b']]), 10_000);
      expect(errors).toEqual(['Re-evaluating 2 changed entities failed; trying 2 again in 2 s']);

      queue.enqueue(['component:default/doomed']);
      await eventually(async () => expect(errors).toHaveLength(5), 20_000);
      expect(errors.slice(1)).toEqual([
        'Re-evaluating 1 changed entities failed; trying 1 again in 2 s',
        'Re-evaluating 1 changed entities failed; trying 1 again in 2 s',
        'Re-evaluating 1 changed entities failed; trying 1 again in 2 s',
        'Re-evaluating 1 changed entities failed',
      ]);
      expect(calls.filter(c => c.includes('component:default/doomed'))).toHaveLength(4);
    } finally {
      queue.stop();
    }
  }, 30_000);
});

describe('EvaluationQueue while the database is unavailable', () => {
  it('keeps trying a slice with a growing delay for as long as the database is away, then evaluates it once', async () => {
    jest.useFakeTimers();
    const errors: string[] = [];
    const failing = { error: (message: string) => void errors.push(message), warn: () => undefined, info: () => undefined, debug: () => undefined, child: () => failing };
    const calls: string[][] = [];
    const done: string[] = [];
    let down = 6;
    const queue = new EvaluationQueue(async refs => {
      calls.push(refs);
      if (down-- > 0) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      done.push(...refs);
    }, failing, 1);
    try {
      queue.enqueue(['component:default/a', 'component:default/b']);
      for (let i = 0; i < 100 && done.length === 0; i++) await jest.advanceTimersByTimeAsync(1000);
      // more failures than the three retries an ordinary error gets, and nothing dropped
      expect(done).toEqual(['component:default/a', 'component:default/b']);
      expect(calls).toHaveLength(7);
      expect(errors).toEqual([2, 4, 8, 10, 10, 10].map(s => `Re-evaluating 2 changed entities failed: the database is unavailable; trying 2 again in ${s} s`));
    } finally {
      queue.stop();
      jest.useRealTimers();
    }
  });
});

describe('EvaluationQueue bursts as background work', () => {
  it('starts a burst only once the requests being answered have ended', async () => {
    const processed: string[][] = [];
    // constructor arguments as above: a drain delay of 1 ms and at most 2 refs a pass, so 3 refs are a burst
    const queue = new EvaluationQueue(async refs => void processed.push(refs), logger, 1, 2);
    // a queue of the same delay whose batch is no burst: once it has run, the burst's pass would have too
    const clock: string[] = [];
    const other = new EvaluationQueue(async refs => void clock.push(...refs), logger, 1, 2);
    const endRequest = requestActivity.started();
    try {
      queue.enqueue(['component:default/a', 'component:default/b', 'component:default/c']);
      other.enqueue(['component:default/x']);
      await eventually(() => expect(clock).toEqual(['component:default/x']));
      for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve));
      expect(processed).toHaveLength(0); // waiting for the request to end
      endRequest();
      await queue.flush();
      expect(processed.flat().sort()).toEqual(['component:default/a', 'component:default/b', 'component:default/c']);
    } finally {
      endRequest();
      queue.stop();
      other.stop();
    }
  });
});
