import { z } from 'zod';

const rulesSchema = z.array(z.object({ allow: z.array(z.string().min(1)).min(1) }));

/** `{ hours: 1, minutes: 30 }` (Backstage's form) or an ISO-8601 duration (`PT1M`) → ISO-8601. */
const durationSchema = z.union([
  z.string().regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, { error: 'must be an ISO-8601 duration such as PT1M' }),
  z.object({
    days: z.number().nonnegative().optional(),
    hours: z.number().nonnegative().optional(),
    minutes: z.number().nonnegative().optional(),
    seconds: z.number().nonnegative().optional(),
    milliseconds: z.number().nonnegative().optional(),
  }).strict().transform(d => {
    const seconds = (d.seconds ?? 0) + (d.milliseconds ?? 0) / 1000;
    const time = `${d.hours ? `${d.hours}H` : ''}${d.minutes ? `${d.minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
    const iso = `P${d.days ? `${d.days}D` : ''}${time ? `T${time}` : ''}`;
    return iso === 'P' ? 'PT1M' : iso;
  }),
]);

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
  processingInterval: durationSchema.default('PT1M'),
  orphanStrategy: z.enum(['delete', 'keep']).default('delete'),
  /** Largest descriptor file read, in bytes. */
  maxFileBytes: z.number().int().positive().default(5 * 1024 * 1024),
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
}).optional();

export type CatalogConfig = NonNullable<z.output<typeof catalogConfigSchema>>;

export function readCatalogConfig(value: unknown): CatalogConfig {
  return catalogConfigSchema.parse(value ?? {}) as CatalogConfig;
}
