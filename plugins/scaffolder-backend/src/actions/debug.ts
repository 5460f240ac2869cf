import { z } from 'zod';
import { createTemplateAction } from '../extensions';
import { durationToMs } from '../service/duration';

export function createDebugLogAction() {
  return createTemplateAction({
    id: 'debug:log',
    description: 'Writes a message to the run log, and optionally lists the workspace.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        message: z.string().optional().describe('The message to log'),
        listWorkspace: z.boolean().optional().describe('Also log the files of the workspace'),
      }),
    },
    async handler(ctx) {
      if (ctx.input.message) ctx.logger.info(ctx.input.message);
      if (ctx.input.listWorkspace) {
        const fs = await import('node:fs/promises');
        const entries = await fs.readdir(ctx.workspacePath, { recursive: true });
        ctx.logger.info(`Workspace:\n${entries.sort().join('\n')}`);
      }
    },
  });
}

export function createDebugWaitAction() {
  return createTemplateAction({
    id: 'debug:wait',
    description: 'Waits for a while (at most 10 minutes); stops early when the run is cancelled.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        minutes: z.number().min(0).optional(),
        seconds: z.number().min(0).optional(),
        milliseconds: z.number().min(0).optional(),
        duration: z.string().optional().describe('ISO-8601 duration, e.g. PT5S'),
      }),
    },
    async handler(ctx) {
      const { minutes = 0, seconds = 0, milliseconds = 0, duration } = ctx.input;
      const ms = (duration ? durationToMs(duration) : 0) + minutes * 60_000 + seconds * 1000 + milliseconds;
      if (ms > 600_000) throw new Error('debug:wait waits at most 10 minutes');
      ctx.logger.info(`Waiting ${ms} ms`);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('Waiting was aborted'));
        }, { once: true });
      });
    },
  });
}
