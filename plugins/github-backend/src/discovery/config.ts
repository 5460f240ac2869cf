import { z } from 'zod';
import { type ConfigService } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';

const durationSchema = z.union([
  z.string().regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, { error: 'must be an ISO-8601 duration such as PT30M' }),
  z.object({ hours: z.number().nonnegative().optional(), minutes: z.number().nonnegative().optional(), seconds: z.number().nonnegative().optional() })
    .strict()
    .transform(d => `PT${d.hours ? `${d.hours}H` : ''}${d.minutes ? `${d.minutes}M` : ''}${d.seconds ? `${d.seconds}S` : ''}`.replace(/^PT$/, 'PT1H')),
]);

const scheduleSchema = z
  .object({ frequency: z.union([durationSchema, z.object({ cron: z.string().min(1) }).strict()]).default('PT1H'), timeout: durationSchema.default('PT10M') })
  .default({ frequency: 'PT1H', timeout: 'PT10M' });

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

function readSection<T extends z.ZodType>(config: ConfigService, key: string, schema: T): Array<z.output<T> & { id: string }> {
  const raw = config.getOptional(key);
  if (raw === undefined) return [];
  const parsed = z.record(z.string(), schema).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid config at ${key}.${issue.path.join('.')}: ${issue.message}`);
  }
  return Object.entries(parsed.data as Record<string, Record<string, unknown>>).map(([id, value]) => ({ ...value, id }) as z.output<T> & { id: string });
}

export const readDiscoveryConfig = (config: ConfigService): GithubDiscoveryConfig[] =>
  readSection(config, 'catalog.providers.github', githubDiscoveryConfigSchema);
export const readOrgConfig = (config: ConfigService): GithubOrgConfig[] =>
  readSection(config, 'catalog.providers.githubOrg', githubOrgConfigSchema);
