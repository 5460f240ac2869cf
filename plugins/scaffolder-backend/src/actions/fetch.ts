import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { createTemplateAction } from '../extensions';
import { assertRealPathInside, resolveSafeChildPath } from '../service/resolveSafeChildPath';
import type { SandboxedTemplater } from '../service/sandbox/SandboxedTemplater';
import type { SkeletonReader } from '../service/SkeletonReader';

function isBinary(buf: Buffer) {
  return buf.subarray(0, 8000).includes(0);
}

/** Writes a file of the workspace; refuses a path that a symlink in the workspace leads outside it. */
async function writeFile(workspace: string, target: string, content: Buffer | string, replace: boolean, shown: string) {
  await assertRealPathInside(workspace, target);
  await fs.mkdir(path.dirname(target), { recursive: true });
  if (!replace && (await fs.stat(target).then(() => true, () => false))) {
    throw new Error(`File '${shown}' already exists in the workspace; set replace: true to overwrite it`);
  }
  await fs.writeFile(target, content);
}

export function createFetchPlainAction(options: { reader: SkeletonReader }) {
  return createTemplateAction({
    id: 'fetch:plain',
    description: 'Copies a directory (relative to the template, or a URL) into the workspace without templating.',
    supportsDryRun: true,
    schema: {
      input: z.object({
        url: z.string().min(1).describe('Directory relative to the template, or an absolute URL'),
        targetPath: z.string().default('./'),
        replace: z.boolean().default(true),
      }),
    },
    async handler(ctx) {
      const target = resolveSafeChildPath(ctx.workspacePath, ctx.input.targetPath);
      const files = await options.reader.readTree({ url: ctx.input.url, baseUrl: ctx.templateInfo?.baseUrl, signal: ctx.signal });
      for (const file of files) {
        await writeFile(ctx.workspacePath, resolveSafeChildPath(target, file.path), await file.content(), ctx.input.replace, file.path);
      }
      ctx.logger.info(`Fetched ${files.length} file(s) from ${ctx.input.url} into ${ctx.input.targetPath}`);
    },
  });
}

export function createFetchTemplateAction(options: { reader: SkeletonReader; templater: SandboxedTemplater }) {
  return createTemplateAction({
    id: 'fetch:template',
    description:
      'Copies a skeleton directory into the workspace, rendering file names and contents with ${{ values.x }} (nunjucks).',
    supportsDryRun: true,
    schema: {
      input: z.object({
        url: z.string().min(1).describe('Directory relative to the template, or an absolute URL'),
        targetPath: z.string().default('./'),
        values: z.record(z.string(), z.unknown()).default({}),
        copyWithoutTemplating: z.array(z.string()).default([]).describe('Globs of files copied as they are'),
        templateFileExtension: z.union([z.boolean(), z.string()]).optional().describe('Only render files with this extension (default .njk), and strip it'),
        replace: z.boolean().default(false),
      }),
    },
    async handler(ctx) {
      const { url, targetPath, values, copyWithoutTemplating, templateFileExtension, replace } = ctx.input;
      const target = resolveSafeChildPath(ctx.workspacePath, targetPath);
      const ext = templateFileExtension === true ? '.njk' : typeof templateFileExtension === 'string' ? templateFileExtension : undefined;
      const files = await options.reader.readTree({ url, baseUrl: ctx.templateInfo?.baseUrl, signal: ctx.signal });
      const context = { values };
      for (const file of files) {
        const raw = await file.content();
        const verbatim = copyWithoutTemplating.some(glob => path.matchesGlob(file.path, glob) || file.path.startsWith(glob.replace(/\/?\*\*$/, '') + '/'));
        let outPath = verbatim ? file.path : await options.templater.renderString(file.path, context, { label: `fetch:template: the name of ${file.path}`, signal: ctx.signal });
        let render = !verbatim && !isBinary(raw);
        if (ext) {
          render = render && outPath.endsWith(ext);
          if (outPath.endsWith(ext)) outPath = outPath.slice(0, -ext.length);
        }
        if (!outPath || outPath.endsWith('/')) continue; // a templated name that rendered empty drops the file
        const content = render ? await options.templater.renderString(raw.toString('utf8'), context, { label: `fetch:template: ${file.path}`, signal: ctx.signal }) : raw;
        await writeFile(ctx.workspacePath, resolveSafeChildPath(target, outPath), content, replace, outPath);
      }
      ctx.logger.info(`Rendered ${files.length} file(s) from ${url} into ${targetPath}`);
    },
  });
}
