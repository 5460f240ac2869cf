import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/** The SQLite connection: a file path, `:memory:`, or knex's `{ filename }` object. */
const connectionSchema = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

/** The `backend` section of app-config. Unknown keys are kept so other host parts can add theirs. */
export const backendConfigSchema = z.looseObject({
  listen: z
    .looseObject({
      port: port.default(7007),
      host: z.string().optional(),
    })
    .default({ port: 7007 }),
  /** The URL browsers and other services reach this backend at. */
  baseUrl: z.string().url().optional(),
  /** Where local state lives (SQLite files). */
  dataDir: z.string().min(1).default('./data'),
  database: z
    .looseObject({
      client: z.enum(['better-sqlite3', 'pg']).default('better-sqlite3'),
      connection: connectionSchema.optional(),
      /** PostgreSQL: schema name prefix, one schema per plugin (`<prefix><pluginId>`). */
      prefix: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and underscores').optional(),
      /** PostgreSQL: connection pool size per plugin. */
      pool: z.object({ min: z.number().int().min(0).optional(), max: z.number().int().min(1).optional() }).optional(),
    })
    .default({ client: 'better-sqlite3' }),
  http: z
    .looseObject({
      /** Maximum JSON body size, e.g. `1mb` or `512kb`. */
      bodyLimit: z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'a size such as 1mb or 512kb').optional(),
      /** How deeply a JSON body may nest arrays and objects (default 64). */
      bodyDepthLimit: z.number().int().min(1).max(10_000).optional(),
    })
    .optional(),
  logging: z.looseObject({ level: z.enum(['error', 'warn', 'info', 'debug', 'silent']).optional() }).optional(),
  cache: z
    .looseObject({
      store: z.enum(['memory', 'redis']).optional(),
      /** Redis URL when store is `redis`. */
      connection: z.string().optional(),
      keyPrefix: z.string().optional(),
      defaultTtl: z.number().int().positive().optional(),
      maxEntries: z.number().int().positive().optional(),
    })
    .optional(),
  scheduler: z.looseObject({ pollInterval: z.number().int().positive().optional() }).optional(),
  startup: z
    .looseObject({
      plugins: z.record(z.string(), z.looseObject({ onBootFailure: z.enum(['abort', 'continue']).optional() })).optional(),
    })
    .optional(),
  /** Feature packages to load by name (used by the CLI). */
  plugins: z.array(z.string()).optional(),
});

export type BackendConfig = z.infer<typeof backendConfigSchema>;
