import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/** The SQLite connection: a file path, `:memory:`, or knex's `{ filename }` object. */
const connectionSchema = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

/**
 * The `backend` section of app-config: every key the host reads. Keys it does not declare are reported at start
 * (an error under NODE_ENV=production, a warning otherwise) and kept in the config as written. Parts read by their
 * own parser (cors, rateLimit, trustProxy, auth) are declared here by shape and checked there.
 */
export const backendConfigSchema = z.object({
  listen: z
    .object({
      port: port.default(7007),
      host: z.string().optional(),
    })
    .default({ port: 7007 }),
  /** The URL browsers and other services reach this backend at. */
  baseUrl: z.string().url().optional(),
  /** Where local state lives (SQLite files). */
  dataDir: z.string().min(1).default('./data'),
  database: z
    .object({
      client: z.enum(['better-sqlite3', 'pg']).default('better-sqlite3'),
      connection: connectionSchema.optional(),
      /** PostgreSQL: schema name prefix, one schema per plugin (`<prefix><pluginId>`). */
      prefix: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and underscores').optional(),
      /** PostgreSQL: connection pool size per plugin. */
      pool: z.object({ min: z.number().int().min(0).optional(), max: z.number().int().min(1).optional() }).optional(),
      /** PostgreSQL: create the database named in `connection` when it does not exist (the role must be allowed to). */
      ensureExists: z.boolean().optional(),
      /** PostgreSQL: parallel workers one query may start (`max_parallel_workers_per_gather` of each connection); default 0. */
      parallelWorkersPerQuery: z.number().int().min(0).max(64).optional(),
    })
    .default({ client: 'better-sqlite3' }),
  http: z
    .object({
      /** Maximum JSON body size, e.g. `1mb` or `512kb`. */
      bodyLimit: z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'a size such as 1mb or 512kb').optional(),
      /** How deeply a JSON body may nest arrays and objects (default 64). */
      bodyDepthLimit: z.number().int().min(1).max(10_000).optional(),
    })
    .optional(),
  logging: z.object({ level: z.enum(['error', 'warn', 'info', 'debug', 'silent']).optional() }).optional(),
  cache: z
    .object({
      store: z.enum(['memory', 'redis']).optional(),
      /** Redis URL when store is `redis`. */
      connection: z.string().optional(),
      keyPrefix: z.string().optional(),
      defaultTtl: z.number().int().positive().optional(),
      maxEntries: z.number().int().positive().optional(),
    })
    .optional(),
  scheduler: z.object({ pollInterval: z.number().int().positive().optional() }).optional(),
  /**
   * `store`: `database` (default: stored in the `core_events` database; PostgreSQL carries them between instances,
   * on SQLite the one instance delivers them from its data directory) or `redis` (a Redis stream; `connection` and `keyPrefix` default to the Redis cache's, then
   * `redis://127.0.0.1:6379` and `portico:`). `retention`, how long stored events are kept (checked by the events
   * service, default P1D); `pollInterval`, how often each subscriber looks for events without a notification and
   * for abandoned claims.
   */
  events: z
    .object({
      store: z.enum(['database', 'redis']).optional(),
      /** Redis URL when store is `redis`. */
      connection: z.string().optional(),
      keyPrefix: z.string().optional(),
      retention: z.unknown().optional(),
      pollInterval: z.number().int().positive().optional(),
    })
    .optional(),
  startup: z
    .object({
      plugins: z.record(z.string(), z.object({ onBootFailure: z.enum(['abort', 'continue']).optional() })).optional(),
      default: z.object({ onBootFailure: z.enum(['abort', 'continue']).optional() }).optional(),
    })
    .optional(),
  /** Feature packages to load by name (used by the CLI). */
  plugins: z.array(z.string()).optional(),
  /** Static tokens (checked by the identity services). */
  auth: z.object({ externalAccess: z.array(z.object({ token: z.unknown().optional(), subject: z.unknown().optional(), accessRestrictions: z.unknown().optional() })).optional() }).optional(),
  /** Browser origins allowed to call the API (checked by the HTTP security config). */
  cors: z.object({ origin: z.unknown().optional(), methods: z.unknown().optional(), credentials: z.unknown().optional() }).optional(),
  /** Host headers accepted besides baseUrl's and loopback. */
  allowedHosts: z.unknown().optional(),
  metrics: z.object({ public: z.unknown().optional() }).optional(),
  /** Sign-in and token endpoint rate limit `{ window, max }` and per-client route buckets `routes`, or `false`. */
  rateLimit: z.union([z.literal(false), z.object({ window: z.unknown().optional(), max: z.unknown().optional(), routes: z.unknown().optional() })]).optional(),
  /** express's `trust proxy`. */
  trustProxy: z.unknown().optional(),
  /** `log`: each event also a log line; `retention`: how long events are kept (the audit plugin, default P365D). */
  auditor: z.object({ log: z.unknown().optional(), retention: z.unknown().optional() }).optional(),
});

export type BackendConfig = z.infer<typeof backendConfigSchema>;
