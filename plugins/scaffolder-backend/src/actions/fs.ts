import fs from 'node:fs/promises';
import { z } from 'zod';
import { createTemplateAction } from '../extensions';
import { assertRealPathInside, resolveSafeChildPath } from '../service/resolveSafeChildPath';

async function exists(p: string) {
  return fs.lstat(p).then(() => true, () => false);
}

export function createFsRenameAction() {
  return createTemplateAction({
    id: 'fs:rename',
    description: 'Renames (moves) files or directories inside the workspace.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        files: z.array(z.object({ from: z.string().min(1), to: z.string().min(1), overwrite: z.boolean().optional() })).min(1),
      }),
    },
    async handler(ctx) {
      for (const file of ctx.input.files) {
        const from = resolveSafeChildPath(ctx.workspacePath, file.from);
        const to = resolveSafeChildPath(ctx.workspacePath, file.to);
        // The links themselves are moved, but never through a linked directory that leads outside.
        await assertRealPathInside(ctx.workspacePath, from, { followLast: false });
        await assertRealPathInside(ctx.workspacePath, to, { followLast: false });
        if (!(await exists(from))) throw new Error(`File '${file.from}' does not exist in the workspace`);
        if ((await exists(to)) && !file.overwrite) throw new Error(`File '${file.to}' already exists; set overwrite: true to replace it`);
        await fs.mkdir(resolveSafeChildPath(ctx.workspacePath, file.to + '/..'), { recursive: true });
        await fs.rm(to, { recursive: true, force: true });
        await fs.rename(from, to);
        ctx.logger.info(`Renamed ${file.from} to ${file.to}`);
      }
    },
  });
}

export function createFsDeleteAction() {
  return createTemplateAction({
    id: 'fs:delete',
    description: 'Deletes files or directories from the workspace.',
    supportsDryRun: true,
    schema: { input: z.object({ files: z.array(z.string().min(1)).min(1) }) },
    async handler(ctx) {
      for (const file of ctx.input.files) {
        const target = resolveSafeChildPath(ctx.workspacePath, file);
        if (target === ctx.workspacePath) throw new Error('fs:delete cannot delete the workspace itself');
        await assertRealPathInside(ctx.workspacePath, target, { followLast: false });
        await fs.rm(target, { recursive: true, force: true });
        ctx.logger.info(`Deleted ${file}`);
      }
    },
  });
}
