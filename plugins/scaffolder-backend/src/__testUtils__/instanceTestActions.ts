// Loaded by real `portico start` processes in the instance tests (backend.plugins names this file): actions that
// record each execution in a file, wait for a file to appear, and write and read the run's workspace.
import fs from 'node:fs';
import path from 'node:path';
import { createBackendModule } from '@portico/backend-plugin-api';
import { z } from 'zod';
import { createTemplateAction, scaffolderActionsExtensionPoint } from '../extensions';

const record = (file: string, line: string) => fs.appendFileSync(file, `${line}\n`);

async function waitForFile(file: string, signal: AbortSignal) {
  while (!fs.existsSync(file)) {
    if (signal.aborted) throw new Error('aborted');
    await new Promise(r => setTimeout(r, 50));
  }
}

export default createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'instance-test-actions',
  register(env) {
    env.registerInit({
      deps: { actions: scaffolderActionsExtensionPoint },
      async init({ actions }) {
        actions.addActions(
          createTemplateAction({
            id: 'test:write',
            schema: { input: z.object({ record: z.string(), name: z.string(), content: z.string() }) },
            async handler(ctx) {
              const input = ctx.input as { record: string; name: string; content: string };
              record(input.record, `${ctx.stepId} ${process.pid}`);
              fs.writeFileSync(path.join(ctx.workspacePath, input.name), input.content);
              ctx.logger.info(`wrote ${input.name}`);
            },
          }),
          createTemplateAction({
            id: 'test:gate',
            schema: { input: z.object({ record: z.string(), gate: z.string(), read: z.string().optional() }) },
            async handler(ctx) {
              const input = ctx.input as { record: string; gate: string; read?: string };
              record(input.record, `${ctx.stepId} ${process.pid}`);
              ctx.logger.info('waiting at the gate');
              await waitForFile(input.gate, ctx.signal);
              if (input.read) ctx.output('read', fs.readFileSync(path.join(ctx.workspacePath, input.read), 'utf8'));
              ctx.logger.info('through the gate');
            },
          }),
        );
      },
    });
  },
});
