import { z } from 'zod';
import { durationSchema } from '@portico/backend-plugin-api';

/** `frequency` and `timeout` as `PT30M` or `{ minutes: 30 }` (milliseconds once parsed), or a cron frequency. */
const scheduleSchema = z
  .object({ frequency: z.union([durationSchema, z.object({ cron: z.string().min(1) }).strict()]).prefault('PT1H'), timeout: durationSchema.prefault('PT10M') })
  .prefault({});

const regexSchema = z.string().transform((value, ctx) => {
  try {
    return new RegExp(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(error as Error).message}` });
    return z.NEVER;
  }
});

/** One entry of `catalog.providers.github.<id>`. */
export const githubDiscoveryConfigSchema = z.object({
  organization: z.string().min(1),
  host: z.string().min(1).default('github.com'),
  /** A path or glob from the repository root; `/catalog-info.yaml` by default. */
  catalogPath: z.string().min(1).default('/catalog-info.yaml'),
  /** Branch to read; the repository's default branch when absent. */
  branch: z.string().min(1).optional(),
  filters: z
    .object({
      repository: regexSchema.optional(),
      topic: z.object({ include: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() }).strict().optional(),
      visibility: z.array(z.enum(['public', 'private', 'internal'])).optional(),
      allowArchived: z.boolean().default(false),
      allowForks: z.boolean().default(true),
    })
    .strict()
    .default({ allowArchived: false, allowForks: true }),
  schedule: scheduleSchema,
}).strict();

/** One entry of `catalog.providers.githubOrg.<id>`: teams and members as Groups and Users. */
export const githubOrgConfigSchema = z.object({
  organization: z.string().min(1),
  host: z.string().min(1).default('github.com'),
  schedule: scheduleSchema,
}).strict();

export type GithubDiscoveryConfig = z.output<typeof githubDiscoveryConfigSchema> & { id: string };
export type GithubOrgConfig = z.output<typeof githubOrgConfigSchema> & { id: string };

/**
 * What the GitHub catalog module reads of the `catalog:` section: `catalog.providers.github.<id>` and
 * `catalog.providers.githubOrg.<id>`. The host parses it and hands it to the module's init.
 */
export const githubCatalogProvidersConfigSchema = z
  .object({
    providers: z
      .object({
        github: z.record(z.string(), githubDiscoveryConfigSchema).default({}),
        githubOrg: z.record(z.string(), githubOrgConfigSchema).default({}),
      })
      .prefault({}),
  })
  .prefault({});

/** Each entry of a `catalog.providers.<kind>` record, with its id. */
export function withIds<T>(section: Record<string, T>): Array<T & { id: string }> {
  return Object.entries(section).map(([id, value]) => ({ ...value, id }));
}
