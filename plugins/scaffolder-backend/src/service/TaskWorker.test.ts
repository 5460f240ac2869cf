import { describeEachDatabase } from '@portico/test-utils';
import { createTemplateAction } from '../extensions';
import { createTestEngine, guest, template } from '../__testUtils__/engineTestHarness';

describeEachDatabase('scaffolder worker recovery', db => {
  let migrated = false;
  const runs = { count: 0 };
  async function engine() {
    const e = await createTestEngine(
      { knex: db.knex, engine: db.engine },
      {
        migrate: !migrated,
        templates: [template('crashy', [{ id: 'crash', action: 'test:count' }])],
        actions: [
          createTemplateAction({
            id: 'test:count',
            supportsDryRun: true,
            async handler() {
              runs.count++;
            },
          }),
        ],
      },
    );
    migrated = true;
    return e;
  }
  type Engine = Awaited<ReturnType<typeof engine>>;

  /** What a worker process that died mid-step leaves behind: a claimed run, a processing step, an old heartbeat. */
  async function dieWhileRunning(e: Engine, taskId: string, workerId: string) {
    await db.knex('scaffolder_tasks').where({ id: taskId }).update({ status: 'processing', claimed_by: workerId });
    await e.store.saveStep(taskId, { stepId: 'crash', position: 0, action: 'test:count', status: 'processing', startedAt: new Date().toISOString() });
    await db.knex('scaffolder_tasks').where({ id: taskId }).update({ heartbeat_at: new Date(Date.now() - 60_000).toISOString() });
  }

  it('hands a run abandoned by a crashed worker back once, and quarantines it when its worker dies again', async () => {
    const e = await engine();
    const { id } = await e.service.createTask({ templateRef: 'template:default/crashy', values: {} }, guest);

    await dieWhileRunning(e, id, 'host:1:dead');
    await e.worker.maintenance();
    expect(await e.store.getTask(id)).toMatchObject({ status: 'open', lostClaims: 1 });

    await dieWhileRunning(e, id, 'host:2:dead');
    await e.worker.maintenance();
    const task = await e.store.getTask(id);
    expect(task).toMatchObject({ status: 'failed', lostClaims: 2 });
    expect(task?.error).toMatch(/^quarantined: the run was abandoned 2 times by a worker that crashed or hung during step 'crash' \(test:count\)/);
    expect((await e.store.getSteps(id))[0]).toMatchObject({ status: 'failed', error: task?.error });
    const completion = (await e.store.listEvents(id)).find(ev => ev.type === 'completion');
    expect(completion?.body).toMatchObject({ status: 'failed', error: { message: task?.error } });

    // Never handed back: a running worker does not pick it up.
    const before = runs.count;
    await e.worker.start();
    try {
      await e.worker.maintenance();
      expect(await e.store.claimTask('host:3')).toBeUndefined();
      expect(runs.count).toBe(before);
    } finally {
      await e.stop();
    }
  });

  it('starts a retried quarantined run with a clean count', async () => {
    const e = await engine();
    const { id } = await e.service.createTask({ templateRef: 'template:default/crashy', values: {} }, guest);
    for (const worker of ['host:1:dead', 'host:2:dead']) {
      await dieWhileRunning(e, id, worker);
      await e.worker.maintenance();
    }
    expect((await e.store.getTask(id))?.error).toMatch(/^quarantined: /);
    expect(await e.store.reopenForRetry(id)).toBe(true);
    expect(await e.store.getTask(id)).toMatchObject({ status: 'open', lostClaims: 0 });
    // left open, a later test's worker would claim and run it (and count it as that test's run)
    await e.store.deleteTask(id);
  });

  it('fails a dry run left processing by an instance that died, instead of resuming it', async () => {
    const e = await engine();
    const spec = { apiVersion: 'scaffolder.backstage.io/v1beta3', steps: [{ id: 'crash', action: 'test:count' }], parameters: {}, user: { ref: guest.userEntityRef } };
    const dry = await e.store.createTask({ spec: spec as never, dryRun: true, claimedBy: 'host:1:dead' });
    await dieWhileRunning(e, dry.id, 'host:1:dead');
    const before = runs.count;

    await e.worker.start(); // what a restarted instance does first
    try {
      const task = await e.store.getTask(dry.id);
      expect(task?.status).toBe('failed');
      expect(task?.error).toMatch(/^The dry run was interrupted during step 'crash' \(test:count\) \(The worker running this task stopped\); dry runs are never resumed/);
      expect(await e.store.claimTask('host:3')).toBeUndefined();
      expect(runs.count).toBe(before);
    } finally {
      await e.stop();
    }
  });

  it('never claims a dry run, even one left open', async () => {
    const e = await engine();
    const spec = { apiVersion: 'scaffolder.backstage.io/v1beta3', steps: [{ id: 'crash', action: 'test:count' }], parameters: {} };
    const dry = await e.store.createTask({ spec: spec as never, dryRun: true });
    expect((await e.store.getTask(dry.id))?.status).toBe('open');
    expect(await e.store.claimTasks('host:3', 10)).toEqual([]);
    await e.store.deleteTask(dry.id);
  });
});
