import { describeEachDatabase } from '@portico/test-utils';
import { createTemplateAction } from '../extensions';
import { createTestEngine, guest, template, waitForStatus } from '../__testUtils__/engineTestHarness';

const connectionLost = () => new Error('Connection terminated unexpectedly');

describeEachDatabase('a run while the database is unavailable', db => {
  it('records a step that finished during the outage once it is back: the step is not run again, no event is lost', async () => {
    let runs = 0;
    let down = false;
    const e = await createTestEngine(
      { knex: db.knex, engine: db.engine },
      {
        templates: [template('outage', [{ id: 'effect', action: 'test:effect' }, { id: 'after', action: 'debug:log', input: { message: 'after the outage' } }])],
        actions: [
          createTemplateAction({
            id: 'test:effect',
            supportsDryRun: true,
            resumable: false,
            async handler(ctx) {
              runs++;
              ctx.logger.info('effect done');
              down = true; // the database goes away as the step finishes
            },
          }),
        ],
      },
    );
    // While down: the step's save and the heartbeats fail (the heartbeat goes stale: staleAfter is 1 s here),
    // four times in a row for the save (250 ms doubling: 3.75 s, longer than staleAfter).
    let failedSaves = 0;
    const save = e.store.saveStepWithEvents.bind(e.store);
    e.store.saveStepWithEvents = async (...args) => {
      if (down && failedSaves < 4) {
        failedSaves++;
        throw connectionLost();
      }
      down = false;
      return save(...args);
    };
    const heartbeatAll = e.store.heartbeatAll.bind(e.store);
    e.store.heartbeatAll = async (...args) => {
      if (down) throw connectionLost();
      return heartbeatAll(...args);
    };
    try {
      const { id } = await e.service.createTask({ templateRef: 'template:default/outage', values: {} }, guest);
      await e.worker.start();
      const task = await waitForStatus(e, id, ['completed', 'failed', 'cancelled'], 20_000);
      expect(task.status).toBe('completed');
      expect(failedSaves).toBe(4);
      expect(runs).toBe(1);
      const events = await e.store.listEvents(id);
      const messages = events.map(ev => ev.body.message);
      expect(messages.filter(m => m === 'effect done')).toHaveLength(1);
      expect(messages.filter(m => m === 'Finished step effect')).toHaveLength(1);
      expect(messages.filter(m => m === 'after the outage')).toHaveLength(1);
      expect(events.filter(ev => ev.type === 'recovered')).toEqual([]);
    } finally {
      await e.stop();
    }
  });

  it('stops without writing when another worker took the run over during the outage', async () => {
    let release!: () => void;
    const finish = new Promise<void>(resolve => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>(resolve => (started = resolve));
    const said: string[] = [];
    const logger = {
      error: () => undefined,
      warn: () => undefined,
      info: (message: string) => void said.push(message),
      debug: () => undefined,
      child: () => logger,
    };
    const e = await createTestEngine(
      { knex: db.knex, engine: db.engine },
      {
        migrate: false,
        logger,
        // the run is not found stale here (its heartbeats fail): only the other worker's claim stops it
        worker: { pollIntervalMs: 50, heartbeatIntervalMs: 50, staleAfterMs: 60_000 },
        templates: [template('taken', [{ id: 'slow', action: 'test:slow' }])],
        actions: [
          createTemplateAction({
            id: 'test:slow',
            supportsDryRun: true,
            async handler() {
              started();
              await finish;
            },
          }),
        ],
      },
    );
    // the database goes away as the step finishes; the periodic heartbeats fail from then on, so only the check
    // before the save is tried again can tell that the run is no longer this worker's
    let down = false;
    let saveFailed = false;
    const heartbeatAll = e.store.heartbeatAll.bind(e.store);
    e.store.heartbeatAll = async (...args) => {
      if (down) throw connectionLost();
      return heartbeatAll(...args);
    };
    const save = e.store.saveStepWithEvents.bind(e.store);
    e.store.saveStepWithEvents = async (...args) => {
      if (down && !saveFailed) {
        saveFailed = true;
        // meanwhile another instance found the run stale and claimed it
        await db.knex('scaffolder_tasks').where({ id: args[0] }).update({ claimed_by: 'other-host:1:abc' });
        throw connectionLost();
      }
      return save(...args);
    };
    try {
      const { id } = await e.service.createTask({ templateRef: 'template:default/taken', values: {} }, guest);
      await e.worker.start();
      await running;
      down = true;
      release();
      const deadline = Date.now() + 10_000;
      while (!said.some(m => m.startsWith(`Task ${id} stopped here`))) {
        if (Date.now() > deadline) throw new Error(`the run did not stop: ${said.join('; ')}`);
        await new Promise(r => setTimeout(r, 20));
      }
      expect(said.find(m => m.startsWith(`Task ${id} stopped here`))).toMatch(/taken over by another worker while the database was unavailable/);
      // the step stays as the other worker will find it: this one did not complete it
      expect((await e.store.getSteps(id))[0]).toMatchObject({ stepId: 'slow', status: 'processing' });
      expect((await e.store.listEvents(id)).filter(ev => ev.body.message === 'Finished step slow')).toEqual([]);
    } finally {
      await e.stop();
    }
  });
});
