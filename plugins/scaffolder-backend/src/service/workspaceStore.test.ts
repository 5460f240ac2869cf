import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describeEachDatabase } from '@portico/test-utils';
import { createTemplateAction } from '../extensions';
import { createTestEngine, guest, template, waitForStatus } from '../__testUtils__/engineTestHarness';
import type { TaskEventsPayload } from './TaskEventFeed';

describeEachDatabase('scaffolder workspaces kept in the database', db => {
  const runs: Record<string, number> = {};
  let failReads = true;
  const actions = [
    createTemplateAction({
      id: 'test:write',
      async handler(ctx) {
        runs.write = (runs.write ?? 0) + 1;
        fs.mkdirSync(path.join(ctx.workspacePath, 'src'), { recursive: true });
        fs.writeFileSync(path.join(ctx.workspacePath, 'src', 'index.js'), 'written by step 1');
      },
    }),
    createTemplateAction({
      id: 'test:read',
      async handler(ctx) {
        runs.read = (runs.read ?? 0) + 1;
        const partialBefore = fs.existsSync(path.join(ctx.workspacePath, 'partial.txt'));
        fs.writeFileSync(path.join(ctx.workspacePath, 'partial.txt'), 'left by a failed attempt');
        if (failReads) throw new Error('not this time');
        ctx.output('read', fs.readFileSync(path.join(ctx.workspacePath, 'src', 'index.js'), 'utf8'));
        ctx.output('partialBefore', partialBefore);
      },
    }),
    createTemplateAction({
      id: 'test:noise',
      async handler(ctx) {
        fs.writeFileSync(path.join(ctx.workspacePath, 'noise.bin'), randomBytes(200 * 1024));
      },
    }),
  ];
  const templates = [
    template('two', [
      { id: 'write', action: 'test:write' },
      { id: 'log', action: 'debug:log', input: { message: 'between' } },
      { id: 'read', action: 'test:read' },
    ], { output: { read: '${{ steps.read.output.read }}' } }),
    template('noisy', [{ id: 'noise', action: 'test:noise' }]),
  ];
  let migrated = false;
  async function engine() {
    const e = await createTestEngine(
      { knex: db.knex, engine: db.engine },
      { migrate: !migrated, templates, actions, workspace: { store: 'database', maxBytes: 64 * 1024 } },
    );
    migrated = true;
    return e;
  }

  it('stores the workspace with each completed step that used it, and a retry on another instance starts from it', async () => {
    const a = await engine();
    await a.worker.start();
    const { id } = await a.service.createTask({ templateRef: 'template:default/two', values: {} }, guest);
    await waitForStatus(a, id, ['failed']);
    await a.stop();
    const stored = await a.store.getWorkspace(id);
    expect(stored?.stepId).toBe('write'); // the log step did not touch the workspace

    // Another instance: its own, empty working directory.
    const b = await engine();
    expect(b.workingDirectory).not.toBe(a.workingDirectory);
    failReads = false;
    await b.service.retry(id);
    await b.worker.start();
    try {
      await waitForStatus(b, id, ['completed', 'failed']);
      const task = await b.service.getTask(id);
      expect(task.status).toBe('completed');
      expect(task.steps?.find(s => s.id === 'read')?.output).toEqual({ read: 'written by step 1', partialBefore: false });
      expect(runs).toEqual({ write: 1, read: 2 });
      expect(await b.store.getWorkspace(id)).toBeUndefined();
    } finally {
      await b.stop();
    }
  });

  it('fails the step that leaves a workspace over the cap, naming the cap', async () => {
    const e = await engine();
    await e.worker.start();
    try {
      const { id } = await e.service.createTask({ templateRef: 'template:default/noisy', values: {} }, guest);
      await waitForStatus(e, id, ['failed']);
      const task = await e.service.getTask(id);
      expect(task.steps?.[0]).toMatchObject({ status: 'failed' });
      expect(task.error).toBe(
        `The workspace of run ${id} after step 'noise' is over 65536 bytes compressed, the cap of scaffolder.workspace.maxBytes; raise it, or keep large files out of the workspace`,
      );
      expect(await e.store.getWorkspace(id)).toBeUndefined();
    } finally {
      await e.stop();
    }
  });

  it("announces each batch of a run's events once committed, each naming the run's event before it", async () => {
    const e = await engine();
    const { id } = await e.service.createTask({ templateRef: 'template:default/noisy', values: {} }, guest);
    const heard: TaskEventsPayload[] = [];
    e.feed.listen(id, p => heard.push(p));
    await e.worker.start();
    try {
      await waitForStatus(e, id, ['failed']);
      await e.service.retry(id);
      await waitForStatus(e, id, ['failed']);
    } finally {
      await e.stop();
    }
    const stored = (await e.store.listEvents(id)).map(ev => ev.id);
    expect(heard.flatMap(p => p.events!.map(ev => ev.id))).toEqual(stored);
    heard.forEach((p, i) => expect(p.previousId).toBe(i === 0 ? 0 : heard[i - 1].lastId));
  });
});
