import { durationSchema } from '@portico/backend-plugin-api';
import { z } from 'zod';

const rulesSchema = z.array(z.object({ allow: z.array(z.string().min(1)).min(1) }));

/** The `catalog:` section of app-config. */
export const catalogConfigSchema = z.object({
  /** Files and URLs read at startup and every processingInterval. */
  locations: z.array(z.object({
    type: z.enum(['file', 'url']),
    target: z.string().min(1),
    rules: rulesSchema.optional(),
  })).default([]),
  /** Kinds locations may emit (`[{ allow: [Component, API] }]`); all kinds when absent. */
  rules: rulesSchema.optional(),
  /** How often locations are read again: `PT1M` or `{ minutes: 1 }`; milliseconds once parsed. */
  processingInterval: durationSchema.prefault('PT1M'),
  orphanStrategy: z.enum(['delete', 'keep']).default('delete'),
  /** Largest descriptor file read, in bytes. */
  maxFileBytes: z.number().int().positive().default(5 * 1024 * 1024),
  /**
   * Totals (`totalItems`) and facets are cached until the next write. One that took 50 ms or more to compute in a catalog of 1,000 entities or more (a large
   * catalog) is served on after a write for up to `maxStaleness` from when it was computed, while one recomputation
   * runs, instead of every request recomputing it after every write. `0`: always recompute after a write.
   */
  counts: z.object({
    maxStaleness: z.union([z.literal(0), durationSchema]).prefault('PT5S'),
  }).strict().prefault({}),
  /** What one entity, file or YAML document may cost; inputs past a limit are refused with an error. */
  limits: z.object({
    /** Largest entity, serialised as JSON, in bytes (YAML aliases expanded). */
    maxEntityBytes: z.number().int().positive().default(1024 * 1024),
    /** Most entities (YAML documents) read from one file; the rest of the file is refused. */
    maxEntitiesPerFile: z.number().int().positive().default(20_000),
    /** Most aliases (`*name`) in one YAML document. */
    maxYamlAliases: z.number().int().nonnegative().default(1000),
    /** Longest a file's YAML parse may go without progress before its parser thread is stopped, in ms. */
    parseTimeoutMs: z.number().int().positive().default(10_000),
  }).strict().prefault({}),
}).prefault({});

export type CatalogConfig = z.output<typeof catalogConfigSchema>;
