import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createBackendModule, createServiceFactory } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { catalogServiceRef } from '@portico/plugin-catalog-node';
import { startTestBackend, type TestBackend } from '@portico/test-utils';
import { createTemplateAction, scaffolderActionsExtensionPoint, scaffolderPlugin } from './index';

const calls = { first: 0, slow: 0 };

const template: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'restart', namespace: 'default' },
  spec: {
    steps: [
      { id: 'first', action: 'test:first' },
      { id: 'slow', action: 'test:slow' },
      { id: 'last', action: 'debug:log', input: { message: 'after ${{ steps.first.output.n }}' } },
    ],
  },
};

const catalogFactory = createServiceFactory({
  service: catalogServiceRef,
  deps: {},
  factory: () => ({ async getEntityByRef() { return template; } }) as unknown as CatalogApi,
});

/** test:slow blocks until aborted the first time it runs, and returns at once afterwards. */
const actionsModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'restart-test',
  register(env) {
    env.registerInit({
      deps: { actions: scaffolderActionsExtensionPoint },
      async init({ actions }) {
        actions.addActions(
          createTemplateAction({ id: 'test:first', async handler(ctx) { ctx.output('n', ++calls.first); } }),
          createTemplateAction({
            id: 'test:slow',
            async handler(ctx) {
              if (++calls.slow > 1) return;
              await new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
            },
          }),
        );
      },
    });
  },
});

describe('scaffolder across a backend restart', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scaffolder-restart-'));
  const start = () =>
    startTestBackend({
      features: [scaffolderPlugin, actionsModule, catalogFactory],
      config: {
        backend: { database: { client: 'better-sqlite3', connection: path.join(dir, 'portico.sqlite') } },
        scaffolder: { pollInterval: 50, shutdownGracePeriod: 100 },
      },
    });

  it('hands a running run back on shutdown and resumes it from the interrupted step after the restart', async () => {
    let backend: TestBackend = await start();
    const { body } = await request(backend.server).post('/api/scaffolder/v2/tasks').send({ templateRef: 'template:default/restart' }).expect(201);
    for (let i = 0; i < 200 && calls.slow === 0; i++) await new Promise(r => setTimeout(r, 25));
    expect(calls.slow).toBe(1);
    await backend.stop();

    backend = await start();
    try {
      let task;
      for (let i = 0; i < 200; i++) {
        task = (await request(backend.server).get(`/api/scaffolder/v2/tasks/${body.id}`)).body;
        if (['completed', 'failed'].includes(task.status)) break;
        await new Promise(r => setTimeout(r, 25));
      }
      expect(task.status).toBe('completed');
      expect(calls).toEqual({ first: 1, slow: 2 }); // the completed step did not run again
      const events = (await request(backend.server).get(`/api/scaffolder/v2/tasks/${body.id}/events`)).body as Array<{ type: string; body: { message: string } }>;
      expect(events.find(e => e.type === 'recovered')?.body.message).toBe("The instance running this task shut down; resuming from step 'slow'");
      expect(events.map(e => e.body.message)).toContain('after 1');
    } finally {
      await backend.stop();
    }
  });
});
