import { z } from 'zod';

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
  directoryContents: z.array(z.object({ path: z.string().min(1), base64Content: z.string() })).max(1000).optional(),
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

