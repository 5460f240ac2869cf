import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getEventListeners } from 'node:events';
import { describeEachDatabase } from '@portico/test-utils';
import { ConflictError, InputError, NotFoundError } from '@portico/errors';
import { ConfigReader } from '../config/ConfigReader';
import { SchedulerManager } from './SchedulerManager';
import { schedulerServiceFactory } from './schedulerServiceFactory';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Polls until `check` holds (timers run late on a loaded machine, so tests wait for outcomes). */
async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
const memoryConfig = () => new ConfigReader({ backend: { database: { client: 'better-sqlite3', connection: ':memory:' } } });

describe('scheduler (local and manual tasks)', () => {
  let manager: SchedulerManager;
  beforeEach(() => {
    manager = new SchedulerManager({ config: memoryConfig(), pollIntervalMs: 20 });
  });
  afterEach(() => manager.shutdown());

  it('runs a local duration task repeatedly, starting at once', async () => {
    const scheduler = manager.forPlugin('p');
    let runs = 0;
    await scheduler.scheduleTask({ id: 'tick', scope: 'local', frequency: { duration: 'PT0.1S' }, timeout: 'PT1S', fn: () => void runs++ });
    const started = Date.now();
    await waitFor(() => runs >= 3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
  });

  it('runs a cron task on its schedule', async () => {
    let runs = 0;
    await manager.forPlugin('p').scheduleTask({ id: 'cron', scope: 'local', frequency: { cron: '* * * * * *' }, timeout: 'PT1S', fn: () => void runs++ });
    await waitFor(() => runs >= 1, 2500);
    await sleep(300);
    expect(runs).toBeLessThanOrEqual(2);
  });

  it('waits for initialDelay before the first run', async () => {
    let runs = 0;
    await manager.forPlugin('p').scheduleTask({
      id: 'later', scope: 'local', frequency: { duration: 'PT1H' }, initialDelay: 'PT0.2S', timeout: 'PT1S', fn: () => void runs++,
    });
    const scheduledAt = Date.now();
    await sleep(50);
    expect(runs).toBe(0);
    await waitFor(() => runs === 1);
    expect(Date.now() - scheduledAt).toBeGreaterThanOrEqual(190);
  });

  it('aborts the signal when the timeout passes', async () => {
    let aborted: unknown;
    await manager.forPlugin('p').scheduleTask({
      id: 'slow', scope: 'local', frequency: { trigger: 'manual' }, timeout: 'PT0.1S',
      fn: signal => new Promise<void>(resolve => signal.addEventListener('abort', () => { aborted = signal.reason; resolve(); })),
    });
    await manager.forPlugin('p').triggerTask('slow');
    expect(String(aborted)).toMatch(/timed out/);
  });

  it('runs a manual task only when triggered and reports it', async () => {
    const scheduler = manager.forPlugin('p');
    let runs = 0;
    await scheduler.scheduleTask({ id: 'manual', frequency: { trigger: 'manual' }, timeout: 'PT1S', scope: 'local', fn: () => void runs++ });
    await sleep(50);
    expect(runs).toBe(0);
    await scheduler.triggerTask('manual');
    expect(runs).toBe(1);
    const [info] = await scheduler.getScheduledTasks();
    expect(info).toMatchObject({ id: 'manual', scope: 'local', frequency: { trigger: 'manual' }, lastRunAt: expect.any(String) });
    expect(info.nextRunAt).toBeUndefined();
  });

  it('records the last error of a failing task', async () => {
    const scheduler = manager.forPlugin('p');
    await scheduler.scheduleTask({ id: 'bad', frequency: { trigger: 'manual' }, timeout: 'PT1S', scope: 'local', fn: () => { throw new Error('exploded'); } });
    await scheduler.triggerTask('bad');
    expect((await scheduler.getScheduledTasks())[0].lastRunError).toBe('exploded');
  });

  it('refuses to trigger an unknown or already running task', async () => {
    const scheduler = manager.forPlugin('p');
    let release!: () => void;
    await scheduler.scheduleTask({
      id: 'busy', frequency: { trigger: 'manual' }, timeout: 'PT5S', scope: 'local',
      fn: () => new Promise<void>(resolve => (release = resolve)),
    });
    await expect(scheduler.triggerTask('nope')).rejects.toBeInstanceOf(NotFoundError);
    const first = scheduler.triggerTask('busy');
    await expect(scheduler.triggerTask('busy')).rejects.toBeInstanceOf(ConflictError);
    release();
    await first;
  });

  it('keeps task ids per plugin and refuses duplicates and bad definitions', async () => {
    const def = { id: 'same', frequency: { trigger: 'manual' as const }, timeout: 'PT1S', scope: 'local' as const, fn: () => {} };
    await manager.forPlugin('a').scheduleTask(def);
    await manager.forPlugin('b').scheduleTask(def);
    await expect(manager.forPlugin('a').scheduleTask(def)).rejects.toBeInstanceOf(ConflictError);
    expect(await manager.forPlugin('b').getScheduledTasks()).toHaveLength(1);
    await expect(manager.forPlugin('a').scheduleTask({ ...def, id: 'c', frequency: { cron: 'not a cron' } })).rejects.toThrow(
      /frequency\.cron 'not a cron'/,
    );
    await expect(manager.forPlugin('a').scheduleTask({ ...def, id: 'd', timeout: '5 minutes' })).rejects.toBeInstanceOf(InputError);
  });

  it('waits between the runs of many tasks without a warning of leaked listeners, and stops them all', async () => {
    let runs = 0;
    for (let i = 0; i < 15; i++) {
      await manager.forPlugin(`p${i}`).scheduleTask({ id: 'hourly', scope: 'local', frequency: { duration: 'PT1H' }, timeout: 'PT1S', fn: () => void runs++ });
    }
    // every task has run once and its loop waits an hour for the next run (as a listener on the scheduler's stop
    // signal, as it used to, or among its sleepers)
    const inside = manager as unknown as { stopController: AbortController; sleepers?: Set<unknown> };
    const stopSignal = inside.stopController.signal;
    const listeners = () => getEventListeners(stopSignal, 'abort').length;
    await waitFor(() => runs === 15 && listeners() + (inside.sleepers?.size ?? 0) === 15);
    // Node warns of a leak (MaxListenersExceededWarning) once a signal has more than 10 listeners: the default portal
    // has more than 10 tasks
    expect(listeners()).toBeLessThanOrEqual(10);
    const stopping = manager.shutdown({ timeoutMs: 60_000 }); // resolves once every loop has ended
    await expect(stopping).resolves.toBeUndefined();
    expect(runs).toBe(15);
  });

  it('stops on shutdown: loops end and running tasks see their signal abort', async () => {
    let sawAbort = false;
    let runs = 0;
    await manager.forPlugin('p').scheduleTask({
      id: 'long', scope: 'local', frequency: { duration: 'PT0.05S' }, timeout: 'PT10S',
      fn: signal => { runs++; return new Promise<void>(resolve => signal.addEventListener('abort', () => { sawAbort = true; resolve(); })); },
    });
    await waitFor(() => runs === 1);
    await manager.shutdown();
    expect(sawAbort).toBe(true);
    const after = runs;
    await sleep(150);
    expect(runs).toBe(after);
    await expect(manager.forPlugin('p').scheduleTask({ id: 'x', frequency: { duration: 'PT1S' }, timeout: 'PT1S', fn: () => {} })).rejects.toThrow(/stopped/);
  });
});

/**
 * Two schedulers with the same global task every 0.5 s, until `wanted` runs have happened (whatever the machine's
 * load makes that take): each run records who ran it and when, and how many ran at once.
 */
async function runTwoInstances(config: ConfigReader, wanted: number) {
  const a = new SchedulerManager({ config, pollIntervalMs: 25, instanceId: 'a' });
  const b = new SchedulerManager({ config, pollIntervalMs: 25, instanceId: 'b' });
  const runs: Array<{ by: string; at: number }> = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  try {
    for (const [manager, by] of [[a, 'a'], [b, 'b']] as const) {
      await manager.forPlugin('catalog').scheduleTask({
        id: 'refresh', scope: 'global', frequency: { duration: 'PT0.5S' }, timeout: 'PT5S',
        fn: async () => {
          runs.push({ by, at: Date.now() });
          concurrent++;
          maxConcurrent = Math.max(maxConcurrent, concurrent);
          await sleep(50);
          concurrent--;
        },
      });
    }
    await waitFor(() => runs.length >= wanted && concurrent === 0, 30_000);
    const infos = await a.forPlugin('catalog').getScheduledTasks();
    return { runs, maxConcurrent, infos };
  } finally {
    await Promise.all([a.shutdown(), b.shutdown()]);
  }
}

/**
 * Once per period: a second run of the same period (both instances taking it) would start within a few ms of the
 * first; a loaded machine only ever delays a run, so every gap is at least most of the period.
 */
function expectOncePerPeriod(runs: Array<{ at: number }>, periodMs: number) {
  for (let i = 1; i < runs.length; i++) {
    expect(runs[i].at - runs[i - 1].at).toBeGreaterThanOrEqual(periodMs * 0.6);
  }
}

describeEachDatabase(
  'global tasks on two instances sharing PostgreSQL',
  db => {
    it('run once per period, on one instance at a time', async () => {
      const config = new ConfigReader({ backend: { database: db.config } });
      const { runs, maxConcurrent, infos } = await runTwoInstances(config, 4);
      expect(maxConcurrent).toBe(1);
      expectOncePerPeriod(runs, 500);
      expect(infos[0]).toMatchObject({ id: 'refresh', scope: 'global', lastRunAt: expect.any(String), nextRunAt: expect.any(String) });
      const rows = await db.knex.withSchema('portico_core_scheduler').table('portico_scheduler_tasks').select('id', 'locked_by');
      expect(rows).toEqual([{ id: 'catalog/refresh', locked_by: null }]);
    });

    it('a global trigger on one instance is refused while another holds the lease', async () => {
      const config = new ConfigReader({ backend: { database: db.config } });
      const a = new SchedulerManager({ config, pollIntervalMs: 25, instanceId: 'a' });
      const b = new SchedulerManager({ config, pollIntervalMs: 25, instanceId: 'b' });
      try {
        let release: (() => void) | undefined;
        const def = {
          id: 'manual', scope: 'global' as const, frequency: { trigger: 'manual' as const }, timeout: 'PT5S',
          fn: () => new Promise<void>(resolve => (release = resolve)),
        };
        await a.forPlugin('x').scheduleTask(def);
        await b.forPlugin('x').scheduleTask({ ...def, fn: () => {} });
        const running = a.forPlugin('x').triggerTask('manual');
        await waitFor(() => release !== undefined);
        await expect(b.forPlugin('x').triggerTask('manual')).rejects.toThrow(/another instance/);
        release!();
        await running;
        await b.forPlugin('x').triggerTask('manual');
      } finally {
        await Promise.all([a.shutdown(), b.shutdown()]);
      }
    });
  },
  { engines: ['pg'] },
);

describe('global tasks on two instances sharing a SQLite file', () => {
  it('run once per period', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-scheduler-'));
    const config = new ConfigReader({ backend: { dataDir } });
    const { runs, maxConcurrent } = await runTwoInstances(config, 3);
    expect(maxConcurrent).toBe(1);
    expectOncePerPeriod(runs, 500);
    expect(fs.existsSync(path.join(dataDir, 'core_scheduler.sqlite'))).toBe(true);
  });
});

describe('schedulerServiceFactory', () => {
  it('gives each plugin a scheduler over one root manager', async () => {
    const manager = (await schedulerServiceFactory.createRootContext!({ config: memoryConfig(), logger: undefined })) as SchedulerManager;
    try {
      const scheduler = await schedulerServiceFactory.factory({ pluginMetadata: { getId: () => 'one' }, logger: undefined }, manager);
      let ran = false;
      await scheduler.scheduleTask({ id: 't', frequency: { trigger: 'manual' }, timeout: 'PT1S', fn: () => void (ran = true) });
      await scheduler.triggerTask('t');
      expect(ran).toBe(true);
    } finally {
      await manager.shutdown();
    }
  });
});
