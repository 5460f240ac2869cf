import path from 'node:path';
import { z } from 'zod';

/** A path inside the workspace: relative, no NUL, no `..` that climbs out of it. */
export const workspaceFilePath = z
  .string()
  .min(1)
  .max(4096)
  .refine(p => !p.includes('\0'), 'must not contain a NUL character')
  .refine(p => !path.posix.isAbsolute(p) && !path.win32.isAbsolute(p), 'must be a relative path')
  .refine(p => {
    const normalized = path.posix.normalize(p.replace(/\\/g, '/'));
    return normalized !== '.' && normalized !== '..' && !normalized.startsWith('../');
  }, 'must name a file inside the workspace');

/** Request bodies and queries of /api/scaffolder (also published in openapi.json). */
export const createTaskBody = z.object({
  templateRef: z.string().min(1),
  values: z.record(z.string(), z.unknown()).default({}),
  secrets: z.record(z.string(), z.string()).optional(),
});

export const dryRunBody = z.object({
  template: z.record(z.string(), z.unknown()),
  values: z.record(z.string(), z.unknown()).default({}),
  secrets: z.record(z.string(), z.string()).optional(),
  directoryContents: z.array(z.object({ path: workspaceFilePath, base64Content: z.string() })).max(1000).optional(),
});

export const retryBody = z.object({ secrets: z.record(z.string(), z.string()).optional() }).default({});

export const answerBody = z.object({
  comment: z.string().max(2000).optional(),
  values: z.record(z.string(), z.unknown()).optional(),
}).default({});

export const listTasksQuery = z.object({
  createdBy: z.string().optional(),
  status: z.union([z.string(), z.array(z.string())]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

