import { register } from 'prom-client';
import { describeEachDatabase } from '@portico/test-utils';
import { createTestEngine, guest, template, waitForStatus } from '../__testUtils__/engineTestHarness';

/** The samples of the task gauge by status, as `/metrics` would show them. */
async function tasksByStatus(): Promise<Record<string, number>> {
  const metric = register.getSingleMetric('portico_scaffolder_tasks');
  if (!metric) return {};
  const { values } = await metric.get();
  return Object.fromEntries(values.map(v => [String(v.labels.status), v.value]));
}

describeEachDatabase('scaffolder task queue on /metrics', db => {
  it('counts queued and running tasks from the database, and leaves when the engine stops', async () => {
    const e = await createTestEngine(
      { knex: db.knex, engine: db.engine },
      { templates: [template('quick', [{ id: 'log', action: 'debug:log', input: { message: 'hi' } }])] },
    );
    try {
      const before = await tasksByStatus();
      expect(before).toMatchObject({ open: expect.any(Number), processing: expect.any(Number), waiting: expect.any(Number) });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await e.service.createTask({ templateRef: 'template:default/quick', values: {} }, guest)).id);
      // No worker yet: the three wait in the queue.
      expect((await tasksByStatus()).open).toBe(before.open + 3);

      await e.worker.start();
      for (const id of ids) await waitForStatus(e, id, ['completed']);
      expect((await tasksByStatus()).open).toBe(before.open);
    } finally {
      await e.stop();
    }
    // A stopped engine's store is no longer counted.
    expect((await tasksByStatus()).open ?? 0).toBe(0);
  });
});
